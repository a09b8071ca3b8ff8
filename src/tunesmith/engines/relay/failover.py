"""Submit with failover: try the channels in the picker's order until one upstream accepts the task.

Runs in the driver's thread pool (it blocks on the network). Every attempt is saved on the task *before* it
is sent — so a worker that dies mid-submit leaves a trace, and the next worker fails the task instead of
submitting it twice — and again with its outcome. `ChannelUnavailable` moves on to the next channel and
counts against its breaker; `UpstreamRefused` ends the submit (another channel would refuse it too).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from tunesmith.domain.operations import OperationKind
from tunesmith.engines.hosted import HostedTask, TaskGone
from tunesmith.engines.relay.channel import (
    Accepted,
    ChannelUnavailable,
    Submission,
    UpstreamRef,
    UpstreamRefused,
)
from tunesmith.engines.relay.picker import ChannelPicker, ChannelSlot

log = logging.getLogger(__name__)

# Operations on a song an upstream made: they run on the channel that made it, naming its ids there.
ON_UPSTREAM_SONG = frozenset(
    {
        OperationKind.EXTEND,
        OperationKind.CONCAT,  # the chain ends at the source clip; its parts were made on the same channel
        OperationKind.REPLACE_SECTION,
        OperationKind.STEMS,
        OperationKind.MIDI,
    }
)


@dataclass(frozen=True)
class Submitted:
    """How a submit ended: `accepted` (with the channel and its answer), `refused` (the upstream's refusal),
    `wait` (every channel that could take it is full) or `down` (every channel failed: `reasons`)."""

    outcome: str
    slot: ChannelSlot | None = None
    accepted: Accepted | None = None
    refusal: UpstreamRefused | None = None
    reasons: list[str] = field(default_factory=list)


def source_of(hosted: HostedTask) -> tuple[UpstreamRef | None, str | None]:
    """For an operation on a relayed song (extend, stems, MIDI): the source clip as the upstream that made
    it knows it, and that channel (the only one that knows the clip); for MIDI the task is the upstream's
    separation of the song. (None, None) for other operations and for songs (or separations) that were not
    relayed through that channel."""
    job = hosted.job
    if job.source is None or job.request.kind not in ON_UPSTREAM_SONG:
        return None, None
    made = hosted.source_state
    clip_id = (made.get("clips") or {}).get(job.source.clip_id)
    ticket = made.get("ticket") or {}
    channel = made.get("channel")
    if job.request.kind is OperationKind.MIDI:  # made from the upstream's separation of the song
        named = hosted.named_state
        ticket = named.get("ticket") or {}
        if named.get("channel") != channel or ticket.get("kind") != OperationKind.STEMS.value:
            return None, None
    if not clip_id or not channel:
        return None, None
    ref = UpstreamRef(
        task_id=str(ticket.get("task_id", "")), clip_id=str(clip_id), duration=job.source.duration
    )
    return ref, str(channel)


def submit(picker: ChannelPicker, hosted: HostedTask, state: dict[str, Any]) -> Submitted:
    """Try each channel in turn; `state` (the task's saved state) gains one entry in `attempts` per try and,
    on acceptance, `channel` and `ticket`. Raises TaskGone when the task stopped being ours."""
    job, request = hosted.job, hosted.job.request
    source, only = source_of(hosted)
    if request.kind in ON_UPSTREAM_SONG and source is None:
        what = "the song's separation" if request.kind is OperationKind.MIDI else "the song"
        refusal = UpstreamRefused(f"{what} for {request.kind.value} was not made through a relay channel")
        return Submitted("refused", refusal=refusal)
    attempts: list[dict[str, Any]] = state.setdefault("attempts", [])
    reasons: list[str] = []
    busy = False
    for slot, why in picker.attempts(request.kind, request.model, only=only):
        if why is not None:
            busy = busy or why == "at capacity"
            reasons.append(f"{slot.name}: {why}")
            continue
        submission = Submission(
            request=request,
            model=slot.channel.upstream_model(request.model) or request.model,
            clips=len(job.clips),
            source=source,
        )
        attempt: dict[str, Any] = {"channel": slot.name, "at": _now(), "outcome": "sending"}
        attempts.append(attempt)
        try:
            hosted.port.save_state(state)
            accepted = slot.channel.submit(submission)
        except TaskGone:
            picker.release(slot)
            slot.breaker.release()
            raise
        except ChannelUnavailable as exc:
            _give_up_on(picker, slot, attempt, "unavailable", exc.message)
            reasons.append(exc.message)
            log.warning("task %s: %s", job.task_id, exc.message)
            continue
        except UpstreamRefused as exc:
            picker.refused(slot, exc.message)
            picker.release(slot)
            attempt.update(outcome="refused", error=exc.message)
            hosted.port.save_state(state)
            return Submitted("refused", refusal=exc)
        except Exception as exc:  # noqa: BLE001 - an adaptor bug is one channel's failure
            message = f"{slot.name}: unexpected error {type(exc).__name__}"
            log.exception("task %s: %s", job.task_id, message)
            _give_up_on(picker, slot, attempt, "unavailable", message)
            reasons.append(message)
            continue
        picker.succeeded(slot)
        attempt.update(outcome="accepted", upstream_task_id=accepted.ticket.task_id)
        state.update(channel=slot.name, ticket=accepted.ticket.to_dict())
        hosted.port.save_state(state)
        return Submitted("accepted", slot=slot, accepted=accepted)
    if attempts:
        hosted.port.save_state(state)
    return Submitted("wait" if busy else "down", reasons=reasons)


def _give_up_on(
    picker: ChannelPicker, slot: ChannelSlot, attempt: dict[str, Any], outcome: str, message: str
) -> None:
    picker.failed(slot, message)
    picker.release(slot)
    attempt.update(outcome=outcome, error=message)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
