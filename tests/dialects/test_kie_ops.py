"""kie.ai song operations, pure translation: request bodies, record-info shapes, status vocabularies and the
callback payload of each operation (WAV, stems, MIDI, mp4, cover, lyrics)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pydantic import ValidationError
from tests.support.builders import URLS

from tunesmith.dialects.kie import records as rec
from tunesmith.dialects.kie import render_callback
from tunesmith.dialects.kie.operations import (
    KieMidiRequest,
    KieMp4Request,
    KiePersonaRequest,
    KieVocalRemovalRequest,
    KieWavRequest,
    check_lengths,
)
from tunesmith.domain.errors import InvalidRequest, PayloadTooLarge
from tunesmith.domain.models import Clip, Failure, Task
from tunesmith.domain.operations import OperationKind, SongRequest
from tunesmith.domain.states import ClipState, FailureKind, QueueStatus, TaskState
from tunesmith.service.personas import check_window

T0 = datetime(2025, 1, 1, 0, 0, 0, tzinfo=UTC)
T1 = T0 + timedelta(seconds=7)


def op_task(
    operation: OperationKind,
    state: TaskState = TaskState.SUCCESS,
    result: dict[str, Any] | None = None,
    failure: Failure | None = None,
    queue: QueueStatus = QueueStatus.DONE,
    **extra: Any,
) -> Task:
    return Task(
        id="op-1",
        key_id="key-1",
        operation=operation,
        request=SongRequest(
            kind=operation, source_clip_id="clip-1", source_task_id="music-1", extra=extra, description="idea"
        ),
        dialect="kie",
        raw_request='{"prompt":"idea"}',
        engine="studio",
        state=state,
        queue_status=queue,
        failure=failure,
        callback_url="https://client.test/hook",
        parent_clip_id="clip-1",
        source_task_id="music-1",
        result=result or {},
        created_at=T0,
        finished_at=T1 if state in (TaskState.SUCCESS, TaskState.FAILED) else None,
        updated_at=T1,
    )


SOURCE = Clip(
    id="clip-1",
    task_id="music-1",
    index=1,
    state=ClipState.COMPLETE,
    duration=12.0,
    created_at=T0,
    updated_at=T0,
)
FAILED = Failure(kind=FailureKind.GENERATE_AUDIO_FAILED, message="the clip kept no MIDI", code=501)
CREATE_FAILED = Failure(kind=FailureKind.CREATE_TASK_FAILED, message="bad type", code=400)


# ── requests ──────────────────────────────────────────────────────────────────────────────────────────


def test_request_models_name_kie_fields_and_reject_what_is_missing() -> None:
    body = KieWavRequest.model_validate({"taskId": "t", "audioId": "a", "callBackUrl": "", "extra": 1})
    assert body.callBackUrl is None
    for bad in (
        {"taskId": "t"},
        {"audioId": "a"},
        {"taskId": "", "audioId": "a"},
        {"taskId": 1, "audioId": "a"},
    ):
        with pytest.raises(ValidationError):
            KieWavRequest.model_validate(bad)
    assert KieVocalRemovalRequest.model_validate({"taskId": "t", "audioId": "a", "type": None}).type == (
        "separate_vocal"
    )
    with pytest.raises(ValidationError):
        KieVocalRemovalRequest.model_validate({"taskId": "t", "audioId": "a", "type": "split_stem_advanced"})
    assert KieMidiRequest.model_validate({"taskId": "t", "audioId": " "}).audioId is None
    persona = KiePersonaRequest.model_validate(
        {"taskId": "t", "audioId": "a", "name": "n", "description": "d"}
    )
    assert (persona.vocalStart, persona.vocalEnd, persona.style) == (0.0, 30.0, "")


def test_length_limits_are_kie_413() -> None:
    check_lengths(KieMp4Request(taskId="t", audioId="a", author="x" * 50, domainName="y" * 50))
    with pytest.raises(PayloadTooLarge) as err:
        check_lengths(KieMp4Request(taskId="t", audioId="a", domainName="y" * 51))
    assert err.value.field == "domainName" and "50" in err.value.message


def test_persona_window_is_10_to_30_seconds_inside_the_song() -> None:
    check_window(0, 10, 12.0)
    check_window(2, 12.004, 12.0)  # rounding slack at the end
    check_window(0, 30, 200.0)
    for start, end in ((0, 9.9), (0, 30.1), (5, 16), (-1, 10), (10, 0)):
        with pytest.raises(InvalidRequest):
            check_window(start, end, 12.0)


# ── record-info ───────────────────────────────────────────────────────────────────────────────────────


def test_wav_record_shape_and_statuses() -> None:
    done = op_task(OperationKind.WAV, result={"files": {"wav": "tasks/op-1/audio.wav"}, "duration": 12.0})
    data = rec.render_wav_record(done, URLS, SOURCE)["data"]
    assert list(data) == [
        "taskId",
        "musicId",
        "callbackUrl",
        "musicIndex",
        "completeTime",
        "response",
        "successFlag",
        "createTime",
        "errorCode",
        "errorMessage",
    ]
    assert data["response"] == {"audioWavUrl": "https://media.test/tasks/op-1/audio.wav"}
    assert (data["musicId"], data["musicIndex"], data["successFlag"]) == ("clip-1", 1, "SUCCESS")
    assert (data["createTime"], data["completeTime"]) == ("2025-01-01 00:00:00", "2025-01-01 00:00:07")
    pending = rec.render_wav_record(op_task(OperationKind.WAV, TaskState.PENDING), URLS)["data"]
    assert pending["successFlag"] == "PENDING" and pending["response"] == {"audioWavUrl": None}
    assert pending["completeTime"] is None
    failed = rec.render_wav_record(op_task(OperationKind.WAV, TaskState.FAILED, failure=FAILED), URLS)["data"]
    assert (failed["successFlag"], failed["errorCode"], failed["errorMessage"]) == (
        "GENERATE_WAV_FAILED",
        501,
        "the clip kept no MIDI",
    )
    created = op_task(OperationKind.WAV, TaskState.FAILED, failure=CREATE_FAILED)
    assert rec.render_wav_record(created, URLS)["data"]["successFlag"] == "CREATE_TASK_FAILED"


def test_stems_record_lists_every_kie_key_and_origin_data() -> None:
    files = {p: f"tasks/op-1/{p}.wav" for p in ("vocals", "drums", "bass", "other")}
    t = op_task(
        OperationKind.STEMS,
        result={"files": files, "parts": ["vocals", "drums", "bass", "other"], "durations": {"vocals": 12.0}},
        type="split_stem",
    )
    response = rec.render_stems_record(t, URLS, SOURCE)["data"]["response"]
    for key in rec.RECORD_STEM_KEYS:
        assert key in response
    assert response["vocalUrl"].endswith("vocals.wav") and response["otherUrl"].endswith("other.wav")
    assert response["instrumentalUrl"] is None and response["pianoUrl"] is None
    origin = response["originData"]
    assert [o["stem_type_group_name"] for o in origin] == ["Vocals", "Drums", "Bass", "Other"]
    assert origin[0]["id"] == rec.stem_id("op-1", "vocals") != rec.stem_id("op-2", "vocals")
    assert all(o["duration"] == 12.0 for o in origin)
    data = rec.render_stems_record(t, URLS, SOURCE)["data"]
    assert data["createTime"] == int(T0.timestamp() * 1000) and data["completeTime"] == int(
        T1.timestamp() * 1000
    )
    failed = op_task(OperationKind.STEMS, TaskState.FAILED, failure=FAILED)
    assert rec.render_stems_record(failed, URLS)["data"]["successFlag"] == "GENERATE_AUDIO_FAILED"
    assert rec.render_stems_record(failed, URLS)["data"]["response"]["originData"] == []


def test_midi_record_scales_velocity_and_links_the_file() -> None:
    notes = [
        {"pitch": 60, "start": 0.0, "end": 0.4, "velocity": 127},
        {"pitch": 62, "start": 0.5, "end": 0.9, "velocity": 90},
    ]
    result = {
        "files": {"midi": "tasks/op-1/song.mid"},
        "instruments": [{"name": "lead", "program": 80, "is_drum": False, "notes": notes}],
    }
    data = rec.render_midi_record(op_task(OperationKind.MIDI, result=result, audio_id="stem-9"), URLS)["data"]
    assert data["midiData"] == {
        "state": "complete",
        "instruments": [
            {
                "name": "lead",
                "notes": [
                    {"pitch": 60, "start": 0.0, "end": 0.4, "velocity": 1.0},
                    {"pitch": 62, "start": 0.5, "end": 0.9, "velocity": 0.709},
                ],
            }
        ],
    }
    assert data["midiUrl"] == "https://media.test/tasks/op-1/song.mid"
    assert (data["recordTaskId"], data["audioId"], data["successFlag"]) == ("music-1", "stem-9", 1)
    assert (
        rec.render_midi_record(op_task(OperationKind.MIDI, TaskState.PENDING), URLS)["data"]["successFlag"]
        == 0
    )
    failed = rec.render_midi_record(op_task(OperationKind.MIDI, TaskState.FAILED, failure=FAILED), URLS)[
        "data"
    ]
    assert (failed["successFlag"], failed["midiData"], failed["midiUrl"]) == (3, None, None)
    created = op_task(OperationKind.MIDI, TaskState.FAILED, failure=CREATE_FAILED)
    assert rec.render_midi_record(created, URLS)["data"]["successFlag"] == 2


def test_cover_flag_tells_queued_from_generating() -> None:
    queued = op_task(OperationKind.COVER_ART, TaskState.PENDING, queue=QueueStatus.QUEUED)
    running = op_task(OperationKind.COVER_ART, TaskState.PENDING, queue=QueueStatus.RUNNING)
    assert rec.render_cover_record(queued, URLS)["data"]["successFlag"] == 0
    assert rec.render_cover_record(running, URLS)["data"]["successFlag"] == 2
    done = op_task(
        OperationKind.COVER_ART,
        result={"files": {"image_0": "a.png", "image_1": "b.png"}, "images": ["image_0", "image_1"]},
    )
    data = rec.render_cover_record(done, URLS)["data"]
    assert data["response"]["images"] == ["https://media.test/a.png", "https://media.test/b.png"]
    assert (data["successFlag"], data["parentTaskId"], data["createTime"]) == (
        1,
        "music-1",
        "2025-01-01T00:00:00.000Z",
    )
    assert (
        rec.render_cover_record(op_task(OperationKind.COVER_ART, TaskState.FAILED), URLS)["data"][
            "successFlag"
        ]
        == 3
    )


def test_lyrics_record_and_vocabulary() -> None:
    lyrics = [{"title": "Home", "text": "[Verse]\nla", "tags": "pop", "status": "complete"}]
    data = rec.render_lyrics_record(op_task(OperationKind.LYRICS, result={"lyrics": lyrics}))["data"]
    assert data["param"] == '{"prompt":"idea"}' and data["status"] == "SUCCESS"
    assert data["response"] == {
        "taskId": "op-1",
        "data": [{"text": "[Verse]\nla", "title": "Home", "status": "complete", "errorMessage": ""}],
    }
    for kind, word in (
        (FailureKind.GENERATE_AUDIO_FAILED, "GENERATE_LYRICS_FAILED"),
        (FailureKind.TIMEOUT, "GENERATE_LYRICS_FAILED"),
        (FailureKind.SENSITIVE_WORD_ERROR, "SENSITIVE_WORD_ERROR"),
        (FailureKind.CREATE_TASK_FAILED, "CREATE_TASK_FAILED"),
    ):
        failed = op_task(OperationKind.LYRICS, TaskState.FAILED, failure=Failure(kind=kind, message="no"))
        assert rec.render_lyrics_record(failed)["data"]["status"] == word
    assert (
        rec.render_lyrics_record(op_task(OperationKind.LYRICS, TaskState.PENDING))["data"]["status"]
        == "PENDING"
    )


# ── callbacks ─────────────────────────────────────────────────────────────────────────────────────────


def test_each_operation_has_kies_callback_payload() -> None:
    wav = op_task(OperationKind.WAV, result={"files": {"wav": "w.wav"}})
    assert render_callback(wav, "complete", URLS) == {
        "code": 200,
        "msg": "success",
        "data": {"audioWavUrl": "https://media.test/w.wav", "task_id": "op-1"},
    }
    video = op_task(OperationKind.VIDEO, result={"files": {"video": "v.mp4"}})
    assert render_callback(video, "complete", URLS)["data"] == {
        "task_id": "op-1",
        "video_url": "https://media.test/v.mp4",
    }
    stems = op_task(
        OperationKind.STEMS,
        result={"files": {"vocals": "v.wav", "instrumental": "i.wav"}},
        type="separate_vocal",
    )
    assert render_callback(stems, "complete", URLS)["data"]["vocal_removal_info"] == {
        "origin_url": "",
        "vocal_url": "https://media.test/v.wav",
        "instrumental_url": "https://media.test/i.wav",
    }
    split = op_task(OperationKind.STEMS, result={"files": {"drums": "d.wav"}}, type="split_stem")
    info = render_callback(split, "complete", URLS)["data"]["vocal_removal_info"]
    assert info["drums_url"] == "https://media.test/d.wav" and info["guitar_url"] is None
    assert "instrumental_url" not in info
    midi = render_callback(op_task(OperationKind.MIDI, result={"files": {"midi": "m.mid"}}), "complete", URLS)
    assert midi["task_id"] == "op-1" and midi["data"]["midiUrl"] == "https://media.test/m.mid"
    lyrics = op_task(
        OperationKind.LYRICS, result={"lyrics": [{"title": "T", "text": "x", "status": "complete"}]}
    )
    payload = render_callback(lyrics, "complete", URLS)
    assert payload["data"]["callbackType"] == "complete" and payload["data"]["task_id"] == "op-1"
    assert payload["data"]["data"] == [{"text": "x", "title": "T", "status": "complete", "error_message": ""}]


def test_failed_operations_call_back_with_the_error_and_no_results() -> None:
    for op in (
        OperationKind.WAV,
        OperationKind.STEMS,
        OperationKind.MIDI,
        OperationKind.VIDEO,
        OperationKind.COVER_ART,
        OperationKind.LYRICS,
    ):
        payload = render_callback(op_task(op, TaskState.FAILED, failure=FAILED), "error", URLS)
        assert payload is not None and payload["code"] == 501 and payload["msg"] == "the clip kept no MIDI", (
            op
        )
    cover = render_callback(op_task(OperationKind.COVER_ART, TaskState.FAILED, failure=FAILED), "error", URLS)
    assert cover["data"] == {"taskId": "op-1", "images": None}
    lyrics = render_callback(op_task(OperationKind.LYRICS, TaskState.FAILED, failure=FAILED), "error", URLS)
    assert lyrics["data"]["callbackType"] == "error" and lyrics["data"]["data"] is None
    # derived operations have no text/first stage: nothing is sent
    assert render_callback(op_task(OperationKind.WAV), "text", URLS) is None
    with pytest.raises(ValueError):
        render_callback(op_task(OperationKind.WAV), "done", URLS)
