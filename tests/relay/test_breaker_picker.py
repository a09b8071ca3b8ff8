"""The circuit breaker's states and the channel picker's order, on a fake clock and a seeded random source."""

from __future__ import annotations

import random
from collections import Counter

import pytest
from pydantic import ValidationError

from tunesmith.domain.operations import OperationKind
from tunesmith.engines.relay.breaker import BreakerState, CircuitBreaker
from tunesmith.engines.relay.config import ChannelConfig, RelayConfig
from tunesmith.engines.relay.kinds import make_channel
from tunesmith.engines.relay.picker import ChannelPicker


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_breaker_opens_after_consecutive_failures_and_probes_once_after_the_cooldown() -> None:
    clock = Clock()
    breaker = CircuitBreaker(3, 30.0, clock)
    breaker.failure("a")
    breaker.failure("b")
    breaker.success()  # a success clears the count
    breaker.failure("c")
    breaker.failure("d")
    assert breaker.allow() and breaker.state is BreakerState.CLOSED
    breaker.failure("e")
    assert breaker.state is BreakerState.OPEN and not breaker.allow()
    clock.now += 29.9
    assert not breaker.allow()
    clock.now += 0.2
    assert breaker.state is BreakerState.HALF_OPEN
    assert breaker.allow()  # the probe
    assert not breaker.allow()  # nobody else while it is out
    breaker.failure("probe failed")
    assert breaker.state is BreakerState.OPEN  # a failed probe opens it again at once
    assert breaker.view().last_error == "probe failed"
    clock.now += 31
    assert breaker.allow()
    breaker.success()
    assert breaker.state is BreakerState.CLOSED and breaker.allow() and breaker.allow()


def test_an_unsent_probe_lets_another_caller_probe() -> None:
    clock = Clock()
    breaker = CircuitBreaker(1, 5.0, clock)
    breaker.failure()
    clock.now += 6
    assert breaker.allow()
    breaker.release()
    assert breaker.allow()


def config(name: str, kind: str = "kie", **values: object) -> ChannelConfig:
    return ChannelConfig(name=name, kind=kind, base_url=f"http://{name}.example", key=f"sk-{name}", **values)  # type: ignore[arg-type]


def picker(*configs: ChannelConfig, seed: int = 7, clock: Clock | None = None) -> ChannelPicker:
    channels = [make_channel(c, timeout=1.0) for c in configs]
    return ChannelPicker(
        channels, failures_to_open=2, cooldown_seconds=10, rng=random.Random(seed), clock=clock or Clock()
    )


def test_priority_first_then_weighted_among_equals() -> None:
    p = picker(config("backup", priority=5), config("big", weight=3), config("small", weight=1))
    firsts = Counter(p.eligible(OperationKind.GENERATE, "V4_5")[0].name for _ in range(4000))
    assert set(firsts) == {"big", "small"}
    assert 0.70 < firsts["big"] / 4000 < 0.80  # 3:1
    assert all(p.eligible(OperationKind.GENERATE, "V4_5")[-1].name == "backup" for _ in range(50))


def test_models_map_and_operations_limit_the_channels() -> None:
    p = picker(config("v5only", models={"V5": "V5"}), config("any", kind="gcui"))
    assert [s.name for s in p.eligible(OperationKind.GENERATE, "V4_5")] == ["any"]
    assert {s.name for s in p.eligible(OperationKind.GENERATE, "V5")} == {"v5only", "any"}
    assert p.eligible(OperationKind.CROP, "V5") == []  # no upstream kind crops
    assert p.get("any").channel.upstream_model("V5") == "chirp-v5"  # gcui speaks Suno's names
    assert p.get("v5only").channel.upstream_model("V5") == "V5"


def test_attempts_skip_full_channels_and_open_breakers() -> None:
    clock = Clock()
    p = picker(config("a", priority=0, max_concurrent=1), config("b", priority=1), clock=clock)
    first = [(s.name, why) for s, why in p.attempts(OperationKind.GENERATE, "V4_5")]
    assert first[0] == ("a", None)  # taken: a now holds one open task, its maximum
    seen = []
    for slot, why in p.attempts(OperationKind.GENERATE, "V4_5"):
        seen.append((slot.name, why))
        if why is None:
            break
    assert seen == [("a", "at capacity"), ("b", None)]
    b = p.get("b")
    p.failed(b, "down")
    p.failed(b, "down")
    p.release(b)
    assert [why for _, why in p.attempts(OperationKind.GENERATE, "V4_5")] == ["at capacity", "breaker open"]
    health = {h.name: h for h in p.health()}
    assert health["b"].breaker is BreakerState.OPEN and health["b"].submit_failures == 2
    assert health["a"].open_tasks == 1  # never more than its max_concurrent
    assert "sk-" not in repr(p.health())


def test_channel_config_validation_and_secrecy() -> None:
    ch = config("main")
    assert "sk-main" not in repr(ch) and "sk-main" not in str(ch) and "sk-main" not in ch.model_dump_json()
    with pytest.raises(ValidationError):
        ChannelConfig(name="x", kind="kie", base_url="ftp://host")
    with pytest.raises(ValidationError):
        ChannelConfig(name="x", kind="kie", base_url="https://user:pw@host")
    with pytest.raises(ValidationError):
        ChannelConfig(name="bad name", kind="kie", base_url="https://host")
    with pytest.raises(ValidationError):
        ChannelConfig(name="x", kind="suno", base_url="https://host")  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        RelayConfig(channels=(config("same"), config("same")))
    assert (
        ChannelConfig(name="t", kind="kie", base_url="https://api.kie.ai/").base_url == "https://api.kie.ai"
    )
