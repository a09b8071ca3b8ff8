"""What hosted engines keep in the store: a task's engine state (lease-guarded, kept across a retry) and
each worker's health report; and claims that leave hosted engines' tasks to their drivers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.store.factories import new_key, new_task
from tunesmith.domain.models import Failure
from tunesmith.domain.states import FailureKind
from tunesmith.store.sql import SqlStore

HOUR = 3600.0


def test_claims_can_leave_out_engines(store: SqlStore) -> None:
    key = new_key(store)
    relayed = store.submit_task(new_task(key.id, engine="relay"))
    composed = store.submit_task(new_task(key.id, engine="composer"))
    assert store.claim_next("slot", HOUR, exclude=["relay"]).id == composed.id  # type: ignore[union-attr]
    assert store.claim_next("slot", HOUR, exclude=["relay"]) is None
    assert store.claim_next("driver", HOUR, ["relay"]).id == relayed.id  # type: ignore[union-attr]


def test_engine_state_is_saved_by_the_lease_holder_only_and_survives_a_requeue(store: SqlStore) -> None:
    key = new_key(store)
    task = store.submit_task(new_task(key.id, engine="relay"))
    assert store.get_task(task.id).engine_state == {}  # type: ignore[union-attr]
    store.claim_next("w1", HOUR)
    state = {"channel": "kie-main", "attempts": [{"channel": "kie-main", "outcome": "accepted"}], "名": "歌"}
    saved = store.save_engine_state(task.id, "w1", state)
    assert saved is not None and saved.engine_state == state
    assert store.save_engine_state(task.id, "intruder", {"channel": "x"}) is None
    assert store.release(task.id, "w1")
    again = store.claim_next("w2", HOUR)
    assert again is not None and again.engine_state == state  # the next worker resumes from it
    store.fail_task(task.id, Failure(kind=FailureKind.TIMEOUT, message="late"), "w2")
    assert store.save_engine_state(task.id, "w2", {"channel": "late"}) is None
    assert store.get_task(task.id).engine_state == state  # type: ignore[union-attr]


def test_health_reports_are_overwritten_per_worker_and_filtered_by_age(store: SqlStore) -> None:
    store.report_engine_health("w1", "relay", [{"name": "a", "breaker": "closed"}])
    store.report_engine_health("w1", "relay", [{"name": "a", "breaker": "open"}])
    store.report_engine_health("w2", "relay", [{"name": "a", "breaker": "closed"}])
    store.report_engine_health("w2", "other", [{"name": "z"}])
    recent = store.engine_health("relay", datetime.now(UTC) - timedelta(minutes=1))
    by_worker = {worker: payload for worker, _, payload in recent}
    assert by_worker == {"w1": [{"name": "a", "breaker": "open"}], "w2": [{"name": "a", "breaker": "closed"}]}
    assert all(at.tzinfo is not None for _, at, _ in recent)
    assert store.engine_health("relay", datetime.now(UTC) + timedelta(minutes=1)) == []
