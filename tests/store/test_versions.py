"""task_version: the cheap read that lets pollers reuse a snapshot; every visible change moves it."""

from __future__ import annotations

from tests.store.factories import new_key, new_task
from tunesmith.domain.models import Failure
from tunesmith.domain.states import FailureKind
from tunesmith.store.base import ClipUpdate
from tunesmith.store.sql import SqlStore


def test_every_visible_change_moves_the_version(store: SqlStore) -> None:
    key = new_key(store)
    task = store.submit_task(new_task(key.id))
    assert store.task_version("missing") is None
    seen = [store.task_version(task.id)]
    assert seen[0] == store.get_task(task.id).updated_at  # type: ignore[union-attr]
    claimed = store.claim_next("w", 60)
    assert claimed is not None
    steps = [
        lambda: store.record_text(task.id, "w", title="t", tags="pop", lyrics="la"),
        lambda: store.record_clip(task.id, "w", 0, state="streaming", update=ClipUpdate(stream_key="s")),
        lambda: store.record_clip(task.id, "w", 1, state="complete", update=ClipUpdate(audio_key="a")),
        lambda: store.fail_task(task.id, Failure(kind=FailureKind.GENERATE_AUDIO_FAILED, message="x"), "w"),
    ]
    for step in [lambda: None, *steps]:
        step()
        version = store.task_version(task.id)
        assert version == store.get_task(task.id).updated_at  # type: ignore[union-attr]
        seen.append(version)
    assert len(set(seen[1:])) == len(seen) - 1  # claim and each report moved it
    assert seen[0] != seen[1]
