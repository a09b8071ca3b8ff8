"""new-api / GoAmz request bodies (`/suno/submit/*`, `/suno/fetch`) and their translation to the domain.

The field names are new-api's `dto.SunoSubmitReq` plus what the aggregators that speak this dialect add
(`negative_tags`, `notify_hook`). new-api itself validates almost nothing, so neither do we beyond types and
what an engine cannot work without; unknown fields are ignored because clients send their whole request class.

Every operation is parsed into a SongRequest whatever its kind, and only then refused when this server does
not offer it (`refuse_unimplemented`). Music, extend, concat, lyrics and upload are submitted; an extension is
checked against its source clip (`continuation`) once the route has loaded it. An upload (`url`, or
`audio_url` as the aggregators' docs name it) becomes a task of one clip, the recording itself, which
extend, concat and the clip routes then take like any clip.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any, Literal

from pydantic import ConfigDict, Field, field_validator

from tunesmith.dialects import models
from tunesmith.dialects.validation import RequestBody
from tunesmith.domain.edits import check_continue_at
from tunesmith.domain.errors import InvalidRequest, NotFound, Unsupported
from tunesmith.domain.models import Clip, Task
from tunesmith.domain.operations import OperationKind, SongRequest

# Client model strings are read with the shared table (dialects.models): new-api's `mv` carries Suno's own
# names (current codenames included), chat clients send `suno-v3.5`-style names, and kie names are accepted
# everywhere. The unknown-model error lists every accepted spelling.
MODEL_ALIASES = models.MODEL_ALIASES
# new-api fills an empty `mv` with chirp-v3-0 for MUSIC (`actionValidate`).
DEFAULT_MV = "chirp-v3-0"

# Suno's `major_model_version` as new-api shows it: `v4.5` for every 4.5 variant.
MAJOR_VERSIONS: dict[str, str] = {**models.MAJOR_VERSIONS, "V4_5PLUS": "v4.5", "V4_5ALL": "v4.5"}

# What this dialect submits. Whether the engine of the model can run it is TaskService's to say.
IMPLEMENTED_KINDS = frozenset(
    {
        OperationKind.GENERATE,
        OperationKind.EXTEND,
        OperationKind.CONCAT,
        OperationKind.LYRICS,
        OperationKind.UPLOAD,
    }
)

MAX_FETCH_IDS = 1000  # new-api polls up to TASK_QUERY_LIMIT (default 1000) tasks per channel at once

_MUSIC_EXAMPLE: dict[str, Any] = {
    "prompt": "[Verse]\nWalking down the streets\nBeneath the city lights\n[Chorus]\nNeon signs flickering",
    "mv": "chirp-v3-5",
    "title": "City Lights",
    "tags": "emotional punk",
    "negative_tags": "metal",
    "make_instrumental": False,
    "notify_hook": "https://client.example.com/suno-hook",
}
_DESCRIPTION_EXAMPLE: dict[str, Any] = {
    "gpt_description_prompt": "a cheerful song about a rainy afternoon in the city",
    "mv": "chirp-v4",
    "make_instrumental": False,
}


def resolve_model(name: str, *, field: str = "mv") -> str:
    """The service's model name for a client's model string (case-insensitive), or InvalidRequest."""
    model = models.resolve_model(name)
    if model is None:
        known = ", ".join(sorted(MODEL_ALIASES))
        raise InvalidRequest(f"{field}: unknown model {name!r}; use one of {known}", field=field)
    return model


class _Body(RequestBody):
    """Shared parsing: `null` in a text field reads as "" (clients serialise every field of their class)."""

    model_config = ConfigDict(extra="ignore")


class MusicRequest(_Body):
    """`POST /suno/submit/music`: custom mode (`prompt` = lyrics, `tags`, `title`), description mode
    (`gpt_description_prompt`), or a continuation (`continue_clip_id` + `task_id` + `continue_at`)."""

    model_config = ConfigDict(
        extra="ignore", json_schema_extra={"examples": [_MUSIC_EXAMPLE, _DESCRIPTION_EXAMPLE]}
    )

    gpt_description_prompt: str = Field("", description="Description (inspiration) mode: the song idea.")
    prompt: str = Field("", description="Custom mode: the exact lyrics.")
    mv: str = Field(
        "",
        description=f"Model, e.g. chirp-v3-5, chirp-v4, chirp-auk (v4.5), chirp-bluejay "
        f"(v4.5+), chirp-crow (v5), chirp-fenix (v5.5); default {DEFAULT_MV}.",
    )
    model: str = Field("", description="Alternative to `mv`: a kie model name (V3_5 … V5_5).")
    title: str = Field("", description="Custom mode: the song title.")
    tags: str = Field("", description="Custom mode: genre, mood, instruments.")
    negative_tags: str = Field("", description="Styles to avoid.")
    make_instrumental: bool = Field(False, description="true: no vocals.")
    continue_at: float | None = Field(None, ge=0, description="Extend: where to continue, in seconds.")
    continue_clip_id: str = Field("", description="Extend: the clip to continue (two new clips continue it).")
    task_id: str = Field("", description="Extend: the task that made `continue_clip_id`.")
    notify_hook: str = Field("", description="Webhook: receives the task object when the task finishes.")

    @field_validator(
        "gpt_description_prompt",
        "prompt",
        "mv",
        "model",
        "title",
        "tags",
        "negative_tags",
        "continue_clip_id",
        "task_id",
        "notify_hook",
        mode="before",
    )
    @classmethod
    def _null_text(cls, value: Any) -> Any:
        return "" if value is None else value


class LyricsRequest(_Body):
    """`POST /suno/submit/lyrics`: write lyrics (and a title) from an idea; read them with
    `GET /suno/fetch/{id}` (action LYRICS) or `GET /suno/lyrics/{id}`."""

    model_config = ConfigDict(
        extra="ignore", json_schema_extra={"examples": [{"prompt": "a song about the sea"}]}
    )

    prompt: str = Field(description="What the lyrics should be about.")
    notify_hook: str | None = Field(None, description="Webhook for the finished task.")


class ConcatRequest(_Body):
    """`POST /suno/submit/concat`: join an extension with the clips before it into one song."""

    model_config = ConfigDict(extra="ignore", json_schema_extra={"examples": [{"clip_id": "95afcdae-0719"}]})

    clip_id: str = Field(min_length=1, description="The last clip of an extension chain.")
    is_infill: bool = Field(False, description="Whether the clip is an infill (replace-section) result.")
    notify_hook: str | None = Field(None, description="Webhook for the finished task.")


class UploadRequest(_Body):
    """`POST /suno/submit/upload`: bring in an audio file by URL as a clip, to extend or concat later."""

    model_config = ConfigDict(
        extra="ignore",
        json_schema_extra={
            "examples": [{"url": "https://example.com/song.mp3", "title": "My demo"}],
        },
    )

    url: str = Field("", description="Public URL of the audio file (MP3, WAV, FLAC, OGG, M4A...).")
    audio_url: str = Field("", description="The same as `url` (the name some aggregators document).")
    title: str = Field("", description="Title of the clip; default the file's name.")
    mv: str = Field("", description=f"Model whose engine edits the clip later; default {DEFAULT_MV}.")
    notify_hook: str | None = Field(None, description="Webhook for the finished task.")

    @field_validator("url", "audio_url", "title", "mv", mode="before")
    @classmethod
    def _null_text(cls, value: Any) -> Any:
        return "" if value is None else value


class FetchRequest(_Body):
    """`POST /suno/fetch`: many tasks at once, as new-api polls its upstream channels."""

    model_config = ConfigDict(
        extra="ignore", json_schema_extra={"examples": [{"ids": ["64dc8d98-5812"], "action": "MUSIC"}]}
    )

    ids: list[str] = Field(default_factory=list, max_length=MAX_FETCH_IDS, description="Task ids.")
    action: Literal["", "MUSIC", "LYRICS", "music", "lyrics"] = Field(
        "", description="Only tasks of this action (MUSIC or LYRICS); empty for all."
    )

    @field_validator("ids", mode="before")
    @classmethod
    def _null_ids(cls, value: Any) -> Any:
        return [] if value is None else value

    @field_validator("action", mode="before")
    @classmethod
    def _null_action(cls, value: Any) -> Any:
        return "" if value is None else value


def to_song_request(req: MusicRequest) -> SongRequest:
    """Translate a music submission. Raises InvalidRequest for what no engine could work with."""
    mv = req.mv.strip()
    if mv:
        model = resolve_model(mv, field="mv")
    elif req.model.strip():
        model = resolve_model(req.model, field="model")
    else:
        mv = DEFAULT_MV
        model = resolve_model(mv)
    # The client's own model string, so clips report the `model_name` it asked for.
    extra: dict[str, Any] = {"mv": mv} if mv else {}
    if req.continue_clip_id.strip():
        if not req.task_id.strip():
            # new-api's own rule: it pins a continuation to the channel of the origin task.
            raise InvalidRequest(
                "task_id is required with continue_clip_id (the task that made the clip)", field="task_id"
            )
        extra["origin_task_id"] = req.task_id.strip()
        return SongRequest(
            kind=OperationKind.EXTEND,
            model=model,
            custom_mode=True,
            instrumental=req.make_instrumental,
            lyrics=req.prompt,
            style=req.tags,
            negative_style=req.negative_tags,
            title=req.title,
            source_clip_id=req.continue_clip_id.strip(),
            continue_at=req.continue_at,
            extra=extra,
        )
    description = req.gpt_description_prompt.strip()
    if description:
        # Suno-API (Go): description mode sends prompt "" and ignores title/tags.
        return SongRequest(
            kind=OperationKind.GENERATE,
            model=model,
            custom_mode=False,
            instrumental=req.make_instrumental,
            description=description,
            negative_style=req.negative_tags,
            extra=extra,
        )
    if not req.make_instrumental and not req.prompt.strip():
        raise InvalidRequest(
            "prompt (the lyrics) or gpt_description_prompt (a description) is required", field="prompt"
        )
    if req.make_instrumental and not (req.prompt.strip() or req.tags.strip() or req.title.strip()):
        raise InvalidRequest("an instrumental needs tags, a title or gpt_description_prompt", field="tags")
    # An instrumental has no lyrics: a prompt sent with make_instrumental describes the piece instead.
    lyrics, text = ("", req.prompt) if req.make_instrumental else (req.prompt, "")
    return SongRequest(
        kind=OperationKind.GENERATE,
        model=model,
        custom_mode=True,
        instrumental=req.make_instrumental,
        description=text,
        lyrics=lyrics,
        style=req.tags,
        negative_style=req.negative_tags,
        title=req.title,
        extra=extra,
    )


def continuation(song: SongRequest, req: MusicRequest, source: Task, clip: Clip) -> SongRequest:
    """An extension checked against the caller's clip: `task_id` must be the task that made it, and
    `continue_at` must lie inside it. Without `mv`/`model` the song continues in its own model (not new-api's
    chirp-v3-0 default), and empty `title`/`tags` are the source's: it is the same song, continued."""
    if req.task_id.strip() != source.id:
        raise NotFound(f"Clip {clip.id} not found in task {req.task_id.strip()}", field="task_id")
    check_continue_at(clip, song.continue_at, field="continue_at", clip_field="continue_clip_id")
    explicit = bool(req.mv.strip() or req.model.strip())
    extra = dict(song.extra) if explicit else {k: v for k, v in song.extra.items() if k != "mv"}
    return replace(
        song,
        model=song.model if explicit else source.request.model,
        title=song.title or clip.title,
        style=song.style or clip.tags,
        source_task_id=source.id,
        extra=extra,
    )


