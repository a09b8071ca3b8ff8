"""The Store on SQLAlchemy Core, for SQLite and PostgreSQL alike.

Write transactions lock what they change before deciding (SELECT ... FOR UPDATE on PostgreSQL; BEGIN
IMMEDIATE on SQLite, where the whole database is the lock), so every check-then-write is atomic. The claim is
one UPDATE whose subquery picks the oldest queued task with FOR UPDATE SKIP LOCKED (PostgreSQL), so workers
never wait on each other nor take the same task.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, and_, bindparam, exists, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.sql.expression import Select

from tunesmith.domain.errors import Conflict, InsufficientCredits
from tunesmith.domain.models import ApiKey, CallbackDelivery, Clip, Failure, MediaRecord, Persona, Task
from tunesmith.domain.states import ClipState, FailureKind, QueueStatus, TaskState, advance
from tunesmith.store.base import ClipUpdate, Store, SweepResult
from tunesmith.store.database import make_engine
from tunesmith.store.fastread import SqliteFastReader
from tunesmith.store.rows import (
    aware,
    clip_from_row,
    clip_values,
    delivery_from_row,
    key_from_row,
    persona_from_row,
    persona_values,
    task_from_row,
    task_values,
)
from tunesmith.store.sql_media import MediaSql, insert_media
from tunesmith.store.tables import (
    api_keys,
    callback_attempts,
    callback_deliveries,
    clips,
    credit_ledger,
    engine_health,
    personas,
    tasks,
)

RUNNING = QueueStatus.RUNNING.value
QUEUED = QueueStatus.QUEUED.value
DONE = QueueStatus.DONE.value
TERMINAL = (TaskState.SUCCESS.value, TaskState.FAILED.value)


_TASK_BY_ID = select(tasks).where(tasks.c.id == bindparam("task_id"))
_CLIPS_OF_TASK = select(clips).where(clips.c.task_id == bindparam("task_id")).order_by(clips.c.idx)
_CLIP_BY_ID = select(clips).where(clips.c.id == bindparam("clip_id"))
_TASK_VERSION = select(tasks.c.updated_at).where(tasks.c.id == bindparam("task_id"))


def _now() -> datetime:
    return datetime.now(UTC)


class SqlStore(MediaSql, Store):
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

    # ── transactions ──────────────────────────────────────────────────────────────────────────────────
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

    def _locked(self, stmt: Select) -> Select:
        return stmt.with_for_update() if self.postgres else stmt

    # ── keys and credits ──────────────────────────────────────────────────────────────────────────────
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
        now = _now()
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
                    key_id=key_id, task_id=None, delta=amount, reason=reason, created_at=_now()
                )
            )
            return int(conn.execute(select(api_keys.c.credits).where(api_keys.c.id == key_id)).scalar_one())

    def ledger(self, key_id: str) -> list[dict]:
        with self._read() as conn:
            rows = conn.execute(
                select(credit_ledger).where(credit_ledger.c.key_id == key_id).order_by(credit_ledger.c.id)
            ).all()
        return [
            {"delta": r.delta, "reason": r.reason, "task_id": r.task_id, "created_at": aware(r.created_at)}
            for r in rows
        ]

    # ── tasks ─────────────────────────────────────────────────────────────────────────────────────────
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

    # ── the queue ─────────────────────────────────────────────────────────────────────────────────────
    def claim_next(
        self,
        worker_id: str,
        lease_seconds: float,
        engines: Sequence[str] | None = None,
        *,
        exclude: Sequence[str] = (),
    ) -> Task | None:
        now = _now()
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

    def _held(self, task_id: str, worker_id: str):  # type: ignore[no-untyped-def]
        return and_(tasks.c.id == task_id, tasks.c.lease_owner == worker_id, tasks.c.queue_status == RUNNING)

    def _update_held(self, task_id: str, worker_id: str, **values: Any) -> bool:
        """Change a task only if `worker_id` holds its lease; False when it does not."""
        with self._write() as conn:
            changed = conn.execute(update(tasks).where(self._held(task_id, worker_id)).values(**values))
            return changed.rowcount == 1

    def renew_lease(self, task_id: str, worker_id: str, lease_seconds: float) -> bool:
        now = _now()
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
            updated_at=_now(),
        )

    def retry_later(self, task_id: str, worker_id: str, delay_seconds: float) -> bool:
        now = _now()
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
                        Failure(kind=FailureKind.GENERATE_AUDIO_FAILED, message=message, code=501),
                        now,
                    )
                    failed.append(row.id)
        return SweepResult(requeued=tuple(requeued), failed=tuple(failed))

    # ── progress reports ──────────────────────────────────────────────────────────────────────────────
    def _lock_held(self, conn: Connection, task_id: str, worker_id: str) -> Any:
        return conn.execute(self._locked(select(tasks).where(self._held(task_id, worker_id)))).first()

    def _set_state(self, conn: Connection, row: Any, target: TaskState, now: datetime, **extra: Any) -> None:
        new_state = advance(TaskState(row.state), target)
        conn.execute(
            update(tasks).where(tasks.c.id == row.id).values(state=new_state.value, updated_at=now, **extra)
        )

    def record_text(self, task_id: str, worker_id: str, *, title: str, tags: str, lyrics: str) -> Task | None:
        now = _now()
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
        now = _now()
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

    def save_engine_state(self, task_id: str, worker_id: str, state: dict[str, Any]) -> Task | None:
        with self._write() as conn:
            row = self._lock_held(conn, task_id, worker_id)
            if row is None or row.state in TERMINAL:
                return None
            conn.execute(
                update(tasks)
                .where(tasks.c.id == task_id)
                .values(engine_state=json.dumps(state, ensure_ascii=False), updated_at=_now())
            )
            return self._load(conn, [task_id])[task_id]

    def report_engine_health(self, worker_id: str, engine: str, payload: list[dict[str, Any]]) -> None:
        values = {"payload": json.dumps(payload, ensure_ascii=False), "updated_at": _now()}
        where = and_(engine_health.c.worker_id == worker_id, engine_health.c.engine == engine)
        with self._write() as conn:
            if conn.execute(update(engine_health).where(where).values(**values)).rowcount == 0:
                conn.execute(insert(engine_health).values(worker_id=worker_id, engine=engine, **values))

    def engine_health(self, engine: str, since: datetime) -> list[tuple[str, datetime, list[dict[str, Any]]]]:
        query = (
            select(engine_health)
            .where(engine_health.c.engine == engine, engine_health.c.updated_at >= since)
            .order_by(engine_health.c.updated_at.desc())
        )
        with self._read() as conn:
            rows = conn.execute(query).all()
        return [(str(row.worker_id), _at(row.updated_at), json.loads(row.payload)) for row in rows]

    def record_result(
        self, task_id: str, worker_id: str, result: dict, media: Sequence[MediaRecord] = ()
    ) -> Task | None:
        now = _now()
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

    # ── personas ──────────────────────────────────────────────────────────────────────────────────────
    def create_persona(self, persona: Persona) -> Persona:
        try:
            with self._write() as conn:
                conn.execute(insert(personas).values(**persona_values(persona)))
        except IntegrityError:
            raise Conflict("A persona already exists for this audio", field="audioId") from None
        return persona

    def get_persona(self, persona_id: str) -> Persona | None:
        with self._read() as conn:
            row = conn.execute(select(personas).where(personas.c.id == persona_id)).first()
        return persona_from_row(row) if row else None

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

    def tasks_with_persona(self, key_id: str, persona_id: str) -> list[Task]:
        stmt = (
            select(tasks.c.id)
            .where(tasks.c.persona_id == persona_id, tasks.c.key_id == key_id)
            .order_by(tasks.c.created_at.desc(), tasks.c.id.desc())
        )
        found: dict[str, Task] = {}
        with self._read() as conn:
            ids = list(conn.execute(stmt).scalars())
            for start in range(0, len(ids), 500):
                found.update(self._load(conn, ids[start : start + 500]))
        return [found[i] for i in ids if i in found]

    def finish_task(self, task_id: str, worker_id: str) -> Task | None:
        now = _now()
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
        now = _now()
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
                error_code=failure.code,
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

    # ── callbacks ─────────────────────────────────────────────────────────────────────────────────────
    def enqueue_callback(self, task_id: str, stage: str, url: str, payload: dict) -> CallbackDelivery | None:
        now = _now()
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

    def record_callback_attempt(
        self,
        delivery_id: int,
        *,
        status: str,
        status_code: int | None,
        error: str | None,
        next_attempt_at: datetime | None,
    ) -> None:
        now = _now()
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

    def callback_attempts(self, delivery_id: int) -> list[dict]:
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


def _update_clip(target: Any, index: int, values: dict[str, Any], now: datetime) -> Any:
    return update(clips).where(target, clips.c.idx == index).values(updated_at=now, **values)


def _at(value: datetime | None) -> datetime:
    moment = aware(value)
    assert moment is not None  # a NOT NULL column
    return moment
