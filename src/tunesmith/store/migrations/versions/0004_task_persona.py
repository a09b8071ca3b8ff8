"""The persona a task sings with, as an indexed column (gcui's /api/persona lists a persona's songs).

Existing tasks are backfilled from their JSON `request`, which has always held `persona_id`.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 22:30:00
"""

from __future__ import annotations

import json
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MAX_ID_LENGTH = 64
_BATCH = 1000

# The table as this revision knows it (not tunesmith.store.tables, which moves on with later revisions).
_tasks = sa.table(
    "tasks",
    sa.column("id", sa.String()),
    sa.column("request", sa.Text()),
    sa.column("persona_id", sa.String()),
)


def upgrade() -> None:
    with op.batch_alter_table("tasks", schema=None) as batch_op:
        batch_op.add_column(sa.Column("persona_id", sa.String(length=MAX_ID_LENGTH), nullable=True))
        batch_op.create_index("ix_tasks_persona", ["persona_id", "created_at"], unique=False)
    if not op.get_context().as_sql:  # offline (--sql) scripts cannot read rows: only the schema changes
        _backfill(op.get_bind())


def downgrade() -> None:
    with op.batch_alter_table("tasks", schema=None) as batch_op:
        batch_op.drop_index("ix_tasks_persona")
        batch_op.drop_column("persona_id")


def _persona_of(request: str | None) -> str | None:
    """The request's persona id, or None (no persona, or a request that is not the JSON object we wrote)."""
    try:
        data = json.loads(request or "{}")
    except ValueError:
        return None
    value = data.get("persona_id") if isinstance(data, dict) else None
    if isinstance(value, str) and value and len(value) <= MAX_ID_LENGTH:
        return value
    return None


def _backfill(conn: sa.Connection) -> None:
    """Set persona_id on every task whose request names a persona. The ids are gathered first (only the
    tasks with a persona are kept in memory) and written afterwards, so no update runs under an open read."""
    found: list[dict[str, str]] = []
    rows = conn.execute(sa.select(_tasks.c.id, _tasks.c.request).execution_options(yield_per=_BATCH))
    with rows:
        for row in rows:
            persona_id = _persona_of(row.request)
            if persona_id is not None:
                found.append({"task_id": row.id, "value": persona_id})
    update = (
        sa.update(_tasks)
        .where(_tasks.c.id == sa.bindparam("task_id"))
        .values(persona_id=sa.bindparam("value"))
    )
    for start in range(0, len(found), _BATCH):
        conn.execute(update, found[start : start + _BATCH])
