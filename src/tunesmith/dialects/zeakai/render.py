"""zeakAi (SKU) replies: the submit acknowledgement and `GET /suno/task/{id}/fetch` (seed 003).

The fetch reply is a bare task object (no envelope), in the seed's field order, with Suno clip objects inside.
Statuses come from the seed's enum only: SUBMITTED, RUNNING, FAILURE, SUCCESS, for the task and for each clip.
Times are "YYYY-MM-DD HH:MM:SS" strings in UTC; a time that has not happened yet is "" (the seed types them as
required strings, so never null). While a clip renders its `audio_url` is the stream URL, as on Suno.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from tunesmith.dialects.base import UrlBuilder, utc
from tunesmith.dialects.models import MAJOR_VERSIONS  # Suno's finest form (`v4.5+`), as the seed shows
from tunesmith.domain.models import Clip, Task
from tunesmith.domain.operations import SUNO_MODEL_NAMES, OperationKind
from tunesmith.domain.states import ClipState, QueueStatus, TaskState

STATUSES = ("SUBMITTED", "RUNNING", "FAILURE", "SUCCESS")
SUBMIT_OK_CODE = 1  # MJ-proxy's SUCCESS, the convention of zeakAi's `/…/task/{id}/fetch` family
SUBMIT_OK_DESCRIPTION = "提交成功"

# Suno's metadata `type` per operation.
_TYPES = {
    OperationKind.GENERATE: "gen",
    OperationKind.EXTEND: "gen",
    OperationKind.CONCAT: "concat",
    OperationKind.UPLOAD_COVER: "gen",
    OperationKind.UPLOAD_EXTEND: "gen",
    OperationKind.UPLOAD: "upload",
    OperationKind.REPLACE_SECTION: "edit_v3_export",
    OperationKind.LYRICS: "lyrics",
}
_TIME_FORMAT = "%Y-%m-%d %H:%M:%S"
_DEFAULT_FAILURE = "Generation failed, please try again."


def render_submit(task_id: str) -> dict[str, Any]:
    """`{"code": 1, "description": "提交成功", "result": "<task id>", "properties": {}}`."""
    return {"code": SUBMIT_OK_CODE, "description": SUBMIT_OK_DESCRIPTION, "result": task_id, "properties": {}}


def task_status(task: Task) -> str:
    if task.state is TaskState.SUCCESS:
        return "SUCCESS"
    if task.state is TaskState.FAILED:
        return "FAILURE"
    if task.state is TaskState.PENDING and task.queue_status is QueueStatus.QUEUED:
        return "SUBMITTED"
    return "RUNNING"


def clip_status(task: Task, clip: Clip) -> str:
    if clip.state is ClipState.COMPLETE:
        return "SUCCESS"
    if clip.state is ClipState.ERROR or task.state is TaskState.FAILED:
        return "FAILURE"
    if clip.state is ClipState.STREAMING:
        return "RUNNING"
    return "RUNNING" if task_status(task) == "RUNNING" else "SUBMITTED"


def render_fetch(task: Task, urls: UrlBuilder) -> dict[str, Any]:
    """`GET /suno/task/{id}/fetch` for any task, whichever dialect created it."""
    failed = task.state is TaskState.FAILED
    return {
        "id": task.id,
        "majorModelVersion": MAJOR_VERSIONS.get(task.request.model, task.request.model),
        "clips": [_clip(task, clip, urls) for clip in sorted(task.clips, key=lambda c: c.index)],
        "submitAt": _time(task.created_at),
        "cost": float(task.cost),
        "failReason": _failure(task) if failed else None,
        "startAt": _time(task.started_at),
        "finishAt": _time(task.finished_at),
        "status": task_status(task),
    }


def _clip(task: Task, clip: Clip, urls: UrlBuilder) -> dict[str, Any]:
    status = clip_status(task, clip)
    audio = ""
    if clip.state is ClipState.COMPLETE:
        audio = urls.media(clip.audio_key) if clip.audio_key else urls.stream(clip.id)
    elif clip.state is ClipState.STREAMING:
        audio = urls.stream(clip.id)
    image = urls.media(clip.image_key) if clip.image_key else ""
    request = task.request
    failed = status == "FAILURE"
    return {
        "task_id": task.id,
        "id": clip.id,
        "title": clip.title,
        "video_url": "",  # no video renders yet
        "audio_url": audio,
        "image_url": image,
        "image_large_url": image,
        "major_model_version": MAJOR_VERSIONS.get(request.model, request.model),
        "model_name": clip.model_name or SUNO_MODEL_NAMES.get(request.model, request.model),
        "status": status,
        "reaction": None,
        "is_handle_updated": False,
        "is_video_pending": None,
        "created_at": _time(clip.created_at),
        "metadata": {
            "duration": round(float(clip.duration), 2) if clip.duration is not None else None,
            "error_message": (clip.error_message or _failure(task)) if failed else None,
            "gpt_description_prompt": None if request.custom_mode else request.description,
            "stream": True,
            "error_type": (task.failure.kind.value.lower() if task.failure else "error") if failed else None,
            "concat_history": (request.extra.get("concat_history") or None)
            if task.operation is OperationKind.CONCAT
            else None,
            "history": [
                {
                    "id": task.parent_clip_id,
                    "continue_at": request.continue_at,
                    "type": request.extra.get("history_type", "gen"),
                    "source": "web",
                }
            ]
            if task.operation is OperationKind.EXTEND and task.parent_clip_id
            else None,
            "type": _TYPES.get(task.operation, "gen"),
            "audio_prompt_id": None,
            "prompt": "" if request.instrumental else clip.lyrics,
            "tags": clip.tags,
        },
    }


def render_lyrics(task: Task) -> dict[str, Any]:
    """`GET /suno/task/lyrics/{id}` (bare, like fetch): the first variant the lyrics task wrote as Suno's
    lyrics object, with the task's status words, plus `variants` (every variant: {title, text, tags})."""
    written = (task.result.get("lyrics") or []) if task.state is TaskState.SUCCESS else []
    variants = [{name: str(v.get(name, "")) for name in ("title", "text", "tags")} for v in written]
    first = variants[0] if variants else {"title": "", "text": "", "tags": ""}
    return {
        "id": task.id,
        "status": task_status(task),
        "title": first["title"],
        "text": first["text"],
        "tags": first["tags"],
        "variants": variants,
        "failReason": _failure(task) if task.state is TaskState.FAILED else None,
        "submitAt": _time(task.created_at),
        "finishAt": _time(task.finished_at),
    }


def _failure(task: Task) -> str:
    return (task.failure.message if task.failure else "") or _DEFAULT_FAILURE


def _time(moment: datetime | None) -> str:
    return utc(moment).astimezone(UTC).strftime(_TIME_FORMAT) if moment else ""
