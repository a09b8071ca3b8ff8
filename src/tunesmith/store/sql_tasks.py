"""Submitting tasks (charging their cost atomically) and reading tasks and clips back."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.exc import IntegrityError

from tunesmith.domain.errors import Conflict, InsufficientCredits
from tunesmith.domain.models import Clip, Task
from tunesmith.store.rows import (
    aware,
    clip_from_row,
    clip_values,
    task_from_row,
    task_values,
)
from tunesmith.store.sql_core import SqlCore
from tunesmith.store.tables import api_keys, clips, credit_ledger, tasks

_TASK_BY_ID = select(tasks).where(tasks.c.id == bindparam("task_id"))
_CLIPS_OF_TASK = select(clips).where(clips.c.task_id == bindparam("task_id")).order_by(clips.c.idx)
_CLIP_BY_ID = select(clips).where(clips.c.id == bindparam("clip_id"))
_TASK_VERSION = select(tasks.c.updated_at).where(tasks.c.id == bindparam("task_id"))


class TasksSql(SqlCore):
    """Mixin of SqlStore: submission and the task/clip reads of tunesmith.store.base.Store."""

    def submit_task(self, task: Task) -> Task:
        with self._write() as conn:
            key = conn.execute(self._locked(select(api_keys).where(api_keys.c.id == task.key_id))).first()
            if key is None:
                raise InsufficientCredits("Unknown API key")
            if task.cost and not key.unlimited:
                charged = conn.execute(
                    update(api_keys)
                    .where(api_keys.c.id == task.key_id, api_keys.c.credits >= task.cost)
                    .values(credits=api_keys.c.credits - task.cost)
                ).rowcount
                if not charged:
                    raise InsufficientCredits(
                        f"The current credits are insufficient: this operation costs {task.cost}, "
                        f"the balance is {key.credits}. Please top up."
                    )
            if task.cost:
                conn.execute(
                    insert(credit_ledger).values(
                        key_id=task.key_id,
                        task_id=task.id,
                        delta=-task.cost,
                        reason=f"charge:{task.operation.value}",
                        created_at=task.created_at,
                    )
                )
            try:
                with conn.begin_nested():
                    conn.execute(insert(tasks).values(**task_values(task)))
            except IntegrityError:
                raise Conflict(
                    f"A {task.operation.value} record already exists for this audio", field="audioId"
                ) from None
            if task.clips:
                conn.execute(insert(clips), [clip_values(c) for c in task.clips])
        stored = self.get_task(task.id)
        assert stored is not None
        return stored

    def get_task(self, task_id: str) -> Task | None:
        # The hottest read (every poll): the plain driver on SQLite, prebuilt statements elsewhere.
        if self._fast is not None:
            found = self._fast.task_rows(task_id)
            return task_from_row(found[0], [clip_from_row(r) for r in found[1]]) if found else None
        with self.engine.connect() as conn:
            row = conn.execute(_TASK_BY_ID, {"task_id": task_id}).first()
            if row is None:
                return None
            clip_rows = conn.execute(_CLIPS_OF_TASK, {"task_id": task_id}).all()
        return task_from_row(row, [clip_from_row(r) for r in clip_rows])

    def task_version(self, task_id: str) -> datetime | None:
        if self._fast is not None:
            return aware(self._fast.version(task_id))
        with self.engine.connect() as conn:
            return aware(conn.execute(_TASK_VERSION, {"task_id": task_id}).scalar_one_or_none())

    def get_tasks(self, task_ids: Sequence[str]) -> list[Task]:
        wanted = list(dict.fromkeys(task_ids))
        found: dict[str, Task] = {}
        with self._read() as conn:
            for start in range(0, len(wanted), 500):
                found.update(self._load(conn, wanted[start : start + 500]))
        return [found[t] for t in wanted if t in found]

    def get_clip(self, clip_id: str) -> Clip | None:
        with self.engine.connect() as conn:
            row = conn.execute(_CLIP_BY_ID, {"clip_id": clip_id}).first()
        return clip_from_row(row) if row else None

    def get_clips(self, clip_ids: Sequence[str]) -> list[Clip]:
        wanted = list(dict.fromkeys(clip_ids))
        found: dict[str, Clip] = {}
        with self._read() as conn:
            for start in range(0, len(wanted), 500):
                rows = conn.execute(select(clips).where(clips.c.id.in_(wanted[start : start + 500]))).all()
                found.update({r.id: clip_from_row(r) for r in rows})
        return [found[c] for c in wanted if c in found]

    def find_tasks(
        self,
        key_id: str,
        operation: str,
        *,
        parent_clip_id: str | None = None,
        source_task_id: str | None = None,
    ) -> list[Task]:
        stmt = select(tasks.c.id).where(tasks.c.key_id == key_id, tasks.c.operation == operation)
        if parent_clip_id is not None:
            stmt = stmt.where(tasks.c.parent_clip_id == parent_clip_id)
        if source_task_id is not None:
            stmt = stmt.where(tasks.c.source_task_id == source_task_id)
        with self._read() as conn:
            ids = list(conn.execute(stmt.order_by(tasks.c.created_at, tasks.c.id)).scalars())
            found = self._load(conn, ids)
        return [found[i] for i in ids]

    def library(self, key_id: str, *, limit: int, offset: int = 0) -> list[tuple[Task, Clip]]:
        stmt = (
            select(clips.c.id, clips.c.task_id)
            .join(tasks, tasks.c.id == clips.c.task_id)
            .where(tasks.c.key_id == key_id)
            .order_by(tasks.c.created_at.desc(), tasks.c.id.desc(), clips.c.idx)
            .limit(limit)
            .offset(offset)
        )
        with self._read() as conn:
            rows = conn.execute(stmt).all()
            found = self._load(conn, list(dict.fromkeys(row.task_id for row in rows)))
        by_id = {clip.id: (task, clip) for task in found.values() for clip in task.clips}
        return [by_id[row.id] for row in rows if row.id in by_id]
