"""kie.ai dialect: the request contract, per-model limits, record-info/callback shapes and error envelopes.

The record-info shape is checked against kie's own example and schema (seed 000), copied into
tests/fixtures/seeds/ so these tests run anywhere.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError
from tests.support.builders import URLS, clip_builder

from tunesmith.dialects.kie import (
    MODEL_LIMITS,
    KieDialect,
    KieGenerateRequest,
    kie_status,
    render_callback,
    render_credit,
    render_record_info,
    render_submit,
    to_param,
    to_song_request,
    validation_error_to_invalid,
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
from tunesmith.domain.models import Clip, Failure, Task
from tunesmith.domain.operations import MODEL_NAMES, OperationKind, SongRequest
from tunesmith.domain.states import ClipState, FailureKind, TaskState

SEEDS = Path(__file__).resolve().parent.parent / "fixtures" / "seeds"
SEED_EXAMPLE: dict[str, Any] = json.loads((SEEDS / "kie_record_info.json").read_text(encoding="utf-8"))
SEED_SCHEMA: dict[str, Any] = json.loads((SEEDS / "kie_record_info_schema.json").read_text(encoding="utf-8"))
SEED_DATA_PROPS: dict[str, Any] = SEED_SCHEMA["allOf"][1]["properties"]["data"]["properties"]
SEED_STATUSES = set(SEED_DATA_PROPS["status"]["enum"])
SEED_OPERATION_TYPES = set(SEED_DATA_PROPS["operationType"]["enum"])
SEED_CLIP_PROPS = SEED_DATA_PROPS["response"]["properties"]["sunoData"]["items"]["properties"]

T0 = datetime(2025, 1, 1, 0, 0, 0, tzinfo=UTC)
RAW = (
    '{"prompt":"[Verse] hi","style":"rock","title":"Hi","customMode":true,"instrumental":false,"model":"V4"}'
)


clip = clip_builder(
    at=T0,
    duration=198.44,
    image_key="clip-{index}.jpeg",
    title="Iron Man",
    tags="electrifying, rock",
    lyrics="[Verse] night city lights",
)


def task(
    state: TaskState = TaskState.SUCCESS,
    clips: tuple[Clip, ...] | None = None,
    failure: Failure | None = None,
    operation: OperationKind = OperationKind.GENERATE,
    **request: Any,
) -> Task:
    song = SongRequest(kind=operation, model=request.pop("model", "V4"), **request)
    return Task(
        id="task-1",
        key_id="key-1",
        operation=operation,
        request=song,
        dialect="kie",
        raw_request=RAW,
        engine="composer",
        state=state,
        failure=failure,
        created_at=T0,
        updated_at=T0,
        clips=(clip(0), clip(1)) if clips is None else clips,
    )


def body(**kw: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "prompt": "[Verse] hello",
        "style": "rock",
        "title": "Hello",
        "customMode": True,
        "instrumental": False,
        "model": "V4",
    }
    base.update(kw)
    return base


def song(**kw: Any) -> SongRequest:
    return to_song_request(KieGenerateRequest.model_validate(body(**kw)))


def keys_and_types(seed: dict[str, Any], ours: dict[str, Any], where: str) -> None:
    assert list(ours) == list(seed), f"{where}: keys differ"
    for key, value in seed.items():
        if value is not None:
            assert isinstance(ours[key], type(value)), f"{where}.{key}: {type(ours[key])} vs {type(value)}"


# --- record-info shape against the seed --------------------------------------------------------------


def test_record_info_has_the_seed_shape_at_every_level() -> None:
    ours = render_record_info(task(), URLS)
    seed = SEED_EXAMPLE
    assert set(ours) == set(seed) == {"code", "msg", "data"}
    assert ours["code"] == 200 and ours["msg"] == "success"
    # The seed example omits operationType, which its schema defines; we send every schema field.
    assert set(seed["data"]) | {"operationType"} == set(ours["data"]) == set(SEED_DATA_PROPS)
    for key, value in seed["data"].items():
        if value is not None:
            assert isinstance(ours["data"][key], type(value)), key
    keys_and_types(seed["data"]["response"], ours["data"]["response"], "response")
    items = ours["data"]["response"]["sunoData"]
    assert len(items) == 2
    for item in items:
        keys_and_types(seed["data"]["response"]["sunoData"][0], item, "sunoData[]")
        assert set(item) == set(SEED_CLIP_PROPS)
    assert ours["data"]["status"] in SEED_STATUSES
    assert ours["data"]["operationType"] in SEED_OPERATION_TYPES


def test_record_info_values_of_a_finished_task() -> None:
    data = render_record_info(task(), URLS)["data"]
    assert data["taskId"] == data["response"]["taskId"] == "task-1"
    assert data["parentMusicId"] == ""
    assert data["param"] == RAW
    assert (data["status"], data["type"], data["operationType"]) == ("SUCCESS", "GENERATE", "generate")
    assert data["errorCode"] is None and data["errorMessage"] is None
    first = data["response"]["sunoData"][0]
    assert first == {
        "id": "clip-0",
        "audioUrl": "https://media.test/clip-0.mp3",
        "streamAudioUrl": "https://media.test/stream/clip-0",
        "imageUrl": "https://media.test/clip-0.jpeg",
        "prompt": "[Verse] night city lights",
        "modelName": "chirp-v4",
        "title": "Iron Man",
        "tags": "electrifying, rock",
        "createTime": "2025-01-01 00:00:00",
        "duration": 198.44,
    }
    assert json.loads(json.dumps(data)) == data  # plain JSON


def test_create_time_is_utc_and_naive_times_are_taken_as_utc() -> None:
    from datetime import timedelta, timezone

    east = datetime(2025, 6, 1, 8, 30, 5, tzinfo=timezone(timedelta(hours=8)))
    naive = datetime(2025, 6, 1, 0, 30, 5)
    for moment in (east, naive):
        data = render_record_info(task(clips=(clip(0, created_at=moment),)), URLS)["data"]
        assert data["response"]["sunoData"][0]["createTime"] == "2025-06-01 00:30:05"


def test_model_name_prefers_the_clip_then_the_suno_name_of_the_task_model() -> None:
    t = task(model="V4_5PLUS", clips=(clip(0, model_name="chirp-custom"), clip(1)))
    items = render_record_info(t, URLS)["data"]["response"]["sunoData"]
    assert [i["modelName"] for i in items] == ["chirp-custom", "chirp-v4-5-plus"]


def test_parent_music_id_for_extend_and_operation_types() -> None:
    t = task(operation=OperationKind.EXTEND, source_clip_id="src-9")
    data = render_record_info(t, URLS)["data"]
    assert (data["parentMusicId"], data["type"], data["operationType"]) == ("src-9", "EXTEND", "extend")
    for op in OperationKind:
        data = render_record_info(task(operation=op), URLS)["data"]
        assert data["operationType"] in SEED_OPERATION_TYPES
    cover = render_record_info(task(operation=OperationKind.UPLOAD_COVER), URLS)["data"]
    assert (cover["type"], cover["operationType"]) == ("UPLOAD_COVER", "upload_cover")


# --- statuses -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("state", "expected"),
    [(s, s.value) for s in TaskState if s is not TaskState.FAILED],
)
def test_status_of_each_running_state(state: TaskState, expected: str) -> None:
    data = render_record_info(task(state=state), URLS)["data"]
    assert data["status"] == expected and expected in SEED_STATUSES
    assert data["errorCode"] is None and data["errorMessage"] is None


@pytest.mark.parametrize(
    ("kind", "code", "status", "error_code"),
    [
        (FailureKind.CREATE_TASK_FAILED, None, "CREATE_TASK_FAILED", 501),
        (FailureKind.GENERATE_AUDIO_FAILED, None, "GENERATE_AUDIO_FAILED", 501),
        (FailureKind.GENERATE_AUDIO_FAILED, 500, "GENERATE_AUDIO_FAILED", 501),
        (FailureKind.GENERATE_LYRICS_FAILED, None, "GENERATE_AUDIO_FAILED", 501),
        (FailureKind.SENSITIVE_WORD_ERROR, None, "SENSITIVE_WORD_ERROR", 400),
        (FailureKind.SENSITIVE_WORD_ERROR, 413, "SENSITIVE_WORD_ERROR", 413),
        (FailureKind.TIMEOUT, None, "GENERATE_AUDIO_FAILED", 408),
        (FailureKind.TIMEOUT, 501, "GENERATE_AUDIO_FAILED", 408),
    ],
)
def test_status_of_each_failure(kind: FailureKind, code: int | None, status: str, error_code: int) -> None:
    failure = Failure(kind=kind, message="it broke", code=code)
    data = render_record_info(task(state=TaskState.FAILED, failure=failure, clips=()), URLS)["data"]
    assert data["status"] == status and status in SEED_STATUSES
    assert data["errorCode"] == error_code
    assert data["errorMessage"] == "it broke"
    assert data["response"]["sunoData"] == []


def test_every_failure_of_a_music_task_stays_in_the_seed_vocabulary() -> None:
    for op in OperationKind:
        if op is OperationKind.LYRICS:
            continue
        for kind in FailureKind:
            t = task(state=TaskState.FAILED, failure=Failure(kind=kind, message="x"), operation=op)
            assert kie_status(t) in SEED_STATUSES
    bare = task(state=TaskState.FAILED, failure=None)
    data = render_record_info(bare, URLS)["data"]
    assert (data["status"], data["errorCode"]) == ("GENERATE_AUDIO_FAILED", 501)
    assert data["errorMessage"]


def test_lyrics_task_failure_reports_generate_lyrics_failed() -> None:
    failure = Failure(kind=FailureKind.GENERATE_LYRICS_FAILED, message="no words")
    t = task(state=TaskState.FAILED, failure=failure, operation=OperationKind.LYRICS)
    assert kie_status(t) == "GENERATE_LYRICS_FAILED"


def test_callback_exception_is_never_reported() -> None:
    for state in TaskState:
        for kind in [*FailureKind, None]:
            failure = Failure(kind=kind, message="x") if kind else None
            assert kie_status(task(state=state, failure=failure)) != "CALLBACK_EXCEPTION"


def test_failed_task_keeps_only_clips_with_audio() -> None:
    clips = (clip(0), clip(1, state=ClipState.ERROR))
    t = task(
        state=TaskState.FAILED,
        failure=Failure(kind=FailureKind.GENERATE_AUDIO_FAILED, message="x"),
        clips=clips,
    )
    items = render_record_info(t, URLS)["data"]["response"]["sunoData"]
    assert [i["id"] for i in items] == ["clip-0"]


# --- clip visibility and URL rules -------------------------------------------------------------------


def test_pending_task_lists_no_clips() -> None:
    t = task(state=TaskState.PENDING, clips=(clip(0, ClipState.SUBMITTED), clip(1, ClipState.QUEUED)))
    assert render_record_info(t, URLS)["data"]["response"]["sunoData"] == []


def test_text_success_lists_clips_without_urls() -> None:
    t = task(state=TaskState.TEXT_SUCCESS, clips=(clip(0, ClipState.QUEUED), clip(1, ClipState.QUEUED)))
    items = render_record_info(t, URLS)["data"]["response"]["sunoData"]
    assert len(items) == 2
    for item in items:
        assert (item["audioUrl"], item["streamAudioUrl"]) == ("", "")
        assert item["title"] == "Iron Man" and item["prompt"] == "[Verse] night city lights"
        assert item["duration"] is None


def test_streaming_clip_has_stream_url_only_and_complete_clip_has_both() -> None:
    t = task(state=TaskState.FIRST_SUCCESS, clips=(clip(0, ClipState.STREAMING), clip(1, ClipState.QUEUED)))
    streaming, queued = render_record_info(t, URLS)["data"]["response"]["sunoData"]
    assert streaming["audioUrl"] == ""
    assert streaming["streamAudioUrl"] == "https://media.test/stream/clip-0"
    assert (queued["audioUrl"], queued["streamAudioUrl"]) == ("", "")
    done = render_record_info(task(), URLS)["data"]["response"]["sunoData"][1]
    assert done["audioUrl"] == "https://media.test/clip-1.mp3"
    assert done["streamAudioUrl"] == "https://media.test/stream/clip-1"


def test_missing_image_is_empty_string_and_clips_are_in_index_order() -> None:
    t = task(clips=(clip(1), clip(0, image_key=None)))
    items = render_record_info(t, URLS)["data"]["response"]["sunoData"]
    assert [i["id"] for i in items] == ["clip-0", "clip-1"]
    assert items[0]["imageUrl"] == ""


def test_instrumental_clips_carry_no_lyrics() -> None:
    t = task(instrumental=True)
    for item in render_record_info(t, URLS)["data"]["response"]["sunoData"]:
        assert item["prompt"] == ""
    for item in render_callback(t, "complete", URLS)["data"]["data"]:
        assert item["prompt"] == ""


# --- callbacks ----------------------------------------------------------------------------------------

CALLBACK_CLIP_KEYS = [
    "id",
    "audio_url",
    "stream_audio_url",
    "image_url",
    "prompt",
    "model_name",
    "title",
    "tags",
    "createTime",
    "duration",
    "source_audio_url",
    "source_image_url",
    "source_stream_audio_url",
]


@pytest.mark.parametrize(
    ("stage", "msg"),
    [
        ("text", "Text generation completed successfully."),
        ("first", "First audio generated successfully."),
        ("complete", "All generated successfully."),
    ],
)
def test_callback_stages(stage: str, msg: str) -> None:
    payload = render_callback(task(), stage, URLS)
    assert payload["code"] == 200 and payload["msg"] == msg
    assert list(payload["data"]) == ["callbackType", "task_id", "data"]
    assert payload["data"]["callbackType"] == stage and payload["data"]["task_id"] == "task-1"
    for item in payload["data"]["data"]:
        assert sorted(item) == sorted(CALLBACK_CLIP_KEYS)


def test_callback_urls_follow_clip_state_and_source_urls_repeat_them() -> None:
    t = task(state=TaskState.FIRST_SUCCESS, clips=(clip(0, ClipState.STREAMING), clip(1, ClipState.QUEUED)))
    streaming, queued = render_callback(t, "first", URLS)["data"]["data"]
    assert streaming["audio_url"] == streaming["source_audio_url"] == ""
    assert streaming["stream_audio_url"] == streaming["source_stream_audio_url"] == URLS.stream("clip-0")
    assert streaming["image_url"] == streaming["source_image_url"] == "https://media.test/clip-0.jpeg"
    assert streaming["model_name"] == "chirp-v4"
    assert queued["stream_audio_url"] == ""
    done = render_callback(task(), "complete", URLS)["data"]["data"][0]
    assert done["audio_url"] == done["source_audio_url"] == "https://media.test/clip-0.mp3"
    assert done["duration"] == 198.44 and done["createTime"] == "2025-01-01 00:00:00"


@pytest.mark.parametrize(
    ("kind", "code", "expected"),
    [
        (FailureKind.GENERATE_AUDIO_FAILED, None, 501),
        (FailureKind.GENERATE_AUDIO_FAILED, 531, 531),
        (FailureKind.TIMEOUT, None, 408),
        (FailureKind.SENSITIVE_WORD_ERROR, None, 400),
        (FailureKind.CREATE_TASK_FAILED, 500, 500),
    ],
)
def test_error_callback(kind: FailureKind, code: int | None, expected: int) -> None:
    t = task(state=TaskState.FAILED, failure=Failure(kind=kind, message="Audio generation failed", code=code))
    payload = render_callback(t, "error", URLS)
    assert payload == {
        "code": expected,
        "msg": "Audio generation failed",
        "data": {"callbackType": "error", "task_id": "task-1", "data": None},
    }


def test_unknown_callback_stage_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="stage"):
        render_callback(task(), "done", URLS)


# --- submit and credit ---------------------------------------------------------------------------------


def test_submit_and_credit_envelopes() -> None:
    assert render_submit("abc123") == {"code": 200, "msg": "success", "data": {"taskId": "abc123"}}
    assert render_credit(42) == {"code": 200, "msg": "success", "data": 42}


# --- request model ---------------------------------------------------------------------------------------


def test_request_fields_and_defaults() -> None:
    req = KieGenerateRequest.model_validate({"customMode": False, "instrumental": True, "model": "V5"})
    assert (req.prompt, req.style, req.title, req.negativeTags) == ("", "", "", "")
    assert req.callBackUrl is None and req.vocalGender is None and req.duration is None
    schema = KieGenerateRequest.model_json_schema()
    assert set(schema["required"]) == {"customMode", "instrumental", "model"}
    model_enum = schema["properties"]["model"]["enum"]
    assert tuple(model_enum) == MODEL_NAMES
    example = schema["examples"][0]
    to_song_request(KieGenerateRequest.model_validate(example))  # the documented example is valid


def test_unknown_fields_are_ignored_and_nulls_are_tolerated() -> None:
    req = KieGenerateRequest.model_validate(
        body(futureField=1, style=None, negativeTags=None, vocalGender="", personaId="", callBackUrl="")
    )
    assert req.negativeTags == "" and req.vocalGender is None and req.callBackUrl is None
    assert not hasattr(req, "futureField")


@pytest.mark.parametrize(
    ("override", "field"),
    [
        ({"prompt": 123}, "prompt"),
        ({"customMode": "abc"}, "customMode"),
        ({"instrumental": 0.5}, "instrumental"),
        ({"model": "V9"}, "model"),
        ({"model": "v4"}, "model"),
        ({"vocalGender": "x"}, "vocalGender"),
        ({"personaModel": "other"}, "personaModel"),
        ({"styleWeight": 1.5}, "styleWeight"),
        ({"weirdnessConstraint": -0.01}, "weirdnessConstraint"),
        ({"audioWeight": 0.655}, "audioWeight"),
        ({"audioWeight": "heavy"}, "audioWeight"),
        ({"duration": 9}, "duration"),
        ({"duration": 361}, "duration"),
        ({"title": ["a"]}, "title"),
    ],
)
def test_wrong_types_and_values_fail_naming_the_field(override: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError) as info:
        KieGenerateRequest.model_validate(body(**override))
    err = validation_error_to_invalid(info.value)
    assert err.field == field
    assert err.message.startswith(f"{field}:")


@pytest.mark.parametrize("missing", ["customMode", "instrumental", "model"])
def test_required_fields(missing: str) -> None:
    data = body()
    del data[missing]
    with pytest.raises(ValidationError) as info:
        KieGenerateRequest.model_validate(data)
    err = validation_error_to_invalid(info.value)
    assert err.message == f"{missing} is required" and err.field == missing


def test_weights_accept_two_decimals_and_bounds() -> None:
    req = KieGenerateRequest.model_validate(body(styleWeight=0, weirdnessConstraint=1, audioWeight=0.29))
    assert (req.styleWeight, req.weirdnessConstraint, req.audioWeight) == (0, 1, 0.29)


# --- translation and limits ---------------------------------------------------------------------------


def test_custom_mode_mapping() -> None:
    s = song(
        model="V5_5",
        negativeTags="metal",
        vocalGender="f",
        styleWeight=0.65,
        weirdnessConstraint=0.3,
        audioWeight=0.5,
        personaId="p-1",
        personaModel="voice_persona",
        duration=120,
    )
    assert s.kind is OperationKind.GENERATE and s.model == "V5_5"
    assert (s.custom_mode, s.instrumental) == (True, False)
    assert (s.lyrics, s.description, s.style, s.title) == ("[Verse] hello", "", "rock", "Hello")
    assert (s.negative_style, s.vocal_gender, s.persona_id) == ("metal", "f", "p-1")
    assert (s.style_weight, s.weirdness, s.audio_weight, s.duration) == (0.65, 0.3, 0.5, 120)
    assert s.extra == {"persona_model": "voice_persona"}


def test_duration_only_for_custom_v5_5() -> None:
    assert song(model="V5", duration=120).duration is None
    assert song(model="V5_5", customMode=False, duration=120).duration is None


def test_description_mode_mapping_ignores_style_and_title() -> None:
    s = song(customMode=False, prompt="a sad song about rain", style="jazz", title="Rain", model="V4_5")
    assert (s.custom_mode, s.description, s.lyrics, s.style, s.title) == (
        False,
        "a sad song about rain",
        "",
        "",
        "",
    )


def test_custom_instrumental_needs_no_prompt_and_keeps_it_as_description() -> None:
    assert song(instrumental=True, prompt="").lyrics == ""
    s = song(instrumental=True, prompt="calm piano")
    assert (s.instrumental, s.lyrics, s.description) == (True, "", "calm piano")


@pytest.mark.parametrize(
    ("override", "field"),
    [
        ({"style": ""}, "style"),
        ({"title": "  "}, "title"),
        ({"prompt": ""}, "prompt"),
        ({"customMode": False, "prompt": ""}, "prompt"),
        ({"customMode": False, "instrumental": True, "prompt": " "}, "prompt"),
    ],
)
def test_missing_content_is_invalid_request(override: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidRequest) as info:
        song(**override)
    assert type(info.value) is InvalidRequest
    assert info.value.field == field and field in info.value.message and "required" in info.value.message


def _limits_cases() -> list[tuple[str, str, int]]:
    expected = {"V3_5": (3000, 200), "V4": (3000, 200)}
    cases = []
    for model in MODEL_NAMES:
        prompt, style = expected.get(model, (5000, 1000))
        assert (MODEL_LIMITS[model].prompt, MODEL_LIMITS[model].style) == (prompt, style)
        cases += [(model, "prompt", prompt), (model, "style", style), (model, "title", 80)]
    return cases


@pytest.mark.parametrize(("model", "field", "limit"), _limits_cases())
def test_custom_limits_per_model_at_the_boundary(model: str, field: str, limit: int) -> None:
    assert getattr(song(model=model, **{field: "x" * limit}), "lyrics" if field == "prompt" else field)
    with pytest.raises(PayloadTooLarge) as info:
        song(model=model, **{field: "x" * (limit + 1)})
    assert info.value.field == field
    assert info.value.message == (
        f"{field} is too long: {limit + 1} characters, the limit for model {model} is {limit}"
    )


def test_description_limit_is_500_for_every_model() -> None:
    for model in MODEL_NAMES:
        assert song(model=model, customMode=False, prompt="y" * 500).description == "y" * 500
        with pytest.raises(PayloadTooLarge) as info:
            song(model=model, customMode=False, prompt="y" * 501)
        assert info.value.field == "prompt"
        assert "501 characters" in info.value.message and "500" in info.value.message


def test_limits_count_characters_not_bytes() -> None:
    assert song(model="V4", prompt="夜" * 3000).lyrics == "夜" * 3000


def test_to_param_echoes_only_sent_fields() -> None:
    req = KieGenerateRequest.model_validate(body())
    assert json.loads(to_param(req)) == body()


# --- errors ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("err", "code"),
    [
        (Unauthorized(), 401),
        (InsufficientCredits(), 402),
        (NotFound(), 404),
        (Conflict(), 409),
        (PayloadTooLarge("prompt is too long", field="prompt"), 413),
        (InvalidRequest("style is required", field="style"), 422),
        (Unsupported(), 422),
        (RateLimited(), 429),
        (Unavailable(), 455),
        (ServiceError("boom"), 500),
    ],
)
def test_render_error_codes(err: ServiceError, code: int) -> None:
    dialect = KieDialect()
    assert dialect.name == "kie"
    status, payload = dialect.render_error(err)
    assert status == code
    assert payload == {"code": code, "msg": payload["msg"], "data": None}
    assert isinstance(payload["msg"], str) and payload["msg"]
    if err.message and not isinstance(err, Unauthorized):
        assert payload["msg"] == err.message


def test_unauthorized_message() -> None:
    dialect = KieDialect()
    assert dialect.render_error(Unauthorized())[1]["msg"] == "You do not have access permissions"
    assert dialect.render_error(Unauthorized("API key revoked"))[1]["msg"] == "API key revoked"


def test_fastapi_style_errors() -> None:
    malformed = [
        {
            "type": "json_invalid",
            "loc": ("body", 17),
            "msg": "JSON decode error",
            "ctx": {"error": "Expecting value"},
        }
    ]
    err = validation_error_to_invalid(malformed)
    assert (
        isinstance(err, InvalidRequest)
        and "not valid JSON" in err.message
        and "Expecting value" in err.message
    )
    many = [
        {"type": "missing", "loc": ("body", "model"), "msg": "Field required", "input": {}},
        {
            "type": "string_type",
            "loc": ("body", "prompt"),
            "msg": "Input should be a valid string",
            "input": 1,
        },
    ]
    err = validation_error_to_invalid(many)
    assert err.message == "model is required; prompt: Input should be a valid string (got 1)"
    assert err.field == "model,prompt"
    no_body = validation_error_to_invalid([{"type": "missing", "loc": ("body",), "msg": "Field required"}])
    assert "request body is required" in no_body.message and no_body.field is None
    not_object = validation_error_to_invalid(
        [{"type": "model_attributes_type", "loc": ("body",), "msg": "Input should be a valid dictionary"}]
    )
    assert not_object.message == "request body must be a JSON object"


async def test_with_a_real_fastapi_route() -> None:
    """The route wiring in miniature: FastAPI's own validation errors through validation_error_to_invalid."""
    from fastapi import FastAPI
    from fastapi.exceptions import RequestValidationError
    from fastapi.responses import JSONResponse
    from httpx import ASGITransport, AsyncClient

    app = FastAPI()
    dialect = KieDialect()

    @app.exception_handler(RequestValidationError)
    async def invalid(_request: Any, exc: RequestValidationError) -> JSONResponse:
        status, payload = dialect.render_error(validation_error_to_invalid(exc.errors()))
        return JSONResponse(payload, status_code=status)

    @app.post("/api/v1/generate")
    def generate(req: KieGenerateRequest) -> dict[str, Any]:
        to_song_request(req)
        return render_submit("t-1")

    async with AsyncClient(transport=ASGITransport(app=app), base_url="http://test") as client:
        await _exercise_generate_route(client)
    schema = app.openapi()["components"]["schemas"]["KieGenerateRequest"]
    assert schema["examples"][0]["model"] == "V4_5"


async def _exercise_generate_route(client: Any) -> None:
    created = await client.post("/api/v1/generate", json=body())
    assert created.json()["data"] == {"taskId": "t-1"}
    bad_json = await client.post(
        "/api/v1/generate", content=b'{"model": ', headers={"content-type": "application/json"}
    )
    assert bad_json.status_code == 422
    assert bad_json.json()["code"] == 422 and "not valid JSON" in bad_json.json()["msg"]
    wrong = await client.post("/api/v1/generate", json=body(prompt=5, customMode="abc"))
    assert wrong.json()["msg"].startswith("prompt: Input should be a valid string")
    assert "customMode" in wrong.json()["msg"]
    not_object = await client.post("/api/v1/generate", json=[1, 2])
    assert not_object.json()["msg"] == "request body must be a JSON object"
    empty = await client.post("/api/v1/generate")
    assert "request body is required" in empty.json()["msg"]
