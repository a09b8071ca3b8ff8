"""qhaigc dialect: `POST /v1/music/generations` and `GET /v1/music/tasks/{task_id}` (seed 002).

qhaigc runs a new-api gateway in front of a kie.ai-style upstream, and its wire format shows both: the task
envelope is new-api's (`{"code": "success", "message": "", "data": {task_id, action, status, ...}}`, task
times in Unix seconds, `progress` as "N%") while the clips are kie's record-info items (camelCase,
`createTime` in milliseconds) plus the `source*` URLs and Suno's codenames (`chirp-bluejay`) as `modelName`.

Errors use the OpenAI envelope, `{"error": {"message", "type", "param", "code"}}`: every qhaigc route lives
under the OpenAI-compatible `/v1` API, whose gateway answers auth and quota problems in that shape on every
route, so a qhaigc client (often an OpenAI SDK) already parses it. `code` strings are
new-api's where it has one.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import ConfigDict, Field, field_validator

from tunesmith.dialects.base import Dialect, UrlBuilder, unix_millis, unix_seconds, utc
from tunesmith.dialects.kie import DESCRIPTION_LIMIT, MODEL_LIMITS
from tunesmith.dialects.models import DISPLAY_NAMES, resolve_model
from tunesmith.dialects.newapi.render import engine_percent
from tunesmith.dialects.openai_chat import INTERNAL, OpenAIErrors, openai_error
from tunesmith.dialects.validation import RequestBody
from tunesmith.domain.errors import (
    Conflict,
    ContentRefused,
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
from tunesmith.domain.models import Clip, Task
from tunesmith.domain.operations import OperationKind, SongRequest
from tunesmith.domain.states import ClipState, QueueStatus, TaskState

# --- models ---------------------------------------------------------------------------------------------

DEFAULT_MODEL = "suno-v4.5-plus"  # qhaigc's documented default

# qhaigc documents the `suno-v*` names; every other spelling of the shared table (Suno's `chirp-*` names and
# codenames, kie's own names) is accepted too, because clients moved over from other resellers send those.
DOCUMENTED_MODELS: tuple[str, ...] = (
    "suno-v3.5",
    "suno-v4",
    "suno-v4.5",
    "suno-v4.5-plus",
    "suno-v4.5+",
    "suno-v4.5-all",
    "suno-v5",
    "suno-v5.5",
)

# What `modelName` reports: the codename the seed shows (`chirp-bluejay`), else Suno's versioned name. V4_5ALL
# is left out, so its clips report their own `model_name` as they always have.
CODENAMES: dict[str, str] = {model: name for model, name in DISPLAY_NAMES.items() if model != "V4_5ALL"}


def model_name(model: str) -> str:
    """The service model (`V4_5PLUS`) for a qhaigc `model` string; InvalidRequest naming the choices."""
    found = resolve_model(model)
    if found is None:
        documented = ", ".join(DOCUMENTED_MODELS)
        raise InvalidRequest(f"model {model!r} is not supported; use one of {documented}", field="model")
    return found


# --- request ------------------------------------------------------------------------------------------

_EXAMPLE: dict[str, Any] = {
    "prompt": "[Verse]\n闹钟还在打喷嚏\n[Chorus]\n春天转圈圈",
    "model": "suno-v4.5-plus",
    "custom_mode": True,
    "style": "j-pop, bright, uptempo",
    "title": "春天转圈圈",
    "instrumental": False,
    "vocal_gender": "f",
}


class QhaigcGenerationRequest(RequestBody):
    """The body of `POST /v1/music/generations`, field for field as qhaigc documents it.

    Unknown fields are ignored; JSON null in a text field reads as "" and an empty `vocal_gender` as absent,
    because clients that serialise every field of their request class send exactly that.
    """

    model_config = ConfigDict(extra="ignore", json_schema_extra={"examples": [_EXAMPLE]})

    prompt: str = Field(description="Description mode: the song idea. Custom mode: the lyrics.")
    model: str = Field(
        DEFAULT_MODEL,
        description="suno-v3.5, suno-v4, suno-v4.5, suno-v4.5-plus (default), "
        "suno-v4.5-all, suno-v5, suno-v5.5",
    )
    custom_mode: bool = Field(False, description="true: prompt is the lyrics, style and title are required.")
    style: str = Field("", description="Genre, mood, instruments (custom mode, required there).")
    title: str = Field("", description="Song title (custom mode, required there).")
    instrumental: bool = Field(False, description="true: no vocals.")
    vocal_gender: Literal["m", "f"] | None = Field(None, description="m or f; only when not instrumental.")

    @field_validator("style", "title", "model", mode="before")
    @classmethod
    def _null_text(cls, value: Any) -> Any:
        return "" if value is None else value

    @field_validator("vocal_gender", mode="before")
    @classmethod
    def _empty_is_absent(cls, value: Any) -> Any:
        return None if isinstance(value, str) and not value.strip() else value


def to_song_request(req: QhaigcGenerationRequest) -> SongRequest:
    """qhaigc's rules (custom mode needs style and title) plus its kie upstream's length limits."""
    model = model_name(req.model or DEFAULT_MODEL)
    if req.custom_mode:
        limits = MODEL_LIMITS[model]
        _require(req.style, "style", "when custom_mode is true")
        _require(req.title, "title", "when custom_mode is true")
        if not req.instrumental:
            _require(req.prompt, "prompt", "when custom_mode is true (it carries the lyrics)")
        _limit(req.prompt, "prompt", limits.prompt, model)
        _limit(req.style, "style", limits.style, model)
        _limit(req.title, "title", limits.title, model)
        lyrics, description = ("", req.prompt) if req.instrumental else (req.prompt, "")
        style, title = req.style, req.title
    else:
        _require(req.prompt, "prompt", "(it describes the song)")
        _limit(req.prompt, "prompt", DESCRIPTION_LIMIT, model)
        lyrics, description, style, title = "", req.prompt, "", ""
    return SongRequest(
        kind=OperationKind.GENERATE,
        model=model,
        custom_mode=req.custom_mode,
        instrumental=req.instrumental,
        description=description,
        lyrics=lyrics,
        style=style,
        title=title,
        vocal_gender=None if req.instrumental else req.vocal_gender,
    )


def _require(value: str, field: str, when: str) -> None:
    if not value.strip():
        raise InvalidRequest(f"{field} is required {when}", field=field)


def _limit(value: str, field: str, limit: int, model: str) -> None:
    if len(value) > limit:
        raise PayloadTooLarge(
            f"{field} is too long: {len(value)} characters, the limit for model {model} is {limit}",
            field=field,
        )


# --- responses ----------------------------------------------------------------------------------------

# new-api's task status enum, which qhaigc's task envelope carries (the seed shows SUCCESS). We emit
# SUBMITTED, IN_PROGRESS, SUCCESS and FAILURE; the rest are listed so tests can check we stay inside it.
TASK_STATUSES = ("NOT_START", "SUBMITTED", "QUEUED", "IN_PROGRESS", "FAILURE", "SUCCESS", "UNKNOWN")
# The submit reply's `status` is the word qhaigc's own submit example uses: it is not the task vocabulary.
SUBMIT_STATUS = "processing"
ACTION_GENERATIONS = "GENERATIONS"
_PROGRESS = {TaskState.TEXT_SUCCESS: "30%", TaskState.FIRST_SUCCESS: "60%", TaskState.SUCCESS: "100%"}
_DEFAULT_FAILURE = "Generation failed, please try again."


def render_submit(task: Task) -> dict[str, Any]:
    """`{"created": <unix s>, "data": [{"id": <task id>, "status": "processing"}]}`, as qhaigc answers."""
    return {"created": unix_seconds(utc(task.created_at)), "data": [{"id": task.id, "status": SUBMIT_STATUS}]}


def task_status(task: Task) -> str:
    if task.state is TaskState.SUCCESS:
        return "SUCCESS"
    if task.state is TaskState.FAILED:
        return "FAILURE"
    if task.state is TaskState.PENDING and task.queue_status is QueueStatus.QUEUED:
        return "SUBMITTED"
    return "IN_PROGRESS"


def progress(task: Task) -> str:
    """new-api's "N%": 100% once finished either way; rough steps in between so a progress bar moves."""
    if task.is_terminal:
        return "100%"
    if task.state is TaskState.PENDING:
        return f"{engine_percent(task, 10)}%" if task.queue_status is QueueStatus.RUNNING else "0%"
    return f"{engine_percent(task, int(_PROGRESS[task.state].rstrip('%')))}%"


