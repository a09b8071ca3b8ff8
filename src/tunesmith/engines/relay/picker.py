"""Which channel gets the next submit: lowest priority number first, shared by weight among equals, never a
channel whose breaker is open or that already holds `max_concurrent` open tasks.

The picker also keeps each channel's counters (submits, polls, failures, open tasks), which the operator
reads through `tunesmith relay status` and a metrics exporter reads through `health()`.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

from tunesmith.domain.operations import OperationKind
from tunesmith.engines.relay.breaker import BreakerState, CircuitBreaker
from tunesmith.engines.relay.channel import Channel


@dataclass
class ChannelCounters:
    submits: int = 0  # accepted by the upstream
    submit_failures: int = 0  # ChannelUnavailable on submit
    refusals: int = 0  # UpstreamRefused (the request, not the channel)
    polls: int = 0  # poll requests sent
    poll_failures: int = 0
    mirrored: int = 0  # files copied into our media
    last_error: str = ""
    last_ok_at: float | None = None  # time.time() of the last answer


@dataclass(frozen=True)
class ChannelHealth:
    """One channel as the operator (and /metrics) sees it. Never holds the key."""

    name: str
    kind: str
    base_url: str
    priority: int
    weight: int
    max_concurrent: int
    open_tasks: int
    breaker: BreakerState
    consecutive_failures: int
    submits: int
    submit_failures: int
    refusals: int
    polls: int
    poll_failures: int
    mirrored: int
    last_error: str
    last_ok_at: float | None

    def as_dict(self) -> dict[str, object]:
        return {name: getattr(self, name) for name in self.__dataclass_fields__}


@dataclass
class ChannelSlot:
    channel: Channel
    breaker: CircuitBreaker
    open_tasks: int = 0
    counters: ChannelCounters = field(default_factory=ChannelCounters)

    @property
    def name(self) -> str:
        return self.channel.name

    @property
    def full(self) -> bool:
        return self.open_tasks >= self.channel.config.max_concurrent


class ChannelPicker:
    def __init__(
        self,
        channels: Sequence[Channel],
        *,
        failures_to_open: int,
        cooldown_seconds: float,
        rng: random.Random | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._lock = threading.Lock()
        self._rng = rng or random.Random()
        self.slots: dict[str, ChannelSlot] = {
            c.name: ChannelSlot(c, CircuitBreaker(failures_to_open, cooldown_seconds, clock))
            for c in channels
        }

    def get(self, name: str) -> ChannelSlot | None:
        return self.slots.get(name)

    def eligible(self, kind: OperationKind, model: str) -> list[ChannelSlot]:
        """Channels that could run this operation for this model, in the order to try them: by priority,
        then a weighted random order among equal priorities (each draw favours heavier weights)."""
        able = [s for s in self.slots.values() if s.channel.can_run(kind, model)]
        with self._lock:
            keyed = [
                (
                    s.channel.config.priority,
                    -(self._rng.random() ** (1.0 / s.channel.config.weight)),
                    s.name,
                    s,
                )
                for s in able
            ]
        return [entry[3] for entry in sorted(keyed, key=lambda e: e[:3])]

    def attempts(
        self, kind: OperationKind, model: str, *, only: str | None = None
    ) -> Iterator[tuple[ChannelSlot, str | None]]:
        """Each eligible channel (or just `only`) in order with why it is skipped (None: try it now; its
        breaker let it through, and a slot of its concurrency is taken: `release` it unless the upstream
        accepted)."""
        for slot in self.eligible(kind, model):
            if only is not None and slot.name != only:
                continue
            with self._lock:
                if slot.full:
                    yield slot, "at capacity"
                    continue
                if not slot.breaker.allow():
                    yield slot, "breaker open"
                    continue
                slot.open_tasks += 1
            yield slot, None

    def take(self, name: str) -> ChannelSlot | None:
        """Count one more open task on a channel (a task resumed after a worker restart)."""
        slot = self.slots.get(name)
        if slot is not None:
            with self._lock:
                slot.open_tasks += 1
        return slot

    def release(self, slot: ChannelSlot) -> None:
        with self._lock:
            slot.open_tasks = max(0, slot.open_tasks - 1)

    def succeeded(self, slot: ChannelSlot, *, poll: bool = False) -> None:
        slot.breaker.success()
        with self._lock:
            slot.counters.last_ok_at = time.time()
            if poll:
                slot.counters.polls += 1
            else:
                slot.counters.submits += 1

    def failed(self, slot: ChannelSlot, error: str, *, poll: bool = False) -> None:
        slot.breaker.failure(error)
        with self._lock:
            slot.counters.last_error = error
            if poll:
                slot.counters.polls += 1
                slot.counters.poll_failures += 1
            else:
                slot.counters.submit_failures += 1

    def refused(self, slot: ChannelSlot, error: str) -> None:
        """The upstream answered (it is alive) but refused the request."""
        slot.breaker.success()
        with self._lock:
            slot.counters.refusals += 1
            slot.counters.last_error = error
            slot.counters.last_ok_at = time.time()

    def mirrored(self, slot: ChannelSlot) -> None:
        with self._lock:
            slot.counters.mirrored += 1

    def has_capacity(self) -> bool:
        with self._lock:
            return any(not s.full for s in self.slots.values())

    def health(self) -> list[ChannelHealth]:
        out = []
        with self._lock:
            for slot in self.slots.values():
                config, view, c = slot.channel.config, slot.breaker.view(), slot.counters
                out.append(
                    ChannelHealth(
                        name=config.name,
                        kind=config.kind,
                        base_url=config.base_url,
                        priority=config.priority,
                        weight=config.weight,
                        max_concurrent=config.max_concurrent,
                        open_tasks=slot.open_tasks,
                        breaker=view.state,
                        consecutive_failures=view.failures,
                        submits=c.submits,
                        submit_failures=c.submit_failures,
                        refusals=c.refusals,
                        polls=c.polls,
                        poll_failures=c.poll_failures,
                        mirrored=c.mirrored,
                        last_error=c.last_error,
                        last_ok_at=c.last_ok_at,
                    )
                )
        return out
