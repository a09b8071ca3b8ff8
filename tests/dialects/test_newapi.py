"""new-api / GoAmz dialect: the task object against seed 001's example, status words, requests, errors.

Seed 001's example response (`GET /suno/fetch/{id}`) is copied into tests/fixtures/seeds/newapi_fetch.json and
its enums (which the page states in prose) into newapi_enums.json, so these tests run anywhere.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from tests.support.newapi_samples import (
    SEED_CLIP,
    SEED_ENUMS,
    SEED_ERROR,
    SEED_FETCH,
    SEED_SUBMIT,
    T0,
    URLS,
    assert_same_shape,
    clip,
    task,
)

from tunesmith.dialects.newapi import (
    ACTIONS,
    CLIP_STATUSES,
    TASK_STATUSES,
    ConcatRequest,
    FetchRequest,
    LyricsRequest,
    MusicRequest,
    NewApiDialect,
    UploadRequest,
    concat_operation,
    lyrics_operation,
    progress,
    refuse_unimplemented,
    render_batch,
    render_fetch,
    render_lyrics,
    render_notify,
    render_submit,
    render_task,
    task_status,
    to_song_request,
    upload_operation,
)
from tunesmith.domain.errors import (
    Conflict,
    InsufficientCredits,
    InvalidRequest,
    NotFound,
    RateLimited,
    ServiceError,
    Unauthorized,
    Unavailable,
    Unsupported,
)
from tunesmith.domain.models import Failure
from tunesmith.domain.operations import OperationKind
from tunesmith.domain.states import ClipState, FailureKind, QueueStatus, TaskState


# ── the seed's shapes ─────────────────────────────────────────────────────────────────────────────────
def test_fetch_has_the_seed_examples_keys_and_types_at_every_level() -> None:
    assert_same_shape(render_fetch(task(), URLS), SEED_FETCH)


@pytest.mark.parametrize(
    "state", [ClipState.SUBMITTED, ClipState.QUEUED, ClipState.STREAMING, ClipState.ERROR]
)
def test_unfinished_and_failed_clips_keep_the_seed_shape(state: ClipState) -> None:
    task_state = TaskState.FAILED if state is ClipState.ERROR else TaskState.FIRST_SUCCESS
    failed = state is ClipState.ERROR
    failure = Failure(kind=FailureKind.GENERATE_AUDIO_FAILED, message="boom") if failed else None
    rendered = render_fetch(
        task(task_state, (clip(0, state), clip(1, state)), failure=failure, queue_status=QueueStatus.RUNNING),
        URLS,
    )
    assert_same_shape(rendered, SEED_FETCH)
    assert {c["status"] for c in rendered["data"]["data"]} == {state.value}


def test_description_mode_clip_reports_its_description() -> None:
    rendered = render_task(task(custom_mode=False, description="a calm piano track"), URLS)
    assert rendered["data"][0]["metadata"]["gpt_description_prompt"] == "a calm piano track"
    assert_same_shape(rendered, SEED_FETCH["data"])


def test_submit_and_batch_envelopes() -> None:
    assert render_submit("abc") == {"code": "success", "message": "", "data": "abc"}
    assert_same_shape(render_submit("abc"), SEED_SUBMIT)
    batch = render_batch([task(), task()], URLS)
    assert set(batch) == {"code", "message", "data"} and batch["code"] == "success"
    for item in batch["data"]:
        assert_same_shape(item, SEED_FETCH["data"])
    assert render_batch([], URLS)["data"] == []


def test_times_are_unix_seconds_and_created_at_is_isoformat_with_millis() -> None:
    data = render_task(task(), URLS)
    assert data["submit_time"] == data["start_time"] == data["finish_time"] == int(T0.timestamp())
    assert data["data"][0]["created_at"] == "2025-01-01T00:00:00.687Z"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", SEED_CLIP["created_at"])
    pending = render_task(task(TaskState.PENDING, queue_status=QueueStatus.QUEUED, attempts=0), URLS)
    assert pending["start_time"] == 0 and pending["finish_time"] == 0


# ── status words ──────────────────────────────────────────────────────────────────────────────────────
STATES = [
    (TaskState.PENDING, QueueStatus.QUEUED, 0, "SUBMITTED", "0%"),
    (TaskState.PENDING, QueueStatus.QUEUED, 1, "QUEUED", "0%"),
    (TaskState.PENDING, QueueStatus.RUNNING, 1, "IN_PROGRESS", "10%"),
    (TaskState.TEXT_SUCCESS, QueueStatus.RUNNING, 1, "IN_PROGRESS", "30%"),
    (TaskState.FIRST_SUCCESS, QueueStatus.RUNNING, 1, "IN_PROGRESS", None),
    (TaskState.SUCCESS, QueueStatus.DONE, 1, "SUCCESS", "100%"),
    (TaskState.FAILED, QueueStatus.DONE, 1, "FAILURE", "100%"),
]


@pytest.mark.parametrize(("state", "queue", "attempts", "status", "percent"), STATES)
def test_every_state_maps_into_the_seed_enum(
    state: TaskState, queue: QueueStatus, attempts: int, status: str, percent: str | None
) -> None:
    t = task(state, queue_status=queue, attempts=attempts)
    assert set(TASK_STATUSES) == set(SEED_ENUMS["task_status"])
    assert task_status(t) == status and status in SEED_ENUMS["task_status"]
    assert re.fullmatch(r"\d{1,3}%", progress(t))
    if percent is not None:
        assert progress(t) == percent
    assert (progress(t) == "100%") == t.is_terminal  # new-api's poller reads "100%" as done


def test_clip_statuses_and_actions_are_the_seeds() -> None:
    assert set(CLIP_STATUSES) == set(SEED_ENUMS["clip_status"])
    assert set(ACTIONS) == set(SEED_ENUMS["action"])
    assert render_task(task(), URLS)["action"] == "MUSIC"
    assert render_task(task(operation=OperationKind.LYRICS), URLS)["action"] == "LYRICS"


def test_audio_url_streams_while_streaming_and_is_the_mp3_when_complete() -> None:
    t = task(
        TaskState.FIRST_SUCCESS,
        (clip(0, ClipState.STREAMING), clip(1, ClipState.QUEUED)),
        queue_status=QueueStatus.RUNNING,
    )
    streaming, queued = render_task(t, URLS)["data"]
    assert streaming["audio_url"] == "https://media.test/stream/clip-0"
    assert queued["audio_url"] == "" and queued["metadata"]["duration"] == 0
    done = render_task(task(), URLS)["data"][0]
    assert done["audio_url"] == "https://media.test/clip-0/audio.mp3"
    assert done["image_url"] == done["image_large_url"] == "https://media.test/clip-0/cover.png"
    assert done["metadata"]["duration"] == 120.0 and done["major_model_version"] == "v3.5"


def test_failure_fills_fail_reason_and_clip_errors() -> None:
    failure = Failure(kind=FailureKind.SENSITIVE_WORD_ERROR, message="Lyrics contained an artist name")
    t = task(
        TaskState.FAILED,
        (clip(0, ClipState.ERROR, error_message=None), clip(1, ClipState.ERROR)),
        failure=failure,
    )
    data = render_task(t, URLS)
    assert data["status"] == "FAILURE" and data["fail_reason"] == "Lyrics contained an artist name"
    meta = data["data"][0]["metadata"]
    assert meta["error_type"] == "moderation_failure" and meta["error_message"] == failure.message
    assert render_task(task(), URLS)["fail_reason"] == ""


def test_model_name_echoes_the_clients_mv() -> None:
    t = task(model="V4_5", extra={"mv": "chirp-auk"})
    assert render_task(t, URLS)["data"][0]["model_name"] == "chirp-auk"
    assert render_task(task(extra={"mv": "V3_5"}), URLS)["data"][0]["model_name"] == "chirp-v3-5"


def test_instrumental_clips_carry_no_lyrics() -> None:
    assert render_task(task(instrumental=True), URLS)["data"][0]["metadata"]["prompt"] == ""


# ── notify hook and lyrics ────────────────────────────────────────────────────────────────────────────
def test_notify_hook_posts_the_task_object_only_when_finished() -> None:
    assert render_notify(task(TaskState.TEXT_SUCCESS), "text", URLS) is None
    assert render_notify(task(TaskState.FIRST_SUCCESS), "first", URLS) is None
    assert render_notify(task(), "complete", URLS) == render_task(task(), URLS)
    failed = task(TaskState.FAILED, failure=Failure(kind=FailureKind.TIMEOUT, message="too slow"))
    assert render_notify(failed, "error", URLS)["status"] == "FAILURE"


def test_lyrics_object() -> None:
    assert render_lyrics(task()) == {
        "id": "task-1",
        "status": "complete",
        "title": "City Lights",
        "text": "[Verse]\nWalking down the streets",
    }
    pending = render_lyrics(task(TaskState.PENDING, queue_status=QueueStatus.QUEUED, attempts=0))
    assert pending == {"id": "task-1", "status": "running", "title": "", "text": ""}


# ── requests ──────────────────────────────────────────────────────────────────────────────────────────
def test_custom_mode() -> None:
    song = to_song_request(
        MusicRequest(prompt="[Verse] hi", tags="rock", title="Hi", mv="chirp-v4", negative_tags="metal")
    )
    got = (song.kind, song.model, song.custom_mode, song.lyrics, song.style, song.title, song.negative_style)
    assert got == (OperationKind.GENERATE, "V4", True, "[Verse] hi", "rock", "Hi", "metal")


def test_description_mode_and_default_model() -> None:
    body = {"gpt_description_prompt": "a calm song", "prompt": None}
    song = to_song_request(MusicRequest.model_validate(body))
    assert (song.custom_mode, song.description, song.model, song.extra["mv"]) == (
        False,
        "a calm song",
        "V3_5",
        "chirp-v3-0",
    )


@pytest.mark.parametrize(
    ("mv", "model"),
    [
        ("chirp-v3-5", "V3_5"),
        ("chirp-auk", "V4_5"),
        ("chirp-bluejay", "V4_5PLUS"),
        ("chirp-crow", "V5"),
        ("chirp-fenix", "V5_5"),
        ("CHIRP-V4", "V4"),
        ("V4_5ALL", "V4_5ALL"),
    ],
)
def test_model_names(mv: str, model: str) -> None:
    assert to_song_request(MusicRequest(gpt_description_prompt="x", mv=mv)).model == model


def test_kie_model_field_is_accepted_when_mv_is_absent() -> None:
    assert to_song_request(MusicRequest(gpt_description_prompt="x", model="V5")).model == "V5"


def test_instrumental_prompt_is_a_description_not_lyrics() -> None:
    song = to_song_request(MusicRequest(prompt="calm piano", tags="classical", make_instrumental=True))
    assert song.instrumental and song.lyrics == "" and song.description == "calm piano"


@pytest.mark.parametrize(
    "body",
    [
        {"mv": "chirp-v9", "gpt_description_prompt": "x"},
        {"tags": "rock"},  # lyrics missing, not instrumental
        {"make_instrumental": True},  # nothing to go on
        {"continue_clip_id": "clip-1", "prompt": "x"},  # new-api: task id is empty
    ],
)
def test_invalid_music_requests(body: dict[str, Any]) -> None:
    with pytest.raises(InvalidRequest):
        to_song_request(MusicRequest.model_validate(body))


def test_upload_is_an_import_of_the_url_in_the_default_model() -> None:
    song = refuse_unimplemented(upload_operation(UploadRequest(url=" https://example.com/a.mp3 ")))
    assert (song.kind, song.model, song.title) == (OperationKind.UPLOAD, "V3_5", "")
    assert song.extra["upload_url"] == "https://example.com/a.mp3" and song.extra["upload_field"] == "url"
    named = upload_operation(
        UploadRequest(audio_url="https://example.com/b.mp3", title="Demo", mv="chirp-v4")
    )
    assert (named.model, named.title, named.extra["upload_field"]) == ("V4", "Demo", "audio_url")
    with pytest.raises(InvalidRequest) as caught:
        upload_operation(UploadRequest(title="no address"))
    assert caught.value.field == "url"
    with pytest.raises(InvalidRequest):
        upload_operation(UploadRequest(url="https://example.com/a.mp3", mv="chirp-v9"))


@pytest.mark.parametrize(
    "operation",
    [
        lambda: to_song_request(MusicRequest(continue_clip_id="clip-1", task_id="task-1", continue_at=30)),
        lambda: lyrics_operation(LyricsRequest(prompt="the sea")),
        lambda: concat_operation(ConcatRequest(clip_id="clip-1")),
    ],
)
def test_extend_concat_and_lyrics_are_submitted(operation: Any) -> None:
    song = operation()
    assert refuse_unimplemented(song) is song


def test_extend_is_parsed_for_later() -> None:
    song = to_song_request(MusicRequest(continue_clip_id="clip-1", task_id="task-1", continue_at=30.5))
    assert (song.kind, song.source_clip_id, song.continue_at) == (OperationKind.EXTEND, "clip-1", 30.5)


def test_fetch_request() -> None:
    assert FetchRequest.model_validate({"ids": None}).ids == []
    assert FetchRequest.model_validate({"ids": ["a"], "action": "MUSIC"}).action == "MUSIC"
    with pytest.raises(ValueError):
        FetchRequest.model_validate({"ids": "abc"})
    with pytest.raises(ValueError):
        FetchRequest.model_validate({"ids": [], "action": "VIDEO"})


# ── errors ────────────────────────────────────────────────────────────────────────────────────────────
@pytest.mark.parametrize(
    ("error", "status", "code"),
    [
        (InvalidRequest("bad"), 400, "invalid_request"),
        (Unsupported("no"), 400, "unsupported_action"),
        (Unauthorized(), 401, "unauthorized"),
        (InsufficientCredits(), 403, "quota_not_enough"),
        (NotFound("gone"), 404, "task_not_exist"),
        (Conflict(), 409, "task_exist"),
        (RateLimited(), 429, "too_many_requests"),
        (Unavailable(), 503, "service_unavailable"),
        (ServiceError("oops"), 500, "internal_error"),
    ],
)
def test_error_envelope(error: ServiceError, status: int, code: str) -> None:
    got_status, body = NewApiDialect().render_error(error)
    assert (got_status, body) == (status, {"code": code, "message": error.message, "data": None})
    assert_same_shape(body, SEED_ERROR)


def test_engine_progress_moves_the_percentage_between_states() -> None:
    from dataclasses import replace

    running = task(TaskState.PENDING, queue_status=QueueStatus.RUNNING)
    steps = [progress(replace(running, progress=f)) for f in (None, 0.0, 0.25, 0.5, 0.99, 1.0)]
    assert steps == ["10%", "10%", "31%", "52%", "94%", "95%"]  # never 100% before the task ends
    texted = replace(running, state=TaskState.TEXT_SUCCESS)
    assert [progress(replace(texted, progress=f)) for f in (0.1, 0.5)] == ["30%", "52%"]  # never below
    queued = task(TaskState.PENDING, queue_status=QueueStatus.QUEUED)
    assert progress(replace(queued, progress=0.5)) == "0%"  # an old attempt's report, not running now
    done = task(TaskState.SUCCESS, queue_status=QueueStatus.DONE)
    assert progress(replace(done, progress=0.4)) == "100%"
