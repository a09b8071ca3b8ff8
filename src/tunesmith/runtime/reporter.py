"""Turns an engine's reports about one task into published media, stored state and queued callbacks.

Every write is guarded by the lease: when a report comes back None the worker has lost the task (its lease
expired and another worker took it) and must stop working on it.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path

from tunesmith.dialects.base import UrlBuilder
from tunesmith.dialects.registry import callback_renderer
from tunesmith.domain.models import Failure, Task
from tunesmith.domain.states import FailureCode, FailureKind, QueueStatus, TaskState
from tunesmith.engines.base import ClipResult, SongText
from tunesmith.media import layout
from tunesmith.media.store import MediaStore
from tunesmith.media.streams import StreamPublisher
from tunesmith.policy.check import Finding
from tunesmith.policy.moderation import ModerationUnavailable
from tunesmith.runtime import scratch as scratch_dirs
from tunesmith.runtime.publisher import Publisher
from tunesmith.store.base import ClipUpdate, Store

log = logging.getLogger(__name__)


class LeaseLost(Exception):
    """Another worker owns this task now."""


class TextRefused(LeaseLost):
    """The text an engine wrote was refused by the content policy: the task has ended in
    SENSITIVE_WORD_ERROR (refunded, client told), so whoever runs the engine must stop it now."""


class TextUnreviewed(Exception):
    """The content policy could not review the text an engine wrote (the moderation service gave no verdict
    and the operator chose fail_closed): nothing was recorded; the task may be tried again later."""


# (task, title, tags, lyrics) -> a finding, or None: the content policy on what an engine wrote.
Review = Callable[[Task, str, str, str], Finding | None]


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
    """Reports one task's progress, publishing each finished file from the task's scratch folder to the
    media store first (runtime.publisher) and its live streams piece by piece (media.streams)."""

    def __init__(
        self,
        store: Store,
        media: MediaStore,
        urls: UrlBuilder,
        task: Task,
        worker_id: str,
        *,
        scratch: Path,
        publisher: Publisher,
        stream_keep_seconds: float = 600.0,
        review: Review | None = None,
    ) -> None:
        self.store = store
        self.media = media
        self.urls = urls
        self.task = task
        self.worker_id = worker_id
        self.scratch = scratch
        self.publisher = publisher
        self.stream_keep_seconds = stream_keep_seconds
        self.review = review
        self.upload: Path | None = None  # the fetched recording of an upload-extend, kept if clips need it
        self._upload_kept = False
        self.retrying = False  # the task was queued again for another attempt
        self._streams: dict[int, StreamPublisher] = {}
        self._progress: tuple[float, float] = (-1.0, 0.0)  # (fraction, monotonic time) stored last

    def on_progress(self, fraction: float) -> None:
        """Store the engine's progress, at most about once a second or every 5 % (a diffusion step can
        come every few milliseconds on a GPU): new-api/qhaigc percentages move with it."""
        last, at = self._progress
        now = time.monotonic()
        if fraction <= last or (fraction - last < 0.05 and now - at < 1.0):
            return
        self._progress = (fraction, now)
        self.store.record_progress(self.task.id, self.worker_id, fraction)

    def clip_dir(self, index: int) -> Path:
        return scratch_dirs.clip_dir(self.scratch, self.task.clips[index].id)

    def _held(self, task: Task | None) -> Task:
        if task is None:
            raise LeaseLost(self.task.id)
        self.task = task
        return task

    def _review(self, title: str, tags: str, lyrics: str) -> None:
        """TextRefused (the task failed) when the content policy refuses what the engine wrote;
        TextUnreviewed when it could not say."""
        if self.review is None:
            return
        try:
            finding = self.review(self.task, title, tags, lyrics)
        except ModerationUnavailable as exc:
            raise TextUnreviewed(str(exc)) from None
        if finding is None:
            return
        log.warning(
            "task %s: content policy refused the written text: %s", self.task.id, finding.operator_line()
        )
        refusal = {"field": finding.field, "source": finding.source, "detail": finding.detail}
        # for the operator: the task's record keeps what was found (engine_state is never rendered to clients)
        self._held(
            self.store.save_engine_state(
                self.task.id, self.worker_id, {**self.task.engine_state, "policy": refusal}
            )
        )
        verb = "contain" if finding.field == "lyrics" else "contains"
        self.on_failure(
            FailureKind.SENSITIVE_WORD_ERROR,
            f"Content filtered for sensitive words: the {finding.field} written for this song {verb} "
            f"{finding.public_what()}",
            FailureCode.REFUSED,  # the text was refused; kie says 400 for it
        )
        raise TextRefused(self.task.id)

    def on_text(self, text: SongText) -> None:
        self._review(text.title, text.tags, text.lyrics)
        before = self.task.state
        task = self._held(
            self.store.record_text(
                self.task.id, self.worker_id, title=text.title, tags=text.tags, lyrics=text.lyrics
            )
        )
        if before is TaskState.PENDING and task.state is TaskState.TEXT_SUCCESS:
            queue_callback(self.store, self.urls, task, "text")

    def on_streaming(self, index: int, filename: str) -> None:
        """Publish what the growing file holds so far, then report the clip as playable."""
        before = self.task.state
        clip = self.task.clips[index]
        old = self._streams.pop(index, None)
        if old is not None:
            old.stop()
        stream = StreamPublisher(
            self.media, self.clip_dir(index) / filename, layout.stream_prefix(clip.id, self.task.attempts)
        )
        stream.start()
        self._streams[index] = stream
        task = self._held(
            self.store.record_clip(
                self.task.id,
                self.worker_id,
                index,
                state="streaming",
                update=ClipUpdate(stream_key=stream.prefix),
            )
        )
        self._maybe_first(before, task)

    def on_complete(self, index: int, result: ClipResult) -> None:
        before = self.task.state
        clip = self.task.clips[index]
        published = self.publisher.clip(self.task, clip, result, self.clip_dir(index))
        records = list(published.records)
        stream = self._streams.pop(index, None)
        if stream is not None:
            size = stream.finish()
            records.append(
                self.publisher.stream_record(self.task, clip, stream.prefix, size, self.stream_keep_seconds)
            )
        if published.update.rebuildable and self.upload is not None and not self._upload_kept:
            records.append(self.publisher.upload(self.task, self.upload, self.scratch))
            self._upload_kept = True
        task = self._held(
            self.store.record_clip(
                self.task.id, self.worker_id, index, state="complete", update=published.update, media=records
            )
        )
        self._maybe_first(before, task)

    def _maybe_first(self, before: TaskState, task: Task) -> None:
        if before in (TaskState.PENDING, TaskState.TEXT_SUCCESS) and task.state is TaskState.FIRST_SUCCESS:
            queue_callback(self.store, self.urls, task, "first")

    def on_result(self, files: dict[str, str], data: dict) -> None:
        for variant in data.get("lyrics") or ():  # a lyrics task's written lyrics
            if isinstance(variant, dict):
                self._review(
                    str(variant.get("title") or ""),
                    str(variant.get("tags") or ""),
                    str(variant.get("text") or ""),
                )
        keys, records = self.publisher.result(self.task, files, scratch_dirs.work_dir(self.scratch))
        self._held(self.store.record_result(self.task.id, self.worker_id, {"files": keys, **data}, records))

    def close(self) -> None:
        """Stop publishing streams (the task is over or no longer ours). The pieces of a clip that never
        completed are recorded to expire like any finished stream's, so the sweeper deletes them."""
        for index, stream in self._streams.items():
            stream.stop()
            try:
                record = self.publisher.stream_record(
                    self.task,
                    self.task.clips[index],
                    stream.prefix,
                    stream.published,
                    self.stream_keep_seconds,
                )
                self.store.add_media([record])
            except Exception:  # noqa: BLE001 - `tunesmith media prune --orphans` finds them later
                log.exception("task %s: could not record its unfinished stream", self.task.id)
        self._streams.clear()

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


def attempt_outcome(current: Task | None) -> str:
    """How a task stands after one attempt at it, in the words of the worker's log line."""
    if current is None:
        return "ended, task gone"
    if current.state is TaskState.SUCCESS:
        return "succeeded"
    if current.state is TaskState.FAILED:
        reason = current.failure.message if current.failure else "no reason recorded"
        return f"failed ({reason})"
    if current.queue_status is QueueStatus.QUEUED:
        return "ended, task queued again"
    return f"ended, task still {current.state.value} with {current.lease_owner or 'no worker'}"
