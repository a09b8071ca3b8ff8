"""kie.ai response shapes: submit, record-info (camelCase), callbacks (snake_case), credits.

Everything returns plain dicts ready for JSON. Field names, their order and the status vocabulary follow the
record-info example in kie's docs (seed 000) and the callback pages (reference §3.5).

CALLBACK_EXCEPTION is never emitted. kie reports it when a webhook could not be delivered, which would hide a
finished result behind a delivery problem; here a failed callback is recorded on the delivery, and the task
keeps reporting what it actually produced.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from tunesmith.dialects.base import UrlBuilder, utc
from tunesmith.dialects.kie.failures import (
    CALLBACK_ERROR_CODES,
    RECORD_ERROR_CODES,
    error_code,
    failure_message,
)
from tunesmith.dialects.kie.records import render_operation_callback
from tunesmith.domain.models import Clip, Task
from tunesmith.domain.operations import DERIVED_OPERATIONS, SUNO_MODEL_NAMES, OperationKind
from tunesmith.domain.states import ClipState, FailureKind, TaskState

# The seed's music status enum: anything rendered as `status` must be one of these.
MUSIC_STATUSES = (
    "PENDING",
    "TEXT_SUCCESS",
    "FIRST_SUCCESS",
    "SUCCESS",
    "CREATE_TASK_FAILED",
    "GENERATE_AUDIO_FAILED",
    "CALLBACK_EXCEPTION",
    "SENSITIVE_WORD_ERROR",
)
# Lyrics record-info has its own vocabulary (reference §3.3), which adds GENERATE_LYRICS_FAILED.
LYRICS_FAILED = "GENERATE_LYRICS_FAILED"

_OPERATION_TYPES = {
    OperationKind.GENERATE: "generate",
    OperationKind.EXTEND: "extend",
    OperationKind.UPLOAD_COVER: "upload_cover",
    OperationKind.UPLOAD_EXTEND: "upload_extend",
    # kie's enum has no word for these; the closest one keeps the field inside the enum.
    OperationKind.CONCAT: "extend",
    OperationKind.ADD_INSTRUMENTAL: "upload_cover",  # new music made from an uploaded recording
    OperationKind.ADD_VOCALS: "upload_cover",
    OperationKind.MASHUP: "upload_cover",
    OperationKind.REPLACE_SECTION: "generate",
    OperationKind.LYRICS: "generate",
}

CALLBACK_STAGES = ("text", "first", "complete", "error")
_STAGE_MESSAGES = {
    "text": "Text generation completed successfully.",
    "first": "First audio generated successfully.",
    "complete": "All generated successfully.",
}
_TIME_FORMAT = "%Y-%m-%d %H:%M:%S"


def render_submit(task_id: str) -> dict[str, Any]:
    return {"code": 200, "msg": "success", "data": {"taskId": task_id}}


def render_credit(balance: int) -> dict[str, Any]:
    return {"code": 200, "msg": "success", "data": balance}


def render_record_info(task: Task, urls: UrlBuilder) -> dict[str, Any]:
    """`GET /api/v1/generate/record-info` for one task, in the seed example's shape plus `operationType`."""
    failed = task.state is TaskState.FAILED
    data = {
        "taskId": task.id,
        "parentMusicId": task.parent_clip_id or task.request.source_clip_id or "",
        "param": task.raw_request,
        "response": {
            "taskId": task.id,
            "sunoData": [_record_clip(task, clip, urls) for clip in visible_clips(task)],
        },
        "status": kie_status(task),
        "type": "GENERATE" if task.operation is OperationKind.GENERATE else task.operation.value.upper(),
        "operationType": _OPERATION_TYPES.get(task.operation, "generate"),
        "errorCode": error_code(task.failure, RECORD_ERROR_CODES) if failed else None,
        "errorMessage": failure_message(task.failure) if failed else None,
    }
    return {"code": 200, "msg": "success", "data": data}


