"""Derived-operation results on tasks (result, source_task_id) and personas.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 19:43:14.073280
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "personas",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("key_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("source_clip_id", sa.String(length=64), nullable=False),
        sa.Column("voice", sa.String(length=8), nullable=False),
        sa.Column("style", sa.Text(), nullable=False),
        sa.Column("vocal_start", sa.Float(), nullable=False),
        sa.Column("vocal_end", sa.Float(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["key_id"], ["api_keys.id"], name=op.f("fk_personas_key_id_api_keys"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_personas")),
        sa.UniqueConstraint("source_clip_id", name=op.f("uq_personas_source_clip_id")),
    )
    with op.batch_alter_table("tasks", schema=None) as batch_op:
        batch_op.add_column(sa.Column("source_task_id", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("result", sa.Text(), server_default=sa.text("'{}'"), nullable=False))
        batch_op.create_index("ix_tasks_parent_clip", ["parent_clip_id", "operation"], unique=False)
        batch_op.create_index("ix_tasks_source_task", ["source_task_id", "operation"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("tasks", schema=None) as batch_op:
        batch_op.drop_index("ix_tasks_source_task")
        batch_op.drop_index("ix_tasks_parent_clip")
        batch_op.drop_column("result")
        batch_op.drop_column("source_task_id")

    op.drop_table("personas")
