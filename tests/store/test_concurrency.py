"""Many processes on one database: the queue's promises must hold under real contention, not just in order.

Each process has its own SqlStore (its own connections), started with the spawn context like the real worker
processes, and all start together behind a barrier.
"""

from __future__ import annotations

from collections import Counter

from tests.store import workers
from tests.store.factories import new_key, queued
from tunesmith.domain.states import FailureKind, QueueStatus, TaskState
from tunesmith.store.sql import SqlStore


def test_four_claimers_take_every_task_exactly_once(store: SqlStore) -> None:
    key = new_key(store)
    tasks = queued(store, key.id, 200, clips=1)
    names = [f"claimer-{i}" for i in range(4)]
    outcome = workers.run_processes([(workers.claim_until_empty, name, ()) for name in names], store.url)

    claims = [
        (task_id, attempts, owner, name)
        for name, claimed in outcome.items()
        for task_id, attempts, owner in claimed
    ]
    counts = Counter(task_id for task_id, *_ in claims)
    assert [task_id for task_id, n in counts.items() if n > 1] == []  # no double claims
    assert set(counts) == {t.id for t in tasks}  # and nothing left behind
    assert all(attempts == 1 and owner == name for _, attempts, owner, name in claims)
    stored = {t.id: t for t in store.get_tasks([t.id for t in tasks])}
    for task_id, _, _, name in claims:
        assert stored[task_id].queue_status is QueueStatus.RUNNING
        assert stored[task_id].lease_owner == name and stored[task_id].attempts == 1
    assert store.claim_next("late", 60) is None


def test_sweepers_and_claimers_together_keep_the_books_straight(store: SqlStore) -> None:
    """Every claim is matched by exactly one sweep outcome, and every task ends failed after max_attempts.

    Claimers take leases that expire at once, so two sweepers race to requeue (and finally fail) what two
    claimers race to take: a task swept twice, claimed twice for one attempt, or lost shows in the counts.
    """
    key = new_key(store)
    max_attempts = 3
    tasks = queued(store, key.id, 40, clips=1, max_attempts=max_attempts)
    ids = [t.id for t in tasks]
    outcome = workers.run_processes(
        [(workers.claim_with_no_lease, f"claimer-{i}", (ids,)) for i in range(2)]
        + [(workers.sweep_until_done, f"sweeper-{i}", (ids,)) for i in range(2)],
        store.url,
    )

    claims = [c for name, got in outcome.items() if name.startswith("claimer") for c in got]
    requeued = Counter(t for name, got in outcome.items() if name.startswith("sweeper") for t in got[0])
    failed = Counter(t for name, got in outcome.items() if name.startswith("sweeper") for t in got[1])
    # Each (task, attempt) was handed out once, and attempts ran 1..max with no gap.
    assert sorted(claims) == sorted((task_id, n) for task_id in ids for n in range(1, max_attempts + 1))
    assert requeued == Counter({task_id: max_attempts - 1 for task_id in ids})
    assert failed == Counter({task_id: 1 for task_id in ids})
    for task in store.get_tasks(ids):
        assert (task.state, task.queue_status, task.attempts, task.lease_owner) == (
            TaskState.FAILED,
            QueueStatus.DONE,
            max_attempts,
            None,
        )
        assert task.failure is not None and task.failure.kind is FailureKind.GENERATE_AUDIO_FAILED
