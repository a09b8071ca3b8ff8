"""One attempt of one claimed task in an engine slot: prepare its job, drive the engine process through its
events, and settle how the attempt ends (done, failed, queued again, released on shutdown, or abandoned).

Split from runtime.worker, which owns the threads, the claiming and the leases: an attempt only asks its
worker whether the lease is still held and whether a shutdown has cut the grace period short.
"""

from __future__ import annotations

import contextlib
import logging
import time
from dataclasses import replace
from typing import TYPE_CHECKING

from tunesmith.domain.models import Task
from tunesmith.domain.states import FailureCode, FailureKind
from tunesmith.engines.base import ClipResult, EngineError, EngineJob
from tunesmith.media.fetch import FetchFailed
from tunesmith.runtime.executor import ChildDied, EngineProcess
from tunesmith.runtime.reporter import LeaseLost, TaskReporter, TextRefused, TextUnreviewed, attempt_outcome
from tunesmith.runtime.sources import build_job
from tunesmith.runtime.uploads import upload_source, with_uploads

if TYPE_CHECKING:
    from tunesmith.runtime.worker import Worker

# the worker's logger: an attempt's lines are the worker's lines to an operator filtering on it
log = logging.getLogger("tunesmith.runtime.worker")


class _Stop(Exception):
    """The running task must stop now: its lease was lost ("lost"), the worker is shutting down
    ("shutdown"), or its time is up ("timeout")."""


