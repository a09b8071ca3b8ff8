"""The relay driver's in-memory state: each open task, each clip on its way into our media, and the outcome
of a piece of background work on its way back to the scheduler thread (which alone reads and writes these)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tunesmith.engines.hosted import HostedTask
from tunesmith.engines.relay.channel import Ticket
from tunesmith.engines.relay.mirror import StreamCopy
from tunesmith.engines.relay.picker import ChannelSlot
from tunesmith.engines.relay.schedule import Polled


@dataclass
class ClipCopy:
    """One clip (or a derived task's files) on its way into our media."""

    stream: StreamCopy | None = None
    streaming_reported: bool = False
    mirroring: bool = False
    completed: bool = False
    mirror_failures: int = 0


@dataclass
class OpenTask:
    """The driver's view of one open relay task (the scheduler thread's alone)."""

    hosted: HostedTask
    state: dict[str, Any]
    clips: list[ClipCopy]
    slot: ChannelSlot | None = None
    ticket: Ticket | None = None
    submitting: bool = False
    wait_until: float = 0.0  # every channel was busy: try submitting again then
    poll: Polled | None = None  # set once an upstream accepted
    files: ClipCopy = field(default_factory=ClipCopy)  # a derived task's files (stems) being copied
    text_sent: bool = False
    closed: bool = False

    @property
    def id(self) -> str:
        return self.hosted.job.task_id


@dataclass(frozen=True)
class Outcome:
    """A finished piece of background work, for the scheduler to apply."""

    what: str  # submit | poll | mirror | files | stream-ended
    task_id: str = ""
    channel: str = ""
    value: Any = None
    error: BaseException | None = None
    extra: dict[str, Any] = field(default_factory=dict)
