"""`tasks.progress`: how far the engine says it is (0..1), so new-api/qhaigc percentages move while it works.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05 22:55:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("tasks", schema=None) as batch_op:
        batch_op.add_column(sa.Column("progress", sa.Float(), nullable=True))


def downgrade() -> None:
    if op.get_context().dialect.name == "sqlite":  # in place (3.35+): no copy of the table
        op.execute("ALTER TABLE tasks DROP COLUMN progress")
    else:
        op.drop_column("tasks", "progress")