def render_task(task: Task, urls: UrlBuilder) -> dict[str, Any]:
    """`GET /v1/music/tasks/{task_id}` for any task, whichever dialect created it."""
    failed = task.state is TaskState.FAILED
    data = {
        "task_id": task.id,
        "action": ACTION_GENERATIONS,
        "status": task_status(task),
        "fail_reason": ((task.failure.message if task.failure else "") or _DEFAULT_FAILURE) if failed else "",
        "submit_time": unix_seconds(utc(task.created_at)),
        "start_time": unix_seconds(task.started_at and utc(task.started_at)),
        "finish_time": unix_seconds(task.finished_at and utc(task.finished_at)),
        "progress": progress(task),
        "data": [_clip(task, clip, urls) for clip in visible_clips(task)],
    }
    return {"code": "success", "message": "", "data": data}


def visible_clips(task: Task) -> list[Clip]:
    """None before the text is known; after a failure only the clips that have playable audio."""
    clips = sorted(task.clips, key=lambda c: c.index)
    if task.state is TaskState.PENDING:
        return []
    if task.state is TaskState.FAILED:
        return [c for c in clips if c.state in (ClipState.STREAMING, ClipState.COMPLETE)]
    return clips


def _clip(task: Task, clip: Clip, urls: UrlBuilder) -> dict[str, Any]:
    playable = clip.state in (ClipState.STREAMING, ClipState.COMPLETE)
    audio = ""
    if clip.state is ClipState.COMPLETE:
        audio = urls.media(clip.audio_key) if clip.audio_key else urls.stream(clip.id)
    stream = urls.stream(clip.id) if playable else ""
    image = urls.media(clip.image_key) if clip.image_key else ""
    # source*: qhaigc's copies on Suno's CDN. We serve one copy, so they repeat the same URLs.
    return {
        "id": clip.id,
        "tags": clip.tags,
        "title": clip.title,
        "prompt": "" if task.request.instrumental else clip.lyrics,
        "audioUrl": audio,
        "duration": round(float(clip.duration), 2) if clip.duration is not None else 0.0,
        "imageUrl": image,
        "modelName": CODENAMES.get(task.request.model) or clip.model_name or task.request.model,
        "createTime": unix_millis(utc(clip.created_at)),
        "sourceAudioUrl": audio,
        "sourceImageUrl": image,
        "streamAudioUrl": stream,
        "sourceStreamAudioUrl": stream,
    }


