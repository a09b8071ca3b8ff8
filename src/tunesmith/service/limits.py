"""Rate limits: sliding-window counters keyed by (what, who).

`SlidingWindowLimiter` counts in this process: exact for one API process (the embedded default).
`RedisWindowLimiter` counts in Redis, so several API processes behind a balancer share one limit
(scale-out: set TUNESMITH_REDIS_URL). Both refuse without counting the refused request.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections import deque
from typing import Any, Protocol

from tunesmith.domain.errors import RateLimited


class Limiter(Protocol):
    def hit(self, key: str, message: str) -> None:
        """Count one request for `key`, or raise RateLimited when its window is full."""
        ...


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


# Atomically: drop hits older than the window, refuse if the window is full (returning the oldest hit's
# time), else record this hit. Keys expire with their window.
_REDIS_WINDOW = """
local key, member = KEYS[1], ARGV[4]
local now, window, limit = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
if redis.call('ZCARD', key) >= limit then
  local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
  return tostring(oldest[2])
end
redis.call('ZADD', key, now, member)
redis.call('PEXPIRE', key, math.ceil(window * 1000))
return false
"""


class RedisWindowLimiter:
    """The same sliding window, shared by every process that uses the same Redis and `namespace`."""

    def __init__(self, client: Any, limit: int, window_seconds: float, *, namespace: str) -> None:
        self.client = client
        self.limit = limit
        self.window = window_seconds
        self.namespace = namespace
        self._script = client.register_script(_REDIS_WINDOW)

    def hit(self, key: str, message: str) -> None:
        now = time.time()
        oldest = self._script(
            keys=[f"tunesmith:{self.namespace}:{key}"],
            args=[now, self.window, self.limit, f"{now}:{uuid.uuid4().hex[:8]}"],
        )
        if oldest is not None:
            raise RateLimited(message, retry_after=max(0.0, float(oldest) + self.window - now))


def make_limiter(redis_url: str, limit: int, window_seconds: float, *, namespace: str) -> Limiter:
    """A Redis-backed limiter when a Redis URL is configured, else an in-process one."""
    if not redis_url:
        return SlidingWindowLimiter(limit, window_seconds)
    import redis

    return RedisWindowLimiter(redis.Redis.from_url(redis_url), limit, window_seconds, namespace=namespace)
