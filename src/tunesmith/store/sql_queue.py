"""The queue: claiming the oldest due task, lease renewal and release, and sweeping expired leases.

The claim is one UPDATE whose subquery picks the oldest queued task with FOR UPDATE SKIP LOCKED
(PostgreSQL), so workers never wait on each other nor take the same task."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import and_, func, or_, select, update

from tunesmith.domain.models import Failure, Task
from tunesmith.domain.states import FailureCode, FailureKind
from tunesmith.store.base import SweepResult
from tunesmith.store.rows import aware
from tunesmith.store.sql_core import QUEUED, RUNNING, now_utc
from tunesmith.store.sql_finish import FinishSql
from tunesmith.store.tables import tasks


class QueueSql(FinishSql):
    """Mixin of SqlStore: the queue methods of tunesmith.store.base.Store (a sweep fails a task whose
    attempts are spent, hence FinishSql)."""

    def claim_next(
        self,
        worker_id: str,
        lease_seconds: float,
        engines: Sequence[str] | None = None,
        *,
        exclude: Sequence[str] = (),
    ) -> Task | None:
        now = now_utc()
        pick = (
            select(tasks.c.id)
            .where(
                tasks.c.queue_status == QUEUED, or_(tasks.c.not_before.is_(None), tasks.c.not_before <= now)
            )
            .order_by(tasks.c.created_at, tasks.c.id)
            .limit(1)
        )
        if engines:
            pick = pick.where(tasks.c.engine.in_(list(engines)))
        if exclude:
            pick = pick.where(tasks.c.engine.not_in(list(exclude)))
        if self.postgres:
            pick = pick.with_for_update(skip_locked=True)
        stmt = (
            update(tasks)
            .where(tasks.c.id == pick.scalar_subquery(), tasks.c.queue_status == QUEUED)
            .values(
                queue_status=RUNNING,
                lease_owner=worker_id,
                lease_expires_at=now + timedelta(seconds=lease_seconds),
                attempts=tasks.c.attempts + 1,
                started_at=func.coalesce(tasks.c.started_at, now),
                updated_at=now,
            )
            .returning(tasks.c.id)
        )
        with self._write() as conn:
            claimed = conn.execute(stmt).scalar_one_or_none()
            if claimed is None:
                return None
            return self._load(conn, [claimed])[claimed]

    def renew_lease(self, task_id: str, worker_id: str, lease_seconds: float) -> bool:
        now = now_utc()
        return self._update_held(
            task_id, worker_id, lease_expires_at=now + timedelta(seconds=lease_seconds), updated_at=now
        )

    def release(self, task_id: str, worker_id: str) -> bool:
        return self._update_held(
            task_id,
            worker_id,
            queue_status=QUEUED,
            lease_owner=None,
            lease_expires_at=None,
            attempts=tasks.c.attempts - 1,
            updated_at=now_utc(),
        )

    def retry_later(self, task_id: str, worker_id: str, delay_seconds: float) -> bool:
        now = now_utc()
        return self._update_held(
            task_id,
            worker_id,
            queue_status=QUEUED,
            lease_owner=None,
            lease_expires_at=None,
            not_before=now + timedelta(seconds=delay_seconds),
            updated_at=now,
        )

    def sweep_expired(self, now: datetime, limit: int = 100) -> SweepResult:
        requeued: list[str] = []
        failed: list[str] = []
        pick = (
            select(tasks)
            .where(tasks.c.queue_status == RUNNING, tasks.c.lease_expires_at < now)
            .order_by(tasks.c.lease_expires_at)
            .limit(limit)
        )
        if self.postgres:
            pick = pick.with_for_update(skip_locked=True)
        with self._write() as conn:
            for row in conn.execute(pick).all():
                held = and_(
                    tasks.c.id == row.id,
                    tasks.c.queue_status == RUNNING,
                    tasks.c.lease_owner == row.lease_owner,
                )
                if row.attempts < row.max_attempts:
                    conn.execute(
                        update(tasks)
                        .where(held)
                        .values(
                            queue_status=QUEUED,
                            lease_owner=None,
                            lease_expires_at=None,
                            not_before=now,
                            updated_at=now,
                        )
                    )
                    requeued.append(row.id)
                else:
                    message = (
                        f"The worker running this task stopped responding {row.attempts} times "
                        f"(last lease expired at {aware(row.lease_expires_at):%Y-%m-%d %H:%M:%S} UTC)"
                    )
                    self._fail(
                        conn,
                        row.id,
                        Failure(
                            kind=FailureKind.GENERATE_AUDIO_FAILED,
                            message=message,
                            code=FailureCode.GENERATION_FAILED,
                        ),
                        now,
                    )
                    failed.append(row.id)
        return SweepResult(requeued=tuple(requeued), failed=tuple(failed))
