"""Progress reports are compare-and-set: only the lease holder moves a task, only forwards, and never out of
a terminal state."""

from __future__ import annotations

import pytest

from tests.store.factories import new_key, new_task
from tunesmith.domain.models import Failure, Task
from tunesmith.domain.states import ClipState, FailureKind, QueueStatus, TaskState
from tunesmith.store.base import ClipUpdate
from tunesmith.store.sql import SqlStore

BOOM = Failure(kind=FailureKind.GENERATE_AUDIO_FAILED, message="engine crashed", code=500)


def _running(store: SqlStore, clips: int = 2, worker: str = "w") -> Task:
    key = new_key(store)
    store.submit_task(new_task(key.id, clips=clips, cost=5))
    task = store.claim_next(worker, 3600)
    assert task is not None
    return task


def _complete_all(store: SqlStore, task: Task, worker: str = "w") -> None:
    for clip in task.clips:
        assert (
            store.record_clip(
                task.id, worker, clip.index, state="complete", update=ClipUpdate(audio_key=f"a{clip.index}")
            )
            is not None
        )


def test_record_text_sets_every_clip(store: SqlStore) -> None:
    task = _running(store)
    got = store.record_text(task.id, "w", title="Song", tags="pop", lyrics="la la")
    assert got is not None and got.state is TaskState.TEXT_SUCCESS
    assert got == store.get_task(task.id)
    assert [(c.title, c.tags, c.lyrics) for c in got.clips] == [("Song", "pop", "la la")] * 2
    assert {c.state for c in got.clips} == {ClipState.QUEUED}


def test_record_clip_streaming_then_complete(store: SqlStore) -> None:
    task = _running(store)
    streaming = store.record_clip(
        task.id, "w", 1, state="streaming", update=ClipUpdate(stream_key="s1", image_key="i1", duration=12.5)
    )
    assert streaming is not None and streaming.state is TaskState.FIRST_SUCCESS
    assert streaming.clips[1].state is ClipState.STREAMING and streaming.clips[0].state is ClipState.SUBMITTED
    done = store.record_clip(
        task.id,
        "w",
        1,
        state="complete",
        update=ClipUpdate(audio_key="a1", duration=61.0, artifacts={"wav": "w1"}),
    )
    assert done is not None
    clip = done.clips[1]
    assert clip.state is ClipState.COMPLETE
    # None leaves a field as it was: the stream and image keys survive the complete report.
    assert (clip.stream_key, clip.image_key, clip.audio_key, clip.duration, clip.artifacts) == (
        "s1",
        "i1",
        "a1",
        61.0,
        {"wav": "w1"},
    )


def test_late_streaming_report_does_not_downgrade_a_complete_clip(store: SqlStore) -> None:
    task = _running(store)
    store.record_clip(task.id, "w", 0, state="complete", update=ClipUpdate(audio_key="a0"))
    late = store.record_clip(task.id, "w", 0, state="streaming", update=ClipUpdate(stream_key="s0"))
    assert late is not None and late.clips[0].state is ClipState.COMPLETE
    assert late.clips[0].audio_key == "a0"


def test_record_clip_takes_only_progress_states(store: SqlStore) -> None:
    task = _running(store)
    with pytest.raises(ValueError):
        store.record_clip(task.id, "w", 0, state="error", update=ClipUpdate())
    with pytest.raises(ValueError):
        store.record_clip(task.id, "w", 9, state="complete", update=ClipUpdate())
    assert store.get_task(task.id) == task


def test_state_only_moves_forward(store: SqlStore) -> None:
    """A text report arriving after the first audio must not take the client's view back a step."""
    task = _running(store)
    store.record_clip(task.id, "w", 0, state="streaming", update=ClipUpdate())
    got = store.record_text(task.id, "w", title="T", tags="g", lyrics="l")
    assert got is not None and got.state is TaskState.FIRST_SUCCESS
    assert got.clips[0].state is ClipState.STREAMING and got.clips[0].title == "T"