def lyrics_operation(req: LyricsRequest) -> SongRequest:
    if not req.prompt.strip():
        raise InvalidRequest("prompt is required: what the lyrics should be about", field="prompt")
    return SongRequest(kind=OperationKind.LYRICS, description=req.prompt.strip())


def concat_operation(req: ConcatRequest) -> SongRequest:
    """The join as parsed; the route completes it from the source with `edits.concat_request`."""
    return SongRequest(
        kind=OperationKind.CONCAT, source_clip_id=req.clip_id.strip(), extra={"is_infill": req.is_infill}
    )


def upload_operation(req: UploadRequest) -> SongRequest:
    """The import of `url` (or `audio_url`) as a one-clip task; the worker fetches it."""
    url = req.url.strip() or req.audio_url.strip()
    if not url:
        raise InvalidRequest("url is required: the address of the audio file", field="url")
    mv = req.mv.strip() or DEFAULT_MV
    return SongRequest(
        kind=OperationKind.UPLOAD,
        model=resolve_model(mv, field="mv"),
        custom_mode=True,
        instrumental=True,
        title=req.title.strip(),
        extra={"upload_url": url, "upload_field": "url" if req.url.strip() else "audio_url", "mv": mv},
    )


_REFUSALS: dict[OperationKind, str] = {}


def refuse_unimplemented(song: SongRequest) -> SongRequest:
    """Unsupported for an operation no engine does yet, so nothing is charged or queued; else `song`."""
    if song.kind not in IMPLEMENTED_KINDS:
        message = _REFUSALS.get(song.kind, f"{song.kind.value} is not supported yet")
        raise Unsupported(message, field="action")
    return song
