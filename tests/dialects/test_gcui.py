"""gcui-art suno-api dialect: request rules, AudioInfo / raw-clip shapes, statuses, errors, credits.

Shapes are checked against reference examples in tests/fixtures/seeds/: gcui_audio_info.json (seed 001's Suno
clip put through gcui's two AudioInfo mappings) and gcui_clip.json (the Suno clip itself, which /api/clip
passes through).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError
from tests.support.builders import URLS, clip_builder, task_builder

from tunesmith.dialects import gcui
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
AUDIO_INFO: dict[str, Any] = json.loads((SEEDS / "gcui_audio_info.json").read_text(encoding="utf-8"))
SUNO_CLIP: dict[str, Any] = json.loads((SEEDS / "gcui_clip.json").read_text(encoding="utf-8"))["clip"]
T0 = datetime(2025, 1, 1, 0, 0, 0, 123000, tzinfo=UTC)


clip = clip_builder(
    at=T0,
    duration=120.0,
    image_once_complete=True,
    title="City Lights",
    tags="emotional punk",
    lyrics="[Verse]\nWalking\n\n[Chorus]\nLights",
)
task = task_builder(
    clip,
    at=T0,
    request=SongRequest(
        model="V4_5",
        custom_mode=True,
        lyrics="[Verse]\nWalking",
        style="emotional punk",
        negative_style="edm",
    ),
    dialect="gcui",
)


def same_keys_and_types(ours: dict[str, Any], reference: dict[str, Any]) -> None:
    assert list(ours) == list(reference)
    for name, value in reference.items():
        if value is None or ours[name] is None:
            continue
        number = isinstance(value, int | float) and not isinstance(value, bool)
        expected = (int, float) if number else type(value)
        assert isinstance(ours[name], expected), (name, ours[name])


# ── shapes ────────────────────────────────────────────────────────────────────────────────────────────
def test_get_variant_matches_gcui_audio_info_field_for_field() -> None:
    info = gcui.audio_info(task(), clip(), URLS, variant="get")
    same_keys_and_types(info, AUDIO_INFO["get"])
    assert list(info) == list(gcui.GET_FIELDS)
    assert set(AUDIO_INFO["required"]) <= set(info)
    assert info["duration"] == 120.0 and info["error_message"] is None


def test_submit_variant_has_negative_tags_and_no_error_message() -> None:
    waiting = clip(0, ClipState.SUBMITTED)
    info = gcui.audio_info(task(TaskState.PENDING, (waiting,)), waiting, URLS, variant="submit")
    same_keys_and_types(info, AUDIO_INFO["submit"])
    assert info["negative_tags"] == "edm" and "error_message" not in info
    assert info["status"] == "submitted" and info["audio_url"] == "" and info["duration"] is None


def test_lyric_drops_blank_lines_in_get_but_prompt_keeps_them() -> None:
    info = gcui.audio_info(task(), clip(), URLS)
    assert info["prompt"] == "[Verse]\nWalking\n\n[Chorus]\nLights"
    assert info["lyric"] == "[Verse]\nWalking\n[Chorus]\nLights"


def test_submitted_clip_echoes_the_clients_lyrics_until_the_engine_has_its_own() -> None:
    waiting = clip(0, ClipState.SUBMITTED, lyrics="")
    info = gcui.audio_info(task(TaskState.PENDING, (waiting,)), waiting, URLS, variant="submit")
    assert info["prompt"] == info["lyric"] == "[Verse]\nWalking"


def test_instrumental_and_description_mode_fields() -> None:
    request = SongRequest(model="V3_5", description="calm piano", instrumental=True)
    info = gcui.audio_info(task(request=request), clip(), URLS)
    assert info["prompt"] == "" and info["lyric"] == ""
    assert info["gpt_description_prompt"] == "calm piano"
    # custom mode: null, as Suno
    assert gcui.audio_info(task(), clip(), URLS)["gpt_description_prompt"] is None


def test_created_at_is_suno_iso_with_millis_and_z() -> None:
    assert gcui.iso_time(T0) == "2025-01-01T00:00:00.123Z"
    east = datetime(2025, 1, 1, 8, tzinfo=timezone(timedelta(hours=8)))
    assert gcui.iso_time(east) == "2025-01-01T00:00:00.000Z"
    assert gcui.iso_time(datetime(2025, 1, 1)) == "2025-01-01T00:00:00.000Z"


def test_raw_clip_has_every_field_of_sunos_clip() -> None:
    raw = gcui.raw_clip(task(), clip(), URLS)
    assert list(raw) == list(SUNO_CLIP)
    assert list(raw["metadata"])[: len(SUNO_CLIP["metadata"])] == list(SUNO_CLIP["metadata"])
    for name, value in SUNO_CLIP.items():
        if value is not None and name != "metadata":
            assert isinstance(raw[name], type(value)), name
    assert raw["status"] == "complete" and raw["metadata"]["duration"] == 120.0
    assert raw["audio_url"] == "https://media.test/clip-0.mp3" and raw["model_name"] == "chirp-auk"


# ── statuses and URLs ─────────────────────────────────────────────────────────────────────────────────
@pytest.mark.parametrize(
    ("task_state", "queue", "clip_state", "status", "audio_url"),
    [
        (TaskState.PENDING, QueueStatus.QUEUED, ClipState.SUBMITTED, "submitted", ""),
        (TaskState.PENDING, QueueStatus.RUNNING, ClipState.SUBMITTED, "queued", ""),
        (TaskState.TEXT_SUCCESS, QueueStatus.RUNNING, ClipState.SUBMITTED, "queued", ""),
        (
            TaskState.FIRST_SUCCESS,
            QueueStatus.RUNNING,
            ClipState.STREAMING,
            "streaming",
            "https://media.test/stream/clip-0",
        ),
        (
            TaskState.FIRST_SUCCESS,
            QueueStatus.RUNNING,
            ClipState.COMPLETE,
            "complete",
            "https://media.test/clip-0.mp3",
        ),
        (TaskState.FAILED, QueueStatus.DONE, ClipState.STREAMING, "error", ""),
        (TaskState.FAILED, QueueStatus.DONE, ClipState.ERROR, "error", ""),
        (TaskState.FAILED, QueueStatus.DONE, ClipState.COMPLETE, "complete", "https://media.test/clip-0.mp3"),
    ],
)
def test_clip_status_and_audio_url(
    task_state: TaskState, queue: QueueStatus, clip_state: ClipState, status: str, audio_url: str
) -> None:
    one = clip(0, clip_state)
    info = gcui.audio_info(task(task_state, (one,), queue_status=queue), one, URLS)
    assert info["status"] == status and status in gcui.CLIP_STATUSES
    assert info["audio_url"] == audio_url
    assert info["video_url"] == ""


def test_failed_clip_carries_the_failure_message() -> None:
    failure = Failure(kind=FailureKind.SENSITIVE_WORD_ERROR, message="Lyrics contained copyrighted material")
    one = clip(0, ClipState.ERROR)
    info = gcui.audio_info(task(TaskState.FAILED, (one,), failure=failure), one, URLS)
    assert info["error_message"] == "Lyrics contained copyrighted material"
    raw = gcui.raw_clip(task(TaskState.FAILED, (one,), failure=failure), one, URLS)
    assert raw["metadata"]["error_type"] == "sensitive_word_error"


# ── requests ──────────────────────────────────────────────────────────────────────────────────────────
@pytest.mark.parametrize(
    ("name", "model"),
    [
        (None, "V3_5"),
        ("", "V3_5"),
        ("chirp-v3-5", "V3_5"),
        ("chirp-v3-0", "V3_5"),
        ("chirp-v4", "V4"),
        ("chirp-auk", "V4_5"),
        ("chirp-bluejay", "V4_5PLUS"),
        ("chirp-crow", "V5"),
        ("chirp-fenix", "V5_5"),
        ("V4_5", "V4_5"),
        ("chirp-v4-5", "V4_5"),
    ],
)
def test_model_names(name: str | None, model: str) -> None:
    assert gcui.model_for(name) == model


def test_unknown_model_is_refused_naming_the_choices() -> None:
    with pytest.raises(InvalidRequest, match="chirp-auk"):
        gcui.model_for("chirp-v9")


def test_model_name_is_sunos_codename_of_the_model() -> None:
    for name, model in gcui.GCUI_MODELS.items():
        if name != "chirp-v3-0":
            assert gcui.GCUI_MODEL_NAMES[model] == name


def test_description_mode_request() -> None:
    song = gcui.to_generate(
        gcui.GenerateRequest.model_validate(
            {"prompt": "a calm piano track", "make_instrumental": True, "model": "chirp-crow", "extra": 1}
        )
    )
    assert (song.kind, song.model, song.custom_mode, song.instrumental, song.description) == (
        OperationKind.GENERATE,
        "V5",
        False,
        True,
        "a calm piano track",
    )
    with pytest.raises(InvalidRequest, match="prompt"):
        gcui.to_generate(gcui.GenerateRequest.model_validate({"prompt": None}))


def test_custom_mode_request() -> None:
    song = gcui.to_custom_generate(
        gcui.CustomGenerateRequest.model_validate(
            {
                "prompt": "[Verse] hi",
                "tags": "pop",
                "title": "Hi",
                "negative_tags": "edm",
                "model": "chirp-v4",
            }
        )
    )
    assert (song.custom_mode, song.lyrics, song.style, song.title, song.negative_style, song.model) == (
        True,
        "[Verse] hi",
        "pop",
        "Hi",
        "edm",
        "V4",
    )
    with pytest.raises(InvalidRequest, match="prompt"):
        gcui.to_custom_generate(gcui.CustomGenerateRequest.model_validate({"tags": "pop", "title": "x"}))


def test_custom_instrumental_sings_nothing() -> None:
    song = gcui.to_custom_generate(
        gcui.CustomGenerateRequest.model_validate(
            {"prompt": "soft strings", "tags": "ambient", "make_instrumental": True}
        )
    )
    assert song.instrumental and song.lyrics == "" and song.description == "soft strings"
    with pytest.raises(InvalidRequest):
        gcui.to_custom_generate(gcui.CustomGenerateRequest.model_validate({"make_instrumental": True}))


@pytest.mark.parametrize(
    "body",
    [
        {"prompt": 42},
        {"prompt": "x", "make_instrumental": "maybe"},
        {"prompt": "x", "wait_audio": [1]},
        {"prompt": "x", "model": 5},
    ],
)
def test_wrong_json_types_fail_validation(body: dict) -> None:
    with pytest.raises(ValidationError):
        gcui.CustomGenerateRequest.model_validate(body)


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        (None, None),
        ("", None),
        (109.96, 109.96),
        ("109.96", 109.96),
        ("01:30", 90.0),
        ("2:05.5", 125.5),
        (0, 0.0),
    ],
)
def test_continue_at(value: Any, seconds: float | None) -> None:
    assert gcui.parse_continue_at(value) == seconds


@pytest.mark.parametrize("value", ["abc", "-1", -3.0, "nan", "1:75"])
def test_bad_continue_at(value: Any) -> None:
    with pytest.raises(InvalidRequest, match="continue_at"):
        gcui.parse_continue_at(value)


def test_edit_requests_need_their_id_with_gcuis_messages() -> None:
    with pytest.raises(InvalidRequest, match="Audio ID is required"):
        gcui.to_extend(gcui.ExtendAudioRequest.model_validate({"prompt": "x"}))
    with pytest.raises(InvalidRequest, match="Clip id is required"):
        gcui.to_concat(gcui.ConcatRequest.model_validate({"clip_id": " "}), "V4")
    song = gcui.to_extend(
        gcui.ExtendAudioRequest.model_validate(
            {"audio_id": "c1", "continue_at": "00:30", "model": "chirp-auk"}
        )
    )
    assert (song.kind, song.source_clip_id, song.continue_at, song.model) == (
        OperationKind.EXTEND,
        "c1",
        30.0,
        "V4_5",
    )
    assert gcui.to_concat(gcui.ConcatRequest(clip_id="c1"), "V5").kind is OperationKind.CONCAT
    assert gcui.to_lyrics(gcui.GenerateLyricsRequest(prompt="a lullaby")).kind is OperationKind.LYRICS


# ── errors, credits, aligned lyrics ───────────────────────────────────────────────────────────────────
@pytest.mark.parametrize(
    ("err", "status"),
    [
        (InvalidRequest("bad"), 400),
        (PayloadTooLarge("big"), 413),
        (Unauthorized(), 401),
        (InsufficientCredits(), 402),
        (NotFound("gone"), 404),
        (Conflict("twice"), 409),
        (RateLimited(), 429),
        (Unsupported("no"), 501),
        (Unavailable("later"), 503),
        (ServiceError("Internal server error"), 500),
    ],
)
def test_errors_are_bare_error_objects(err: ServiceError, status: int) -> None:
    code, body = gcui.GcuiDialect().render_error(err)
    assert code == status and body == {"error": err.message}


def test_get_limit_shape_and_monthly_usage() -> None:
    now = datetime(2025, 3, 15, tzinfo=UTC)
    ledger = [
        {"delta": 1000, "reason": "initial credits", "created_at": datetime(2025, 3, 1, tzinfo=UTC)},
        {"delta": -12, "reason": "charge:generate", "created_at": datetime(2025, 2, 28, tzinfo=UTC)},
        {"delta": -12, "reason": "charge:generate", "created_at": datetime(2025, 3, 2, tzinfo=UTC)},
        {"delta": -12, "reason": "charge:generate", "created_at": datetime(2025, 3, 3, tzinfo=UTC)},
        {"delta": 12, "reason": "refund:t", "created_at": datetime(2025, 3, 3, tzinfo=UTC)},
    ]
    assert gcui.monthly_usage(ledger, now) == 12
    limit = gcui.render_limit(964, 12)
    assert limit == {"credits_left": 964, "period": "month", "monthly_limit": 976, "monthly_usage": 12}


def test_aligned_lyrics_shape() -> None:
    words = gcui.render_aligned_lyrics([{"word": "Hello", "start_s": 1, "end_s": 1.5, "section": "verse"}])
    assert words == [{"word": "Hello", "start_s": 1.0, "end_s": 1.5, "success": True, "p_align": 1.0}]
