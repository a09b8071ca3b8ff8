"""qhaigc dialect: request rules, the task envelope against the seed's example (seed 002), error envelopes.

The seed's JSON example is copied into tests/fixtures/seeds/qhaigc_task.json; the submit reply's example comes
from qhaigc's own generate page (tests/fixtures/seeds/qhaigc_submit.json).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError
from tests.support.builders import URLS, clip_builder, same_shape, task_builder

from tunesmith.dialects.qhaigc import (
    TASK_STATUSES,
    QhaigcDialect,
    QhaigcGenerationRequest,
    model_name,
    render_submit,
    render_task,
    to_song_request,
)
from tunesmith.domain.errors import (
    Conflict,
    InsufficientCredits,
    InvalidRequest,
    NotFound,
    PayloadTooLarge,
    RateLimited,
    ServiceError,
    Unauthorized,
    Unavailable,
    Unsupported,
)
from tunesmith.domain.models import Failure
from tunesmith.domain.operations import SongRequest
from tunesmith.domain.states import ClipState, FailureKind, QueueStatus, TaskState

SEEDS = Path(__file__).resolve().parent.parent / "fixtures" / "seeds"
SEED_TASK: dict[str, Any] = json.loads((SEEDS / "qhaigc_task.json").read_text(encoding="utf-8"))
SEED_SUBMIT: dict[str, Any] = json.loads((SEEDS / "qhaigc_submit.json").read_text(encoding="utf-8"))
T0 = datetime(2026, 3, 14, 11, 9, 31, tzinfo=UTC)

clip = clip_builder(
    at=T0,
    duration=180.4,
    title="春天转圈圈",
    tags="j-pop",
    lyrics="[Verse 1]\n闹钟还在打喷嚏",
    model_name="chirp-v4-5-plus",
    created_at=T0 + timedelta(seconds=80),
)
task = task_builder(
    clip,
    at=T0,
    dialect="kie",
    request=SongRequest(model="V4_5PLUS", custom_mode=True, lyrics="[Verse 1]", style="j-pop", title="t"),
    started_at=T0 + timedelta(seconds=2),
    finished_at=T0 + timedelta(seconds=81),
    queue_status=QueueStatus.DONE,
)


# --- the task envelope against the seed ---------------------------------------------------------------


def test_finished_task_has_exactly_the_seed_shape_at_every_level() -> None:
    ours = render_task(task(), URLS)
    same_shape(SEED_TASK, ours, "body")
    assert ours["code"] == "success" and ours["message"] == ""
    data = ours["data"]
    assert (data["task_id"], data["action"], data["status"], data["progress"]) == (
        "task-1",
        "GENERATIONS",
        "SUCCESS",
        "100%",
    )
    assert data["fail_reason"] == ""
    assert json.loads(json.dumps(ours)) == ours


def test_times_are_unix_seconds_for_the_task_and_millis_for_clips() -> None:
    data = render_task(task(), URLS)["data"]
    assert data["submit_time"] == int(T0.timestamp())
    assert data["start_time"] == int(T0.timestamp()) + 2
    assert data["finish_time"] == int(T0.timestamp()) + 81
    assert data["data"][0]["createTime"] == int(T0.timestamp() * 1000) + 80_000
    naive = render_task(task(created_at=T0.replace(tzinfo=None)), URLS)["data"]
    assert naive["submit_time"] == int(T0.timestamp())  # naive times are UTC


def test_clip_fields_hold_urls_codename_and_lyrics() -> None:
    item = render_task(task(), URLS)["data"]["data"][0]
    assert item == {
        "id": "clip-0",
        "tags": "j-pop",
        "title": "春天转圈圈",
        "prompt": "[Verse 1]\n闹钟还在打喷嚏",
        "audioUrl": "https://media.test/clip-0.mp3",
        "duration": 180.4,
        "imageUrl": "https://media.test/clip-0.png",
        "modelName": "chirp-bluejay",
        "createTime": int(T0.timestamp() * 1000) + 80_000,
        "sourceAudioUrl": "https://media.test/clip-0.mp3",
        "sourceImageUrl": "https://media.test/clip-0.png",
        "streamAudioUrl": "https://media.test/stream/clip-0",
        "sourceStreamAudioUrl": "https://media.test/stream/clip-0",
    }


@pytest.mark.parametrize(
    ("state", "queue", "status", "progress", "clips"),
    [
        (TaskState.PENDING, QueueStatus.QUEUED, "SUBMITTED", "0%", 0),
        (TaskState.PENDING, QueueStatus.RUNNING, "IN_PROGRESS", "10%", 0),
        (TaskState.TEXT_SUCCESS, QueueStatus.RUNNING, "IN_PROGRESS", "30%", 2),
        (TaskState.FIRST_SUCCESS, QueueStatus.RUNNING, "IN_PROGRESS", "60%", 2),
        (TaskState.SUCCESS, QueueStatus.DONE, "SUCCESS", "100%", 2),
    ],
)
def test_every_state_maps_into_the_task_enum(
    state: TaskState, queue: QueueStatus, status: str, progress: str, clips: int
) -> None:
    running = (clip(0, ClipState.STREAMING), clip(1, ClipState.SUBMITTED))
    t = task(
        state,
        clips=None if state is TaskState.SUCCESS else running,
        queue_status=queue,
        finished_at=None if state is not TaskState.SUCCESS else T0,
    )
    data = render_task(t, URLS)["data"]
    assert data["status"] == status and data["status"] in TASK_STATUSES
    assert data["progress"] == progress and len(data["data"]) == clips
    if state is not TaskState.SUCCESS:
        assert data["finish_time"] == 0
    if clips and state is not TaskState.SUCCESS:
        streaming, waiting = data["data"]
        assert streaming["streamAudioUrl"] and streaming["audioUrl"] == ""
        assert waiting["streamAudioUrl"] == "" and waiting["duration"] == 0.0


def test_failed_task_reports_failure_with_a_reason_and_only_playable_clips() -> None:
    failure = Failure(kind=FailureKind.GENERATE_AUDIO_FAILED, message="the engine broke")
    t = task(TaskState.FAILED, clips=(clip(0), clip(1, ClipState.ERROR)), failure=failure)
    data = render_task(t, URLS)["data"]
    assert (data["status"], data["fail_reason"], data["progress"]) == ("FAILURE", "the engine broke", "100%")
    assert [c["id"] for c in data["data"]] == ["clip-0"]
    assert render_task(task(TaskState.FAILED, failure=None), URLS)["data"]["fail_reason"]


def test_instrumental_clips_carry_no_lyrics() -> None:
    t = task(request=SongRequest(model="V5", instrumental=True, description="calm piano"))
    items = render_task(t, URLS)["data"]["data"]
    assert [i["prompt"] for i in items] == ["", ""] and items[0]["modelName"] == "chirp-crow"


def test_submit_reply_has_the_documented_shape() -> None:
    ours = render_submit(task(TaskState.PENDING))
    same_shape(SEED_SUBMIT, ours, "submit")
    assert ours == {"created": int(T0.timestamp()), "data": [{"id": "task-1", "status": "processing"}]}


# --- requests -----------------------------------------------------------------------------------------


def req(**kw: Any) -> SongRequest:
    return to_song_request(QhaigcGenerationRequest.model_validate(kw))


def test_description_mode_is_the_default_with_qhaigcs_default_model() -> None:
    song = req(prompt="一首关于春天的轻快 J-Pop 歌曲")
    assert (song.model, song.custom_mode, song.description, song.lyrics) == (
        "V4_5PLUS",
        False,
        "一首关于春天的轻快 J-Pop 歌曲",
        "",
    )


def test_custom_mode_carries_lyrics_style_title_and_voice() -> None:
    song = req(
        prompt="[Verse]\nla", model="suno-v5", custom_mode=True, style="pop", title="T", vocal_gender="f"
    )
    assert (song.model, song.lyrics, song.style, song.title, song.vocal_gender) == (
        "V5",
        "[Verse]\nla",
        "pop",
        "T",
        "f",
    )
    instrumental = req(
        prompt="soft piano", custom_mode=True, style="ambient", title="T", instrumental=True, vocal_gender="m"
    )
    assert (instrumental.lyrics, instrumental.description, instrumental.vocal_gender) == (
        "",
        "soft piano",
        None,
    )


@pytest.mark.parametrize(
    ("alias", "model"),
    [
        ("suno-v3.5", "V3_5"),
        ("suno-v4", "V4"),
        ("suno-v4.5", "V4_5"),
        ("suno-v4.5-plus", "V4_5PLUS"),
        ("suno-v4.5-all", "V4_5ALL"),
        ("suno-v5", "V5"),
        ("suno-v5.5", "V5_5"),
        ("chirp-auk", "V4_5"),
        ("chirp-bluejay", "V4_5PLUS"),
        ("chirp-crow", "V5"),
        ("chirp-fenix", "V5_5"),
        ("chirp-v3-5", "V3_5"),
        ("V4_5", "V4_5"),
        ("SUNO-V5", "V5"),
    ],
)
def test_model_aliases(alias: str, model: str) -> None:
    assert model_name(alias) == model


@pytest.mark.parametrize(
    ("body", "error", "field"),
    [
        ({"prompt": "x", "model": "suno-v9"}, InvalidRequest, "model"),
        ({"prompt": "  "}, InvalidRequest, "prompt"),
        ({"prompt": "la", "custom_mode": True, "title": "T"}, InvalidRequest, "style"),
        ({"prompt": "la", "custom_mode": True, "style": "pop"}, InvalidRequest, "title"),
        ({"prompt": "", "custom_mode": True, "style": "pop", "title": "T"}, InvalidRequest, "prompt"),
        ({"prompt": "a" * 501}, PayloadTooLarge, "prompt"),
        (
            {"prompt": "a" * 3001, "model": "suno-v4", "custom_mode": True, "style": "p", "title": "T"},
            PayloadTooLarge,
            "prompt",
        ),
    ],
)
def test_rule_violations_name_the_field(body: dict, error: type[ServiceError], field: str) -> None:
    with pytest.raises(error) as caught:
        req(**body)
    assert caught.value.field == field and field in caught.value.message


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"prompt": 3},
        {"prompt": "x", "custom_mode": "maybe"},
        {"prompt": "x", "vocal_gender": "x"},
        {"prompt": "x", "instrumental": []},
    ],
)
def test_malformed_bodies_fail_validation(body: dict) -> None:
    with pytest.raises(ValidationError):
        QhaigcGenerationRequest.model_validate(body)


def test_nulls_and_unknown_fields_are_tolerated() -> None:
    song = req(prompt="idea", style=None, title=None, model=None, vocal_gender="", extra_field=1)
    assert song.model == "V4_5PLUS" and song.vocal_gender is None


# --- errors -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("err", "status", "code"),
    [
        (Unauthorized(), 401, "invalid_api_key"),
        (InsufficientCredits(), 403, "quota_not_enough"),
        (NotFound("Task not found: x", field="taskId"), 404, "task_not_exist"),
        (NotFound("No such endpoint: GET /v1/music/x"), 404, "not_found"),
        (Conflict(), 409, "conflict"),
        (PayloadTooLarge("too long", field="prompt"), 413, "string_above_max_length"),
        (InvalidRequest("bad", field="prompt"), 400, "invalid_request"),
        (Unsupported("no"), 400, "unsupported_operation"),
        (RateLimited(), 429, "rate_limit_exceeded"),
        (Unavailable(), 503, "service_unavailable"),
        (ServiceError("boom"), 500, "internal_error"),
    ],
)
def test_errors_use_the_openai_envelope(err: ServiceError, status: int, code: str) -> None:
    got_status, body = QhaigcDialect().render_error(err)
    assert got_status == status
    assert list(body) == ["error"] and list(body["error"]) == ["message", "type", "param", "code"]
    assert body["error"]["code"] == code and body["error"]["message"] == err.message
    assert body["error"]["param"] == err.field
