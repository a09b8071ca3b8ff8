"""Test-only builders shared by the dialect tests: domain Clips and Tasks with predictable values, and a
UrlBuilder with predictable URLs.

Every dialect renders the same domain objects, so its tests build them the same way; each test module states
only what is particular to its seed (titles, durations, times, key layout) in one `clip_builder` /
`task_builder` call.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any, Protocol

from tunesmith.domain.models import Clip, Task
from tunesmith.domain.states import ClipState, TaskState


class Urls:
    """A UrlBuilder with predictable URLs."""

    def media(self, key: str | None) -> str:
        return f"https://media.test/{key}" if key else ""

    def stream(self, clip_id: str) -> str:
        return f"https://media.test/stream/{clip_id}"


URLS = Urls()


class ClipBuilder(Protocol):
    def __call__(self, index: int = 0, state: ClipState = ClipState.COMPLETE, **kw: Any) -> Clip: ...


class TaskBuilder(Protocol):
    def __call__(
        self, state: TaskState = TaskState.SUCCESS, clips: tuple[Clip, ...] | None = None, **kw: Any
    ) -> Task: ...


def clip_builder(
    *,
    at: datetime,
    duration: float,
    audio_key: str = "clip-{index}.mp3",
    image_key: str = "clip-{index}.png",
    image_once_complete: bool = False,
    **defaults: Any,
) -> ClipBuilder:
    """`clip(index, state, **fields)`: clip `clip-<index>` of task-1, created and updated at `at`. Only a
    complete clip has a duration and audio (`audio_key`, formatted with the index); the image is there from
    the start unless `image_once_complete`. `defaults` and then the call's fields override any of it."""

    def clip(index: int = 0, state: ClipState = ClipState.COMPLETE, **kw: Any) -> Clip:
        complete = state is ClipState.COMPLETE
        fields: dict[str, Any] = {
            "id": f"clip-{index}",
            "task_id": "task-1",
            "index": index,
            "state": state,
            "duration": duration if complete else None,
            "audio_key": audio_key.format(index=index) if complete else None,
            "image_key": image_key.format(index=index) if complete or not image_once_complete else None,
            "created_at": at,
            "updated_at": at,
            **defaults,
        }
        fields.update(kw)
        return Clip(**fields)

    return clip


def task_builder(clip: ClipBuilder, *, at: datetime, **defaults: Any) -> TaskBuilder:
    """`task(state, clips, **fields)`: task-1 of key-1, created and updated at `at`, holding `clips` (two
    takes from `clip` when None). `defaults` must name the `request`; `operation` follows the request's kind
    unless given. `defaults` and then the call's fields override any of it."""

    def task(state: TaskState = TaskState.SUCCESS, clips: tuple[Clip, ...] | None = None, **kw: Any) -> Task:
        fields: dict[str, Any] = {
            "id": "task-1",
            "key_id": "key-1",
            "raw_request": "{}",
            "engine": "tone",
            "created_at": at,
            "updated_at": at,
            **defaults,
            **kw,
        }
        fields.setdefault("operation", fields["request"].kind)
        return Task(state=state, clips=(clip(0), clip(1)) if clips is None else clips, **fields)

    return task


def same_shape(seed: Any, ours: Any, where: str, *, always_null: Collection[str] = ()) -> None:
    """Exactly the seed's keys (in its order) at every level, with the seed's JSON value types. A seed `null`
    accepts any value, except under a key in `always_null`, which must stay null."""
    if isinstance(seed, dict):
        assert isinstance(ours, dict), where
        assert list(ours) == list(seed), f"{where}: keys differ"
        for key in seed:
            same_shape(seed[key], ours[key], f"{where}.{key}", always_null=always_null)
    elif isinstance(seed, list):
        assert isinstance(ours, list) and ours, where
        for item in ours:
            same_shape(seed[0], item, f"{where}[]", always_null=always_null)
    elif seed is None:
        if where.rsplit(".", 1)[-1] in always_null:
            assert ours is None, where
    else:
        assert isinstance(ours, type(seed)) and not (type(seed) is int and isinstance(ours, bool)), (
            f"{where}: {type(ours).__name__} vs {type(seed).__name__}"
        )
