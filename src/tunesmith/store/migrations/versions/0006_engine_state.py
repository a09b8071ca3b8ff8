"""Hosted engines: a task's engine state (the relay's channel, submit attempts and upstream ids, so another
worker resumes a task instead of submitting it twice) and each worker's report on its upstreams.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04 23:50:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("tasks", schema=None) as batch_op:
        # Nullable (read as {}): adding a NOT NULL column would make SQLite rebuild the table.
        batch_op.add_column(sa.Column("engine_state", sa.Text(), nullable=True))
    op.create_table(
        "engine_health",
        sa.Column("worker_id", sa.String(length=128), nullable=False),
        sa.Column("engine", sa.String(length=200), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("worker_id", "engine", name=op.f("pk_engine_health")),
    )


def downgrade() -> None:
    op.drop_table("engine_health")
    with op.batch_alter_table("tasks", schema=None) as batch_op:
        batch_op.drop_column("engine_state")
