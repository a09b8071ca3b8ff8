"""The media layer's records: `media_objects` (every stored file, its owner, and whether it was delivered),
`clips.rebuildable`, and `api_keys.storage_mb` (a per-key storage quota).

Existing data keeps working: every file an older version recorded on a clip or a task is recorded here, the
ones it handed out as URLs (a clip's MP3 and cover, a derived operation's result files) as delivered, so
their old URLs keep answering; plans, word timings, MIDI, stems and WAV masters become private. Their sizes
are filled in by `tunesmith media migrate`, which also compacts them (the database cannot see the files).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-04 23:30:00
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from pathlib import PurePosixPath
from typing import Any

import sqlalchemy as sa
from alembic import op

from tunesmith.store.tables import UtcDateTime  # reads and writes instants in UTC on both databases

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = 64
_BATCH = 1000
_TYPES = {
    ".mp3": "audio/mpeg",
    ".wav": "audio/wav",
    ".mid": "audio/midi",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".json": "application/json",
    ".mp4": "video/mp4",
}

# The tables as this revision knows them (not tunesmith.store.tables, which moves on with later revisions).
_tasks = sa.table(
    "tasks",
    sa.column("id", sa.String()),
    sa.column("key_id", sa.String()),
    sa.column("result", sa.Text()),
    sa.column("parent_clip_id", sa.String()),
    sa.column("created_at", UtcDateTime()),
    sa.column("finished_at", UtcDateTime()),
)
_clips = sa.table(
    "clips",
    sa.column("id", sa.String()),
    sa.column("task_id", sa.String()),
    sa.column("audio_key", sa.Text()),
    sa.column("image_key", sa.Text()),
    sa.column("wav_key", sa.Text()),
    sa.column("artifacts", sa.Text()),
    sa.column("updated_at", UtcDateTime()),
)


def upgrade() -> None:
    op.create_table(
        "media_objects",
        sa.Column("key", sa.String(length=1024), nullable=False),
        sa.Column("key_id", sa.String(length=ID), nullable=False),
        sa.Column("task_id", sa.String(length=ID), nullable=False),
        sa.Column("clip_id", sa.String(length=ID), nullable=True),
        sa.Column("role", sa.String(length=64), nullable=False),
        sa.Column("size", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("content_type", sa.String(length=128), nullable=False),
        sa.Column("public", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["task_id"], ["tasks.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("key"),
    )
    with op.batch_alter_table("media_objects", schema=None) as batch_op:
        batch_op.create_index("ix_media_objects_clip", ["clip_id"], unique=False)
        batch_op.create_index("ix_media_objects_task", ["task_id"], unique=False)
        batch_op.create_index("ix_media_objects_owner", ["key_id"], unique=False)
        batch_op.create_index("ix_media_objects_created", ["created_at", "key"], unique=False)
        batch_op.create_index(
            "ix_media_objects_expires",
            ["expires_at"],
            unique=False,
            sqlite_where=sa.text("expires_at IS NOT NULL"),
            postgresql_where=sa.text("expires_at IS NOT NULL"),
        )
    with op.batch_alter_table("clips", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("rebuildable", sa.Boolean(), server_default=sa.text("false"), nullable=False)
        )
    with op.batch_alter_table("api_keys", schema=None) as batch_op:
        batch_op.add_column(sa.Column("storage_mb", sa.Integer(), nullable=True))
    if not op.get_context().as_sql:  # offline (--sql) scripts cannot read rows: only the schema changes
        _backfill(op.get_bind())


def downgrade() -> None:
    # SQLite (3.35+) drops a column in place; a batch copy would drop api_keys, which tasks reference
    for table, column in (("api_keys", "storage_mb"), ("clips", "rebuildable")):
        if op.get_context().dialect.name == "sqlite":
            op.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
        else:
            op.drop_column(table, column)
    op.drop_table("media_objects")


def _record(
    key: Any, owner: str, task_id: str, clip_id: str | None, role: str, public: bool, when: Any
) -> dict[str, Any]:
    suffix = PurePosixPath(str(key)).suffix.lower()
    return {
        "key": str(key),
        "key_id": owner,
        "task_id": task_id,
        "clip_id": clip_id,
        "role": role,
        "size": 0,
        "content_type": _TYPES.get(suffix, "application/octet-stream"),
        "public": public,
        "created_at": when or datetime.now(UTC),
    }


def _json(text: str | None) -> dict[str, Any]:
    try:
        data = json.loads(text or "{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _legacy_records(conn: sa.Connection) -> Iterator[dict[str, Any]]:
    owners: dict[str, tuple[str, Any]] = {}
    rows = conn.execute(
        sa.select(_tasks.c.id, _tasks.c.key_id, _tasks.c.result, _tasks.c.parent_clip_id, _tasks.c.created_at)
    )
    for row in rows:
        owners[row.id] = (row.key_id, row.created_at)
        files = _json(row.result).get("files")
        if isinstance(files, dict):
            for name, key in files.items():
                if isinstance(key, str) and key:
                    yield _record(
                        key, row.key_id, row.id, row.parent_clip_id, f"result.{name}", True, row.created_at
                    )
    for row in conn.execute(sa.select(_clips)):
        owner, created = owners.get(row.task_id, ("", None))
        when = row.updated_at or created
        if row.audio_key:
            yield _record(row.audio_key, owner, row.task_id, row.id, "audio", True, when)
        if row.image_key:
            yield _record(row.image_key, owner, row.task_id, row.id, "image", True, when)
        if row.wav_key:
            yield _record(row.wav_key, owner, row.task_id, row.id, "master", False, when)
        for name, key in _json(row.artifacts).items():
            if isinstance(key, str) and key:
                public = name in ("video", "mp4")
                yield _record(key, owner, row.task_id, row.id, name, public, when)


def _backfill(conn: sa.Connection) -> None:
    """Record every file older versions wrote (a key recorded twice keeps its first, delivered, record)."""
    media = sa.table(
        "media_objects",
        *(sa.column(c) for c in ("key", "key_id", "task_id", "clip_id", "role", "size", "content_type")),
        sa.column("public", sa.Boolean()),
        sa.column("created_at", UtcDateTime()),
    )
    seen: set[str] = set()
    batch: list[dict[str, Any]] = []
    for record in _legacy_records(conn):
        if record["key"] in seen or len(record["key"]) > 1024:
            continue
        seen.add(record["key"])
        batch.append(record)
        if len(batch) == _BATCH:
            conn.execute(sa.insert(media), batch)
            batch = []
    if batch:
        conn.execute(sa.insert(media), batch)
