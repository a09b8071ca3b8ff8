"""Refunds: a failed task's cost goes back with the failure itself, exactly once, however many reporters
try to fail it."""

from __future__ import annotations

from tests.store.factories import new_key, new_task
from tests.support.threads import at_once
from tunesmith.domain.models import Failure
from tunesmith.domain.states import FailureKind
from tunesmith.store.base import ClipUpdate
from tunesmith.store.sql import SqlStore

BOOM = Failure(kind=FailureKind.GENERATE_AUDIO_FAILED, message="boom")


def test_failing_a_task_refunds_it_once(store: SqlStore) -> None:
    key = new_key(store, credits=100)
    task = store.submit_task(new_task(key.id, cost=30))
    assert store.get_key(key.id).credits == 70  # type: ignore[union-attr]
    failed = store.fail_task(task.id, BOOM)
    assert failed is not None and failed.refunded
    assert store.get_key(key.id).credits == 100  # type: ignore[union-attr]
    refund = store.ledger(key.id)[-1]
    assert (refund["delta"], refund["task_id"], refund["reason"]) == (30, task.id, f"refund:{task.id}")
    assert store.fail_task(task.id, BOOM) is None
    assert store.get_key(key.id).credits == 100  # type: ignore[union-attr]
    assert [r["delta"] for r in store.ledger(key.id)] == [100, -30, 30]


def test_unlimited_keys_are_neither_debited_nor_credited(store: SqlStore) -> None:
    key = store.create_key(name="dev", key_hash="f" * 64, prefix="dev", credits=0, unlimited=True)
    task = store.submit_task(new_task(key.id, cost=10))
    store.fail_task(task.id, BOOM)
    assert store.get_key(key.id).credits == 0  # type: ignore[union-attr]
    assert [r["delta"] for r in store.ledger(key.id)] == [-10, 10]


def test_no_refund_for_tasks_that_did_not_fail(store: SqlStore) -> None:
    key = new_key(store, credits=100)
    store.submit_task(new_task(key.id, cost=10))
    running = store.claim_next("w", 3600)
    assert running is not None
    for clip in running.clips:
        store.record_clip(running.id, "w", clip.index, state="complete", update=ClipUpdate(audio_key="a"))
    store.finish_task(running.id, "w")
    assert store.fail_task(running.id, BOOM) is None
    assert store.get_key(key.id).credits == 90  # type: ignore[union-attr]
    assert not store.get_task(running.id).refunded  # type: ignore[union-attr]
    assert len(store.ledger(key.id)) == 2


def test_concurrent_failures_refund_once(store: SqlStore) -> None:
    """A worker, the sweeper and a timeout may fail a task at the same moment; only one may win and pay."""
    key = new_key(store, credits=50)
    task = store.submit_task(new_task(key.id, cost=50))
    results: list[int] = []

    def refund(_: int) -> None:
        results.append(0 if store.fail_task(task.id, BOOM) is None else 50)

    at_once(refund, 4)
    assert sorted(results) == [0, 0, 0, 50]
    assert store.get_key(key.id).credits == 50  # type: ignore[union-attr]
