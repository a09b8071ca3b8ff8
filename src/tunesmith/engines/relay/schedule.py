"""When each channel is polled, and for which tasks.

- Batch upstreams (new-api, gcui): one request per channel per cycle (`interval`) for every open task of
  that channel.
- kie (no batch query): each task on its own timer, every `interval`, up to 4× slower as it ages (+1× per
  AGE_STEP_S), never more often than the upstream's per-task limit allows (kie: 3 per second; a little
  slack keeps any one-second window at 3), counted from when the poll came back, not when it was due.
- At most one poll request in flight per channel; a channel whose polls fail waits longer each time
  (doubling, at most MAX_BACKOFF_S) until it answers again.
Not thread-safe: the driver's scheduler thread owns it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from tunesmith.engines.relay.channel import Channel

AGE_STEP_S = 120.0
MAX_AGE_FACTOR = 4.0
MAX_BACKOFF_S = 60.0
LIMIT_SLACK = 1.05  # spacing a little over 1/limit keeps every one-second window within the limit


@dataclass
class Polled:
    """What the schedule needs to know of one open task."""

    task_id: str
    channel: str
    accepted_at: float
    next_at: float = 0.0


class PollSchedule:
    def __init__(self, interval: float) -> None:
        self.interval = interval
        self._in_flight: set[str] = set()
        self._next_cycle: dict[str, float] = {}
        self._backoff: dict[str, float] = {}

    def first_poll(self, task: Polled, channel: Channel, now: float) -> None:
        task.next_at = now + self.spacing(task, channel, now)

    def spacing(self, task: Polled, channel: Channel, now: float) -> float:
        """How long a task waits between its polls."""
        wait = self.interval
        if channel.batch_size == 1:
            wait *= min(MAX_AGE_FACTOR, 1.0 + (now - task.accepted_at) / AGE_STEP_S)
        return max(wait, LIMIT_SLACK / channel.max_polls_per_task_second)

    def due(self, channel: Channel, tasks: Iterable[Polled], now: float) -> list[Polled]:
        """The tasks to poll on `channel` now (marks the channel busy when there are any)."""
        name = channel.name
        if name in self._in_flight or now < self._next_cycle.get(name, 0.0):
            return []
        backoff = self._backoff.get(name, 0.0)
        if channel.batch_size > 1:
            due = list(tasks)
            self._next_cycle[name] = now + self.interval + backoff
        else:
            due = [t for t in tasks if now >= t.next_at]
            for task in due:
                task.next_at = now + self.spacing(task, channel, now) + backoff
        if due:
            self._in_flight.add(name)
        return due

    def answered(
        self,
        channel: str,
        ok: bool,
        polled: Iterable[Polled] = (),
        at: Channel | None = None,
        now: float = 0.0,
    ) -> None:
        """A poll job of `channel` came back (ok) or failed at `now`. For a channel polled task by task
        (`at`, batch size 1), each `polled` task then waits its full spacing from now: its request was sent
        at some moment of the job, so spacing from the job's start alone could bring two requests of one
        task closer than the upstream's limit when one job sends late and the next sends early."""
        self._in_flight.discard(channel)
        if at is not None and at.batch_size == 1:
            for task in polled:
                task.next_at = max(task.next_at, now + self.spacing(task, at, now))
        if ok:
            self._backoff.pop(channel, None)
        else:
            self._backoff[channel] = min(
                MAX_BACKOFF_S, max(self.interval, self._backoff.get(channel, 0.0) * 2)
            )
