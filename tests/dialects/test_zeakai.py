"""SKU / zeakAi dialect: the fetch reply against the seed's example (seed 003), the submit menu's request
models (accepted and refused operations) and the error envelope.

The seed's JSON example is copied into tests/fixtures/seeds/zeakai_fetch.json.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError
from tests.support import builders
from tests.support.builders import URLS, clip_builder, task_builder

from tunesmith.dialects import zeakai
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
from tunesmith.domain.operations import OperationKind, SongRequest
from tunesmith.domain.states import ClipState, FailureKind, QueueStatus, TaskState

SEEDS = Path(__file__).resolve().parent.parent / "fixtures" / "seeds"
SEED: dict[str, Any] = json.loads((SEEDS / "zeakai_fetch.json").read_text(encoding="utf-8"))
SEED_STATUSES = {"SUBMITTED", "RUNNING", "FAILURE", "SUCCESS"}  # the seed's "可用值" for both status fields
T0 = datetime(2024, 12, 24, 22, 17, 28, tzinfo=UTC)
# Fields the seed types as `null` only: they must stay null while nothing has gone wrong.
ALWAYS_NULL = {"reaction", "is_video_pending"}


clip = clip_builder(
    at=T0,
    duration=112.76,
    title="Face-Melting Solo",
    tags="dance, groovy",
    lyrics="[Verse]\nStart with a strum",
    model_name="chirp-v3-5",
)
task = task_builder(
    clip,
    at=T0,
    request=SongRequest(model="V3_5", description="a groovy dance song about a guitar solo"),
    dialect="kie",
    cost=10,
    started_at=T0,
    finished_at=T0 + timedelta(minutes=3, seconds=12),
    queue_status=QueueStatus.DONE,
)


def same_shape(seed: Any, ours: Any, where: str) -> None:
    """The seed's keys and types at every level; the seed's null-only fields stay null."""
    builders.same_shape(seed, ours, where, always_null=ALWAYS_NULL)


# --- fetch against the seed ---------------------------------------------------------------------------


def test_finished_task_has_exactly_the_seed_shape_at_every_level() -> None:
    ours = zeakai.render_fetch(task(), URLS)
    same_shape(SEED, ours, "body")
    assert ours["status"] in SEED_STATUSES and all(c["status"] in SEED_STATUSES for c in ours["clips"])
    assert (ours["id"], ours["majorModelVersion"], ours["status"], ours["failReason"]) == (
        "task-1",
        "v3.5",
        "SUCCESS",
        None,
    )
    assert (ours["submitAt"], ours["startAt"], ours["finishAt"]) == (
        "2024-12-24 22:17:28",
        "2024-12-24 22:17:28",
        "2024-12-24 22:20:40",
    )
    assert ours["cost"] == 10.0
    assert json.loads(json.dumps(ours)) == ours


def test_clip_values_follow_suno() -> None:
    first = zeakai.render_fetch(task(), URLS)["clips"][0]
    assert first["audio_url"] == "https://media.test/clip-0.mp3"
    assert first["image_url"] == first["image_large_url"] == "https://media.test/clip-0.png"
    assert (first["major_model_version"], first["model_name"], first["status"]) == (
        "v3.5",
        "chirp-v3-5",
        "SUCCESS",
    )
    assert first["created_at"] == "2024-12-24 22:17:28" and first["task_id"] == "task-1"
    meta = first["metadata"]
    assert meta["duration"] == 112.76 and meta["type"] == "gen" and meta["stream"] is True
    assert meta["gpt_description_prompt"] == "a groovy dance song about a guitar solo"
    assert meta["prompt"] == "[Verse]\nStart with a strum" and meta["tags"] == "dance, groovy"
    assert meta["error_message"] is None and meta["error_type"] is None


def test_custom_mode_has_no_description_and_instrumentals_no_lyrics() -> None:
    custom = task(request=SongRequest(model="V4_5PLUS", custom_mode=True, lyrics="[Verse]", style="pop"))
    body = zeakai.render_fetch(custom, URLS)
    assert body["majorModelVersion"] == "v4.5+"
    assert body["clips"][0]["metadata"]["gpt_description_prompt"] is None
    inst = task(request=SongRequest(model="V5", instrumental=True, description="calm"))
    assert [c["metadata"]["prompt"] for c in zeakai.render_fetch(inst, URLS)["clips"]] == ["", ""]


@pytest.mark.parametrize(
    ("state", "queue", "clips", "task_status", "clip_statuses"),
    [
        (
            TaskState.PENDING,
            QueueStatus.QUEUED,
            (ClipState.SUBMITTED, ClipState.SUBMITTED),
            "SUBMITTED",
            ["SUBMITTED", "SUBMITTED"],
        ),
        (
            TaskState.PENDING,
            QueueStatus.RUNNING,
            (ClipState.SUBMITTED, ClipState.SUBMITTED),
            "RUNNING",
            ["RUNNING", "RUNNING"],
        ),
        (
            TaskState.TEXT_SUCCESS,
            QueueStatus.RUNNING,
            (ClipState.QUEUED, ClipState.QUEUED),
            "RUNNING",
            ["RUNNING", "RUNNING"],
        ),
        (
            TaskState.FIRST_SUCCESS,
            QueueStatus.RUNNING,
            (ClipState.COMPLETE, ClipState.STREAMING),
            "RUNNING",
            ["SUCCESS", "RUNNING"],
        ),
    ],
)
def test_states_in_progress_map_into_the_seed_enum(
    state: TaskState, queue: QueueStatus, clips: tuple, task_status: str, clip_statuses: list[str]
) -> None:
    t = task(
        state,
        clips=(clip(0, clips[0]), clip(1, clips[1])),
        queue_status=queue,
        finished_at=None,
        started_at=None if queue is QueueStatus.QUEUED else T0,
    )
    body = zeakai.render_fetch(t, URLS)
    assert body["status"] == task_status and [c["status"] for c in body["clips"]] == clip_statuses
    assert body["finishAt"] == "" and body["failReason"] is None
    if queue is QueueStatus.QUEUED:
        assert body["startAt"] == ""
    streaming = [c for c in body["clips"] if c["status"] == "RUNNING" and c["audio_url"]]
    for item in streaming:  # while rendering, audio_url is the stream (as on Suno)
        assert item["audio_url"].startswith("https://media.test/stream/")
        assert item["metadata"]["duration"] is None


def test_failed_task_reports_failure_reason_on_task_and_clips() -> None:
    failure = Failure(kind=FailureKind.GENERATE_AUDIO_FAILED, message="the engine broke")
    t = task(TaskState.FAILED, clips=(clip(0), clip(1, ClipState.ERROR)), failure=failure)
    body = zeakai.render_fetch(t, URLS)
    assert (body["status"], body["failReason"]) == ("FAILURE", "the engine broke")
    assert [c["status"] for c in body["clips"]] == ["SUCCESS", "FAILURE"]
    meta = body["clips"][1]["metadata"]
    assert meta["error_message"] == "the engine broke" and meta["error_type"] == "generate_audio_failed"


def test_submit_reply_is_the_mj_proxy_acknowledgement() -> None:
    assert zeakai.render_submit("task-1") == {
        "code": 1,
        "description": "提交成功",
        "result": "task-1",
        "properties": {},
    }


# --- requests -----------------------------------------------------------------------------------------


def test_inspiration_mode_becomes_a_description_request() -> None:
    body = zeakai.InspirationRequest.model_validate(
        {"gpt_description_prompt": "a song", "mv": "chirp-auk", "make_instrumental": True}
    )
    song = zeakai.song_request_for(body)
    assert (song.kind, song.model, song.custom_mode, song.instrumental, song.description) == (
        OperationKind.GENERATE,
        "V4_5",
        False,
        True,
        "a song",
    )


def test_custom_mode_carries_lyrics_tags_and_title() -> None:
    body = zeakai.CustomRequest.model_validate(
        {"prompt": "[Verse]\nla", "tags": "pop", "title": "T", "negative_tags": "metal", "mv": "chirp-fenix"}
    )
    song = zeakai.song_request_for(body)
    assert (song.model, song.custom_mode, song.lyrics, song.style, song.title, song.negative_style) == (
        "V5_5",
        True,
        "[Verse]\nla",
        "pop",
        "T",
        "metal",
    )
    default = zeakai.song_request_for(zeakai.CustomRequest.model_validate({"prompt": "la"}))
    assert default.model == "V3_5"


@pytest.mark.parametrize(
    ("mv", "model"),
    [
        ("chirp-v3-0", "V3_5"),
        ("chirp-v3-5", "V3_5"),
        ("chirp-v4", "V4"),
        ("chirp-auk", "V4_5"),
        ("chirp-bluejay", "V4_5PLUS"),
        ("chirp-crow", "V5"),
        ("chirp-fenix", "V5_5"),
        ("chirp-v4-5-plus", "V4_5PLUS"),
    ],
)
def test_mv_names(mv: str, model: str) -> None:
    assert zeakai.model_for(mv) == model


@pytest.mark.parametrize(
    ("cls", "body", "error", "field"),
    [
        (
            zeakai.InspirationRequest,
            {"gpt_description_prompt": " "},
            InvalidRequest,
            "gpt_description_prompt",
        ),
        (
            zeakai.InspirationRequest,
            {"gpt_description_prompt": "a" * 501},
            PayloadTooLarge,
            "gpt_description_prompt",
        ),
        (zeakai.InspirationRequest, {"gpt_description_prompt": "x", "mv": "chirp-v9"}, InvalidRequest, "mv"),
        (zeakai.CustomRequest, {"tags": "pop"}, InvalidRequest, "prompt"),
        (zeakai.CustomRequest, {"make_instrumental": True}, InvalidRequest, "tags"),
        (zeakai.CustomRequest, {"prompt": "a" * 3001, "mv": "chirp-v4"}, PayloadTooLarge, "prompt"),
    ],
)
def test_rule_violations_name_the_field(
    cls: type[BaseModel], body: dict, error: type[ServiceError], field: str
) -> None:
    with pytest.raises(error) as caught:
        zeakai.song_request_for(cls.model_validate(body))
    assert caught.value.field == field


def test_lyrics_request_is_a_lyrics_operation() -> None:
    song = zeakai.song_request_for(zeakai.LyricsRequest(prompt=" the sea "))
    assert (song.kind, song.description) == (OperationKind.LYRICS, "the sea")


@pytest.mark.parametrize(
    ("cls", "body"),
    [
        (zeakai.PartialEditRequest, {"clip_id": "c1", "infill_start_s": 1, "infill_end_s": 5}),
        (zeakai.ExtendRequest, {"task_id": "t", "continue_clip_id": "c1", "continue_at": 30}),
        (zeakai.CropRequest, {"clip_id": "c1", "crop_start_s": 0, "crop_end_s": 30}),
        (zeakai.MergeRequest, {"clip_id": "c1"}),
        (zeakai.CoverRequest, {"cover_clip_id": "c1", "tags": "jazz"}),
    ],
)
def test_edits_name_the_clip_they_work_on(cls: type[BaseModel], body: dict) -> None:
    assert zeakai.clip_of(cls.model_validate(body))[0] == "c1"


def test_upload_is_an_import_of_the_url() -> None:
    song = zeakai.song_request_for(zeakai.UploadRequest(url=" https://example.com/a.mp3 ", title="Demo"))
    assert (song.kind, song.model, song.title) == (OperationKind.UPLOAD, "V3_5", "Demo")
    assert song.extra == {"upload_url": "https://example.com/a.mp3", "upload_field": "url"}
    with pytest.raises(InvalidRequest) as caught:
        zeakai.song_request_for(zeakai.UploadRequest(url="https://example.com/a.mp3", mv="chirp-v9"))
    assert caught.value.field == "mv"
    with pytest.raises(PayloadTooLarge):
        zeakai.song_request_for(zeakai.UploadRequest(url="https://example.com/a.mp3", title="t" * 81))


@pytest.mark.parametrize(
    ("cls", "body"),
    [
        (zeakai.InspirationRequest, {}),
        (zeakai.InspirationRequest, {"gpt_description_prompt": 5}),
        (zeakai.CustomRequest, {"prompt": "x", "make_instrumental": "perhaps"}),
        (zeakai.ExtendRequest, {"continue_clip_id": "c1", "continue_at": "later"}),
        (zeakai.CropRequest, {"clip_id": "c1", "crop_start_s": -1, "crop_end_s": 3}),
        (zeakai.UploadRequest, {"url": ""}),
        (zeakai.MergeRequest, {}),
    ],
)
def test_malformed_bodies_fail_validation(cls: type[BaseModel], body: dict) -> None:
    with pytest.raises(ValidationError):
        cls.model_validate(body)


# --- errors -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("err", "status", "code"),
    [
        (Unauthorized(), 401, 9),
        (InsufficientCredits(), 403, 9),
        (NotFound(), 404, 3),
        (Conflict(), 409, 21),
        (PayloadTooLarge(), 413, 4),
        (InvalidRequest(), 400, 4),
        (Unsupported(), 400, 9),
        (RateLimited(), 429, 23),
        (Unavailable(), 503, 9),
        (ServiceError("boom"), 500, 9),
    ],
)
def test_errors_use_the_mj_proxy_envelope(err: ServiceError, status: int, code: int) -> None:
    got, body = zeakai.ZeakaiDialect().render_error(err)
    assert got == status
    assert body == {"code": code, "description": err.message, "result": None, "properties": {}}
    assert code in zeakai.ERROR_CODES
