"""In-process rate limits: sliding-window counters keyed by (what, who).

One API process enforces these exactly; several API processes behind a balancer each enforce them on their
own share (a shared Redis limiter is the scale-out follow-up).
"""

from __future__ import annotations

import threading
import time
from collections import deque

from tunesmith.domain.errors import RateLimited


class SlidingWindowLimiter:
    def __init__(self, limit: int, window_seconds: float, *, max_keys: int = 100_000) -> None:
        self.limit = limit
        self.window = window_seconds
        self.max_keys = max_keys
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def hit(self, key: str, message: str) -> None:
        """Count one request for `key`, or raise RateLimited when the window is full (not counted)."""
        now = time.monotonic()
        with self._lock:
            window = self._hits.get(key)
            if window is None:
                if len(self._hits) >= self.max_keys:
                    self._evict(now)
                window = self._hits[key] = deque()
            while window and window[0] <= now - self.window:
                window.popleft()
            if len(window) >= self.limit:
                raise RateLimited(message, retry_after=max(0.0, window[0] + self.window - now))
            window.append(now)

    def _evict(self, now: float) -> None:
        stale = [k for k, w in self._hits.items() if not w or w[-1] <= now - self.window]
        for k in stale:
            del self._hits[k]
        if len(self._hits) >= self.max_keys:
            self._hits.clear()
