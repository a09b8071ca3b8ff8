"""Refunds: a failed task's cost goes back exactly once, however many reporters try."""

from __future__ import annotations

import threading

from tests.store.factories import new_key, new_task
from tunesmith.domain.models import Failure
from tunesmith.domain.states import FailureKind
from tunesmith.store.base import ClipUpdate
from tunesmith.store.sql import SqlStore

BOOM = Failure(kind=FailureKind.GENERATE_AUDIO_FAILED, message="boom")


def test_refund_a_failed_task_once(store: SqlStore) -> None:
    key = new_key(store, credits=100)
    task = store.submit_task(new_task(key.id, cost=30))
    store.fail_task(task.id, BOOM)
    assert store.mark_refunded(task.id) == 30
    assert store.get_key(key.id).credits == 100  # type: ignore[union-attr]
    assert store.get_task(task.id).refunded  # type: ignore[union-attr]
    refund = store.ledger(key.id)[-1]
    assert (refund["delta"], refund["task_id"]) == (30, task.id)
    assert store.mark_refunded(task.id) == 0
    assert store.get_key(key.id).credits == 100  # type: ignore[union-attr]
    assert [r["delta"] for r in store.ledger(key.id)] == [100, -30, 30]


def test_no_refund_for_tasks_that_did_not_fail(store: SqlStore) -> None:
    key = new_key(store, credits=100)
    queued = store.submit_task(new_task(key.id, cost=10))
    assert store.mark_refunded(queued.id) == 0
    running = store.claim_next("w", 3600)
    assert running is not None and store.mark_refunded(running.id) == 0
    for clip in running.clips:
        store.record_clip(running.id, "w", clip.index, state="complete", update=ClipUpdate(audio_key="a"))
    store.finish_task(running.id, "w")
    assert store.mark_refunded(running.id) == 0
    assert store.mark_refunded("missing") == 0
    assert store.get_key(key.id).credits == 90  # type: ignore[union-attr]
    assert not store.get_task(running.id).refunded  # type: ignore[union-attr]
    assert len(store.ledger(key.id)) == 2


def test_concurrent_refunds_pay_once(store: SqlStore) -> None:
    """The reporter and a retrying API call may refund at the same moment; only one may win."""
    key = new_key(store, credits=50)
    task = store.submit_task(new_task(key.id, cost=50))
    store.fail_task(task.id, BOOM)
    results: list[int] = []
    barrier = threading.Barrier(4)

    def refund() -> None:
        barrier.wait()
        results.append(store.mark_refunded(task.id))

    threads = [threading.Thread(target=refund) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [0, 0, 0, 50]
    assert store.get_key(key.id).credits == 50  # type: ignore[union-attr]
