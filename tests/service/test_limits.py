"""Rate limits, in process and shared through Redis (the scale-out path uses the Redis on 127.0.0.1:6379)."""

from __future__ import annotations

import threading
import time
import uuid

import pytest

from tests.support.threads import at_once
from tunesmith.domain.errors import RateLimited
from tunesmith.service.limits import RedisWindowLimiter, SlidingWindowLimiter, make_limiter

REDIS_URL = "redis://127.0.0.1:6379/15"


@pytest.fixture
def redis_client():  # type: ignore[no-untyped-def]
    redis = pytest.importorskip("redis")
    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except Exception as exc:  # noqa: BLE001
        pytest.skip(f"Redis not reachable on 127.0.0.1:6379: {exc}")
    yield client
    client.close()


def fill(limiter, key: str, n: int) -> list[bool]:  # type: ignore[no-untyped-def]
    results = []
    for _ in range(n):
        try:
            limiter.hit(key, "slow down")
            results.append(True)
        except RateLimited:
            results.append(False)
    return results


def test_in_process_window_refuses_beyond_the_limit_and_recovers() -> None:
    limiter = SlidingWindowLimiter(3, 0.3)
    assert fill(limiter, "a", 5) == [True, True, True, False, False]
    assert fill(limiter, "b", 1) == [True]  # keys are independent
    time.sleep(0.35)
    assert fill(limiter, "a", 1) == [True]


def test_refusal_says_when_to_retry() -> None:
    limiter = SlidingWindowLimiter(1, 10)
    limiter.hit("k", "m")
    with pytest.raises(RateLimited) as refused:
        limiter.hit("k", "at most 1 per 10 s")
    assert 9 < refused.value.retry_after <= 10 and "at most 1" in refused.value.message


def test_redis_window_is_shared_between_limiters(redis_client) -> None:  # type: ignore[no-untyped-def]
    namespace = f"test-{uuid.uuid4().hex[:8]}"
    first = make_limiter(REDIS_URL, 4, 0.5, namespace=namespace)
    second = make_limiter(REDIS_URL, 4, 0.5, namespace=namespace)  # another API process, say
    assert isinstance(first, RedisWindowLimiter)
    assert fill(first, "key", 3) + fill(second, "key", 3) == [True] * 4 + [False] * 2
    time.sleep(0.55)
    assert fill(second, "key", 1) == [True]


def test_redis_window_under_concurrency_admits_exactly_the_limit(redis_client) -> None:  # type: ignore[no-untyped-def]
    limiter = make_limiter(REDIS_URL, 20, 10, namespace=f"test-{uuid.uuid4().hex[:8]}")
    admitted: list[bool] = []
    lock = threading.Lock()

    def worker(_: int) -> None:
        results = fill(limiter, "burst", 10)
        with lock:
            admitted.extend(results)

    at_once(worker, 6)
    assert admitted.count(True) == 20 and admitted.count(False) == 40
