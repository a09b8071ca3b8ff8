"""API keys and the credit ledger: the balance a client pays from must never drift from its history."""

from __future__ import annotations

from datetime import UTC

from tests.store.factories import new_key
from tests.support.threads import at_once
from tunesmith.store.sql import SqlStore


def test_create_and_look_up_a_key(store: SqlStore) -> None:
    """Only the hash is stored, and every lookup path finds the same key with every field intact."""
    key = store.create_key(
        name="studio",
        key_hash="h" * 64,
        prefix="ts_abcd",
        credits=250,
        unlimited=True,
        webhook_secret="whsec",
    )
    assert (key.name, key.prefix, key.credits, key.unlimited, key.webhook_secret) == (
        "studio",
        "ts_abcd",
        250,
        True,
        "whsec",
    )
    assert key.created_at.utcoffset() is not None and key.created_at.tzinfo == UTC
    assert store.get_key_by_hash("h" * 64) == key
    assert store.get_key(key.id) == key
    assert store.get_key("nope") is None
    assert store.get_key_by_hash("x" * 64) is None


def test_list_and_count_keys(store: SqlStore) -> None:
    assert store.list_keys() == [] and store.count_keys() == 0
    keys = [new_key(store, credits=i) for i in range(3)]
    assert store.list_keys() == keys  # oldest first
    assert store.count_keys() == 3


def test_same_hash_twice_returns_the_existing_key(store: SqlStore) -> None:
    """A retried bootstrap must not mint a second key nor grant the initial credits twice."""
    first = store.create_key(name="a", key_hash="same", prefix="p1", credits=100)
    second = store.create_key(name="b", key_hash="same", prefix="p2", credits=999)
    assert second == first
    assert store.count_keys() == 1
    assert store.get_key(first.id).credits == 100  # type: ignore[union-attr]
    assert [row["delta"] for row in store.ledger(first.id)] == [100]


def test_same_hash_created_concurrently_is_one_key(store: SqlStore) -> None:
    """Several processes bootstrapping the same configured key at once must end up with one key."""
    got = []

    def create(_: int) -> None:
        got.append(store.create_key(name="dev", key_hash="dev-hash", prefix="dev", credits=50))

    at_once(create, 4)
    assert len(got) == 4 and len({k.id for k in got}) == 1
    assert store.count_keys() == 1
    assert [row["delta"] for row in store.ledger(got[0].id)] == [50]


def test_initial_credits_are_a_ledger_row(store: SqlStore) -> None:
    key = new_key(store, credits=100)
    [row] = store.ledger(key.id)
    assert row["delta"] == 100 and row["task_id"] is None and row["reason"]
    assert row["created_at"].tzinfo == UTC


def test_add_credits_moves_the_balance_and_logs_each_movement(store: SqlStore) -> None:
    key = new_key(store, credits=10)
    assert store.add_credits(key.id, 40, "top-up") == 50
    assert store.add_credits(key.id, -70, "chargeback") == -20  # a debit has no floor
    assert store.get_key(key.id).credits == -20  # type: ignore[union-attr]
    ledger = store.ledger(key.id)
    assert [(r["delta"], r["reason"]) for r in ledger[1:]] == [(40, "top-up"), (-70, "chargeback")]
    assert sum(r["delta"] for r in ledger) == -20


def test_ledgers_are_per_key(store: SqlStore) -> None:
    a, b = new_key(store, credits=1), new_key(store, credits=2)
    store.add_credits(a.id, 5, "gift")
    assert [r["delta"] for r in store.ledger(a.id)] == [1, 5]
    assert [r["delta"] for r in store.ledger(b.id)] == [2]
