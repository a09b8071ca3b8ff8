"""Hosted engines: engines whose work happens elsewhere (an upstream service), driven by one shared driver
in the worker process instead of one engine child process per task.

A child process per task suits engines that compute: they may be heavy, crash or be killed. An engine that
only submits work to an upstream and waits would hold a worker slot (and a process) for minutes per task and
poll once per task, where an upstream wants one batch query per cycle for all of them. So the runtime gives
each hosted engine one `EngineDriver` per worker process: the worker claims the engine's tasks while the
driver has room, hands each over as a `HostedTask`, keeps the leases alive, and hands back (releases) what
is still open when it stops. The driver submits, polls, and reports through each task's `TaskPort`: the same
`ProgressSink` every engine reports through, plus what a task outside a child process must say itself (its
durable state, its failure, its end).

`state` is what the driver saved for the task last (`TaskPort.save_state`); a task whose worker died is
claimed again by another worker and arrives with it, so the driver resumes (e.g. polls the upstream task it
already submitted) instead of starting over.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from tunesmith.domain.states import FailureKind
from tunesmith.engines.base import Engine, EngineError, EngineJob, ProgressSink


class TaskGone(Exception):
    """The task is no longer this worker's (its lease was lost, or it ended elsewhere): stop working on it."""


class TaskPort(ProgressSink):
    """One hosted task's way back to the runtime. Every call may raise TaskGone."""

    @abstractmethod
    def save_state(self, state: Mapping[str, Any]) -> None:
        """Store the driver's state for this task durably (JSON values), before acting on it."""

    @abstractmethod
    def fail(self, kind: FailureKind, message: str, code: int | None = None) -> None:
        """The task failed: the runtime records it, refunds it exactly once and tells the client."""

    @abstractmethod
    def done(self) -> None:
        """Every clip (or the derived result) is reported: the task succeeded."""


@dataclass(frozen=True, kw_only=True)
class HostedTask:
    job: EngineJob
    port: TaskPort
    deadline: float  # time.monotonic() after which the task fails with TIMEOUT
    state: Mapping[str, Any] = field(default_factory=dict)
    # The saved state of the task that made `job.source` (an extension continues a clip the same engine
    # made: the state says where it lives upstream); empty when there is no source or none was saved.
    source_state: Mapping[str, Any] = field(default_factory=dict)
    # The saved state of the task the request named when that is not the one that made the source clip
    # (MIDI from a separation task: the separation as the upstream knows it); empty otherwise.
    named_state: Mapping[str, Any] = field(default_factory=dict)


class EngineDriver(ABC):
    """Runs every task of one hosted engine in one worker process. Thread-safe."""

    @abstractmethod
    def start(self) -> None: ...

    @abstractmethod
    def stop(self) -> None:
        """Stop working; open tasks are left as they are (the runtime releases them to the queue)."""

    @abstractmethod
    def has_room(self) -> bool:
        """May the runtime hand over one more task now?"""

    @abstractmethod
    def add(self, task: HostedTask) -> None: ...

    @abstractmethod
    def drop(self, task_id: str) -> None:
        """Forget a task without reporting anything (its lease was lost)."""

    @abstractmethod
    def open_tasks(self) -> list[str]: ...

    def health(self) -> list[dict[str, Any]]:
        """What the operator should see of the engine's upstreams (plain values, no secrets)."""
        return []


class HostedEngine(Engine):
    """An engine run by a driver in the worker process (see the module docstring)."""

    hosted = True

    @abstractmethod
    def driver(self) -> EngineDriver:
        """A new driver for this process, built from the options given to `configure`."""

    def run(self, job: EngineJob, sink: ProgressSink) -> None:
        raise EngineError(f"the {self.name} engine runs in the worker's driver, not in an engine process")
