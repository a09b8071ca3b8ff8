"""The worker: claims tasks with a lease, runs each in an engine process, keeps the lease alive, enforces the
per-task timeout, requeues tasks of dead workers and delivers callbacks.

Threads, not asyncio: each slot thread blocks on its engine process, the heartbeat thread renews every held
lease, the sweeper requeues expired leases (both in runtime.upkeep), the sender posts callbacks. Stopping is
graceful: slots finish their task within the grace period, or kill the engine and hand the task back to the
queue untouched.
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tunesmith import logs
from tunesmith.dialects.base import UrlBuilder
from tunesmith.domain.models import Task
from tunesmith.domain.states import FailureCode, FailureKind
from tunesmith.engines.base import ClipResult, EngineError, EngineJob
from tunesmith.engines.hosted import HostedEngine
from tunesmith.engines.registry import build_engine, load_engine_class
from tunesmith.media.fetch import FetchFailed
from tunesmith.media.store import MediaStore
from tunesmith.policy.check import ContentPolicy, Finding
from tunesmith.policy.config import build_policy
from tunesmith.policy.requests import review_written
from tunesmith.runtime.executor import ChildDied, EngineProcess
from tunesmith.runtime.hosted import HostedRunner
from tunesmith.runtime.publisher import Publisher
from tunesmith.runtime.reporter import LeaseLost, TaskReporter, TextRefused, TextUnreviewed, attempt_outcome
from tunesmith.runtime.scratch import ScratchSpace
from tunesmith.runtime.sources import Replay, build_job, job_seed
from tunesmith.runtime.upkeep import heartbeat_loop, sweep_loop
from tunesmith.runtime.uploads import upload_source
from tunesmith.settings import Settings
from tunesmith.store.base import Store

if TYPE_CHECKING:
    from tunesmith.runtime.callbacks import CallbackSender

log = logging.getLogger(__name__)


def new_worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


class _Stop(Exception):
    """The running task must stop now: its lease was lost ("lost"), the worker is shutting down
    ("shutdown"), or its time is up ("timeout")."""


__all__ = ["Worker", "job_seed", "new_worker_id"]


class Worker:
    def __init__(
        self,
        store: Store,
        media: MediaStore,
        urls: UrlBuilder,
        settings: Settings,
        *,
        engines: Sequence[str] | None = None,
        worker_id: str | None = None,
        deliver_callbacks: bool = True,
        policy: ContentPolicy | None = None,
        callbacks: CallbackSender | None = None,
        slot_factory: Callable[[str], EngineProcess] = EngineProcess,
    ) -> None:
        """`callbacks`: the sender of this worker's callback thread (tunesmith.services builds it); without
        one, a sender configured from `settings` when `deliver_callbacks`. `slot_factory` makes each slot's
        engine process (tests run the same job loop in a thread of their own process)."""
        self.store = store
        self.media = media
        self.urls = urls
        self.settings = settings
        self.engines = list(engines) if engines else None
        self.worker_id = worker_id or new_worker_id()
        self.deliver_callbacks = deliver_callbacks
        # what engines write is reviewed before audio is made (tunesmith.policy); built here when not given
        self._own_policy = policy is None
        self.policy = policy if policy is not None else build_policy(settings)
        self.deliver_callbacks = deliver_callbacks or callbacks is not None
        self._callbacks = callbacks
        self._stop = threading.Event()
        self._hard_stop_at: float | None = None
        self._held: dict[str, Task] = {}
        self._lost: set[str] = set()
        self._lock = threading.Lock()
        self._threads: list[threading.Thread] = []
        self._hosted = self._hosted_engines()
        # Engine child processes take every task but the hosted engines' (with --engine: only those named).
        self._slot_engines = [e for e in self.engines if e not in self._hosted] if self.engines else None
        slots = 0 if self._slot_engines == [] else max(1, settings.workers)
        self._slots = [slot_factory(f"tunesmith-engine-{i}") for i in range(slots)]
        self._runners: list[HostedRunner] = []
        self.scratch = ScratchSpace(settings.effective_scratch_dir)
        self.publisher = Publisher(
            media, keep_lossless=settings.media_lossless == "keep", pack_wav=not settings.media_public_url
        )

    def review_written(self, task: Task, title: str, tags: str, lyrics: str) -> Finding | None:
        """The content policy on text an engine wrote for `task` (what differs from its request)."""
        return review_written(self.policy, task.request, title=title, tags=tags, lyrics=lyrics)

    def _hosted_engines(self) -> list[str]:
        """The configured engines that run as a driver in this process (tunesmith.engines.hosted)."""
        names = self.engines or sorted(set(self.settings.models.values()) | {self.settings.default_engine})
        hosted = []
        for name in names:
            try:
                if issubclass(load_engine_class(name), HostedEngine):
                    hosted.append(name)
            except Exception:  # noqa: BLE001 - a bad name fails its tasks when a slot runs them
                log.warning("engine %s cannot be loaded", name)
        return hosted

    # ── lifecycle ─────────────────────────────────────────────────────────────────────────────────────
    def start(self, warm: Sequence[str] = ()) -> None:
        self.scratch.clean_stale(max(3600.0, 2 * self.settings.task_timeout_seconds))
        log.info("worker %s: started, %d slot(s)", self.worker_id, len(self._slots))
        warm = [name for name in warm if name not in self._hosted]
        for i, slot in enumerate(self._slots):
            self._spawn(self._slot_loop, f"slot-{i}", slot, list(warm))
        for name in self._hosted:
            engine = build_engine(name, self.settings.registry_options())
            assert isinstance(engine, HostedEngine)
            runner = HostedRunner(self, name, engine.driver())
            runner.start()
            self._runners.append(runner)
        self._spawn(self._heartbeat_loop, "heartbeat")
        self._spawn(self._sweep_loop, "sweeper")
        if self.deliver_callbacks:
            self._spawn(self._callback_loop, "callbacks")

    def _spawn(self, target: Callable[..., object], name: str, *args: Any) -> None:
        thread = threading.Thread(target=target, args=args, name=f"tunesmith-{name}", daemon=True)
        thread.start()
        self._threads.append(thread)

    def stop(self, grace: float | None = None) -> None:
        """Stop claiming; let running tasks finish for `grace` seconds, then release them to the queue."""
        grace = self.settings.shutdown_grace_seconds if grace is None else grace
        started = time.monotonic()
        running = len(self.held_tasks)
        log.info(
            "worker %s: stopping%s",
            self.worker_id,
            f", {running} task(s) get up to {grace:g} s to finish" if running else "",
        )
        self._hard_stop_at = min(started + grace, self._hard_stop_at or float("inf"))
        self._stop.set()
        for runner in self._runners:
            runner.stop()
        for thread in self._threads:
            thread.join(grace + 10)
        for slot in self._slots:
            slot.request_quit()
        for slot in self._slots:
            slot.close(timeout=2.0)
        if self._own_policy:
            self.policy.close()
        log.info("worker %s: stopped in %.1f s", self.worker_id, time.monotonic() - started)

    def hurry(self) -> None:
        """Cut the running tasks' grace short (a second Ctrl-C): they go back to the queue at once."""
        self._hard_stop_at = time.monotonic()
        self._stop.set()

    def run_until(self, stop: threading.Event) -> None:
        """Run in the calling thread until `stop` is set (the `tunesmith worker` command)."""
        self.start(warm=self._warm_list())
        stop.wait()
        self.stop()

    def _warm_list(self) -> list[str]:
        names = self.engines or sorted(set(self.settings.models.values()) | {self.settings.default_engine})
        return [name for name in names if name not in self._hosted][:1]

    @property
    def held_tasks(self) -> list[str]:
        with self._lock:
            return list(self._held)

    def engine_health(self) -> dict[str, list[dict[str, Any]]]:
        """Each hosted engine's view of its upstreams (the relay's channels), for status and metrics."""
        return {runner.engine_name: runner.driver.health() for runner in self._runners}

    # ── what hosted runners use ───────────────────────────────────────────────────────────────────────
    @property
    def stopping(self) -> bool:
        return self._stop.is_set()

    def wait(self, seconds: float) -> None:
        self._stop.wait(seconds)

    def hold(self, task: Task) -> None:
        """Keep `task`'s lease alive with the heartbeat until `let_go`."""
        with self._lock:
            self._held[task.id] = task

    def let_go(self, task_id: str) -> None:
        with self._lock:
            self._held.pop(task_id, None)
            self._lost.discard(task_id)

    def is_lost(self, task_id: str) -> bool:
        return self._is_lost(task_id)

    def build_job(self, task: Task, scratch: Path) -> EngineJob:
        return self._build_job(task, scratch)

    # ── slots ─────────────────────────────────────────────────────────────────────────────────────────
    def _slot_loop(self, slot: EngineProcess, warm: list[str]) -> None:
        for name in warm:
            started = time.monotonic()
            try:
                if slot.warm(name, cancel=self._stop):
                    log.info("engine %s ready in %.1f s (%s)", name, time.monotonic() - started, slot.name)
            except Exception:  # noqa: BLE001
                log.exception("warming engine %s failed", name)
        while not self._stop.is_set():
            try:
                task = self.store.claim_next(
                    self.worker_id, self.settings.lease_seconds, self._slot_engines, exclude=self._hosted
                )
            except Exception:  # noqa: BLE001 - a database hiccup must not kill the slot
                log.exception("claim failed")
                self._stop.wait(1.0)
                continue
            if task is None:
                self._stop.wait(self.settings.poll_interval_seconds)
                continue
            with self._lock:
                self._held[task.id] = task
            try:
                with logs.task_context(task.id, dialect=task.dialect):
                    self._execute(slot, task)
            except Exception:  # noqa: BLE001
                log.exception("task %s: unexpected worker error", task.id)
            finally:
                with self._lock:
                    self._held.pop(task.id, None)
                    self._lost.discard(task.id)

    def _build_job(self, task: Task, scratch: Path, replay: Replay | None = None) -> EngineJob:
        return build_job(self.store, self.media, self.settings, task, scratch, replay)

    def _replay(
        self, slot: EngineProcess, task: Task, job: EngineJob, running: str, deadline: float
    ) -> dict[int, ClipResult]:
        """Run an earlier task's job again in this slot (to rebuild a source clip's lossless audio) and
        return its completed clips; only the clips matter, so other reports are dropped."""
        slot.start_job(task.engine, job)
        done: dict[int, ClipResult] = {}
        while True:
            self._check_running(slot, running, deadline)
            event = slot.next_event(0.2)
            if event is None:
                continue
            if event[0] == "complete":
                done[event[1]] = event[2]
            elif event[0] == "done":
                return done
            elif event[0] == "error":
                raise EngineError(f"rebuilding a source clip failed: {event[2]}", retryable=bool(event[4]))

    def _check_running(self, slot: EngineProcess, task_id: str, deadline: float) -> None:
        """Raise _Stop when the task must stop now: its lease is lost, the worker stops, or time is up."""
        if self._is_lost(task_id):
            slot.kill()
            raise _Stop("lost")
        if self._hard_stop_at is not None and time.monotonic() > self._hard_stop_at:
            slot.kill()
            raise _Stop("shutdown")
        if time.monotonic() > deadline:
            slot.kill()
            raise _Stop("timeout")

    def _prepare_job(self, reporter: TaskReporter, slot: EngineProcess, deadline: float) -> EngineJob | None:
        """The task's engine job, with its sources loaded and its outside audio fetched; None when the task
        is over (preparing it failed and the task was failed or queued again) or no longer ours."""
        task = reporter.task
        failure: tuple[FailureKind, str, int | None, bool] | None = None
        job = None
        try:
            job = self._build_job(
                task,
                reporter.scratch,
                lambda replayed, replay_job: self._replay(slot, replayed, replay_job, task.id, deadline),
            )
            if task.request.extra.get("upload_url"):
                job = replace(job, source=upload_source(task, reporter.scratch, self.settings))
                reporter.upload = job.source.wav if job.source is not None else None
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
        if self._is_lost(task.id):
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

    def _execute(self, slot: EngineProcess, task: Task) -> None:
        started = time.monotonic()
        try:
            self._run_task(slot, task)
        finally:
            self._log_outcome(task, time.monotonic() - started)

    def _log_outcome(self, task: Task, seconds: float) -> None:
        """One line per attempt: how the task stands now, and how long this attempt took."""
        try:
            current = self.store.get_task(task.id)
        except Exception:  # noqa: BLE001 - a log line must not fail the slot
            current = None
        outcome = attempt_outcome(current)
        log.info("task %s: attempt %d %s after %.1f s", task.id, task.attempts, outcome, seconds)

    def _run_task(self, slot: EngineProcess, task: Task) -> None:
        scratch = self.scratch.for_task(task.id)
        reporter = TaskReporter(
            self.store,
            self.media,
            self.urls,
            task,
            self.worker_id,
            scratch=scratch,
            publisher=self.publisher,
            stream_keep_seconds=self.settings.stream_keep_seconds,
            review=self.review_written,
        )
        deadline = time.monotonic() + self.settings.task_timeout_seconds
        log.info("task %s: attempt %d on %s", task.id, task.attempts, self.worker_id)
        retrying = False
        try:
            job = self._prepare_job(reporter, slot, deadline)
            if job is None:
                return
            slot.start_job(task.engine, job)
            while True:
                self._check_running(slot, task.id, deadline)
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
                self.scratch.remove(task.id)

    def _stopped(self, reporter: TaskReporter, why: str) -> None:
        task_id = reporter.task.id
        if why == "lost":
            log.warning("task %s: lease lost, abandoning", task_id)
        elif why == "shutdown":
            self.store.release(task_id, self.worker_id)
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

    def _finish(self, reporter: TaskReporter) -> None:
        try:
            reporter.on_done()
        except LeaseLost:
            current = self.store.get_task(reporter.task.id)
            if current is not None and current.lease_owner == self.worker_id and not current.is_terminal:
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
            reporter.retrying = self.store.retry_later(task.id, self.worker_id, delay)
            return reporter.retrying
        reporter.on_failure(kind, f"{message} (after {task.attempts} attempts)", code)
        return False

    def _is_lost(self, task_id: str) -> bool:
        with self._lock:
            return task_id in self._lost

    # ── side loops ────────────────────────────────────────────────────────────────────────────────────
    def _heartbeat_loop(self) -> None:
        heartbeat_loop(
            self.store, self.settings, self.worker_id, self._stop, lambda: self.held_tasks, self._lose
        )

    def _lose(self, task_id: str) -> None:
        with self._lock:
            self._lost.add(task_id)

    def _sweep_loop(self) -> None:
        sweep_loop(self.store, self.media, self.urls, self.settings, self._stop)

    def _callback_loop(self) -> None:
        from tunesmith.runtime.callbacks import callback_sender

        sender = self._callbacks or callback_sender(self.store, self.settings, self.worker_id)
        sender.run(self._stop)
