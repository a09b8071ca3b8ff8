"""The relay's driver: every relay task of one worker process, submitted with failover and polled together.

One scheduler thread owns all task state and makes every report; network work runs in a small thread pool
(submits, one poll request per channel at a time, mirror downloads) and live streams in their own pool, and
their outcomes come back to the scheduler through a queue. So a hanging channel delays nothing but itself,
and the tasks of one channel share its polls (`schedule`: one batch request per cycle for new-api and gcui,
one record-info per task within kie's limit). Submitting with failover, and the state it saves so that a
task is never submitted twice, is `failover`'s.

What it saves for each task (`TaskPort.save_state`): every submit attempt (channel, time, outcome) and, once
an upstream accepted, the channel, the upstream ticket and our clip ids → the upstream's. A task whose worker
died arrives again with that state and is polled where it was; a task whose last attempt was still being
sent when its worker died is failed (and refunded) rather than risk a duplicate.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import Any

from tunesmith.domain.operations import OperationKind
from tunesmith.domain.states import FailureKind
from tunesmith.engines.base import ClipResult
from tunesmith.engines.hosted import EngineDriver, HostedTask, TaskGone, TaskPort
from tunesmith.engines.relay import failover
from tunesmith.engines.relay.channel import (
    Channel,
    ChannelUnavailable,
    Stage,
    Ticket,
    UpstreamClip,
    UpstreamTask,
)
from tunesmith.engines.relay.config import RelayConfig
from tunesmith.engines.relay.kinds import make_channel
from tunesmith.engines.relay.mirror import MirrorFailed, MirrorLimits, StreamCopy
from tunesmith.engines.relay.picker import ChannelPicker, ChannelSlot
from tunesmith.engines.relay.results import derived_files, lyrics_data, mirror_clip, song_text
from tunesmith.engines.relay.schedule import Polled, PollSchedule
from tunesmith.engines.relay.state import ClipCopy, OpenTask, Outcome

log = logging.getLogger(__name__)

MIRROR_TRIES = 3
TICK_S = 0.1
IDLE_TICK_S = 1.0


class RelayDriver(EngineDriver):
    def __init__(
        self,
        config: RelayConfig,
        *,
        channels: Sequence[Channel] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.config = config
        built = channels or [make_channel(c, timeout=config.request_timeout_seconds) for c in config.channels]
        self.picker = ChannelPicker(
            built,
            failures_to_open=config.breaker_failures,
            cooldown_seconds=config.breaker_cooldown_seconds,
            clock=clock,
        )
        self._clock = clock
        self._capacity = sum(c.config.max_concurrent for c in built)
        self._tasks: dict[str, OpenTask] = {}
        self._inbox: queue.Queue[HostedTask] = queue.Queue()
        self._dropped: queue.Queue[str] = queue.Queue()
        self._outcomes: queue.Queue[Outcome] = queue.Queue()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._schedule = PollSchedule(config.poll_interval_seconds)
        self._io = ThreadPoolExecutor(max_workers=max(4, len(built) * 2), thread_name_prefix="relay-io")
        self._streams = ThreadPoolExecutor(
            max_workers=max(1, config.max_streams), thread_name_prefix="relay-st"
        )
        self._streams_open = 0
        self._thread: threading.Thread | None = None

    # ── EngineDriver ──────────────────────────────────────────────────────────────────────────────────
    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="tunesmith-relay", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(10)
        for task in list(self._tasks.values()):
            self._close(task)
        self._io.shutdown(wait=False, cancel_futures=True)
        self._streams.shutdown(wait=False, cancel_futures=True)
        for slot in self.picker.slots.values():
            slot.channel.close()

    def has_room(self) -> bool:
        with self._lock:
            return len(self._tasks) + self._inbox.qsize() < self._capacity

    def add(self, task: HostedTask) -> None:
        with self._lock:
            self._inbox.put(task)
        self._wake.set()

    def drop(self, task_id: str) -> None:
        self._dropped.put(task_id)
        self._wake.set()

    def open_tasks(self) -> list[str]:
        with self._lock:
            pending = [t.job.task_id for t in list(self._inbox.queue)]
            return [t.id for t in self._tasks.values() if not t.closed] + pending

    def health(self) -> list[dict[str, Any]]:
        return [h.as_dict() for h in self.picker.health()]

    # ── the scheduler ─────────────────────────────────────────────────────────────────────────────────
    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self._intake()
                self._collect()
                now = self._clock()
                for task in list(self._tasks.values()):
                    self._step(task, now)
                self._poll(now)
            except Exception:  # noqa: BLE001 - the scheduler must outlive any one task's surprise
                log.exception("relay scheduler error")
            self._wake.wait(TICK_S if self._tasks else IDLE_TICK_S)  # add() and outcomes wake it early
            self._wake.clear()

    def _intake(self) -> None:
        while True:
            try:
                task_id = self._dropped.get_nowait()
            except queue.Empty:
                break
            task = self._tasks.get(task_id)
            if task is not None:
                self._close(task)
        while True:
            try:
                hosted = self._inbox.get_nowait()
            except queue.Empty:
                return
            with self._lock:
                task = OpenTask(hosted, dict(hosted.state), [ClipCopy() for _ in hosted.job.clips])
                self._tasks[task.id] = task
            self._resume(task)

    def _resume(self, task: OpenTask) -> None:
        """A task with saved state was accepted upstream before (its worker died): poll it again."""
        ticket = task.state.get("ticket")
        attempts = task.state.get("attempts") or []
        if ticket:
            slot = self.picker.take(str(task.state.get("channel")))
            if slot is None:
                channel = task.state.get("channel")
                self._fail(task, FailureKind.GENERATE_AUDIO_FAILED, f"relay channel {channel} is gone")
                return
            resumed = Ticket.from_dict(ticket)
            self._accepted(task, slot, resumed)
            log.info("task %s: resuming upstream task %s on %s", task.id, resumed.task_id, slot.name)
        elif attempts and attempts[-1].get("outcome") == "sending":
            channel = attempts[-1].get("channel")
            self._fail(
                task,
                FailureKind.CREATE_TASK_FAILED,
                f"the worker stopped while submitting to relay channel {channel}; not submitted again, "
                "so that the song is never made (or charged) twice",
            )

    def _step(self, task: OpenTask, now: float) -> None:
        if task.closed:
            self._forget(task)
            return
        if task.submitting:
            return
        if now > task.hosted.deadline:
            where = f" on relay channel {task.slot.name}" if task.slot else ""
            self._fail(task, FailureKind.TIMEOUT, f"the upstream did not finish in time{where}", 408)
            return
        if task.ticket is None:
            if now >= task.wait_until:
                task.submitting = True
                args = (self.picker, task.hosted, task.state)
                self._io.submit(self._background, "submit", task.id, {}, failover.submit, *args)
            return
        for index, clip in enumerate(task.clips):
            stream = clip.stream
            if (
                stream is not None
                and stream.started.is_set()
                and not (clip.streaming_reported or clip.completed)
            ):
                clip.streaming_reported = True
                self._report(task, partial(_streaming, index=index, filename=stream.filename))

    def _forget(self, task: OpenTask) -> None:
        with self._lock:
            self._tasks.pop(task.id, None)

    # ── background work and its outcomes ──────────────────────────────────────────────────────────────
    def _background(
        self, what: str, task_id: str, extra: dict[str, Any], work: Callable[..., Any], *args: Any
    ) -> None:
        try:
            outcome = Outcome(what, task_id, value=work(*args), extra=extra)
        except BaseException as exc:  # noqa: BLE001 - handed to the scheduler, which decides
            outcome = Outcome(what, task_id, error=exc, extra=extra)
        self._outcomes.put(outcome)
        self._wake.set()

    def _collect(self) -> None:
        while True:
            try:
                outcome = self._outcomes.get_nowait()
            except queue.Empty:
                return
            if outcome.what == "poll":
                self._polled(outcome)
                continue
            task = self._tasks.get(outcome.task_id)
            if task is None:
                continue
            if outcome.what == "submit":
                self._submitted(task, outcome)
            elif outcome.what == "mirror":
                self._mirrored(task, outcome)
            elif outcome.what == "files":
                self._files_mirrored(task, outcome)

    # ── submitting ────────────────────────────────────────────────────────────────────────────────────
    def _submitted(self, task: OpenTask, outcome: Outcome) -> None:
        task.submitting = False
        if isinstance(outcome.error, TaskGone):
            self._close(task)
            return
        if outcome.error is not None:
            log.error("task %s: submit crashed: %r", task.id, outcome.error)
            self._fail(task, FailureKind.CREATE_TASK_FAILED, "the relay could not submit the task")
            return
        result: failover.Submitted = outcome.value
        if result.outcome == "accepted" and result.slot is not None and result.accepted is not None:
            ticket = result.accepted.ticket
            self._accepted(task, result.slot, ticket)
            log.info("task %s: accepted by %s as %s", task.id, result.slot.name, ticket.task_id)
            if result.accepted.result is not None:
                self._apply(task, result.accepted.result)
        elif result.outcome == "refused" and result.refusal is not None:
            self._fail(task, result.refusal.kind, result.refusal.message)
        elif result.outcome == "wait":
            task.wait_until = self._clock() + self.config.poll_interval_seconds
        else:
            tried = "; ".join(result.reasons) or "no channel serves this operation and model"
            self._fail(task, FailureKind.CREATE_TASK_FAILED, f"every relay channel failed: {tried}")

    def _accepted(self, task: OpenTask, slot: ChannelSlot, ticket: Ticket) -> None:
        task.slot, task.ticket = slot, ticket
        now = self._clock()
        task.poll = Polled(task.id, slot.name, accepted_at=now)
        self._schedule.first_poll(task.poll, slot.channel, now)

    # ── polling ───────────────────────────────────────────────────────────────────────────────────────
    def _poll(self, now: float) -> None:
        by_channel: dict[str, list[OpenTask]] = {}
        for task in self._tasks.values():
            if task.poll is not None and not task.closed:
                by_channel.setdefault(task.poll.channel, []).append(task)
        for tasks in by_channel.values():
            slot = tasks[0].slot
            assert slot is not None
            due = self._schedule.due(slot.channel, [t.poll for t in tasks if t.poll is not None], now)
            if due:
                by_id = {t.id: t for t in tasks}
                tickets = [t.ticket for t in (by_id[p.task_id] for p in due) if t.ticket is not None]
                self._io.submit(self._poll_job, slot, tickets, [p.task_id for p in due])

    def _poll_job(self, slot: ChannelSlot, tickets: list[Ticket], task_ids: list[str]) -> None:
        found: dict[str, UpstreamTask] = {}
        error: BaseException | None = None
        try:
            size = slot.channel.batch_size
            for start in range(0, len(tickets), size):
                found.update(slot.channel.poll(tickets[start : start + size]))
        except BaseException as exc:  # noqa: BLE001 - handed to the scheduler
            error = exc
        outcome = Outcome("poll", channel=slot.name, value=found, error=error, extra={"ids": task_ids})
        self._outcomes.put(outcome)
        self._wake.set()

    def _polled(self, outcome: Outcome) -> None:
        name = outcome.channel
        slot = self.picker.get(name)
        tasks = [self._tasks.get(task_id) for task_id in outcome.extra["ids"]]
        polled = [t.poll for t in tasks if t is not None and t.poll is not None]
        channel = slot.channel if slot is not None else None
        self._schedule.answered(name, outcome.error is None, polled, channel, self._clock())
        if slot is None:
            return
        if outcome.error is not None:
            message = (
                outcome.error.message
                if isinstance(outcome.error, ChannelUnavailable)
                else f"{name}: poll failed ({type(outcome.error).__name__})"
            )
            self.picker.failed(slot, message, poll=True)
            log.warning("relay poll: %s", message)
            return
        self.picker.succeeded(slot, poll=True)
        found: dict[str, UpstreamTask] = outcome.value
        for task_id in outcome.extra["ids"]:
            task = self._tasks.get(task_id)
            if task is None or task.closed or task.ticket is None:
                continue
            upstream = found.get(task.ticket.task_id)
            if upstream is not None:
                self._apply(task, upstream)

    # ── applying what the upstream says ───────────────────────────────────────────────────────────────
    def _apply(self, task: OpenTask, upstream: UpstreamTask) -> None:
        if task.closed:
            return
        job = task.hosted.job
        if upstream.stage is Stage.FAILED:
            kind = upstream.failure or FailureKind.GENERATE_AUDIO_FAILED
            self._fail(task, kind, upstream.reason or "the upstream reports a failure")
            return
        if job.request.kind is OperationKind.LYRICS:
            if upstream.stage is Stage.SUCCESS:
                self._lyrics(task, upstream)
            return
        if job.request.kind in (OperationKind.STEMS, OperationKind.MIDI):
            if upstream.stage is Stage.SUCCESS and not (task.files.mirroring or task.closed):
                self._mirror_files(task, upstream)
            return
        expected = len(job.clips)
        clips = upstream.clips[:expected]
        if upstream.stage is Stage.SUCCESS and len(clips) < expected:
            made = f"{task.slot.name if task.slot else 'the upstream'} made {len(clips)} clip(s)"
            self._fail(task, FailureKind.GENERATE_AUDIO_FAILED, f"{made}, not {expected}")
            return
        self._map_clips(task, clips)
        if not task.text_sent and upstream.stage is not Stage.PENDING and clips:
            self._text(task, clips[0])
        for index, clip in enumerate(clips):
            self._advance_clip(task, index, clip)

    def _map_clips(self, task: OpenTask, clips: Sequence[UpstreamClip]) -> None:
        """Remember which upstream clip each of ours is (extensions name the upstream's)."""
        mapping = task.state.setdefault("clips", {})
        changed = False
        for slot, clip in zip(task.hosted.job.clips, clips, strict=False):
            if clip.id and mapping.get(slot.clip_id) != clip.id:
                mapping[slot.clip_id] = clip.id
                changed = True
        if changed:
            self._report(task, lambda p: p.save_state(task.state))

    def _text(self, task: OpenTask, clip: UpstreamClip) -> None:
        text = song_text(task.hosted.job.request, clip)
        task.text_sent = True
        self._report(task, lambda p: p.text(text))

    def _advance_clip(self, task: OpenTask, index: int, clip: UpstreamClip) -> None:
        ours = task.clips[index]
        if ours.completed or ours.mirroring or task.closed:
            return
        if clip.status == "complete" and clip.audio_url:
            if ours.stream is not None:
                ours.stream.cancel()
            ours.mirroring = True
            workdir = task.hosted.job.clips[index].workdir
            timings = None
            if task.slot is not None and task.ticket is not None:
                timings = partial(task.slot.channel.word_timings, task.ticket, clip.id)
            args = (task.hosted.job.request, clip, workdir, self._limits(task), timings)
            self._io.submit(self._background, "mirror", task.id, {"index": index}, mirror_clip, *args)
            return
        if clip.stream_url and ours.stream is None and self._streams_open < self.config.max_streams:
            slot = task.hosted.job.clips[index]
            remaining = max(1.0, task.hosted.deadline - self._clock())
            limits = MirrorLimits(self._allow(task), self.config.media_max_bytes, remaining)
            ours.stream = StreamCopy(clip.stream_url, slot.workdir, limits)
            with self._lock:
                self._streams_open += 1
            self._streams.submit(self._follow_stream, ours.stream)

    def _follow_stream(self, stream: StreamCopy) -> None:
        try:
            stream.run()
        finally:
            self._outcomes.put(Outcome("stream-ended"))
            with self._lock:
                self._streams_open -= 1
            if stream.error:
                log.info("relay stream copy ended: %s", stream.error)

    def _allow(self, task: OpenTask) -> list[str]:
        return [task.slot.channel.config.host] if task.slot is not None else []

    def _limits(self, task: OpenTask) -> MirrorLimits:
        return MirrorLimits(self._allow(task), self.config.media_max_bytes, self.config.media_timeout_seconds)

    def _copy_failed(self, task: OpenTask, copy: ClipCopy, outcome: Outcome, what: str) -> bool:
        """Whether a copy came back failed or too late; a failed copy is tried again at the next poll,
        and after MIRROR_TRIES the task fails."""
        copy.mirroring = False
        if task.closed:
            return True
        if outcome.error is None:
            return False
        copy.mirror_failures += 1
        error = outcome.error
        message = error.message if isinstance(error, MirrorFailed) else repr(error)
        log.warning("task %s: copying %s failed (%d): %s", task.id, what, copy.mirror_failures, message)
        if copy.mirror_failures >= MIRROR_TRIES:
            failed = f"could not copy the upstream's {what} after {MIRROR_TRIES} tries: {message}"
            self._fail(task, FailureKind.GENERATE_AUDIO_FAILED, failed)
        return True

    def _mirrored(self, task: OpenTask, outcome: Outcome) -> None:
        index: int = outcome.extra["index"]
        ours = task.clips[index]
        if self._copy_failed(task, ours, outcome, f"audio of clip {index}"):
            return
        result: ClipResult = outcome.value
        ours.completed = True
        if task.slot is not None:
            self.picker.mirrored(task.slot)
        self._report(task, lambda p: p.complete(index, result))
        if all(c.completed for c in task.clips):
            self._report(task, lambda p: p.done())
            self._close(task)

    def _mirror_files(self, task: OpenTask, upstream: UpstreamTask) -> None:
        workdir = task.hosted.job.workdir
        if workdir is None:
            self._fail(task, FailureKind.GENERATE_AUDIO_FAILED, "the derived task has nowhere to write")
            return
        task.files.mirroring = True
        args = (task.hosted.job, upstream, workdir, self._limits(task))
        self._io.submit(self._background, "files", task.id, {}, derived_files, *args)

    def _files_mirrored(self, task: OpenTask, outcome: Outcome) -> None:
        if self._copy_failed(task, task.files, outcome, "files"):
            return
        names, data = outcome.value
        self._report(task, lambda p: p.result(names, data))
        self._report(task, lambda p: p.done())
        self._close(task)

    def _lyrics(self, task: OpenTask, upstream: UpstreamTask) -> None:
        data = lyrics_data(upstream, task.slot.name if task.slot else "")
        self._report(task, lambda p: p.result({}, data))
        self._report(task, lambda p: p.done())
        self._close(task)

    # ── reporting and closing ─────────────────────────────────────────────────────────────────────────
    def _report(self, task: OpenTask, call: Callable[[TaskPort], None]) -> None:
        if task.closed:
            return
        try:
            call(task.hosted.port)
        except TaskGone:
            log.warning("task %s: no longer ours, dropped", task.id)
            self._close(task)
        except Exception:  # noqa: BLE001 - a store hiccup: the task stays open and is reported again later
            log.exception("task %s: report failed", task.id)

    def _fail(self, task: OpenTask, kind: FailureKind, message: str, code: int | None = None) -> None:
        log.warning("task %s: %s", task.id, message)
        self._report(task, lambda p: p.fail(kind, message, code))
        self._close(task)

    def _close(self, task: OpenTask) -> None:
        if task.closed:
            return
        task.closed = True
        for clip in task.clips:
            if clip.stream is not None:
                clip.stream.cancel()
        if task.slot is not None:
            self.picker.release(task.slot)


def _streaming(port: TaskPort, *, index: int, filename: str) -> None:
    port.streaming(index, filename)
