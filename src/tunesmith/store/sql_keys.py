"""API keys and their credit ledger: creation, lookup, top-ups."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.exc import IntegrityError

from tunesmith.domain.models import ApiKey
from tunesmith.store.rows import aware, key_from_row
from tunesmith.store.sql_core import SqlCore, now_utc
from tunesmith.store.tables import api_keys, credit_ledger


class KeysSql(SqlCore):
    """Mixin of SqlStore: the key and credit methods of tunesmith.store.base.Store."""

    def create_key(
        self,
        *,
        name: str,
        key_hash: str,
        prefix: str,
        credits: int,
        unlimited: bool = False,
        webhook_secret: str | None = None,
        storage_mb: int | None = None,
    ) -> ApiKey:
        existing = self.get_key_by_hash(key_hash)
        if existing is not None:
            return existing
        now = now_utc()
        key_id = uuid.uuid4().hex[:16]
        try:
            with self._write() as conn:
                conn.execute(
                    insert(api_keys).values(
                        id=key_id,
                        name=name,
                        key_hash=key_hash,
                        prefix=prefix,
                        credits=credits,
                        unlimited=unlimited,
                        webhook_secret=webhook_secret,
                        storage_mb=storage_mb,
                        created_at=now,
                    )
                )
                if credits:
                    conn.execute(
                        insert(credit_ledger).values(
                            key_id=key_id,
                            task_id=None,
                            delta=credits,
                            reason="initial credits",
                            created_at=now,
                        )
                    )
        except IntegrityError:
            pass  # created concurrently with the same hash
        key = self.get_key_by_hash(key_hash)
        assert key is not None
        return key

    def get_key_by_hash(self, key_hash: str) -> ApiKey | None:
        with self._read() as conn:
            row = conn.execute(select(api_keys).where(api_keys.c.key_hash == key_hash)).first()
        return key_from_row(row) if row else None

    def get_key(self, key_id: str) -> ApiKey | None:
        with self._read() as conn:
            row = conn.execute(select(api_keys).where(api_keys.c.id == key_id)).first()
        return key_from_row(row) if row else None

    def list_keys(self) -> list[ApiKey]:
        with self._read() as conn:
            rows = conn.execute(select(api_keys).order_by(api_keys.c.created_at)).all()
        return [key_from_row(r) for r in rows]

    def count_keys(self) -> int:
        with self._read() as conn:
            return int(conn.execute(select(func.count()).select_from(api_keys)).scalar_one())

    def add_credits(self, key_id: str, amount: int, reason: str) -> int:
        with self._write() as conn:
            conn.execute(
                update(api_keys).where(api_keys.c.id == key_id).values(credits=api_keys.c.credits + amount)
            )
            conn.execute(
                insert(credit_ledger).values(
                    key_id=key_id, task_id=None, delta=amount, reason=reason, created_at=now_utc()
                )
            )
            return int(conn.execute(select(api_keys.c.credits).where(api_keys.c.id == key_id)).scalar_one())

    def ledger(self, key_id: str) -> list[dict[str, Any]]:
        with self._read() as conn:
            rows = conn.execute(
                select(credit_ledger).where(credit_ledger.c.key_id == key_id).order_by(credit_ledger.c.id)
            ).all()
        return [
            {"delta": r.delta, "reason": r.reason, "task_id": r.task_id, "created_at": aware(r.created_at)}
            for r in rows
        ]
