"""What a worker reports while it holds a task: text, clips, engine state and results.

Every report is accepted only from the lease holder of a task that has not finished."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select, update

from tunesmith.domain.models import MediaRecord, Task
from tunesmith.domain.states import ClipState, TaskState
from tunesmith.store.base import ClipUpdate
from tunesmith.store.sql_core import TERMINAL, SqlCore, now_utc
from tunesmith.store.sql_media import insert_media
from tunesmith.store.tables import clips, tasks


class ProgressSql(SqlCore):
    """Mixin of SqlStore: the progress-report methods of tunesmith.store.base.Store."""

    def record_text(self, task_id: str, worker_id: str, *, title: str, tags: str, lyrics: str) -> Task | None:
        now = now_utc()
        with self._write() as conn:
            row = self._lock_held(conn, task_id, worker_id)
            if row is None or row.state in TERMINAL:
                return None
            conn.execute(
                update(clips)
                .where(clips.c.task_id == task_id)
                .values(title=title, tags=tags, lyrics=lyrics, updated_at=now)
            )
            conn.execute(
                update(clips)
                .where(clips.c.task_id == task_id, clips.c.state == ClipState.SUBMITTED.value)
                .values(state=ClipState.QUEUED.value)
            )
            self._set_state(conn, row, TaskState.TEXT_SUCCESS, now)
            return self._load(conn, [task_id])[task_id]

    def record_clip(
        self,
        task_id: str,
        worker_id: str,
        index: int,
        *,
        state: str,
        update: ClipUpdate,
        media: Sequence[MediaRecord] = (),
    ) -> Task | None:
        clip_state = ClipState(state)
        if clip_state not in (ClipState.STREAMING, ClipState.COMPLETE):
            raise ValueError(f"record_clip takes 'streaming' or 'complete', not {state!r}")
        now = now_utc()
        values: dict[str, Any] = {k: v for k, v in vars(update).items() if v is not None}
        if "artifacts" in values:
            values["artifacts"] = json.dumps(values["artifacts"])
        with self._write() as conn:
            row = self._lock_held(conn, task_id, worker_id)
            if row is None or row.state in TERMINAL:
                return None
            target = clips.c.task_id == task_id
            current = conn.execute(
                select(clips.c.state).where(target, clips.c.idx == index)
            ).scalar_one_or_none()
            if current is None:
                raise ValueError(f"task {task_id} has no clip {index}")
            if current != ClipState.COMPLETE.value or clip_state is ClipState.COMPLETE:
                values["state"] = clip_state.value
            conn.execute(_update_clip(target, index, values, now))
            if media:
                insert_media(conn, media)
            self._set_state(conn, row, TaskState.FIRST_SUCCESS, now)
            return self._load(conn, [task_id])[task_id]

    def record_progress(self, task_id: str, worker_id: str, fraction: float) -> bool:
        with self._write() as conn:
            done = conn.execute(
                update(tasks)
                .where(
                    tasks.c.id == task_id,
                    tasks.c.lease_owner == worker_id,
                    tasks.c.state.notin_(TERMINAL),
                )
                .values(progress=min(1.0, max(0.0, float(fraction))), updated_at=now_utc())
            )
            return bool(done.rowcount)

    def save_engine_state(self, task_id: str, worker_id: str, state: dict[str, Any]) -> Task | None:
        with self._write() as conn:
            row = self._lock_held(conn, task_id, worker_id)
            if row is None or row.state in TERMINAL:
                return None
            conn.execute(
                update(tasks)
                .where(tasks.c.id == task_id)
                .values(engine_state=json.dumps(state, ensure_ascii=False), updated_at=now_utc())
            )
            return self._load(conn, [task_id])[task_id]

    def record_result(
        self, task_id: str, worker_id: str, result: dict[str, Any], media: Sequence[MediaRecord] = ()
    ) -> Task | None:
        now = now_utc()
        with self._write() as conn:
            row = self._lock_held(conn, task_id, worker_id)
            if row is None or row.state in TERMINAL:
                return None
            if media:
                insert_media(conn, media)
            merged = json.loads(row.result or "{}")
            for name, value in result.items():
                if isinstance(value, dict) and isinstance(merged.get(name), dict):
                    merged[name] = {**merged[name], **value}
                else:
                    merged[name] = value
            conn.execute(
                update(tasks)
                .where(tasks.c.id == task_id)
                .values(result=json.dumps(merged, ensure_ascii=False), updated_at=now)
            )
            return self._load(conn, [task_id])[task_id]


def _update_clip(target: Any, index: int, values: dict[str, Any], now: datetime) -> Any:
    return update(clips).where(target, clips.c.idx == index).values(updated_at=now, **values)
