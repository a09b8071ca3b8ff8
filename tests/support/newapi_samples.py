"""new-api's seed shapes and task builders, shared by the dialect's unit tests, the OpenAI chat dialect's
(which renders the same clips) and the new-api flow tests.

Seed 001's example response is copied into tests/fixtures/seeds/newapi_fetch.json and its enums into
newapi_enums.json, so the tests run anywhere.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tests.support.builders import URLS, clip_builder, task_builder
from tunesmith.domain.models import Clip, Failure, Task
from tunesmith.domain.operations import OperationKind, SongRequest
from tunesmith.domain.states import QueueStatus, TaskState

__all__ = [
    "SEED_CLIP",
    "SEED_ENUMS",
    "SEED_ERROR",
    "SEED_FETCH",
    "SEED_SUBMIT",
    "T0",
    "URLS",
    "assert_same_shape",
    "clip",
    "json_type",
    "task",
]

SEEDS = Path(__file__).resolve().parent.parent / "fixtures" / "seeds"
SEED_FETCH: dict[str, Any] = json.loads((SEEDS / "newapi_fetch.json").read_text(encoding="utf-8"))
SEED_SUBMIT: dict[str, Any] = json.loads((SEEDS / "newapi_submit.json").read_text(encoding="utf-8"))
SEED_ERROR: dict[str, Any] = json.loads((SEEDS / "newapi_error.json").read_text(encoding="utf-8"))
SEED_ENUMS: dict[str, Any] = json.loads((SEEDS / "newapi_enums.json").read_text(encoding="utf-8"))
SEED_CLIP = SEED_FETCH["data"]["data"][0]

T0 = datetime(2025, 1, 1, 0, 0, 0, 687000, tzinfo=UTC)


def json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    return {str: "string", list: "array", dict: "object"}[type(value)]


def assert_same_shape(ours: Any, seed: Any, path: str = "$") -> None:
    """Same keys at every level and the same JSON types; a seed `null` is a nullable string or list."""
    if seed is None:
        assert json_type(ours) in ("null", "string", "array"), f"{path}: {ours!r}"
        return
    assert json_type(ours) == json_type(seed), f"{path}: {json_type(ours)} != {json_type(seed)}"
    if isinstance(seed, dict):
        extra, missing = set(ours) - set(seed), set(seed) - set(ours)
        assert not extra and not missing, f"{path}: extra {extra}, missing {missing}"
        for name in seed:
            assert_same_shape(ours[name], seed[name], f"{path}.{name}")
    elif isinstance(seed, list) and seed and ours:
        for i, item in enumerate(ours):
            assert_same_shape(item, seed[0], f"{path}[{i}]")


clip = clip_builder(
    at=T0,
    duration=120.0,
    audio_key="clip-{index}/audio.mp3",
    image_key="clip-{index}/cover.png",
    image_once_complete=True,
    title="City Lights",
    tags="emotional punk",
    lyrics="[Verse]\nWalking down the streets",
    model_name="chirp-v3-5",
)
_task = task_builder(clip, at=T0, dialect="newapi")


def task(
    state: TaskState = TaskState.SUCCESS,
    clips: tuple[Clip, ...] | None = None,
    *,
    failure: Failure | None = None,
    operation: OperationKind = OperationKind.GENERATE,
    queue_status: QueueStatus = QueueStatus.DONE,
    attempts: int = 1,
    **request: Any,
) -> Task:
    song = SongRequest(kind=operation, model=request.pop("model", "V3_5"), **request)
    terminal = state in (TaskState.SUCCESS, TaskState.FAILED)
    return _task(
        state,
        clips,
        operation=operation,
        request=song,
        queue_status=queue_status,
        attempts=attempts,
        failure=failure,
        started_at=T0 if attempts else None,
        finished_at=T0 if terminal else None,
    )
