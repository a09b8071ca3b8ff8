"""An upstream for the relay: a second Tunesmith on loopback (the tone test double as its engine) behind a
fault-injecting proxy. Its public URL is the proxy's, so media fetches go through the proxy too."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.relay.relaying import relay_settings
from tests.support.fault_proxy import FaultProxy
from tests.support.harness import ServiceHarness, free_port, settings_for_tests
from tests.support.relay_upstream import Upstream


@pytest.fixture(scope="module")
def upstream(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Upstream]:
    port = free_port()
    with FaultProxy(f"http://127.0.0.1:{port}") as proxy:
        settings = settings_for_tests(
            tmp_path_factory.mktemp("upstream"), port=port, public_url=proxy.url, workers=2, submit_limit=1000
        )
        with ServiceHarness(settings) as harness:
            yield Upstream(harness, proxy, harness.new_key(credits=100_000))


@pytest.fixture
def healthy(upstream: Upstream) -> Iterator[Upstream]:
    """The shared upstream with no fault set, and none left behind."""
    upstream.proxy.heal()
    yield upstream
    upstream.proxy.heal()


@pytest.fixture
def relay_for(tmp_path: Path, healthy: Upstream) -> Iterator[Any]:
    """Start relaying Tunesmiths through the given channels (stopped after the test)."""
    started: list[ServiceHarness] = []

    def start(channels: list[dict[str, Any]], **overrides: object) -> ServiceHarness:
        data_dir = tmp_path / f"relay{len(started)}"
        harness = ServiceHarness(relay_settings(data_dir, channels, **overrides)).start()
        started.append(harness)
        return harness

    yield start
    for harness in started:
        harness.stop()
