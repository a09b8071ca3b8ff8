"""The store's schema as SQLAlchemy Core tables (the Alembic migrations create exactly this).

Core rather than ORM classes: the store reads rows straight into the frozen domain dataclasses, which keeps
the hot polling reads to plain SELECTs with no identity map or lazy loading in between.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
    text,
)

ID = 64  # task, clip and key ids are strings of at most 64 characters


class UtcDateTime(TypeDecorator[datetime]):
    """A timestamp stored in UTC and always read back timezone-aware.

    SQLite has no timezone type and hands back naive values; PostgreSQL hands back the session's zone. Naive
    values given to the store are taken as UTC.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        # defensive: a row written by another tool as text
        moment: datetime = datetime.fromisoformat(value) if isinstance(value, str) else value
        if moment.tzinfo is None:
            return moment.replace(tzinfo=UTC)
        return moment.astimezone(UTC)


metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

api_keys = Table(
    "api_keys",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("key_hash", String(128), nullable=False, unique=True),
    Column("prefix", String(32), nullable=False),
    Column("credits", Integer, nullable=False, server_default=text("0")),
    Column("unlimited", Boolean, nullable=False, server_default=text("false")),
    Column("webhook_secret", String(200)),
    Column("storage_mb", Integer),  # media quota in MB; NULL: the operator's default
    Column("created_at", UtcDateTime, nullable=False),
)

