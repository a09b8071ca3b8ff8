"""Callback deliveries: one per task and stage, leased to one sender, and sent in stage order per task."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.store.factories import new_key, new_task
from tests.support.threads import at_once
from tunesmith.domain.models import CallbackDelivery, Task
from tunesmith.store.sql import SqlStore

LEASE = 30.0


def _soon() -> datetime:
    """A moment just after anything enqueued so far: every fresh delivery is due by then."""
    return datetime.now(UTC) + timedelta(seconds=1)


def _task(store: SqlStore) -> Task:
    return store.submit_task(new_task(new_key(store).id))


def _enqueue(store: SqlStore, task: Task, stage: str) -> CallbackDelivery:
    delivery = store.enqueue_callback(task.id, stage, f"https://client.example/{stage}", {"stage": stage})
    assert delivery is not None
    return delivery


def test_enqueue_stores_the_delivery(store: SqlStore) -> None:
    task = _task(store)
    payload = {"code": 200, "data": {"callbackType": "text", "title": "Tïtle ✓", "list": [1, None]}}
    delivery = store.enqueue_callback(task.id, "text", "https://client.example/cb", payload)
    assert delivery is not None
    assert (delivery.task_id, delivery.stage, delivery.url, delivery.payload) == (
        task.id,
        "text",
        "https://client.example/cb",
        payload,
    )
    assert (delivery.status, delivery.attempts, delivery.last_status_code, delivery.last_error) == (
        "pending",
        0,
        None,
        None,
    )
    assert delivery.created_at.tzinfo == UTC and delivery.next_attempt_at is not None
    assert store.list_callbacks(task.id) == [delivery]


def test_enqueue_dedupes_per_task_and_stage(store: SqlStore) -> None:
    task, other = _task(store), _task(store)
    first = _enqueue(store, task, "text")
    assert store.enqueue_callback(task.id, "text", "https://elsewhere.example", {"x": 1}) is None
    assert store.list_callbacks(task.id) == [first]
    # Another stage of the same task, or the same stage of another task, is a different delivery.
    assert store.enqueue_callback(task.id, "first", "u", {}) is not None
    assert store.enqueue_callback(other.id, "text", "u", {}) is not None


def test_concurrent_enqueues_keep_one_delivery(store: SqlStore) -> None:
    """A reporter retried after a timeout may enqueue the same stage twice at once: one delivery only."""
    task = _task(store)
    got: list[CallbackDelivery | None] = []

    def enqueue(n: int) -> None:
        got.append(store.enqueue_callback(task.id, "complete", f"https://client.example/{n}", {"n": n}))

    at_once(enqueue, 4)
    winners = [d for d in got if d is not None]
    assert len(got) == 4 and len(winners) == 1
    assert store.list_callbacks(task.id) == winners


def test_list_callbacks_in_enqueue_order(store: SqlStore) -> None:
    task = _task(store)
    for stage in ("text", "first", "complete"):
        _enqueue(store, task, stage)
    assert [d.stage for d in store.list_callbacks(task.id)] == ["text", "first", "complete"]
    assert store.list_callbacks("missing") == []


def test_claim_respects_next_attempt_at(store: SqlStore) -> None:
    task = _task(store)
    delivery = _enqueue(store, task, "text")
    assert delivery.next_attempt_at is not None
    assert store.claim_due_callbacks("s", delivery.next_attempt_at - timedelta(seconds=1), 10, LEASE) == []
    assert [d.id for d in store.claim_due_callbacks("s", _soon(), 10, LEASE)] == [delivery.id]


def test_a_claimed_delivery_is_leased(store: SqlStore) -> None:
    task = _task(store)
    delivery = _enqueue(store, task, "text")
    now = _soon()
    assert [d.id for d in store.claim_due_callbacks("a", now, 10, LEASE)] == [delivery.id]
    assert store.claim_due_callbacks("b", now, 10, LEASE) == []
    assert store.claim_due_callbacks("b", now + timedelta(seconds=LEASE - 1), 10, LEASE) == []
    # The sender died: once the lease has run out another sender may take it.
    later = now + timedelta(seconds=LEASE + 1)
    assert [d.id for d in store.claim_due_callbacks("b", later, 10, LEASE)] == [delivery.id]


def test_claim_limit(store: SqlStore) -> None:
    deliveries = [_enqueue(store, _task(store), "text") for _ in range(3)]
    now = _soon()
    first = store.claim_due_callbacks("s", now, 2, LEASE)
    second = store.claim_due_callbacks("s", now, 2, LEASE)
    assert len(first) == 2 and len(second) == 1
    assert sorted(d.id for d in first + second) == sorted(d.id for d in deliveries)


def test_stages_of_one_task_go_in_order(store: SqlStore) -> None:
    """A client must not hear 'first' before 'text': the later stage waits while the earlier is pending."""
    task, other = _task(store), _task(store)
    text = _enqueue(store, task, "text")
    first = _enqueue(store, task, "first")
    other_text = _enqueue(store, other, "text")
    now = _soon()
    assert {d.id for d in store.claim_due_callbacks("s", now, 10, LEASE)} == {text.id, other_text.id}
    # Still pending after a failed attempt (to be retried later): 'first' keeps waiting.
    store.record_callback_attempt(
        text.id, status="pending", status_code=503, error="busy", next_attempt_at=now + timedelta(seconds=60)
    )
    assert store.claim_due_callbacks("s", now + timedelta(seconds=1), 10, LEASE) == []
    store.record_callback_attempt(
        text.id, status="delivered", status_code=200, error=None, next_attempt_at=None
    )
    assert [d.id for d in store.claim_due_callbacks("s", now + timedelta(seconds=2), 10, LEASE)] == [first.id]


def test_a_given_up_stage_unblocks_the_next(store: SqlStore) -> None:
    task = _task(store)
    text = _enqueue(store, task, "text")
    error = _enqueue(store, task, "error")
    store.record_callback_attempt(
        text.id, status="failed", status_code=500, error="gave up", next_attempt_at=None
    )
    assert [d.id for d in store.claim_due_callbacks("s", _soon(), 10, LEASE)] == [error.id]


def test_record_attempts_in_order(store: SqlStore) -> None:
    task = _task(store)
    delivery = _enqueue(store, task, "complete")
    now = _soon()
    store.claim_due_callbacks("s", now, 10, LEASE)
    retry_at = now + timedelta(seconds=120)
    store.record_callback_attempt(
        delivery.id, status="pending", status_code=500, error="HTTP 500", next_attempt_at=retry_at
    )
    [pending] = store.list_callbacks(task.id)
    assert (pending.status, pending.attempts, pending.last_status_code, pending.last_error) == (
        "pending",
        1,
        500,
        "HTTP 500",
    )
    assert pending.next_attempt_at == retry_at and pending.next_attempt_at.tzinfo == UTC
    # Recording the attempt ends the lease: it is due again at its new time, not before.
    assert store.claim_due_callbacks("s", retry_at - timedelta(seconds=1), 10, LEASE) == []
    assert [d.id for d in store.claim_due_callbacks("s", retry_at, 10, LEASE)] == [delivery.id]
    store.record_callback_attempt(
        delivery.id, status="delivered", status_code=200, error=None, next_attempt_at=None
    )
    [done] = store.list_callbacks(task.id)
    assert (done.status, done.attempts, done.last_status_code, done.last_error) == ("delivered", 2, 200, None)
    attempts = store.callback_attempts(delivery.id)
    assert [(a["attempt"], a["status_code"], a["error"]) for a in attempts] == [
        (1, 500, "HTTP 500"),
        (2, 200, None),
    ]
    assert all(a["created_at"].tzinfo == UTC for a in attempts)
    assert store.claim_due_callbacks("s", retry_at + timedelta(days=1), 10, LEASE) == []
    assert store.callback_attempts(999_999) == []


def test_refused_deliveries_are_not_sent_again(store: SqlStore) -> None:
    task = _task(store)
    delivery = _enqueue(store, task, "text")
    store.record_callback_attempt(
        delivery.id, status="refused", status_code=None, error="private address", next_attempt_at=None
    )
    assert store.list_callbacks(task.id)[0].status == "refused"
    assert store.claim_due_callbacks("s", _soon() + timedelta(days=1), 10, LEASE) == []


def test_only_the_claimant_renews_a_pending_lease(store: SqlStore) -> None:
    task = _task(store)
    delivery = _enqueue(store, task, "text")
    (claimed,) = store.claim_due_callbacks("w1", _soon(), 1, 1.0)
    assert store.renew_callback_lease(claimed.id, "w1", LEASE)
    assert not store.renew_callback_lease(claimed.id, "w2", LEASE)  # not its claim
    # renewed to 30 s from now: another sender cannot take it 5 s on, though the first lease was 1 s
    assert store.claim_due_callbacks("w2", _soon() + timedelta(seconds=5), 1, LEASE) == []
    store.record_callback_attempt(
        delivery.id, status="delivered", status_code=200, error=None, next_attempt_at=None
    )
    assert not store.renew_callback_lease(claimed.id, "w1", LEASE)  # recorded: nothing left to renew