def render_callback(task: Task, stage: str, urls: UrlBuilder) -> dict[str, Any] | None:
    """The body POSTed to the client's callBackUrl at `stage` (text | first | complete | error).

    Song operations (WAV, stems, MIDI, mp4, cover, lyrics) have their own kie payloads (records.py); None
    means "no callback at this stage"."""
    if task.operation in DERIVED_OPERATIONS:
        if stage not in CALLBACK_STAGES:
            expected = ", ".join(CALLBACK_STAGES)
            raise ValueError(f"unknown kie callback stage {stage!r}; expected one of {expected}")
        return render_operation_callback(task, stage, urls)
    if stage not in CALLBACK_STAGES:
        expected = ", ".join(CALLBACK_STAGES)
        raise ValueError(f"unknown kie callback stage {stage!r}; expected one of {expected}")
    if stage == "error":
        return {
            "code": error_code(task.failure, CALLBACK_ERROR_CODES),
            "msg": failure_message(task.failure),
            "data": {"callbackType": "error", "task_id": task.id, "data": None},
        }
    clips = [_callback_clip(task, clip, urls) for clip in sorted(task.clips, key=lambda c: c.index)]
    return {
        "code": 200,
        "msg": _STAGE_MESSAGES[stage],
        "data": {"callbackType": stage, "task_id": task.id, "data": clips},
    }


def kie_status(task: Task) -> str:
    """The task's state in kie's words; a failed task reports why it failed."""
    if task.state is not TaskState.FAILED:
        return task.state.value  # PENDING, TEXT_SUCCESS, FIRST_SUCCESS, SUCCESS: same words
    kind = task.failure.kind if task.failure else FailureKind.GENERATE_AUDIO_FAILED
    if kind is FailureKind.GENERATE_LYRICS_FAILED:
        # Lyrics tasks have their own vocabulary; a music task whose lyrics step failed failed to make audio.
        return LYRICS_FAILED if task.operation is OperationKind.LYRICS else "GENERATE_AUDIO_FAILED"
    if kind is FailureKind.TIMEOUT:
        return "GENERATE_AUDIO_FAILED"  # with errorCode 408; kie has no timeout status
    return kind.value


def visible_clips(task: Task) -> list[Clip]:
    """Clips record-info lists: none before TEXT_SUCCESS; after a failure only those with playable audio."""
    clips = sorted(task.clips, key=lambda c: c.index)
    if task.state is TaskState.PENDING:
        return []
    if task.state is TaskState.FAILED:
        return [c for c in clips if c.state in (ClipState.STREAMING, ClipState.COMPLETE)]
    return clips


def _create_time(moment: datetime) -> str:
    """kie's "YYYY-MM-DD HH:MM:SS" in UTC: base.utc only labels naive times, aware ones are converted."""
    return utc(moment).astimezone(UTC).strftime(_TIME_FORMAT)


def _urls(clip: Clip, urls: UrlBuilder) -> tuple[str, str, str]:
    """(final audio, stream, image): each "" until the clip has reached the point where it works."""
    audio = ""
    if clip.state is ClipState.COMPLETE:
        audio = urls.media(clip.audio_key) if clip.audio_key else urls.stream(clip.id)
    stream = urls.stream(clip.id) if clip.state in (ClipState.STREAMING, ClipState.COMPLETE) else ""
    image = urls.media(clip.image_key) if clip.image_key else ""
    return audio, stream, image


def _common(task: Task, clip: Clip) -> dict[str, Any]:
    return {
        # kie: instrumental tasks carry no lyrics.
        "prompt": "" if task.request.instrumental else clip.lyrics,
        "model_name": clip.model_name or SUNO_MODEL_NAMES.get(task.request.model, task.request.model),
        "title": clip.title,
        "tags": clip.tags,
        "createTime": _create_time(clip.created_at),
        "duration": round(float(clip.duration), 2) if clip.duration is not None else None,
    }


def _record_clip(task: Task, clip: Clip, urls: UrlBuilder) -> dict[str, Any]:
    audio, stream, image = _urls(clip, urls)
    common = _common(task, clip)
    return {
        "id": clip.id,
        "audioUrl": audio,
        "streamAudioUrl": stream,
        "imageUrl": image,
        "prompt": common["prompt"],
        "modelName": common["model_name"],
        "title": common["title"],
        "tags": common["tags"],
        "createTime": common["createTime"],
        "duration": common["duration"],
    }


def _callback_clip(task: Task, clip: Clip, urls: UrlBuilder) -> dict[str, Any]:
    audio, stream, image = _urls(clip, urls)
    # source_*: kie's origin-CDN copies. We serve one copy, so they repeat the same URLs.
    return {
        "id": clip.id,
        "audio_url": audio,
        "stream_audio_url": stream,
        "image_url": image,
        **_common(task, clip),
        "source_audio_url": audio,
        "source_image_url": image,
        "source_stream_audio_url": stream,
    }
