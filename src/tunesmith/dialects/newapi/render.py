"""new-api response shapes: the success envelope, the task object of `/suno/fetch`, Suno clips, lyrics.

The task object and its clips follow seed 001's example key for key (new-api's older `TaskDto` with Suno's
own clip objects inside `data`). Fields Suno has and we do not (likes, plays, video) keep their type with a
neutral value, because clients deserialise them into typed classes.

Status words (reference §2.4, §6): a task is SUBMITTED until a worker takes it, QUEUED while it waits for a
retry, IN_PROGRESS while a worker renders it, then SUCCESS or FAILURE. `progress` never reads "100%" before
the task is finished, because new-api's poller takes "100%" to mean done.
"""

from __future__ import annotations

from datetime import UTC
from typing import Any

from tunesmith.dialects.base import UrlBuilder, unix_seconds, utc
from tunesmith.dialects.newapi.requests import MAJOR_VERSIONS
from tunesmith.domain.models import Clip, Task
from tunesmith.domain.operations import SUNO_MODEL_NAMES, OperationKind
from tunesmith.domain.states import ClipState, FailureKind, QueueStatus, TaskState

TASK_STATUSES = ("NOT_START", "SUBMITTED", "QUEUED", "IN_PROGRESS", "SUCCESS", "FAILURE")
CLIP_STATUSES = tuple(state.value for state in ClipState)
ACTIONS = ("MUSIC", "LYRICS")
NOTIFY_STAGES = frozenset({"complete", "error"})

# Suno's account fields; every clip here belongs to this service's one "artist".
HANDLE = "tunesmith"
DISPLAY_NAME = "Tunesmith"

_DEFAULT_FAILURE = "Generation failed, please try again."
# metadata.error_type, in the words Suno uses for its failure classes.
_ERROR_TYPES = {
    FailureKind.SENSITIVE_WORD_ERROR: "moderation_failure",
    FailureKind.TIMEOUT: "timeout",
}


def envelope(data: Any) -> dict[str, Any]:
    return {"code": "success", "message": "", "data": data}


def render_submit(task_id: str) -> dict[str, Any]:
    """Submit answers the task id itself as `data` (a string)."""
    return envelope(task_id)


def render_fetch(task: Task, urls: UrlBuilder) -> dict[str, Any]:
    """`GET /suno/fetch/{id}`, with the seed example's top-level `id` (always "")."""
    return {**envelope(render_task(task, urls)), "id": ""}


def render_batch(tasks: list[Task], urls: UrlBuilder) -> dict[str, Any]:
    """`POST /suno/fetch`: the tasks found, in the order asked."""
    return envelope([render_task(task, urls) for task in tasks])


def render_notify(task: Task, stage: str, urls: UrlBuilder) -> dict[str, Any] | None:
    """The `notify_hook` body: the task object once the task has finished (None for earlier stages)."""
    if stage not in NOTIFY_STAGES:
        return None
    return render_task(task, urls)


def render_task(task: Task, urls: UrlBuilder) -> dict[str, Any]:
    failed = task.state is TaskState.FAILED
    return {
        "task_id": task.id,
        "action": action(task),
        "status": task_status(task),
        "fail_reason": failure_message(task) if failed else "",
        "submit_time": unix_seconds(task.created_at),
        "start_time": unix_seconds(task.started_at),
        "finish_time": unix_seconds(task.finished_at) if task.is_terminal else 0,
        "progress": progress(task),
        # new-api: a MUSIC task's data is its clips, a LYRICS task's the single lyrics object.
        "data": render_lyrics(task)
        if task.operation is OperationKind.LYRICS
        else [render_clip(task, clip, urls) for clip in sorted(task.clips, key=lambda c: c.index)],
    }


def action(task: Task) -> str:
    return "LYRICS" if task.operation is OperationKind.LYRICS else "MUSIC"


def task_status(task: Task) -> str:
    if task.state is TaskState.SUCCESS:
        return "SUCCESS"
    if task.state is TaskState.FAILED:
        return "FAILURE"
    if task.state is not TaskState.PENDING or task.queue_status is QueueStatus.RUNNING:
        return "IN_PROGRESS"
    return "QUEUED" if task.attempts > 0 else "SUBMITTED"


def progress(task: Task) -> str:
    if task.is_terminal:
        return "100%"
    if task.state is TaskState.PENDING:
        return f"{engine_percent(task, 10)}%" if task.queue_status is QueueStatus.RUNNING else "0%"
    if task.state is TaskState.TEXT_SUCCESS:
        return f"{engine_percent(task, 30)}%"
    done = sum(1 for clip in task.clips if clip.state is ClipState.COMPLETE)
    return f"{engine_percent(task, 60 + round(30 * done / max(1, len(task.clips))))}%"  # FIRST: 60% .. 90%


def engine_percent(task: Task, by_state: int) -> int:
    """The percentage the task's state gives, or more when its running engine reports further progress
    (Task.progress, 0..1, mapped onto 10..95): never 100 before the task ends, never below the state's."""
    if task.progress is None or task.queue_status is not QueueStatus.RUNNING:
        return by_state
    return max(by_state, min(95, 10 + round(85 * task.progress)))


def failure_message(task: Task) -> str:
    return task.failure.message if task.failure and task.failure.message else _DEFAULT_FAILURE


