"""Runs a hosted engine's tasks in the worker process (see tunesmith.engines.hosted): claims them while the
engine's driver has room, hands each over with a TaskPort that writes through the TaskReporter (so state,
publishing from the task's scratch folder, refunds and client callbacks work exactly as for any engine),
keeps their leases alive with the worker's heartbeat, and gives back what is still open when the worker
stops. A task's scratch folder is removed once the driver is done with it.

The task timeout counts from the task's first start, not from this claim: a task resumed by a second worker
after the first died keeps its original deadline, so an upstream that loses a task cannot keep it open.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from tunesmith.domain.models import Task
from tunesmith.domain.states import FailureKind
from tunesmith.engines.base import ClipResult, SongText
from tunesmith.engines.hosted import EngineDriver, HostedTask, TaskGone, TaskPort
from tunesmith.runtime.reporter import LeaseLost, TaskReporter, TextUnreviewed

if TYPE_CHECKING:
    from tunesmith.runtime.worker import Worker

log = logging.getLogger(__name__)

HEALTH_EVERY_S = 5.0  # how often a runner writes its driver's view of the upstreams into the store


class ReporterPort(TaskPort):
    """A hosted task's reports, written through its TaskReporter under the worker's lease. Thread-safe."""

    def __init__(self, reporter: TaskReporter) -> None:
        self.reporter = reporter
        self._lock = threading.Lock()

    def _call(self, what: str, *args: Any) -> None:
        with self._lock:
            try:
                getattr(self.reporter, what)(*args)
            except LeaseLost:  # TextRefused too: the task ended in SENSITIVE_WORD_ERROR
                raise TaskGone(self.reporter.task.id) from None
            except TextUnreviewed:  # the moderation service gave no verdict, and the operator says refuse
                with contextlib.suppress(LeaseLost):
                    self.reporter.on_failure(
                        FailureKind.GENERATE_AUDIO_FAILED, "content moderation was unavailable", None
                    )
                raise TaskGone(self.reporter.task.id) from None

    def text(self, text: SongText) -> None:
        self._call("on_text", text)

    def streaming(self, index: int, filename: str) -> None:
        self._call("on_streaming", index, filename)

    def complete(self, index: int, result: ClipResult) -> None:
        self._call("on_complete", index, result)

    def result(self, files: dict[str, str], data: dict[str, Any] | None = None) -> None:
        self._call("on_result", files, dict(data or {}))

    def save_state(self, state: Mapping[str, Any]) -> None:
        with self._lock:
            reporter = self.reporter
            task = reporter.store.save_engine_state(reporter.task.id, reporter.worker_id, dict(state))
            if task is None:
                raise TaskGone(reporter.task.id)
            reporter.task = task

    def fail(self, kind: FailureKind, message: str, code: int | None = None) -> None:
        self._call("on_failure", kind, message, code)

    def done(self) -> None:
        self._call("on_done")

    def close(self) -> None:
        """The task is over or no longer ours: stop publishing its streams."""
        with self._lock:
            self.reporter.close()


class HostedRunner:
    """One hosted engine's claim loop and driver inside a Worker."""

    def __init__(self, worker: Worker, engine_name: str, driver: EngineDriver) -> None:
        self.worker = worker
        self.engine_name = engine_name
        self.driver = driver
        self._mine: dict[str, ReporterPort] = {}
        self._thread: threading.Thread | None = None
        self._health_at = 0.0

    def start(self) -> None:
        self.driver.start()
        self._thread = threading.Thread(target=self._loop, name=f"tunesmith-{self.engine_name}", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop claiming and driving; give every open task back to the queue (another worker resumes it)."""
        if self._thread is not None:
            self._thread.join(10)
        self.driver.stop()
        for task_id in list(self._mine):
            try:
                if self.worker.store.release(task_id, self.worker.worker_id):
                    log.info("task %s: released on shutdown", task_id)
            except Exception:  # noqa: BLE001
                log.exception("task %s: release failed", task_id)
            self._forget(task_id)

    def _loop(self) -> None:
        worker = self.worker
        while not worker.stopping:
            try:
                self._tidy()
                self._report_health()
                task = None
                if self.driver.has_room():
                    task = worker.store.claim_next(
                        worker.worker_id, worker.settings.lease_seconds, [self.engine_name]
                    )
                if task is None:
                    worker.wait(worker.settings.poll_interval_seconds)
                    continue
                self._hand_over(task)
            except Exception:  # noqa: BLE001 - a database hiccup must not end the loop
                log.exception("%s: claim failed", self.engine_name)
                worker.wait(1.0)

    def _report_health(self) -> None:
        now = time.monotonic()
        if now - self._health_at < HEALTH_EVERY_S:
            return
        self._health_at = now
        health = self.driver.health()
        if health:
            self.worker.store.report_engine_health(self.worker.worker_id, self.engine_name, health)

    def _tidy(self) -> None:
        """Forget tasks the driver finished; tell it about leases the heartbeat lost."""
        open_now = set(self.driver.open_tasks())
        for task_id in list(self._mine):
            if self.worker.is_lost(task_id):
                self.driver.drop(task_id)
                self._forget(task_id)
            elif task_id not in open_now:
                self._forget(task_id)

    def _forget(self, task_id: str) -> None:
        port = self._mine.pop(task_id, None)
        if port is not None:
            port.close()
        self.worker.scratch.remove(task_id)
        self.worker.let_go(task_id)

    def _hand_over(self, task: Task) -> None:
        worker = self.worker
        worker.hold(task)
        scratch = worker.scratch.for_task(task.id)
        reporter = worker.reporter_for(task)
        port = ReporterPort(reporter)
        self._mine[task.id] = port
        started = task.started_at or datetime.now(UTC)
        elapsed = (datetime.now(UTC) - started).total_seconds()
        deadline = time.monotonic() + worker.settings.task_timeout_seconds - max(0.0, elapsed)
        log.info(
            "task %s: attempt %d, %s driver on %s", task.id, task.attempts, self.engine_name, worker.worker_id
        )
        self.driver.add(
            HostedTask(
                job=worker.build_job(task, scratch),
                port=port,
                deadline=deadline,
                state=dict(task.engine_state),
                source_state=self._source_state(task),
                named_state=self._named_state(task),
            )
        )

    def _source_state(self, task: Task) -> dict[str, Any]:
        clip_id = task.request.source_clip_id
        clip = self.worker.store.get_clip(clip_id) if clip_id else None
        source = self.worker.store.get_task(clip.task_id) if clip is not None else None
        return dict(source.engine_state) if source is not None else {}

    def _named_state(self, task: Task) -> dict[str, Any]:
        clip_id = task.request.source_clip_id
        clip = self.worker.store.get_clip(clip_id) if clip_id else None
        named_id = task.source_task_id
        if not named_id or (clip is not None and clip.task_id == named_id):
            return {}
        named = self.worker.store.get_task(named_id)
        return dict(named.engine_state) if named is not None else {}