class SlotAttempt:
    """Runs `task` once in `slot` for `worker`; `run` returns when the attempt is over, whatever its end."""

    def __init__(self, worker: Worker, slot: EngineProcess, task: Task) -> None:
        self.worker = worker
        self.slot = slot
        self.task = task
        self.store = worker.store
        self.settings = worker.settings

    def run(self) -> None:
        started = time.monotonic()
        try:
            self._run_task()
        finally:
            self._log_outcome(time.monotonic() - started)

    def _log_outcome(self, seconds: float) -> None:
        """One line per attempt: how the task stands now, and how long this attempt took."""
        task = self.task
        try:
            current = self.store.get_task(task.id)
        except Exception:  # noqa: BLE001 - a log line must not fail the slot
            current = None
        outcome = attempt_outcome(current)
        log.info("task %s: attempt %d %s after %.1f s", task.id, task.attempts, outcome, seconds)

    def _run_task(self) -> None:
        worker, slot, task = self.worker, self.slot, self.task
        reporter = worker.reporter_for(task)
        deadline = time.monotonic() + self.settings.task_timeout_seconds
        log.info("task %s: attempt %d on %s", task.id, task.attempts, worker.worker_id)
        retrying = False
        try:
            job = self._prepare_job(reporter, deadline)
            if job is None:
                return
            slot.start_job(task.engine, job)
            while True:
                self._check_running(task.id, deadline)
                event = slot.next_event(0.2)
                if event is None:
                    continue
                if self._apply(reporter, event):
                    return
        except _Stop as stop:
            self._stopped(reporter, str(stop))
        except ChildDied as exc:
            retrying = self._retry_or_fail(reporter, FailureKind.GENERATE_AUDIO_FAILED, str(exc), None)
        except TextRefused:  # the task ended in SENSITIVE_WORD_ERROR: no audio may be made of that text
            slot.kill()
        except TextUnreviewed as exc:
            slot.kill()
            log.warning("task %s: the written text could not be reviewed: %s", task.id, exc)
            with contextlib.suppress(LeaseLost):
                retrying = self._retry_or_fail(
                    reporter, FailureKind.GENERATE_AUDIO_FAILED, "content moderation was unavailable", None
                )
        except LeaseLost:
            slot.kill()
            log.warning("task %s: lease lost while reporting", task.id)
        except Exception as exc:  # noqa: BLE001 - e.g. the media store is down: try again later
            slot.kill()
            log.exception("task %s: publishing or reporting failed", task.id)
            with contextlib.suppress(LeaseLost):
                retrying = self._retry_or_fail(
                    reporter,
                    FailureKind.GENERATE_AUDIO_FAILED,
                    f"internal error storing the results ({type(exc).__name__})",  # details in the log only
                    None,
                )
        finally:
            reporter.close()
            retrying = retrying or reporter.retrying
            if not retrying:  # a retry on this host keeps what the engine left (it may resume from it)
                worker.scratch.remove(task.id)

    # ── before the engine runs ────────────────────────────────────────────────────────────────────────
    def _prepare_job(self, reporter: TaskReporter, deadline: float) -> EngineJob | None:
        """The task's engine job, with its sources loaded and its outside audio fetched; None when the task
        is over (preparing it failed and the task was failed or queued again) or no longer ours."""
        task = reporter.task
        failure: tuple[FailureKind, str, int | None, bool] | None = None
        job = None
        try:
            job = build_job(
                self.store,
                self.worker.media,
                self.settings,
                task,
                reporter.scratch,
                lambda replayed, replay_job: self._replay(replayed, replay_job, deadline),
            )
            if task.request.extra.get("upload_url"):
                job = replace(job, source=upload_source(task, reporter.scratch, self.settings))
                reporter.upload = job.source.wav if job.source is not None else None
            elif task.request.extra.get("upload_urls"):
                job = with_uploads(job, task, reporter.scratch, self.settings)
        except FetchFailed as exc:
            log.warning("task %s: %s", task.id, exc.message)
            failure = (
                FailureKind.CREATE_TASK_FAILED,
                exc.message,
                FailureCode.SOURCE_UNREADABLE,
                exc.retryable,
            )
        except EngineError as exc:  # a source clip could not be loaded or rebuilt
            log.warning("task %s: %s", task.id, exc.message)
            failure = (exc.kind, exc.message, exc.code, exc.retryable)
        except (_Stop, ChildDied):
            raise
        except Exception as exc:  # noqa: BLE001 - our fault (disk, store, ffmpeg missing), not the request's
            log.exception("task %s: preparing the job crashed", task.id)
            failure = (
                FailureKind.GENERATE_AUDIO_FAILED,
                f"internal error preparing the task ({type(exc).__name__})",  # details in the log only
                None,
                True,
            )
        if self.worker.is_lost(task.id):
            log.warning("task %s: lease lost while preparing the job, abandoning", task.id)
            return None
        if failure is None:
            return job
        kind, message, code, retryable = failure
        try:
            if retryable:
                self._retry_or_fail(reporter, kind, message, code)
            else:
                reporter.on_failure(kind, message, code)
        except LeaseLost:
            log.warning("task %s: lease lost while reporting that preparing it failed", task.id)
        return None

    def _replay(self, task: Task, job: EngineJob, deadline: float) -> dict[int, ClipResult]:
        """Run an earlier task's job again in this slot (to rebuild a source clip's lossless audio) and
        return its completed clips; only the clips matter, so other reports are dropped."""
        self.slot.start_job(task.engine, job)
        done: dict[int, ClipResult] = {}
        while True:
            self._check_running(self.task.id, deadline)
            event = self.slot.next_event(0.2)
            if event is None:
                continue
            if event[0] == "complete":
                done[event[1]] = event[2]
            elif event[0] == "done":
                return done
            elif event[0] == "error":
                raise EngineError(f"rebuilding a source clip failed: {event[2]}", retryable=bool(event[4]))

    # ── while it runs ─────────────────────────────────────────────────────────────────────────────────
    def _check_running(self, task_id: str, deadline: float) -> None:
        """Raise _Stop when the task must stop now: its lease is lost, the worker stops, or time is up."""
        if self.worker.is_lost(task_id):
            self.slot.kill()
            raise _Stop("lost")
        hard_stop_at = self.worker.hard_stop_at
        if hard_stop_at is not None and time.monotonic() > hard_stop_at:
            self.slot.kill()
            raise _Stop("shutdown")
        if time.monotonic() > deadline:
            self.slot.kill()
            raise _Stop("timeout")

    def _apply(self, reporter: TaskReporter, event: tuple) -> bool:
        """Apply one engine event; True when the job is over."""
        kind = event[0]
        if kind == "text":
            reporter.on_text(event[1])
        elif kind == "streaming":
            reporter.on_streaming(event[1], event[2])
        elif kind == "complete":
            reporter.on_complete(event[1], event[2])
        elif kind == "result":
            reporter.on_result(event[1], event[2])
        elif kind == "progress":
            reporter.on_progress(float(event[1]))
        elif kind == "done":
            self._finish(reporter)
            return True
        elif kind == "error":
            failure_kind, message, code, retryable = event[1], event[2], event[3], event[4]
            if len(event) > 5:
                log.warning("task %s: %s\n%s", reporter.task.id, message, event[5])
            if retryable:
                self._retry_or_fail(reporter, failure_kind, message, code)
            else:
                reporter.on_failure(failure_kind, message, code)
            return True
        return False

    # ── how it ends ───────────────────────────────────────────────────────────────────────────────────
    def _stopped(self, reporter: TaskReporter, why: str) -> None:
        task_id = reporter.task.id
        if why == "lost":
            log.warning("task %s: lease lost, abandoning", task_id)
        elif why == "shutdown":
            self.store.release(task_id, self.worker.worker_id)
            log.info("task %s: released on shutdown", task_id)
        else:
            try:
                reporter.on_failure(
                    FailureKind.TIMEOUT,
                    f"Generation timed out after {self.settings.task_timeout_seconds:g} s",
                    FailureCode.TIMED_OUT,
                )
            except LeaseLost:
                log.warning("task %s: lease lost while reporting its timeout", task_id)

    def _finish(self, reporter: TaskReporter) -> None:
        try:
            reporter.on_done()
        except LeaseLost:
            current = self.store.get_task(reporter.task.id)
            owner = current.lease_owner if current is not None else None
            if current is not None and owner == self.worker.worker_id and not current.is_terminal:
                reporter.on_failure(
                    FailureKind.GENERATE_AUDIO_FAILED, "engine finished without completing every clip"
                )
            else:
                raise

    def _retry_or_fail(
        self, reporter: TaskReporter, kind: FailureKind, message: str, code: int | None
    ) -> bool:
        """Queue the task again, or fail it after its last attempt; True when it was queued again."""
        task = reporter.task
        if task.attempts < task.max_attempts:
            delay = min(30.0, 2.0**task.attempts)
            log.warning(
                "task %s: attempt %d failed (%s); retrying in %.0f s", task.id, task.attempts, message, delay
            )
            reporter.retrying = self.store.retry_later(task.id, self.worker.worker_id, delay)
            return reporter.retrying
        reporter.on_failure(kind, f"{message} (after {task.attempts} attempts)", code)
        return False
