"""Polling reuses task snapshots, but never serves a stale one."""

from __future__ import annotations

from pathlib import Path

from tests.support.harness import settings_for_tests
from tunesmith.domain.states import TaskState
from tunesmith.service.tasks import TaskService
from tunesmith.services import build_services
from tunesmith.store.base import ClipUpdate


def test_a_poll_after_a_change_sees_the_change(tmp_path: Path) -> None:
    from tunesmith.dialects.kie import KieGenerateRequest, to_song_request

    services = build_services(settings_for_tests(tmp_path))
    try:
        tasks: TaskService = services.tasks
        key = services.keys.create(name="t", credits=100).key
        request = to_song_request(
            KieGenerateRequest(
                customMode=False, instrumental=False, model="V4_5", prompt="a calm piano track"
            )
        )
        task = tasks.submit(key, request, dialect="kie", raw_request="{}")
        first = tasks.load(key, task.id)
        assert tasks.load(key, task.id) is first  # unchanged: the cached snapshot itself
        store = services.store
        store.claim_next("w", 60)
        store.record_text(task.id, "w", title="Calm", tags="piano", lyrics="")
        after = tasks.load(key, task.id)
        assert after is not first and after.state is TaskState.TEXT_SUCCESS
        for clip in after.clips:
            done_clip = ClipUpdate(audio_key="a.mp3")
            store.record_clip(task.id, "w", clip.index, state="complete", update=done_clip)
        store.finish_task(task.id, "w")
        done = tasks.load(key, task.id)
        assert done.state is TaskState.SUCCESS
        assert tasks.peek(key, task.id) is done  # finished: served without asking the store
    finally:
        services.close()
