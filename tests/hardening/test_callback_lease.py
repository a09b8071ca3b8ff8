"""A callback claim lasts one lease (30 s by default) and is renewed while the request is in flight: a sender
that dies mid-attempt delays the callback by at most that lease, and a slow receiver never gets the same
callback twice from two senders. Against a real HTTP receiver on loopback."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime

from tests.support.callback_delivery import Receiver, later, new_task, payload, receiver, sender, store
from tunesmith.runtime.callbacks import CallbackSender

__all__ = ["receiver", "store"]  # fixtures


def test_a_crashed_senders_claim_frees_the_callback_within_30_seconds(store, receiver: Receiver) -> None:  # type: ignore[no-untyped-def]
    task_id = new_task(store)
    store.enqueue_callback(task_id, "complete", receiver.url(), payload(task_id, "complete"))
    crashed = CallbackSender(store, worker_id="dead", allow=["127.0.0.1"])  # the defaults an operator gets
    assert crashed.lease_seconds <= 30
    now = datetime.now(UTC)
    (claimed,) = store.claim_due_callbacks("dead", now, 1, crashed.lease_seconds)  # ...and then it dies
    with sender(store, worker_id="alive") as alive:
        assert alive.deliver_due(now=later(5)) == 0  # the claim still holds
        assert alive.deliver_due(now=later(31)) == 1  # 30 s on, another sender takes it
    assert [r.json["data"]["callbackType"] for r in receiver.received] == ["complete"]
    assert store.list_callbacks(task_id)[0].status == "delivered"


def test_the_lease_is_renewed_while_a_slow_receiver_answers(store, receiver: Receiver) -> None:  # type: ignore[no-untyped-def]
    task_id = new_task(store)
    store.enqueue_callback(task_id, "complete", receiver.url(), payload(task_id, "complete"))
    receiver.delay_s = 2.5  # answers after 2.5 leases
    slow, other = sender(store, worker_id="slow", lease_seconds=1.0), sender(store, worker_id="other")
    with slow, other:
        sending = threading.Thread(target=slow.deliver_due)
        sending.start()
        deadline = time.monotonic() + 10
        while not receiver.received and time.monotonic() < deadline:
            time.sleep(0.02)
        tries = 0
        while sending.is_alive():  # past the first lease and on: the claim is renewed, nobody else sends
            tries += other.deliver_due()
            time.sleep(0.2)
        sending.join()
    assert tries == 0
    assert len(receiver.received) == 1
    assert store.list_callbacks(task_id)[0].status == "delivered"
