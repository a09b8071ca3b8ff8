"""Shares: public links to single songs, one live link per clip, revocable by the key that made them."""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert, select, update

from tunesmith.domain.models import Share
from tunesmith.store.sql_core import SqlCore, now_utc
from tunesmith.store.tables import api_keys, shares


def _share(row: Any) -> Share:
    return Share(
        token=row.token,
        key_id=row.key_id,
        task_id=row.task_id,
        clip_id=row.clip_id,
        created_at=row.created_at,
        revoked_at=row.revoked_at,
    )


class SharesSql(SqlCore):
    """Mixin of SqlStore: the share methods of tunesmith.store.base.Store."""

    def create_share(self, share: Share) -> Share:
        live = (
            shares.c.key_id == share.key_id,
            shares.c.clip_id == share.clip_id,
            shares.c.revoked_at.is_(None),
        )
        with self._write() as conn:
            # the write transaction holds the database (SQLite) or this key's row (PostgreSQL): no two live
            # links for one clip
            conn.execute(self._locked(select(api_keys.c.id).where(api_keys.c.id == share.key_id)))
            row = conn.execute(select(shares).where(*live)).first()
            if row is not None:
                return _share(row)
            conn.execute(
                insert(shares).values(
                    token=share.token,
                    key_id=share.key_id,
                    task_id=share.task_id,
                    clip_id=share.clip_id,
                    created_at=share.created_at,
                    revoked_at=None,
                )
            )
        return share

    def get_share(self, token: str) -> Share | None:
        with self._read() as conn:
            row = conn.execute(select(shares).where(shares.c.token == token)).first()
        return _share(row) if row else None

    def live_shares(self, key_id: str, clip_id: str | None = None) -> list[Share]:
        stmt = select(shares).where(shares.c.key_id == key_id, shares.c.revoked_at.is_(None))
        if clip_id is not None:
            stmt = stmt.where(shares.c.clip_id == clip_id)
        with self._read() as conn:
            rows = conn.execute(stmt.order_by(shares.c.created_at.desc(), shares.c.token)).all()
        return [_share(row) for row in rows]

    def revoke_share(self, key_id: str, token: str) -> Share | None:
        mine = (shares.c.token == token, shares.c.key_id == key_id)
        with self._write() as conn:
            conn.execute(
                update(shares).where(*mine, shares.c.revoked_at.is_(None)).values(revoked_at=now_utc())
            )
            row = conn.execute(select(shares).where(*mine)).first()
        return _share(row) if row else None
