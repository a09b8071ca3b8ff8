"""Poll timing: batch channels once per cycle for all tasks; kie tasks one by one, within 3 per second,
slower as they age; failing channels back off."""

from __future__ import annotations

from tunesmith.engines.relay.config import ChannelConfig
from tunesmith.engines.relay.kinds import make_channel
from tunesmith.engines.relay.schedule import MAX_BACKOFF_S, Polled, PollSchedule


def channel(kind: str):  # type: ignore[no-untyped-def]
    return make_channel(ChannelConfig(name=kind, kind=kind, base_url="http://up.example"), timeout=1.0)


def test_a_batch_channel_is_polled_once_per_cycle_for_all_its_tasks() -> None:
    schedule, newapi = PollSchedule(2.0), channel("newapi")
    tasks = [Polled(f"t{i}", "newapi", accepted_at=0.0) for i in range(20)]
    assert schedule.due(newapi, tasks, 0.0) == tasks
    assert schedule.due(newapi, tasks, 0.1) == []  # a request is in flight
    schedule.answered("newapi", ok=True)
    assert schedule.due(newapi, tasks, 1.9) == []
    assert len(schedule.due(newapi, tasks, 2.0)) == 20


def test_kie_tasks_keep_within_three_polls_a_second_and_slow_down_with_age() -> None:
    schedule, kie = PollSchedule(0.05), channel("kie")
    task = Polled("t", "kie", accepted_at=0.0)
    times, now = [], 0.0
    while now < 10.0:
        if schedule.due(kie, [task], now):
            times.append(now)
            schedule.answered("kie", ok=True)
        now = round(now + 0.01, 2)
    assert max(sum(1 for t in times if s <= t < s + 1.0) for s in times) <= 3
    assert len(times) >= 25  # but not much less often than that either
    old = Polled("o", "kie", accepted_at=0.0)
    assert PollSchedule(5.0).spacing(old, kie, 600.0) == 20.0  # 4× after ten minutes
    assert PollSchedule(5.0).spacing(old, kie, 60.0) == 7.5


def test_a_kie_task_waits_its_spacing_from_when_its_poll_came_back() -> None:
    schedule, kie = PollSchedule(0.05), channel("kie")
    first, second = Polled("a", "kie", accepted_at=0.0), Polled("b", "kie", accepted_at=0.0)
    assert schedule.due(kie, [first, second], 1.0) == [first, second]
    # The job sent b's request late (after a's answer), and came back at 1.3: b's next request waits a
    # full spacing from then, not from 1.0 when the job was due.
    schedule.answered("kie", True, [first, second], kie, now=1.3)
    assert schedule.due(kie, [first, second], 1.36) == []
    assert schedule.due(kie, [first, second], 1.3 + 1.05 / 3 + 0.001) == [first, second]


def test_a_failing_channel_backs_off_and_recovers() -> None:
    schedule, gcui = PollSchedule(1.0), channel("gcui")
    tasks = [Polled("t", "gcui", accepted_at=0.0)]

    def next_due(now: float, ok: bool) -> float:
        while not schedule.due(gcui, tasks, now):
            now += 0.5
        schedule.answered("gcui", ok=ok)
        return now

    times = [next_due(0.0, ok=False)]
    for _ in range(9):
        times.append(next_due(times[-1], ok=False))
    gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
    assert gaps[:4] == [1.0, 2.0, 3.0, 5.0]  # the interval plus a doubling wait
    assert max(gaps) <= 1.0 + MAX_BACKOFF_S
    answered = next_due(times[-1], ok=True)  # scheduled with the long wait, but it answers
    after = next_due(answered, ok=True)
    assert after - answered == 1.0 + MAX_BACKOFF_S
    assert next_due(after, ok=True) - after == 1.0  # back to one interval
