"""Callback deliveries: one per task and stage, claimed in order per task, every attempt recorded."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import exists, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from tunesmith.domain.models import CallbackDelivery
from tunesmith.store.rows import aware, delivery_from_row
from tunesmith.store.sql_core import SqlCore, now_utc
from tunesmith.store.tables import callback_attempts, callback_deliveries


class CallbacksSql(SqlCore):
    """Mixin of SqlStore: the callback-delivery methods of tunesmith.store.base.Store."""

    def enqueue_callback(
        self, task_id: str, stage: str, url: str, payload: dict[str, Any]
    ) -> CallbackDelivery | None:
        now = now_utc()
        try:
            with self._write() as conn:
                dup = conn.execute(
                    select(callback_deliveries.c.id).where(
                        callback_deliveries.c.task_id == task_id, callback_deliveries.c.stage == stage
                    )
                ).first()
                if dup is not None:
                    return None
                new_id = conn.execute(
                    insert(callback_deliveries)
                    .values(
                        task_id=task_id,
                        stage=stage,
                        url=url,
                        payload=json.dumps(payload, ensure_ascii=False),
                        status="pending",
                        attempts=0,
                        next_attempt_at=now,
                        created_at=now,
                        updated_at=now,
                    )
                    .returning(callback_deliveries.c.id)
                ).scalar_one()
                row = conn.execute(
                    select(callback_deliveries).where(callback_deliveries.c.id == new_id)
                ).one()
                return delivery_from_row(row)
        except IntegrityError:
            return None

    def claim_due_callbacks(
        self,
        worker_id: str,
        now: datetime,
        limit: int,
        lease_seconds: float,
    ) -> list[CallbackDelivery]:
        cd = callback_deliveries
        earlier = cd.alias("earlier")
        pick = (
            select(cd)
            .where(
                cd.c.status == "pending",
                cd.c.next_attempt_at <= now,
                or_(cd.c.lease_expires_at.is_(None), cd.c.lease_expires_at < now),
                ~exists(
                    select(earlier.c.id).where(
                        earlier.c.task_id == cd.c.task_id,
                        earlier.c.id < cd.c.id,
                        earlier.c.status == "pending",
                    )
                ),
            )
            .order_by(cd.c.id)
            .limit(limit)
        )
        if self.postgres:
            pick = pick.with_for_update(skip_locked=True, of=cd)
        with self._write() as conn:
            rows = conn.execute(pick).all()
            if not rows:
                return []
            conn.execute(
                update(cd)
                .where(cd.c.id.in_([r.id for r in rows]))
                .values(
                    lease_owner=worker_id,
                    lease_expires_at=now + timedelta(seconds=lease_seconds),
                    updated_at=now,
                )
            )
        return [delivery_from_row(r) for r in rows]

    def renew_callback_lease(self, delivery_id: int, worker_id: str, lease_seconds: float) -> bool:
        cd = callback_deliveries
        now = now_utc()
        with self._write() as conn:
            renewed = conn.execute(
                update(cd)
                .where(cd.c.id == delivery_id, cd.c.lease_owner == worker_id, cd.c.status == "pending")
                .values(lease_expires_at=now + timedelta(seconds=lease_seconds), updated_at=now)
            ).rowcount
        return bool(renewed)

    def record_callback_attempt(
        self,
        delivery_id: int,
        *,
        status: str,
        status_code: int | None,
        error: str | None,
        next_attempt_at: datetime | None,
    ) -> None:
        now = now_utc()
        cd = callback_deliveries
        with self._write() as conn:
            attempts = conn.execute(select(cd.c.attempts).where(cd.c.id == delivery_id)).scalar_one() + 1
            conn.execute(
                insert(callback_attempts).values(
                    delivery_id=delivery_id,
                    attempt=attempts,
                    status_code=status_code,
                    error=error,
                    created_at=now,
                )
            )
            conn.execute(
                update(cd)
                .where(cd.c.id == delivery_id)
                .values(
                    status=status,
                    attempts=attempts,
                    last_status_code=status_code,
                    last_error=error,
                    next_attempt_at=next_attempt_at,
                    lease_owner=None,
                    lease_expires_at=None,
                    updated_at=now,
                )
            )

    def list_callbacks(self, task_id: str) -> list[CallbackDelivery]:
        with self._read() as conn:
            rows = conn.execute(
                select(callback_deliveries)
                .where(callback_deliveries.c.task_id == task_id)
                .order_by(callback_deliveries.c.id)
            ).all()
        return [delivery_from_row(r) for r in rows]

    def callback_attempts(self, delivery_id: int) -> list[dict[str, Any]]:
        with self._read() as conn:
            rows = conn.execute(
                select(callback_attempts)
                .where(callback_attempts.c.delivery_id == delivery_id)
                .order_by(callback_attempts.c.id)
            ).all()
        return [
            {
                "attempt": r.attempt,
                "status_code": r.status_code,
                "error": r.error,
                "created_at": aware(r.created_at),
            }
            for r in rows
        ]
