"""The database keeps kie's "one WAV per clip, one cover per task" rules even for racing requests."""

from __future__ import annotations

from dataclasses import replace

import pytest

from tests.store.factories import new_key, new_task
from tunesmith.domain.errors import Conflict
from tunesmith.domain.models import Failure
from tunesmith.domain.operations import OperationKind, SongRequest
from tunesmith.domain.states import FailureKind
from tunesmith.store.sql import SqlStore


def derived(key_id: str, kind: OperationKind, **source: str):  # type: ignore[no-untyped-def]
    task = new_task(key_id, clips=0, cost=1)
    request = SongRequest(kind=kind, source_clip_id=source.get("clip"), source_task_id=source.get("task"))
    return replace(
        task,
        operation=kind,
        request=request,
        parent_clip_id=source.get("clip"),
        source_task_id=source.get("task"),
    )


def test_one_live_wav_per_clip(store: SqlStore) -> None:
    key = new_key(store, credits=10)
    first = store.submit_task(derived(key.id, OperationKind.WAV, clip="clip-1"))
    with pytest.raises(Conflict):
        store.submit_task(derived(key.id, OperationKind.WAV, clip="clip-1"))
    assert store.get_key(key.id).credits == 9  # type: ignore[union-attr]  # the refused one charged nothing
    store.submit_task(derived(key.id, OperationKind.WAV, clip="clip-2"))  # another clip is fine
    store.fail_task(first.id, Failure(kind=FailureKind.GENERATE_AUDIO_FAILED, message="x"))
    store.submit_task(derived(key.id, OperationKind.WAV, clip="clip-1"))  # a failed record frees the slot


def test_one_live_cover_per_task(store: SqlStore) -> None:
    key = new_key(store, credits=10)
    store.submit_task(derived(key.id, OperationKind.COVER_ART, task="music-1"))
    with pytest.raises(Conflict):
        store.submit_task(derived(key.id, OperationKind.COVER_ART, task="music-1"))
    store.submit_task(derived(key.id, OperationKind.STEMS, clip="clip-1"))
    store.submit_task(derived(key.id, OperationKind.STEMS, clip="clip-1"))  # stems are re-made every time
