"""A circuit breaker per channel: dead upstreams stay out of the way, and come back by themselves.

closed ── N consecutive failures ──► open ── cool-down passed ──► half-open (one probe at a time)
  ▲                                   ▲                               │
  └────────── the probe succeeds ─────┼───────────────────────────────┤
                                      └────── the probe fails ────────┘

Any success closes the breaker and clears the count. Thread-safe; the clock is injectable for tests.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum


class BreakerState(StrEnum):
    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half-open"


@dataclass(frozen=True)
class BreakerView:
    """What the operator sees of one breaker."""

    state: BreakerState
    failures: int  # consecutive, since the last success
    opened_for: float | None  # seconds since it opened (None when closed)
    last_error: str


class CircuitBreaker:
    def __init__(
        self, failures_to_open: int, cooldown_seconds: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.failures_to_open = failures_to_open
        self.cooldown_seconds = cooldown_seconds
        self._clock = clock
        self._lock = threading.Lock()
        self._failures = 0
        self._opened_at: float | None = None
        self._probing = False
        self._last_error = ""

    def allow(self) -> bool:
        """May a request go to this channel now? In half-open, True for exactly one caller (the probe) until
        it reports back."""
        with self._lock:
            if self._opened_at is None:
                return True
            if self._clock() - self._opened_at < self.cooldown_seconds or self._probing:
                return False
            self._probing = True
            return True

    def success(self) -> None:
        with self._lock:
            self._failures = 0
            self._opened_at = None
            self._probing = False

    def failure(self, error: str = "") -> None:
        with self._lock:
            self._failures += 1
            self._last_error = error
            if self._probing or self._failures >= self.failures_to_open:
                self._opened_at = self._clock()
            self._probing = False

    def release(self) -> None:
        """A probe that was let through but never sent (nothing learned): let another caller probe."""
        with self._lock:
            self._probing = False

    @property
    def state(self) -> BreakerState:
        with self._lock:
            return self._state()

    def _state(self) -> BreakerState:
        if self._opened_at is None:
            return BreakerState.CLOSED
        if self._clock() - self._opened_at < self.cooldown_seconds:
            return BreakerState.OPEN
        return BreakerState.HALF_OPEN

    def view(self) -> BreakerView:
        with self._lock:
            opened = None if self._opened_at is None else self._clock() - self._opened_at
            return BreakerView(self._state(), self._failures, opened, self._last_error)