credit_ledger = Table(
    "credit_ledger",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("key_id", String(ID), ForeignKey("api_keys.id", ondelete="CASCADE"), nullable=False),
    Column("task_id", String(ID)),
    Column("delta", Integer, nullable=False),
    Column("reason", String(200), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Index("ix_credit_ledger_key_id", "key_id", "id"),
)

tasks = Table(
    "tasks",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("key_id", String(ID), ForeignKey("api_keys.id"), nullable=False),
    Column("operation", String(32), nullable=False),
    Column("dialect", String(32), nullable=False),
    Column("engine", String(64), nullable=False),
    Column("model", String(64), nullable=False),
    Column("state", String(32), nullable=False),
    Column("queue_status", String(16), nullable=False),
    Column("failure_kind", String(64)),
    Column("error_code", Integer),
    Column("error_message", Text),
    Column("request", Text, nullable=False),
    Column("raw_request", Text, nullable=False),
    Column("callback_url", Text),
    Column("parent_clip_id", String(ID)),
    Column("source_task_id", String(ID)),
    # The persona a song was sung with (also inside `request`), so a persona's songs are one indexed lookup.
    Column("persona_id", String(ID)),
    Column("result", Text, nullable=False, server_default=text("'{}'")),
    # What a hosted engine saved to resume the task on another worker (the relay's channel and upstream ids).
    Column("engine_state", Text),  # JSON; NULL reads as {}
    # How far the engine says it is (0..1) while it works; NULL before its first report.
    Column("progress", Float),
    Column("cost", Integer, nullable=False, server_default=text("0")),
    Column("refunded", Boolean, nullable=False, server_default=text("false")),
    Column("attempts", Integer, nullable=False, server_default=text("0")),
    Column("max_attempts", Integer, nullable=False, server_default=text("3")),
    Column("lease_owner", String(128)),
    Column("lease_expires_at", UtcDateTime),
    Column("not_before", UtcDateTime),
    Column("created_at", UtcDateTime, nullable=False),
    Column("started_at", UtcDateTime),
    Column("finished_at", UtcDateTime),
    Column("updated_at", UtcDateTime, nullable=False),
    # The claim query: the oldest queued task. Partial, so it stays as small as the queue itself.
    Index(
        "ix_tasks_queued",
        "created_at",
        "id",
        sqlite_where=text("queue_status = 'queued'"),
        postgresql_where=text("queue_status = 'queued'"),
    ),
    # The sweep query: running tasks whose lease has expired.
    Index(
        "ix_tasks_running_lease",
        "lease_expires_at",
        sqlite_where=text("queue_status = 'running'"),
        postgresql_where=text("queue_status = 'running'"),
    ),
    Index("ix_tasks_key_id", "key_id", "created_at"),
    # Derived operations look up earlier work on the same clip or task (one WAV per clip, one cover per task).
    Index("ix_tasks_parent_clip", "parent_clip_id", "operation"),
    Index("ix_tasks_source_task", "source_task_id", "operation"),
    # gcui's /api/persona: the songs sung with one persona, newest first.
    Index("ix_tasks_persona", "persona_id", "created_at"),
    # One live WAV record per clip and one live cover-art task per music task (kie's rules), enforced by the
    # database so two requests racing each other cannot both get in; a failed one frees the slot.
    Index(
        "uq_tasks_one_wav_per_clip",
        "parent_clip_id",
        unique=True,
        sqlite_where=text("operation = 'wav' AND state != 'FAILED'"),
        postgresql_where=text("operation = 'wav' AND state != 'FAILED'"),
    ),
    Index(
        "uq_tasks_one_cover_per_task",
        "source_task_id",
        unique=True,
        sqlite_where=text("operation = 'cover_art' AND state != 'FAILED'"),
        postgresql_where=text("operation = 'cover_art' AND state != 'FAILED'"),
    ),
)

clips = Table(
    "clips",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("task_id", String(ID), ForeignKey("tasks.id", ondelete="CASCADE"), nullable=False),
    Column("idx", Integer, nullable=False),
    Column("state", String(16), nullable=False),
    Column("title", Text, nullable=False, server_default=text("''")),
    Column("tags", Text, nullable=False, server_default=text("''")),
    Column("lyrics", Text, nullable=False, server_default=text("''")),
    Column("model_name", String(64), nullable=False, server_default=text("''")),
    Column("duration", Float),
    Column("audio_key", Text),
    Column("stream_key", Text),
    Column("image_key", Text),
    Column("wav_key", Text),
    Column("artifacts", Text, nullable=False, server_default=text("'{}'")),
    Column("rebuildable", Boolean, nullable=False, server_default=text("false")),
    Column("error_message", Text),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    UniqueConstraint("task_id", "idx"),
)

personas = Table(
    "personas",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("key_id", String(ID), ForeignKey("api_keys.id", ondelete="CASCADE"), nullable=False),
    Column("name", String(200), nullable=False),
    Column("description", Text, nullable=False),
    Column("source_clip_id", String(ID), nullable=False),
    Column("voice", String(8), nullable=False),
    Column("style", Text, nullable=False),
    Column("vocal_start", Float, nullable=False),
    Column("vocal_end", Float, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    UniqueConstraint("source_clip_id"),
)

shares = Table(
    "shares",
    metadata,
    Column("token", String(ID), primary_key=True),
    Column("key_id", String(ID), ForeignKey("api_keys.id", ondelete="CASCADE"), nullable=False),
    Column("task_id", String(ID), ForeignKey("tasks.id", ondelete="CASCADE"), nullable=False),
    Column("clip_id", String(ID), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("revoked_at", UtcDateTime, nullable=True),
    Index("ix_shares_key_clip", "key_id", "clip_id"),
)

callback_deliveries = Table(
    "callback_deliveries",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("task_id", String(ID), ForeignKey("tasks.id", ondelete="CASCADE"), nullable=False),
    Column("stage", String(16), nullable=False),
    Column("url", Text, nullable=False),
    Column("payload", Text, nullable=False),
    Column("status", String(16), nullable=False),
    Column("attempts", Integer, nullable=False, server_default=text("0")),
    Column("last_status_code", Integer),
    Column("last_error", Text),
    Column("next_attempt_at", UtcDateTime),
    Column("lease_owner", String(128)),
    Column("lease_expires_at", UtcDateTime),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    UniqueConstraint("task_id", "stage"),
    # The sender's query: pending deliveries that are due.
    Index(
        "ix_callback_deliveries_due",
        "next_attempt_at",
        "id",
        sqlite_where=text("status = 'pending'"),
        postgresql_where=text("status = 'pending'"),
    ),
)

callback_attempts = Table(
    "callback_attempts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("delivery_id", Integer, ForeignKey("callback_deliveries.id", ondelete="CASCADE"), nullable=False),
    Column("attempt", Integer, nullable=False),
    Column("status_code", Integer),
    Column("error", Text),
    Column("created_at", UtcDateTime, nullable=False),
    Index("ix_callback_attempts_delivery_id", "delivery_id", "attempt"),
)

# Every file in the media store, with its owner; `public` marks the files delivered to clients, the only ones
# /media/<key> serves without a key. A key ending in '/' stands for a folder of pieces (a live stream).
media_objects = Table(
    "media_objects",
    metadata,
    Column("key", String(1024), primary_key=True),
    Column("key_id", String(ID), nullable=False),
    Column("task_id", String(ID), ForeignKey("tasks.id", ondelete="CASCADE"), nullable=False),
    Column("clip_id", String(ID)),
    Column("role", String(64), nullable=False),
    Column("size", BigInteger, nullable=False, server_default=text("0")),
    Column("content_type", String(128), nullable=False),
    Column("public", Boolean, nullable=False, server_default=text("false")),
    Column("digest", String(64)),
    Column("encoding", String(16)),
    Column("created_at", UtcDateTime, nullable=False),
    Column("expires_at", UtcDateTime),
    Index("ix_media_objects_clip", "clip_id"),
    Index("ix_media_objects_task", "task_id"),
    Index("ix_media_objects_owner", "key_id"),
    Index("ix_media_objects_created", "created_at", "key"),
    Index(
        "ix_media_objects_expires",
        "expires_at",
        sqlite_where=text("expires_at IS NOT NULL"),
        postgresql_where=text("expires_at IS NOT NULL"),
    ),
)

# What each worker's hosted engines last reported about their upstreams (the relay's channels), for
# `tunesmith relay status` and metrics: one row per worker and engine, overwritten every few seconds.
engine_health = Table(
    "engine_health",
    metadata,
    Column("worker_id", String(128), primary_key=True),
    Column("engine", String(200), primary_key=True),
    Column("payload", Text, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
)
