"""`media_objects.encoding`: delivered WAV files stored as FLAC and served as the WAV they were.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05 01:10:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("media_objects", schema=None) as batch_op:
        batch_op.add_column(sa.Column("encoding", sa.String(length=16), nullable=True))


def downgrade() -> None:
    if op.get_context().dialect.name == "sqlite":  # in place (3.35+): no copy of the table
        op.execute("ALTER TABLE media_objects DROP COLUMN encoding")
    else:
        op.drop_column("media_objects", "encoding")
