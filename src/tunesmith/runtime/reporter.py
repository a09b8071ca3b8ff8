"""Turns an engine's reports about one task into stored state, media keys and queued callbacks.

Every write is guarded by the lease: when a report comes back None the worker has lost the task (its lease
expired and another worker took it) and must stop working on it.
"""

from __future__ import annotations

import logging

from tunesmith.dialects.base import UrlBuilder
from tunesmith.dialects.registry import callback_renderer
from tunesmith.domain.models import Failure, Task
from tunesmith.domain.states import FailureKind, TaskState
from tunesmith.engines.base import ClipResult, SongText
from tunesmith.media.storage import LocalMediaStore
from tunesmith.store.base import ClipUpdate, Store

log = logging.getLogger(__name__)


class LeaseLost(Exception):
    """Another worker owns this task now."""


def queue_callback(store: Store, urls: UrlBuilder, task: Task, stage: str) -> None:
    """Queue the client's callback for `stage` in the task's own dialect (no-op without a callBackUrl)."""
    if not task.callback_url:
        return
    render = callback_renderer(task.dialect)
    if render is None:
        return
    payload = render(task, stage, urls)
    if payload is not None:
        store.enqueue_callback(task.id, stage, task.callback_url, payload)


def finalize_failure(store: Store, urls: UrlBuilder, task: Task) -> None:
    """After a task failed (and was refunded with it): tell the client."""
    queue_callback(store, urls, task, "error")


class TaskReporter:
    def __init__(
        self, store: Store, media: LocalMediaStore, urls: UrlBuilder, task: Task, worker_id: str
    ) -> None:
        self.store = store
        self.media = media
        self.urls = urls
        self.task = task
        self.worker_id = worker_id

    def _held(self, task: Task | None) -> Task:
        if task is None:
            raise LeaseLost(self.task.id)
        self.task = task
        return task

    def _key(self, index: int, filename: str | None) -> str | None:
        if not filename:
            return None
        return self.media.clip_key(self.task.clips[index].id, filename)

    def on_text(self, text: SongText) -> None:
        before = self.task.state
        task = self._held(
            self.store.record_text(
                self.task.id, self.worker_id, title=text.title, tags=text.tags, lyrics=text.lyrics
            )
        )
        if before is TaskState.PENDING and task.state is TaskState.TEXT_SUCCESS:
            queue_callback(self.store, self.urls, task, "text")

    def on_streaming(self, index: int, filename: str) -> None:
        before = self.task.state
        task = self._held(
            self.store.record_clip(
                self.task.id,
                self.worker_id,
                index,
                state="streaming",
                update=ClipUpdate(stream_key=self._key(index, filename)),
            )
        )
        self._maybe_first(before, task)

    def on_complete(self, index: int, result: ClipResult) -> None:
        before = self.task.state
        artifacts = {name: self._key(index, fname) or "" for name, fname in result.artifacts.items()}
        update = ClipUpdate(
            title=result.title,
            tags=result.tags,
            lyrics=result.lyrics,
            duration=result.duration,
            audio_key=self._key(index, result.audio),
            wav_key=self._key(index, result.wav),
            image_key=self._key(index, result.image),
            artifacts=artifacts,
        )
        task = self._held(
            self.store.record_clip(self.task.id, self.worker_id, index, state="complete", update=update)
        )
        self._maybe_first(before, task)

    def _maybe_first(self, before: TaskState, task: Task) -> None:
        if before in (TaskState.PENDING, TaskState.TEXT_SUCCESS) and task.state is TaskState.FIRST_SUCCESS:
            queue_callback(self.store, self.urls, task, "first")

    def on_result(self, files: dict[str, str], data: dict) -> None:
        keys = {name: self.media.task_key(self.task.id, filename) for name, filename in files.items()}
        self._held(self.store.record_result(self.task.id, self.worker_id, {"files": keys, **data}))

    def on_done(self) -> None:
        task = self._held(self.store.finish_task(self.task.id, self.worker_id))
        queue_callback(self.store, self.urls, task, "complete")

    def on_failure(self, kind: FailureKind, message: str, code: int | None = None) -> None:
        task = self.store.fail_task(
            self.task.id, Failure(kind=kind, message=message, code=code), self.worker_id
        )
        if task is None:
            raise LeaseLost(self.task.id)
        self.task = task
        finalize_failure(self.store, self.urls, task)
