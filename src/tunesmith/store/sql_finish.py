"""Finishing a task: success once every clip is complete, or failure with its cost refunded."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, func, insert, select, update

from tunesmith.domain.models import Failure, Task
from tunesmith.domain.states import ClipState, TaskState
from tunesmith.store.sql_core import DONE, TERMINAL, SqlCore, now_utc
from tunesmith.store.tables import api_keys, clips, credit_ledger, tasks


class FinishSql(SqlCore):
    """Mixin of SqlStore: finish_task and fail_task of tunesmith.store.base.Store."""

    def finish_task(self, task_id: str, worker_id: str) -> Task | None:
        now = now_utc()
        with self._write() as conn:
            row = self._lock_held(conn, task_id, worker_id)
            if row is None or row.state in TERMINAL:
                return None
            unfinished = conn.execute(
                select(func.count())
                .select_from(clips)
                .where(clips.c.task_id == task_id, clips.c.state != ClipState.COMPLETE.value)
            ).scalar_one()
            if unfinished:
                return None
            conn.execute(
                update(tasks)
                .where(tasks.c.id == task_id)
                .values(
                    state=TaskState.SUCCESS.value,
                    queue_status=DONE,
                    lease_owner=None,
                    lease_expires_at=None,
                    finished_at=now,
                    updated_at=now,
                )
            )
            return self._load(conn, [task_id])[task_id]

    def fail_task(self, task_id: str, failure: Failure, worker_id: str | None = None) -> Task | None:
        now = now_utc()
        with self._write() as conn:
            if worker_id is not None:
                row = self._lock_held(conn, task_id, worker_id)
            else:
                row = conn.execute(self._locked(select(tasks).where(tasks.c.id == task_id))).first()
            if row is None or row.state in TERMINAL:
                return None
            self._fail(conn, task_id, failure, now)
            return self._load(conn, [task_id])[task_id]

    def _fail(self, conn: Connection, task_id: str, failure: Failure, now: datetime) -> None:
        """Mark the (locked) task FAILED and give its cost back in the same transaction, so no reader ever
        sees a failed task whose credits are still spent."""
        row = conn.execute(
            select(tasks.c.key_id, tasks.c.cost, tasks.c.refunded).where(tasks.c.id == task_id)
        ).one()
        conn.execute(
            update(tasks)
            .where(tasks.c.id == task_id)
            .values(
                state=TaskState.FAILED.value,
                queue_status=DONE,
                failure_kind=failure.kind.value,
                error_code=None if failure.code is None else int(failure.code),
                error_message=failure.message,
                lease_owner=None,
                lease_expires_at=None,
                finished_at=now,
                updated_at=now,
                refunded=True,
            )
        )
        conn.execute(
            update(clips)
            .where(clips.c.task_id == task_id, clips.c.state != ClipState.COMPLETE.value)
            .values(state=ClipState.ERROR.value, error_message=failure.message, updated_at=now)
        )
        if row.cost and not row.refunded:
            # Unlimited keys were never debited (submit_task), so their balance is not credited either.
            conn.execute(
                update(api_keys)
                .where(api_keys.c.id == row.key_id, api_keys.c.unlimited.is_(False))
                .values(credits=api_keys.c.credits + row.cost)
            )
            conn.execute(
                insert(credit_ledger).values(
                    key_id=row.key_id,
                    task_id=task_id,
                    delta=row.cost,
                    reason=f"refund:{task_id}",
                    created_at=now,
                )
            )