# --- errors -------------------------------------------------------------------------------------------

# Per error class: (HTTP status, OpenAI `type`, `code`).
_ERRORS = OpenAIErrors(
    {
        Unauthorized: (401, "invalid_request_error", "invalid_api_key"),
        InsufficientCredits: (403, "insufficient_quota", "quota_not_enough"),
        NotFound: (404, "invalid_request_error", "not_found"),
        Conflict: (409, "invalid_request_error", "conflict"),
        PayloadTooLarge: (413, "invalid_request_error", "string_above_max_length"),
        ContentRefused: (400, "invalid_request_error", "sensitive_words_detected"),  # new-api's code
        InvalidRequest: (400, "invalid_request_error", "invalid_request"),
        Unsupported: (400, "invalid_request_error", "unsupported_operation"),
        RateLimited: (429, "rate_limit_error", "rate_limit_exceeded"),
        Unavailable: (503, "server_error", "service_unavailable"),
    },
    default=INTERNAL,
)


class QhaigcDialect(Dialect):
    """OpenAI-style error envelope; the HTTP status carries the class of error as OpenAI's API does."""

    name = "qhaigc"

    def render_error(self, err: ServiceError) -> tuple[int, dict[str, Any]]:
        # new-api's code for an unknown task id
        code = "task_not_exist" if isinstance(err, NotFound) and err.field == "taskId" else None
        return openai_error(err, _ERRORS, code=code)
