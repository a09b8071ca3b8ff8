"""At most one live WAV record per clip and one live cover-art task per music task.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 20:12:49.158506
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("tasks", schema=None) as batch_op:
        batch_op.create_index(
            "uq_tasks_one_cover_per_task",
            ["source_task_id"],
            unique=True,
            sqlite_where=sa.text("operation = 'cover_art' AND state != 'FAILED'"),
            postgresql_where=sa.text("operation = 'cover_art' AND state != 'FAILED'"),
        )
        batch_op.create_index(
            "uq_tasks_one_wav_per_clip",
            ["parent_clip_id"],
            unique=True,
            sqlite_where=sa.text("operation = 'wav' AND state != 'FAILED'"),
            postgresql_where=sa.text("operation = 'wav' AND state != 'FAILED'"),
        )


def downgrade() -> None:
    with op.batch_alter_table("tasks", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_tasks_one_wav_per_clip",
            sqlite_where=sa.text("operation = 'wav' AND state != 'FAILED'"),
            postgresql_where=sa.text("operation = 'wav' AND state != 'FAILED'"),
        )
        batch_op.drop_index(
            "uq_tasks_one_cover_per_task",
            sqlite_where=sa.text("operation = 'cover_art' AND state != 'FAILED'"),
            postgresql_where=sa.text("operation = 'cover_art' AND state != 'FAILED'"),
        )
