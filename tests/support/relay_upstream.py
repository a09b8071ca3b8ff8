"""The relay's upstream as its tests see it: a second Tunesmith behind a fault-injecting proxy (Upstream;
tests/relay/conftest.py starts it), and a channel adaptor driven by hand against it (channel, song, follow).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from tests.support.fault_proxy import FaultProxy
from tests.support.harness import ServiceHarness
from tunesmith.domain.operations import SongRequest
from tunesmith.engines.relay.channel import Channel, Stage, UpstreamTask
from tunesmith.engines.relay.config import ChannelConfig
from tunesmith.engines.relay.kinds import make_channel

SLOW = "test:slow=0.3"  # the upstream's tone engine pauses between stages, so each stage can be seen


@dataclass
class Upstream:
    """A running upstream Tunesmith (`harness`), the proxy in front of it, and a key with credits there."""

    harness: ServiceHarness
    proxy: FaultProxy
    key: str

    @property
    def url(self) -> str:
        return self.proxy.url


def channel(kind: str, base_url: str, key: str, timeout: float = 10.0) -> Channel:
    """The relay's adaptor for an upstream of `kind` at `base_url`, as the relay engine would make it."""
    config = ChannelConfig(name=f"{kind}-test", kind=kind, base_url=base_url, key=key)
    return make_channel(config, timeout=timeout)


def song(**overrides: object) -> SongRequest:
    """A custom-mode song request that the upstream renders slowly enough to see each stage."""
    values: dict = dict(
        custom_mode=True,
        lyrics="[Verse]\nSun on the water",
        style=f"pop {SLOW}",
        title="Harbor",
        model="V4_5",
    )
    values.update(overrides)
    return SongRequest(**values)


def follow(ch: Channel, ticket, timeout: float = 30.0) -> tuple[UpstreamTask, list[Stage]]:  # type: ignore[no-untyped-def]
    """Poll until the task is finished; the last answer and every stage seen on the way."""
    stages: list[Stage] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = ch.poll([ticket])
        task = found.get(ticket.task_id)
        if task is not None:
            if not stages or stages[-1] is not task.stage:
                stages.append(task.stage)
            if task.stage in (Stage.SUCCESS, Stage.FAILED):
                return task, stages
        time.sleep(0.35)  # kie allows 3 record-info queries per second per task
    raise AssertionError(f"upstream task {ticket.task_id} did not finish; stages {stages}")
