"""The worker: claims tasks with a lease, runs each in an engine process, keeps the lease alive, enforces the
per-task timeout, requeues tasks of dead workers and delivers callbacks.

This module owns the threads, the claiming and the held leases; one attempt of a task in a slot (preparing
its job, the engine's events, how the attempt ends) is runtime.attempt.

Threads, not asyncio: each slot thread blocks on its engine process, the heartbeat thread renews every held
lease, the sweeper requeues expired leases (both in runtime.upkeep), the sender posts callbacks. Stopping is
graceful: slots finish their task within the grace period, or kill the engine and hand the task back to the
queue untouched.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tunesmith import logs
from tunesmith.dialects.base import UrlBuilder
from tunesmith.domain.models import Task
from tunesmith.engines.base import EngineJob
from tunesmith.engines.hosted import HostedEngine
from tunesmith.engines.registry import build_engine, load_engine_class
from tunesmith.media.store import MediaStore
from tunesmith.policy.check import ContentPolicy, Finding
from tunesmith.policy.config import build_policy
from tunesmith.policy.requests import review_written
from tunesmith.runtime.attempt import SlotAttempt
from tunesmith.runtime.executor import EngineProcess
from tunesmith.runtime.hosted import HostedRunner
from tunesmith.runtime.publisher import Publisher
from tunesmith.runtime.reporter import TaskReporter
from tunesmith.runtime.scratch import ScratchSpace
from tunesmith.runtime.sources import build_job, job_seed
from tunesmith.runtime.upkeep import heartbeat_loop, sweep_loop
from tunesmith.settings import Settings
from tunesmith.store.base import Store

if TYPE_CHECKING:
    from tunesmith.runtime.callbacks import CallbackSender

log = logging.getLogger(__name__)


def new_worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


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
        self._wake = threading.Event()  # a task was queued in this process (see `wake`)
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
        self._wake.set()
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
        self._wake.set()

    def wake(self) -> None:
        """A task was queued in this process: idle slots look for it now instead of at their next poll."""
        self._wake.set()

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

    def reporter_for(self, task: Task) -> TaskReporter:
        """What writes `task`'s reports (state, files, stream, text review) under this worker's lease."""
        return TaskReporter(
            self.store,
            self.media,
            self.urls,
            task,
            self.worker_id,
            scratch=self.scratch.for_task(task.id),
            publisher=self.publisher,
            stream_keep_seconds=self.settings.stream_keep_seconds,
            review=self.review_written,
        )

    def build_job(self, task: Task, scratch: Path) -> EngineJob:
        return build_job(self.store, self.media, self.settings, task, scratch)

    @property
    def hard_stop_at(self) -> float | None:
        """When a stopping worker's running tasks go back to the queue (monotonic clock); None until stop."""
        return self._hard_stop_at

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
                if self._wake.wait(self.settings.poll_interval_seconds) and not self._stop.is_set():
                    self._wake.clear()
                continue
            with self._lock:
                self._held[task.id] = task
            try:
                with logs.task_context(task.id, dialect=task.dialect):
                    SlotAttempt(self, slot, task).run()
            except Exception:  # noqa: BLE001
                log.exception("task %s: unexpected worker error", task.id)
            finally:
                with self._lock:
                    self._held.pop(task.id, None)
                    self._lost.discard(task.id)

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