def test_a_worker_without_the_lease_changes_nothing(store: SqlStore) -> None:
    task = _running(store, worker="holder")
    before = store.get_task(task.id)
    assert store.record_text(task.id, "other", title="x", tags="x", lyrics="x") is None
    assert store.record_clip(task.id, "other", 0, state="complete", update=ClipUpdate(audio_key="x")) is None
    assert store.finish_task(task.id, "other") is None
    assert store.fail_task(task.id, BOOM, worker_id="other") is None
    assert not store.retry_later(task.id, "other", 0)
    assert store.get_task(task.id) == before


def test_finish_refuses_while_a_clip_is_not_complete(store: SqlStore) -> None:
    task = _running(store)
    store.record_clip(task.id, "w", 0, state="complete", update=ClipUpdate(audio_key="a0"))
    store.record_clip(task.id, "w", 1, state="streaming", update=ClipUpdate(stream_key="s1"))
    assert store.finish_task(task.id, "w") is None
    held = store.get_task(task.id)
    assert held is not None and held.state is TaskState.FIRST_SUCCESS
    assert held.queue_status is QueueStatus.RUNNING and held.lease_owner == "w"
    store.record_clip(task.id, "w", 1, state="complete", update=ClipUpdate(audio_key="a1"))
    done = store.finish_task(task.id, "w")
    assert done is not None and done == store.get_task(task.id)
    assert (done.state, done.queue_status, done.lease_owner, done.lease_expires_at) == (
        TaskState.SUCCESS,
        QueueStatus.DONE,
        None,
        None,
    )
    assert done.finished_at is not None


def test_a_successful_task_never_changes(store: SqlStore) -> None:
    task = _running(store)
    _complete_all(store, task)
    done = store.finish_task(task.id, "w")
    assert done is not None
    assert store.finish_task(task.id, "w") is None
    assert store.record_text(task.id, "w", title="x", tags="x", lyrics="x") is None
    assert store.record_clip(task.id, "w", 0, state="streaming", update=ClipUpdate(stream_key="x")) is None
    assert store.fail_task(task.id, BOOM) is None
    assert not store.renew_lease(task.id, "w", 3600)
    assert not store.release(task.id, "w")
    assert store.sweep_expired(done.finished_at.replace(year=2100)).requeued == ()  # type: ignore[union-attr]
    assert store.get_task(task.id) == done


def test_fail_task_by_the_holder(store: SqlStore) -> None:
    task = _running(store)
    store.record_clip(task.id, "w", 0, state="complete", update=ClipUpdate(audio_key="a0"))
    failed = store.fail_task(task.id, BOOM, worker_id="w")
    assert failed is not None and failed == store.get_task(task.id)
    assert failed.state is TaskState.FAILED and failed.queue_status is QueueStatus.DONE
    assert failed.failure == BOOM and failed.lease_owner is None and failed.finished_at is not None
    # A clip that finished stays usable; the rest carry the reason.
    assert [c.state for c in failed.clips] == [ClipState.COMPLETE, ClipState.ERROR]
    assert failed.clips[1].error_message == "engine crashed" and failed.clips[0].error_message is None


def test_a_failed_task_never_changes(store: SqlStore) -> None:
    task = _running(store)
    failed = store.fail_task(task.id, BOOM, worker_id="w")
    assert failed is not None
    other = Failure(kind=FailureKind.TIMEOUT, message="later")
    assert store.fail_task(task.id, other) is None
    assert store.fail_task(task.id, other, worker_id="w") is None
    assert store.finish_task(task.id, "w") is None
    assert store.record_text(task.id, "w", title="x", tags="x", lyrics="x") is None
    assert store.get_task(task.id) == failed


def test_fail_without_a_worker_on_a_queued_task(store: SqlStore) -> None:
    """The API fails tasks it can tell are hopeless before any worker took them."""
    key = new_key(store)
    task = store.submit_task(new_task(key.id))
    failure = Failure(kind=FailureKind.SENSITIVE_WORD_ERROR, message="nope", code=400)
    failed = store.fail_task(task.id, failure)
    assert failed is not None and failed.state is TaskState.FAILED and failed.failure == failure
    assert failed.queue_status is QueueStatus.DONE
    assert {c.state for c in failed.clips} == {ClipState.ERROR}
    assert store.claim_next("w", 3600) is None
    assert store.fail_task("missing", failure) is None
