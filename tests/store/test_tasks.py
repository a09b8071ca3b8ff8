"""Submitting and reading tasks: the charge and the insert are one transaction, and reads give back exactly
what was stored."""

from __future__ import annotations

import dataclasses
import random
import uuid
from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy.exc import IntegrityError

from tests.store.factories import T0, new_key, new_task
from tests.support.threads import at_once
from tunesmith.domain.errors import InsufficientCredits
from tunesmith.domain.models import Clip, Task
from tunesmith.domain.operations import OperationKind, SongRequest
from tunesmith.domain.states import ClipState, QueueStatus, TaskState
from tunesmith.store.sql import SqlStore


def test_submit_charges_the_cost_and_logs_it(store: SqlStore) -> None:
    key = new_key(store, credits=100)
    task = store.submit_task(new_task(key.id, cost=30))
    assert store.get_key(key.id).credits == 70  # type: ignore[union-attr]
    charge = store.ledger(key.id)[-1]
    assert (charge["delta"], charge["task_id"]) == (-30, task.id)
    assert task.state is TaskState.PENDING and task.queue_status is QueueStatus.QUEUED


def test_submit_may_spend_the_whole_balance(store: SqlStore) -> None:
    key = new_key(store, credits=30)
    store.submit_task(new_task(key.id, cost=30))
    assert store.get_key(key.id).credits == 0  # type: ignore[union-attr]


def test_insufficient_credits_stores_nothing(store: SqlStore) -> None:
    """A refused submit must leave no task, no clips, no charge: the client was told it did not happen."""
    key = new_key(store, credits=29)
    task = new_task(key.id, cost=30)
    with pytest.raises(InsufficientCredits):
        store.submit_task(task)
    assert store.get_task(task.id) is None
    assert store.get_clips([c.id for c in task.clips]) == []
    assert store.get_key(key.id).credits == 29  # type: ignore[union-attr]
    assert [r["delta"] for r in store.ledger(key.id)] == [29]
    assert store.claim_next("w", 60) is None


def test_a_failed_insert_takes_the_charge_back(store: SqlStore) -> None:
    """Charge and insert are one transaction: if the task cannot be stored, the client was not charged."""
    key = new_key(store, credits=100)
    first = store.submit_task(new_task(key.id, cost=10))
    clash = new_task(key.id, cost=25)
    clash = dataclasses.replace(clash, clips=(dataclasses.replace(clash.clips[0], id=first.clips[0].id),))
    with pytest.raises(IntegrityError):
        store.submit_task(clash)
    assert store.get_task(clash.id) is None
    assert store.get_key(key.id).credits == 90  # type: ignore[union-attr]
    assert [r["delta"] for r in store.ledger(key.id)] == [100, -10]


def test_unlimited_keys_are_never_refused(store: SqlStore) -> None:
    key = new_key(store, credits=0, unlimited=True)
    for _ in range(3):
        task = store.submit_task(new_task(key.id, cost=1000))
        assert store.get_task(task.id) is not None


def test_clips_come_back_in_index_order(store: SqlStore) -> None:
    key = new_key(store)
    task = new_task(key.id, clips=4)
    stored = store.submit_task(dataclasses.replace(task, clips=tuple(reversed(task.clips))))
    assert [c.index for c in stored.clips] == [0, 1, 2, 3]
    assert [c.index for c in store.get_task(task.id).clips] == [0, 1, 2, 3]  # type: ignore[union-attr]