def model_name(task: Task, clip: Clip) -> str:
    """The Suno model name the client asked for (`mv`, e.g. chirp-auk) when it used one, else ours."""
    mv = str(task.request.extra.get("mv") or "")
    if mv.lower().startswith("chirp-"):
        return mv
    return clip.model_name or SUNO_MODEL_NAMES.get(task.request.model, task.request.model)


def audio_url(clip: Clip, urls: UrlBuilder) -> str:
    """Suno's `audio_url`: the live stream while `streaming`, the final MP3 once `complete`, else ""."""
    if clip.state is ClipState.COMPLETE:
        return urls.media(clip.audio_key) if clip.audio_key else urls.stream(clip.id)
    if clip.state is ClipState.STREAMING:
        return urls.stream(clip.id)
    return ""


def render_clip(task: Task, clip: Clip, urls: UrlBuilder) -> dict[str, Any]:
    """One Suno clip object, as in seed 001's `data` list."""
    image = urls.media(clip.image_key) if clip.image_key else ""
    video_key = clip.artifacts.get("video") or clip.artifacts.get("mp4")
    return {
        "id": clip.id,
        "title": clip.title,
        "handle": HANDLE,
        "status": clip.state.value,
        "user_id": task.key_id,
        "is_liked": False,
        "metadata": _metadata(task, clip),
        "reaction": None,
        "audio_url": audio_url(clip, urls),
        "image_url": image,
        "is_public": False,
        "video_url": urls.media(video_key) if video_key else "",
        "created_at": iso_millis(clip),
        "is_trashed": False,
        "model_name": model_name(task, clip),
        "play_count": 0,
        "display_name": DISPLAY_NAME,
        "upvote_count": 0,
        "image_large_url": image,
        "is_video_pending": False,
        "is_handle_updated": False,
        "major_model_version": MAJOR_VERSIONS.get(task.request.model, ""),
    }


def _metadata(task: Task, clip: Clip) -> dict[str, Any]:
    error = clip.state is ClipState.ERROR
    kind = task.failure.kind if task.failure else FailureKind.GENERATE_AUDIO_FAILED
    request = task.request
    return {
        "tags": clip.tags,
        "type": _clip_type(task),
        "prompt": "" if request.instrumental else clip.lyrics,
        "stream": True,
        "history": _history(task),
        # A number even before the clip is done (0 then): Suno sends null there, which typed clients
        # (the seed's `duration` is a number) fail to read.
        "duration": round(float(clip.duration), 2) if clip.duration is not None else 0,
        "error_type": _ERROR_TYPES.get(kind, "generation_failure") if error else None,
        "error_message": (clip.error_message or failure_message(task)) if error else None,
        "concat_history": _concat_history(task),
        "refund_credits": task.refunded,
        "audio_prompt_id": None,
        "gpt_description_prompt": request.description
        if request.description and not request.custom_mode
        else None,
    }


def _clip_type(task: Task) -> str:
    if task.operation is OperationKind.CONCAT:
        return "concat"
    if task.operation in (OperationKind.UPLOAD_COVER, OperationKind.UPLOAD_EXTEND, OperationKind.UPLOAD):
        return "upload"
    return "gen"


def _concat_history(task: Task) -> list[dict[str, Any]] | None:
    """The clips a joined song is made of, first part first, as the concat route recorded them."""
    if task.operation is not OperationKind.CONCAT:
        return None
    return list(task.request.extra.get("concat_history") or []) or None


def _history(task: Task) -> list[dict[str, Any]] | None:
    """Suno's `history` of an extension: the clip it continues and where."""
    source = task.parent_clip_id or task.request.source_clip_id
    if not source or task.operation is not OperationKind.EXTEND:
        return None
    kind = task.request.extra.get("history_type", "gen")  # "upload" when it continues an imported clip
    return [{"id": source, "continue_at": task.request.continue_at, "type": kind, "source": "web"}]


def iso_millis(clip: Clip) -> str:
    """Suno's "2024-11-05T03:14:30.687Z"."""
    moment = utc(clip.created_at).astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def render_lyrics(task: Task) -> dict[str, Any]:
    """`GET /suno/lyrics/{id}`, bare (no envelope): Suno's lyrics object `{id, status, title, text}`.

    A lyrics task answers with the first variant it wrote (new-api's lyrics are one object); a music task
    with the lyrics it sings. `status` is "complete" once they are written, "error" when they never will be.
    """
    if task.operation is OperationKind.LYRICS:
        first = (task.result.get("lyrics") or [{}])[0]
        done = task.state is TaskState.SUCCESS
        state = "error" if task.state is TaskState.FAILED else "complete" if done else "running"
        return {
            "id": task.id,
            "status": state,
            "title": str(first.get("title", "")) if done else "",
            "text": str(first.get("text", "")) if done else "",
        }
    clip = min(task.clips, key=lambda c: c.index) if task.clips else None
    written = task.state is not TaskState.PENDING and clip is not None
    if task.state is TaskState.FAILED and not (clip and clip.lyrics):
        status = "error"
    elif written:
        status = "complete"
    else:
        status = "running"
    return {
        "id": task.id,
        "status": status,
        "title": clip.title if clip and written else "",
        "text": clip.lyrics if clip and written and not task.request.instrumental else "",
    }
