"""The storage interface the rest of the service depends on.

One method per intent (as procrastinate's JobManager): the runtime and the API never write SQL. Every state
change is compare-and-set guarded, so two workers, a late report from a dead worker or a retried request can
never move a task backwards or finish it twice. Times are timezone-aware UTC datetimes.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tunesmith.domain.models import (
    ApiKey,
    CallbackDelivery,
    Clip,
    Failure,
    MediaRecord,
    Persona,
    Share,
    Task,
)


@dataclass(frozen=True, kw_only=True)
class ClipUpdate:
    """Fields of a clip to set; None leaves a field as it is."""

    title: str | None = None
    tags: str | None = None
    lyrics: str | None = None
    duration: float | None = None
    audio_key: str | None = None
    stream_key: str | None = None
    image_key: str | None = None
    wav_key: str | None = None
    artifacts: dict[str, str] | None = None
    rebuildable: bool | None = None


@dataclass(frozen=True, kw_only=True)
class SweepResult:
    requeued: tuple[str, ...] = ()
    failed: tuple[str, ...] = ()


class Store(ABC):
    #: True when a single-row read is fast enough (local, no network) to run on the event loop.
    inline_reads: bool = False

    # ── lifecycle ─────────────────────────────────────────────────────────────────────────────────────
    @abstractmethod
    def close(self) -> None: ...

    # ── API keys and credits ──────────────────────────────────────────────────────────────────────────
    @abstractmethod
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
        """Store a new key (only its hash). Creating a key whose hash exists returns the existing key."""

    @abstractmethod
    def get_key_by_hash(self, key_hash: str) -> ApiKey | None: ...

    @abstractmethod
    def get_key(self, key_id: str) -> ApiKey | None: ...

    @abstractmethod
    def list_keys(self) -> list[ApiKey]: ...

    @abstractmethod
    def count_keys(self) -> int: ...

    @abstractmethod
    def add_credits(self, key_id: str, amount: int, reason: str) -> int:
        """Credit (or, with a negative amount, debit without a floor) a key; returns the new balance."""

    @abstractmethod
    def ledger(self, key_id: str) -> list[dict[str, Any]]:
        """The key's credit movements, oldest first: {delta, reason, task_id, created_at}."""

    # ── tasks ─────────────────────────────────────────────────────────────────────────────────────────
    @abstractmethod
    def submit_task(self, task: Task) -> Task:
        """Insert a task and its clips and charge `task.cost` to its key, in one transaction.

        Raises tunesmith.domain.errors.InsufficientCredits (and stores nothing) when the key's balance is
        below the cost, unless the key is unlimited.
        """

    @abstractmethod
    def get_task(self, task_id: str) -> Task | None:
        """The task with its clips ordered by index."""

    @abstractmethod
    def task_version(self, task_id: str) -> datetime | None:
        """The task's `updated_at`, which every change to it or its clips moves; None if it does not exist.
        A cheap read that lets callers reuse a snapshot they already have."""

    @abstractmethod
    def get_tasks(self, task_ids: Sequence[str]) -> list[Task]:
        """The tasks that exist among `task_ids`, in the order asked; unknown ids are left out."""

    @abstractmethod
    def get_clip(self, clip_id: str) -> Clip | None: ...

    @abstractmethod
    def get_clips(self, clip_ids: Sequence[str]) -> list[Clip]:
        """The clips that exist among `clip_ids`, in the order asked."""

    # ── the queue ─────────────────────────────────────────────────────────────────────────────────────
    @abstractmethod
    def claim_next(
        self,
        worker_id: str,
        lease_seconds: float,
        engines: Sequence[str] | None = None,
        *,
        exclude: Sequence[str] = (),
    ) -> Task | None:
        """Atomically take the oldest queued task (optionally only for `engines`, never for `exclude`):
        queue_status=running, lease_owner=worker_id, lease_expires_at=now+lease, attempts+1, started_at set
        if unset. Never hands one task to two workers."""

    @abstractmethod
    def renew_lease(self, task_id: str, worker_id: str, lease_seconds: float) -> bool:
        """Extend the lease if `worker_id` still holds it; False means the task was taken away."""

    @abstractmethod
    def release(self, task_id: str, worker_id: str) -> bool:
        """Give a held task back to the queue untouched (graceful shutdown); the attempt is not counted."""

    @abstractmethod
    def sweep_expired(self, now: datetime, limit: int = 100) -> SweepResult:
        """Requeue running tasks whose lease expired (their worker died); tasks that used all their attempts
        fail (and are refunded) with GENERATE_AUDIO_FAILED and a reason. At most `limit` tasks per call."""

    # ── progress reports (only the lease holder may report) ───────────────────────────────────────────
    @abstractmethod
    def record_text(self, task_id: str, worker_id: str, *, title: str, tags: str, lyrics: str) -> Task | None:
        """Set every clip's title/tags/lyrics, advance to TEXT_SUCCESS. None if the lease is not held."""

    @abstractmethod
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
        """Update clip `index` (state: 'streaming' or 'complete') and record its published `media` in the
        same transaction; advance the task to FIRST_SUCCESS on the first streaming/complete clip. None if
        the lease is not held (nothing is recorded then)."""

    def record_progress(self, task_id: str, worker_id: str, fraction: float) -> bool:
        """Store how far the engine is (0..1); False if the lease is not held or the task ended. Stores that
        keep no progress answer False (dialects then step by state alone)."""
        return False

    @abstractmethod
    def save_engine_state(self, task_id: str, worker_id: str, state: dict[str, Any]) -> Task | None:
        """Replace the task's engine state (JSON values). None if the lease is not held or the task ended."""

    @abstractmethod
    def report_engine_health(self, worker_id: str, engine: str, payload: list[dict[str, Any]]) -> None:
        """Store (overwrite) what one worker's hosted engine says about its upstreams now."""

    @abstractmethod
    def engine_health(self, engine: str, since: datetime) -> list[tuple[str, datetime, list[dict[str, Any]]]]:
        """(worker id, reported at, payload) of every report for `engine` since `since`, newest first."""

    @abstractmethod
    def record_result(
        self, task_id: str, worker_id: str, result: dict[str, Any], media: Sequence[MediaRecord] = ()
    ) -> Task | None:
        """Merge `result` (files and data of a derived operation) into the task's result and record its
        published `media`, in one transaction. None if not held."""

    @abstractmethod
    def finish_task(self, task_id: str, worker_id: str) -> Task | None:
        """Mark SUCCESS (every clip complete), queue_status=done, finished_at=now. None if not held."""

    @abstractmethod
    def fail_task(self, task_id: str, failure: Failure, worker_id: str | None = None) -> Task | None:
        """Mark FAILED with `failure`, clips not complete -> error, queue_status=done, and refund the task's
        cost in the same transaction (ledger row 'refund:<task_id>'). With a worker_id, only if it holds the
        lease. None when the task is already terminal (or the lease is not held)."""

    @abstractmethod
    def retry_later(self, task_id: str, worker_id: str, delay_seconds: float) -> bool:
        """Put a held task back in the queue to run again after `delay_seconds` (a retryable failure)."""

    @abstractmethod
    def find_tasks(
        self,
        key_id: str,
        operation: str,
        *,
        parent_clip_id: str | None = None,
        source_task_id: str | None = None,
    ) -> list[Task]:
        """The key's tasks of one operation on a given clip or task, oldest first (e.g. an existing WAV)."""

    # ── personas ──────────────────────────────────────────────────────────────────────────────────────
    @abstractmethod
    def create_persona(self, persona: Persona) -> Persona:
        """Store a persona; raises tunesmith.domain.errors.Conflict if its clip already has one."""

    @abstractmethod
    def get_persona(self, persona_id: str) -> Persona | None: ...

    @abstractmethod
    def library(self, key_id: str, *, limit: int, offset: int = 0) -> list[tuple[Task, Clip]]:
        """The key's clips with their tasks, newest first (a task's clips in index order): one page of the
        caller's whole library, whichever API made each song."""

    @abstractmethod
    def tasks_with_persona(self, key_id: str, persona_id: str) -> list[Task]:
        """The key's tasks whose request sings with `persona_id`, with their clips, newest first (ties by id,
        descending); another key's tasks are never included."""

    # ── operator figures (tunesmith.store.sql_stats) ──────────────────────────────────────────────────────
    @abstractmethod
    def ping(self) -> None:
        """Raise when the database cannot be reached (for /readyz)."""

    @abstractmethod
    def beat(self, worker_id: str) -> None:
        """Record that the worker is alive now (its heartbeat, for /readyz and /metrics)."""

    @abstractmethod
    def service_stats(self, now: datetime | None = None) -> Any:
        """A sql_stats.ServiceStats: tasks by state and engine, the queue, callbacks, credits, render speed
        and worker heartbeats, for the whole service."""

    @abstractmethod
    def key_task_counts(self, key_id: str) -> dict[str, int]:
        """The key's tasks by state."""

    # ── shares ────────────────────────────────────────────────────────────────────────────────────────
    @abstractmethod
    def create_share(self, share: Share) -> Share:
        """Store a new share, or return the clip's live share if the key already has one (one link per
        clip, so sharing twice hands out the same link)."""

    @abstractmethod
    def get_share(self, token: str) -> Share | None:
        """The share with this token, revoked or not; None if there is none."""

    @abstractmethod
    def live_shares(self, key_id: str, clip_id: str | None = None) -> list[Share]:
        """The key's shares that are not revoked (of one clip, if given), newest first."""

    @abstractmethod
    def revoke_share(self, key_id: str, token: str) -> Share | None:
        """Revoke the key's share with this token (idempotent); None if the key has no such share."""

    # ── callbacks ─────────────────────────────────────────────────────────────────────────────────────
    @abstractmethod
    def enqueue_callback(
        self, task_id: str, stage: str, url: str, payload: dict[str, Any]
    ) -> CallbackDelivery | None:
        """Queue a delivery; a second one for the same task and stage is ignored (returns None)."""

    @abstractmethod
    def claim_due_callbacks(
        self,
        worker_id: str,
        now: datetime,
        limit: int,
        lease_seconds: float,
    ) -> list[CallbackDelivery]:
        """Take pending deliveries whose next_attempt_at has come (leased so only one sender tries)."""

    @abstractmethod
    def renew_callback_lease(self, delivery_id: int, worker_id: str, lease_seconds: float) -> bool:
        """Extend `worker_id`'s lease on a pending delivery it claimed to now + lease_seconds, while it is
        still sending; False when the claim is no longer its own (expired and taken, or recorded)."""

    @abstractmethod
    def record_callback_attempt(
        self,
        delivery_id: int,
        *,
        status: str,
        status_code: int | None,
        error: str | None,
        next_attempt_at: datetime | None,
    ) -> None:
        """Log one attempt and set the delivery's status (pending with a next time, delivered, failed,
        refused)."""

    @abstractmethod
    def list_callbacks(self, task_id: str) -> list[CallbackDelivery]: ...

    @abstractmethod
    def callback_attempts(self, delivery_id: int) -> list[dict[str, Any]]:
        """Every attempt of one delivery: {attempt, status_code, error, created_at}."""

    # ── media records ─────────────────────────────────────────────────────────────────────────────────
    @abstractmethod
    def add_media(self, records: Sequence[MediaRecord]) -> None:
        """Record stored files (a key recorded again is replaced)."""

    @abstractmethod
    def public_object(self, key: str) -> MediaRecord | None:
        """The record of a delivered file, None for every other key (private, unknown, deleted)."""

    @abstractmethod
    def media_of(self, *, clip_ids: Sequence[str] = (), task_ids: Sequence[str] = ()) -> list[MediaRecord]:
        """The records of these clips' files and of these tasks' files (clip or not), by key."""

    @abstractmethod
    def media_usage(self, key_id: str) -> int:
        """Bytes the key's recorded files occupy."""

    @abstractmethod
    def media_to_prune(
        self, now: datetime, created_before: datetime | None, *, limit: int, offset: int = 0
    ) -> list[MediaRecord]:
        """Records past their own `expires_at`, and (with `created_before`, the retention cut-off) records
        of files created before it: oldest first (then by key), `limit` of them from `offset`."""

    @abstractmethod
    def forget_media(self, keys: Sequence[str]) -> None:
        """Drop these records (their files were deleted)."""

    @abstractmethod
    def update_clip_media(
        self, clip_id: str, update: ClipUpdate, *, records: Sequence[MediaRecord], forget: Sequence[str]
    ) -> None:
        """Change a finished clip's media keys, record `records` and drop the records of `forget`, in one
        transaction (the operator's media migration; no lease involved)."""

    @abstractmethod
    def legacy_media_clips(self) -> list[str]:
        """Clips with files in the layout older versions wrote (WAV masters or stems, a stream file), or
        with records whose size is not known yet."""

    @abstractmethod
    def clips_made_from(self, clip_ids: Sequence[str]) -> list[tuple[Task, Clip]]:
        """Every clip of a task that worked on one of `clip_ids` (its parent clip), with that task."""