def _rich_task(key_id: str) -> Task:
    """Every field set to something other than its default (where submit keeps it), in a non-UTC zone."""
    task_id = "task-" + uuid.uuid4().hex
    zone = timezone(timedelta(hours=5, minutes=30))
    created = datetime(2024, 5, 6, 12, 38, 9, 123456, tzinfo=zone)
    updated = created + timedelta(microseconds=1)
    request = SongRequest(
        kind=OperationKind.EXTEND,
        model="V5",
        custom_mode=True,
        instrumental=False,
        description="idea",
        lyrics="[Verse]\nla — la ✓",
        style="lo-fi, 90 bpm",
        negative_style="metal",
        title="Tïtle",
        vocal_gender="f",
        duration=120.5,
        style_weight=0.65,
        weirdness=0.3,
        audio_weight=0.8,
        persona_id="persona-1",
        seed=42,
        source_clip_id="clip-src",
        continue_at=30.25,
        span=(1.5, 9.75),
        extra={"nested": {"ü": [1, 2.5, None, True]}},
    )
    clips = tuple(
        Clip(
            id=f"{task_id}-c{i}",
            task_id=task_id,
            index=i,
            state=ClipState.SUBMITTED,
            title=f"t{i}",
            tags="tags",
            lyrics="words",
            model_name="chirp-v5",
            duration=61.25 + i,
            audio_key=f"a{i}",
            stream_key=f"s{i}",
            image_key=f"i{i}",
            wav_key=f"w{i}",
            artifacts={"stems": f"st{i}"},
            error_message=None,
            created_at=created,
            updated_at=updated,
        )
        for i in range(2)
    )
    return Task(
        id=task_id,
        key_id=key_id,
        operation=OperationKind.EXTEND,
        request=request,
        dialect="kie",
        raw_request='{"prompt": "ü"}',
        engine="tone-x",
        callback_url="https://cb.example/x?y=1",
        parent_clip_id="clip-src",
        cost=12,
        max_attempts=5,
        created_at=created,
        updated_at=updated,
        clips=clips,
    )


def _datetimes(obj: object) -> list[datetime]:
    return [v for v in vars(obj).values() if isinstance(v, datetime)]


def test_get_task_round_trips_every_field(store: SqlStore) -> None:
    key = new_key(store)
    task = _rich_task(key.id)
    assert store.submit_task(task) == task
    stored = store.get_task(task.id)
    assert stored == task  # dataclass equality: every field of the task, its request and its clips
    assert stored is not None and stored.request.span == (1.5, 9.75)
    for moment in _datetimes(stored) + [d for c in stored.clips for d in _datetimes(c)]:
        assert moment.tzinfo == UTC
    assert store.get_clip(task.clips[1].id) == task.clips[1]


def test_unknown_ids_read_as_none(store: SqlStore) -> None:
    assert store.get_task("missing") is None
    assert store.get_clip("missing") is None


def test_get_tasks_and_clips_in_the_order_asked(store: SqlStore) -> None:
    key = new_key(store)
    a, b, c = (store.submit_task(new_task(key.id, created_at=T0 + timedelta(seconds=i))) for i in range(3))
    got = store.get_tasks([c.id, "nope", a.id, c.id, b.id, a.id])
    assert [t.id for t in got] == [c.id, a.id, b.id]  # order asked, unknown left out, duplicates collapsed
    assert store.get_tasks([]) == [] and store.get_clips([]) == []
    clip_ids = [b.clips[1].id, "nope", a.clips[0].id, b.clips[1].id, c.clips[0].id]
    assert [x.id for x in store.get_clips(clip_ids)] == [b.clips[1].id, a.clips[0].id, c.clips[0].id]


def test_a_thousand_ids_in_one_call(store: SqlStore) -> None:
    """Status polls batch ids; more ids than one IN list may hold must still come back complete, in order."""
    key = new_key(store)
    tasks = [store.submit_task(new_task(key.id, clips=1)) for _ in range(1000)]
    ids = [t.id for t in tasks]
    random.Random(7).shuffle(ids)
    assert [t.id for t in store.get_tasks(ids)] == ids
    clip_ids = [f"{i}-c0" for i in ids]
    assert [c.id for c in store.get_clips(clip_ids)] == clip_ids
    assert len(store.get_tasks([ids[0]] * 1000)) == 1


def test_concurrent_submits_never_overdraw(store: SqlStore) -> None:
    """Two requests racing for the last credits: the balance check and the charge must be one step."""
    key = new_key(store, credits=100)
    outcomes: list[str] = []

    def submit(_: int) -> None:
        try:
            store.submit_task(new_task(key.id, cost=30))
            outcomes.append("ok")
        except InsufficientCredits:
            outcomes.append("refused")

    at_once(submit, 8)
    assert sorted(outcomes) == ["ok"] * 3 + ["refused"] * 5
    assert store.get_key(key.id).credits == 10  # type: ignore[union-attr]
    assert sum(r["delta"] for r in store.ledger(key.id)) == 10
