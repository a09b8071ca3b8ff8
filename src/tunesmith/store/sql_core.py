"""What every part of SqlStore shares: the engine, transactions, row locks and loading tasks with clips.

Write transactions lock what they change before deciding (SELECT ... FOR UPDATE on PostgreSQL; BEGIN
IMMEDIATE on SQLite, where the whole database is the lock), so every check-then-write is atomic.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, and_, select, update
from sqlalchemy.sql.expression import Select

from tunesmith.domain.models import Clip, Task
from tunesmith.domain.states import QueueStatus, TaskState, advance
from tunesmith.store.database import make_engine
from tunesmith.store.fastread import SqliteFastReader
from tunesmith.store.rows import clip_from_row, task_from_row
from tunesmith.store.tables import clips, tasks

RUNNING = QueueStatus.RUNNING.value
QUEUED = QueueStatus.QUEUED.value
DONE = QueueStatus.DONE.value
TERMINAL = (TaskState.SUCCESS.value, TaskState.FAILED.value)


def now_utc() -> datetime:
    return datetime.now(UTC)


class SqlCore:
    """The base of SqlStore's mixins (one per concern: sql_keys, sql_tasks, sql_queue, ...)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        self.postgres = self.engine.dialect.name == "postgresql"
        self.inline_reads = self.engine.dialect.name == "sqlite"
        database = self.engine.url.database
        self._fast = (
            SqliteFastReader(database)
            if self.inline_reads and database not in (None, "", ":memory:")
            else None
        )

    def close(self) -> None:
        self.engine.dispose()

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        with self.engine.connect() as conn:
            conn = conn.execution_options(tunesmith_write=True)
            with conn.begin():
                yield conn

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        with self.engine.connect() as conn, conn.begin():
            yield conn

    def _locked(self, stmt: Select[Any]) -> Select[Any]:
        return stmt.with_for_update() if self.postgres else stmt

    def _load(self, conn: Connection, task_ids: Sequence[str]) -> dict[str, Task]:
        if not task_ids:
            return {}
        rows = conn.execute(select(tasks).where(tasks.c.id.in_(task_ids))).all()
        if not rows:
            return {}
        clip_rows = conn.execute(select(clips).where(clips.c.task_id.in_([r.id for r in rows]))).all()
        by_task: dict[str, list[Clip]] = {}
        for clip_row in clip_rows:
            by_task.setdefault(clip_row.task_id, []).append(clip_from_row(clip_row))
        return {r.id: task_from_row(r, by_task.get(r.id, [])) for r in rows}

    def _held(self, task_id: str, worker_id: str):  # type: ignore[no-untyped-def]
        return and_(tasks.c.id == task_id, tasks.c.lease_owner == worker_id, tasks.c.queue_status == RUNNING)

    def _update_held(self, task_id: str, worker_id: str, **values: Any) -> bool:
        """Change a task only if `worker_id` holds its lease; False when it does not."""
        with self._write() as conn:
            changed = conn.execute(update(tasks).where(self._held(task_id, worker_id)).values(**values))
            return changed.rowcount == 1

    def _lock_held(self, conn: Connection, task_id: str, worker_id: str) -> Any:
        return conn.execute(self._locked(select(tasks).where(self._held(task_id, worker_id)))).first()

    def _set_state(self, conn: Connection, row: Any, target: TaskState, now: datetime, **extra: Any) -> None:
        new_state = advance(TaskState(row.state), target)
        conn.execute(
            update(tasks).where(tasks.c.id == row.id).values(state=new_state.value, updated_at=now, **extra)
        )
