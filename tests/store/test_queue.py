"""The work queue: claims, leases, retries and the sweep that rescues tasks of dead workers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.store.factories import T0, new_key, new_task, queued
from tunesmith.domain.models import Failure
from tunesmith.domain.states import ClipState, FailureKind, QueueStatus, TaskState
from tunesmith.store.sql import SqlStore

HOUR = 3600.0


def _expired_sweep(store: SqlStore, limit: int = 100):  # type: ignore[no-untyped-def]
    """Sweep at the real clock; tasks claimed with lease_seconds=0 have expired by then."""
    return store.sweep_expired(datetime.now(UTC), limit=limit)


def test_claim_takes_the_oldest_first(store: SqlStore) -> None:
    key = new_key(store)
    later = store.submit_task(new_task(key.id, created_at=T0 + timedelta(seconds=2)))
    oldest = store.submit_task(new_task(key.id, created_at=T0))
    middle = store.submit_task(new_task(key.id, created_at=T0 + timedelta(seconds=1)))
    claimed = [store.claim_next("w", HOUR) for _ in range(3)]
    assert [t.id for t in claimed] == [oldest.id, middle.id, later.id]  # type: ignore[union-attr]
    assert store.claim_next("w", HOUR) is None


def test_claim_sets_the_lease(store: SqlStore) -> None:
    key = new_key(store)
    task = store.submit_task(new_task(key.id))
    before = datetime.now(UTC)
    claimed = store.claim_next("worker-1", 120)
    after = datetime.now(UTC)
    assert claimed is not None and claimed.id == task.id
    assert claimed.queue_status is QueueStatus.RUNNING and claimed.lease_owner == "worker-1"
    assert claimed.attempts == 1
    assert claimed.lease_expires_at is not None and claimed.started_at is not None
    assert before + timedelta(seconds=120) <= claimed.lease_expires_at <= after + timedelta(seconds=120)
    assert before <= claimed.started_at <= after
    assert store.get_task(task.id) == claimed


def test_empty_queue_gives_none(store: SqlStore) -> None:
    assert store.claim_next("w", HOUR) is None


def test_a_claimed_task_is_not_claimed_again(store: SqlStore) -> None:
    key = new_key(store)
    store.submit_task(new_task(key.id))
    assert store.claim_next("a", HOUR) is not None
    assert store.claim_next("b", HOUR) is None


def test_engine_filter(store: SqlStore) -> None:
    key = new_key(store)
    old_a = store.submit_task(new_task(key.id, engine="a", created_at=T0))
    new_b = store.submit_task(new_task(key.id, engine="b", created_at=T0 + timedelta(seconds=1)))
    assert store.claim_next("w", HOUR, engines=["c"]) is None
    assert store.claim_next("w", HOUR, engines=["b", "c"]).id == new_b.id  # type: ignore[union-attr]
    assert store.claim_next("w", HOUR, engines=["b"]) is None
    assert store.claim_next("w", HOUR, engines=None).id == old_a.id  # type: ignore[union-attr]


def test_terminal_tasks_are_not_claimed(store: SqlStore) -> None:
    key = new_key(store)
    task = store.submit_task(new_task(key.id))
    assert store.fail_task(task.id, Failure(kind=FailureKind.CREATE_TASK_FAILED, message="x")) is not None
    assert store.claim_next("w", HOUR) is None


def test_renew_lease_only_by_the_holder(store: SqlStore) -> None:
    key = new_key(store)
    store.submit_task(new_task(key.id))
    task = store.claim_next("holder", 10)
    assert task is not None
    assert not store.renew_lease(task.id, "intruder", HOUR)
    assert store.get_task(task.id).lease_expires_at == task.lease_expires_at  # type: ignore[union-attr]
    assert store.renew_lease(task.id, "holder", HOUR)
    renewed = store.get_task(task.id)
    assert renewed is not None and renewed.lease_expires_at > task.lease_expires_at  # type: ignore[operator]
    assert renewed.lease_owner == "holder" and renewed.attempts == 1


def test_release_requeues_without_counting_the_attempt(store: SqlStore) -> None:
    key = new_key(store)
    store.submit_task(new_task(key.id))
    first = store.claim_next("a", HOUR)
    assert first is not None
    assert not store.release(first.id, "b")
    assert store.get_task(first.id).lease_owner == "a"  # type: ignore[union-attr]
    assert store.release(first.id, "a")
    back = store.get_task(first.id)
    assert back is not None
    assert (back.queue_status, back.lease_owner, back.lease_expires_at, back.attempts) == (
        QueueStatus.QUEUED,
        None,
        None,
        0,
    )
    again = store.claim_next("b", HOUR)
    assert again is not None and again.id == first.id
    assert again.attempts == 1
    assert again.started_at == first.started_at  # set on the first claim only
    assert not store.release(first.id, "a")  # a released lease is gone for good


def test_retry_later_waits_for_its_delay(store: SqlStore) -> None:
    key = new_key(store)
    task, other = queued(store, key.id, 2)
    assert store.claim_next("w", HOUR).id == task.id  # type: ignore[union-attr]
    assert not store.retry_later(task.id, "intruder", 0)
    assert store.retry_later(task.id, "w", HOUR)
    waiting = store.get_task(task.id)
    assert waiting is not None and waiting.queue_status is QueueStatus.QUEUED and waiting.lease_owner is None
    # The older task is not due for an hour: the claim passes over it.
    assert store.claim_next("w", HOUR).id == other.id  # type: ignore[union-attr]
    assert store.claim_next("w", HOUR) is None


def test_retry_later_counts_the_attempt(store: SqlStore) -> None:
    key = new_key(store)
    [task] = queued(store, key.id, 1)
    store.claim_next("w", HOUR)
    assert store.retry_later(task.id, "w", -1)  # already due
    again = store.claim_next("w2", HOUR)
    assert again is not None and again.id == task.id and again.attempts == 2


def test_sweep_requeues_expired_leases_and_leaves_live_ones(store: SqlStore) -> None:
    key = new_key(store)
    dead, live = queued(store, key.id, 2)
    assert store.claim_next("dead-worker", 0).id == dead.id  # type: ignore[union-attr]
    assert store.claim_next("live-worker", HOUR).id == live.id  # type: ignore[union-attr]
    result = _expired_sweep(store)
    assert result.requeued == (dead.id,) and result.failed == ()
    swept = store.get_task(dead.id)
    assert swept is not None
    assert (swept.queue_status, swept.lease_owner, swept.lease_expires_at, swept.state) == (
        QueueStatus.QUEUED,
        None,
        None,
        TaskState.PENDING,
    )
    untouched = store.get_task(live.id)
    assert untouched is not None and untouched.lease_owner == "live-worker"
    assert untouched.queue_status is QueueStatus.RUNNING
    # The dead worker's report is refused; the rescuer gets the task with the attempt counted.
    assert store.record_text(dead.id, "dead-worker", title="t", tags="g", lyrics="l") is None
    rescued = store.claim_next("rescuer", HOUR)
    assert rescued is not None and rescued.id == dead.id and rescued.attempts == 2
    assert _expired_sweep(store).requeued == ()


def test_sweep_fails_a_task_that_used_all_its_attempts(store: SqlStore) -> None:
    key = new_key(store)
    [task] = queued(store, key.id, 1, max_attempts=2, cost=7)
    store.claim_next("w1", 0)
    assert _expired_sweep(store).requeued == (task.id,)
    store.claim_next("w2", 0)
    result = _expired_sweep(store)
    assert result.failed == (task.id,) and result.requeued == ()
    failed = store.get_task(task.id)
    assert failed is not None
    assert failed.state is TaskState.FAILED and failed.queue_status is QueueStatus.DONE
    assert failed.lease_owner is None and failed.finished_at is not None and failed.attempts == 2
    assert failed.failure is not None and failed.failure.kind is FailureKind.GENERATE_AUDIO_FAILED
    assert "2 times" in failed.failure.message
    assert {c.state for c in failed.clips} == {ClipState.ERROR}
    assert all(c.error_message == failed.failure.message for c in failed.clips)
    assert store.claim_next("w3", HOUR) is None
    assert failed.refunded and store.ledger(key.id)[-1]["delta"] == 7  # swept failures are refunded too


def test_sweep_is_bounded_by_limit(store: SqlStore) -> None:
    key = new_key(store)
    tasks = queued(store, key.id, 5)
    for _ in tasks:
        store.claim_next("w", 0)
    first = _expired_sweep(store, limit=2)
    second = _expired_sweep(store, limit=2)
    third = _expired_sweep(store, limit=2)
    assert (len(first.requeued), len(second.requeued), len(third.requeued)) == (2, 2, 1)
    assert sorted(first.requeued + second.requeued + third.requeued) == sorted(t.id for t in tasks)
    assert _expired_sweep(store).requeued == ()


def test_sweep_time_is_the_callers(store: SqlStore) -> None:
    """`now` decides what has expired: a sweep at an earlier moment sees nothing, a later one sees it."""
    key = new_key(store)
    [task] = queued(store, key.id, 1)
    claimed = store.claim_next("w", 60)
    assert claimed is not None and claimed.lease_expires_at is not None
    assert store.sweep_expired(claimed.lease_expires_at - timedelta(seconds=1)).requeued == ()
    assert store.sweep_expired(claimed.lease_expires_at + timedelta(seconds=1)).requeued == (task.id,)
