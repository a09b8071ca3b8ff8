"""zeakAi (SKU) submit bodies: one pydantic model per operation of the seed's menu, and their translation.

Field names follow Suno's own (`mv`, `tags`, `make_instrumental`, `gpt_description_prompt`,
`continue_clip_id`, `continue_at`, ...), as the seed's fetch reply and SKU's other Suno format do.

Lyrics, inspiration and custom mode translate on their own (`song_request_for`). Extend, crop, merge, partial
edit and cover mode work on one of the caller's clips: the route loads it (`clip_of` names which) and
`edit_request` checks the times against it and translates. Cover mode is the cover operation on that clip:
engines that can cover (the composer; acestep with the audio tokenizer) re-sing it, the others refuse it at
submit with nothing charged. Upload imports the recording at `url` as a one-clip task (the worker fetches
it); that clip is then a source for extend, cover, crop and merge like any other.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from tunesmith.dialects.kie import MODEL_LIMITS
from tunesmith.dialects.models import resolve_model
from tunesmith.dialects.validation import RequestBody
from tunesmith.domain.edits import check_continue_at, check_crop, check_infill, finished
from tunesmith.domain.errors import InvalidRequest, NotFound, PayloadTooLarge
from tunesmith.domain.models import Clip, Task
from tunesmith.domain.operations import OperationKind, SongRequest

DEFAULT_MV = "chirp-v3-5"  # the seed example's version (majorModelVersion v3.5)
DESCRIPTION_LIMIT = 500  # Suno's own limit on gpt_description_prompt, which kie also enforces

# The `mv` values the unknown-model error names: Suno's versioned names and codenames. Every spelling of the
# shared table is accepted; chirp-v3-0 (the old default of many clients) is served by the nearest, V3_5.
DOCUMENTED_MV: tuple[str, ...] = (
    "chirp-v3-0",
    "chirp-v3-5",
    "chirp-v4",
    "chirp-auk",
    "chirp-bluejay",
    "chirp-crow",
    "chirp-fenix",
    "chirp-v4-5",
    "chirp-v4-5-plus",
    "chirp-v4-5-all",
    "chirp-v5",
    "chirp-v5-5",
)


def model_for(mv: str) -> str:
    found = resolve_model(mv)
    if found is None:
        raise InvalidRequest(f"mv {mv!r} is not supported; use one of {', '.join(DOCUMENTED_MV)}", field="mv")
    return found


class _Body(RequestBody):
    """Common behaviour: unknown fields ignored, JSON null in a text field read as ""."""

    model_config = ConfigDict(extra="ignore")

    @field_validator("*", mode="before")
    @classmethod
    def _null_text(cls, value: Any, info: Any) -> Any:
        field = cls.model_fields.get(info.field_name)
        if value is None and field is not None and field.annotation is str and not field.is_required():
            return ""
        return value


class _Song(_Body):
    mv: str = Field(
        DEFAULT_MV,
        description="Model: chirp-v3-5, chirp-v4, chirp-auk (v4.5), chirp-bluejay "
        "(v4.5+), chirp-crow (v5), chirp-fenix (v5.5)",
    )
    make_instrumental: bool = Field(False, description="true: no vocals.")


class InspirationRequest(_Song):
    """3. Inspiration mode: a one-line idea; lyrics, title and style are written for you."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "gpt_description_prompt": "a groovy dance song about writing a face-melting guitar solo",
                    "mv": "chirp-v3-5",
                    "make_instrumental": False,
                }
            ]
        }
    )

    gpt_description_prompt: str = Field(description="The song idea.")


class CustomRequest(_Song):
    """4. Custom (professional) mode: your own lyrics, style tags and title."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "prompt": "[Verse]\nStart with a strum\nFeel the rhythm hum\n[Chorus]\nGuitar on fire",
                    "tags": "dance, groovy, electro-pop",
                    "title": "Face-Melting Solo",
                    "mv": "chirp-v4",
                    "make_instrumental": False,
                }
            ]
        }
    )

    prompt: str = Field("", description="The lyrics (required unless make_instrumental).")
    tags: str = Field("", description="Style tags, comma separated.")
    negative_tags: str = Field("", description="Styles to avoid.")
    title: str = Field("", description="Song title.")


class CoverRequest(_Song):
    """5. Cover mode: re-sing an existing clip in another style."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "cover_clip_id": "39e6bf6a-06a7-4609-9e3d-9ae961271807",
                    "tags": "jazz, lounge",
                    "mv": "chirp-v4",
                }
            ]
        }
    )

    cover_clip_id: str = Field(description="The clip to cover.")
    prompt: str = Field("", description="Lyrics; empty keeps the original's.")
    tags: str = Field("", description="The new style.")
    title: str = Field("", description="Song title.")


class PartialEditRequest(_Song):
    """6. Partial edit: regenerate one span of a clip with new lyrics."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "task_id": "17350498477280038",
                    "clip_id": "39e6bf6a-06a7-4609-9e3d-9ae961271807",
                    "infill_start_s": 30.0,
                    "infill_end_s": 45.5,
                    "prompt": "[Verse]\nNew words here",
                    "mv": "chirp-v4",
                }
            ]
        }
    )

    task_id: str = Field("", description="The task the clip came from.")
    clip_id: str = Field(description="The clip to edit.")
    infill_start_s: float = Field(ge=0, description="Start of the span, seconds.")
    infill_end_s: float = Field(gt=0, description="End of the span, seconds.")
    prompt: str = Field("", description="Lyrics for the span.")
    tags: str = Field("", description="Style tags.")
    title: str = Field("", description="Song title.")


class UploadRequest(_Body):
    """7. Upload: register an audio file by URL as a clip, to extend or cover it afterwards."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"url": "https://example.com/song.mp3"}]})

    url: str = Field(min_length=1, description="Public URL of an audio file (MP3, WAV, FLAC, M4A...).")
    title: str = Field("", description="Title of the clip; default the file's name.")
    mv: str = Field(DEFAULT_MV, description="Model whose engine edits the clip later.")


class ExtendRequest(_Song):
    """8. Extend: continue a clip from a point in time (the clip id and its task id)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "task_id": "17350498477280038",
                    "continue_clip_id": "39e6bf6a-06a7-4609-9e3d-9ae961271807",
                    "continue_at": 112.0,
                    "prompt": "[Verse 4]\nOne more round",
                    "tags": "dance",
                    "mv": "chirp-v3-5",
                }
            ]
        }
    )

    task_id: str = Field("", description="The task the clip came from.")
    continue_clip_id: str = Field(description="The clip to continue.")
    continue_at: float = Field(ge=0, description="Seconds into the clip where the continuation starts.")
    prompt: str = Field("", description="Lyrics of the continuation.")
    tags: str = Field("", description="Style tags.")
    title: str = Field("", description="Song title.")


class CropRequest(_Body):
    """9. Crop: keep one span of a clip."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"clip_id": "39e6bf6a-06a7-4609-9e3d-9ae961271807", "crop_start_s": 0.0, "crop_end_s": 60.0}
            ]
        }
    )

    clip_id: str = Field(description="The clip to crop.")
    crop_start_s: float = Field(ge=0, description="Start of the kept span, seconds.")
    crop_end_s: float = Field(gt=0, description="End of the kept span, seconds.")


class MergeRequest(_Body):
    """10. Merge: join an extension with the clips it continues into one whole song."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"clip_id": "e52a3ea4-bb1c-4894-9a9a-480347964cbd", "is_infill": False}]
        }
    )

    clip_id: str = Field(description="The last clip of the chain (an extension).")
    is_infill: bool = Field(False, description="true when the clip came from a partial edit.")


class LyricsRequest(_Body):
    """1. Lyrics: write lyrics from an idea."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"prompt": "a song about the sea at night"}]})

    prompt: str = Field(min_length=1, description="The idea the lyrics are about.")


# Operations on an existing clip, with the body field that names it.
EDITS: dict[type[BaseModel], str] = {
    ExtendRequest: "continue_clip_id",
    CropRequest: "clip_id",
    MergeRequest: "clip_id",
    PartialEditRequest: "clip_id",
    CoverRequest: "cover_clip_id",
}


def clip_of(body: BaseModel) -> tuple[str, str] | None:
    """(clip id, field name) for an operation on an existing clip; None for the others."""
    field = EDITS.get(type(body))
    return (str(getattr(body, field)).strip(), field) if field else None


def song_request_for(body: BaseModel) -> SongRequest:
    """The SongRequest for lyrics, inspiration or custom mode, or upload."""
    if isinstance(body, LyricsRequest):
        if not body.prompt.strip():
            raise InvalidRequest("prompt is required: the idea the lyrics are about", field="prompt")
        return SongRequest(kind=OperationKind.LYRICS, description=body.prompt.strip())
    if isinstance(body, InspirationRequest):
        return _inspiration(body)
    if isinstance(body, CustomRequest):
        return _custom(body)
    if type(body) in EDITS:
        raise TypeError(f"{type(body).__name__} works on a clip: use edit_request")
    if isinstance(body, UploadRequest):
        return _upload(body)
    raise TypeError(f"not a zeakAi request body: {type(body).__name__}")


def edit_request(
    body: BaseModel, source: Task, clip: Clip, *, history: list[dict[str, Any]] | None = None
) -> SongRequest:
    """Extend, crop, merge or partial edit of the caller's `clip` (made by `source`), its times checked
    against the clip. Without `mv` the song keeps its own model; empty `tags`/`title` are the clip's.
    `history` is the merge's concat_history (the route reads it from the store)."""
    field = EDITS[type(body)]
    task_id = str(getattr(body, "task_id", "") or "").strip()
    if task_id and task_id != source.id:
        raise NotFound(f"Clip {clip.id} not found in task {task_id}", field="task_id")
    model = (
        model_for(body.mv)
        if isinstance(body, _Song) and "mv" in body.model_fields_set
        else source.request.model
    )
    if isinstance(body, ExtendRequest):
        check_continue_at(clip, body.continue_at, field="continue_at", clip_field=field)
        _lyrics_limits(body.prompt, body.tags, body.title, model)
        return SongRequest(
            kind=OperationKind.EXTEND,
            model=model,
            custom_mode=True,
            instrumental=body.make_instrumental,
            lyrics="" if body.make_instrumental else body.prompt,
            style=body.tags or clip.tags,
            title=body.title or clip.title,
            source_clip_id=clip.id,
            source_task_id=source.id,
            continue_at=body.continue_at,
        )
    if isinstance(body, PartialEditRequest):
        check_infill(
            clip,
            body.infill_start_s,
            body.infill_end_s,
            fields=("infill_start_s", "infill_end_s"),
            clip_field=field,
        )
        _lyrics_limits(body.prompt, body.tags, body.title, model)
        return SongRequest(
            kind=OperationKind.REPLACE_SECTION,
            model=model,
            custom_mode=True,
            instrumental=source.request.instrumental,
            lyrics=body.prompt,
            style=body.tags or clip.tags,
            title=body.title or clip.title,
            source_clip_id=clip.id,
            source_task_id=source.id,
            span=(body.infill_start_s, body.infill_end_s),
        )
    if isinstance(body, CoverRequest):
        finished(clip, field)
        _lyrics_limits(body.prompt, body.tags, body.title, model)
        lyrics = body.prompt or clip.lyrics
        return SongRequest(
            kind=OperationKind.UPLOAD_COVER,
            model=model,
            custom_mode=True,
            instrumental=not lyrics.strip(),
            lyrics=lyrics,
            style=body.tags or clip.tags,
            title=body.title or clip.title,
            source_clip_id=clip.id,
            source_task_id=source.id,
        )
    if isinstance(body, CropRequest):
        check_crop(
            clip, body.crop_start_s, body.crop_end_s, fields=("crop_start_s", "crop_end_s"), clip_field=field
        )
        return SongRequest(
            kind=OperationKind.CROP,
            model=model,
            custom_mode=True,
            instrumental=source.request.instrumental,
            style=clip.tags,
            title=clip.title,
            source_clip_id=clip.id,
            source_task_id=source.id,
            span=(body.crop_start_s, body.crop_end_s),
        )
    if isinstance(body, MergeRequest):
        finished(clip, field)
        return SongRequest(
            kind=OperationKind.CONCAT,
            model=model,
            custom_mode=True,
            instrumental=source.request.instrumental,
            style=clip.tags,
            title=clip.title,
            source_clip_id=clip.id,
            source_task_id=source.id,
            extra={"is_infill": body.is_infill, "concat_history": history or []},
        )
    raise TypeError(f"not a zeakAi edit body: {type(body).__name__}")


def _upload(body: UploadRequest) -> SongRequest:
    url = body.url.strip()
    if not url:
        raise InvalidRequest("url is required: the address of the audio file", field="url")
    model = model_for(body.mv)
    _limit(body.title, "title", MODEL_LIMITS[model].title, model)
    return SongRequest(
        kind=OperationKind.UPLOAD,
        model=model,
        custom_mode=True,
        instrumental=True,
        title=body.title.strip(),
        extra={"upload_url": url, "upload_field": "url"},
    )


def _lyrics_limits(prompt: str, tags: str, title: str, model: str) -> None:
    limits = MODEL_LIMITS[model]
    _limit(prompt, "prompt", limits.prompt, model)
    _limit(tags, "tags", limits.style, model)
    _limit(title, "title", limits.title, model)


def _inspiration(body: InspirationRequest) -> SongRequest:
    model = model_for(body.mv)
    idea = body.gpt_description_prompt
    if not idea.strip():
        raise InvalidRequest(
            "gpt_description_prompt is required in inspiration mode", field="gpt_description_prompt"
        )
    _limit(idea, "gpt_description_prompt", DESCRIPTION_LIMIT, model)
    return SongRequest(
        kind=OperationKind.GENERATE,
        model=model,
        custom_mode=False,
        instrumental=body.make_instrumental,
        description=idea,
    )


def _custom(body: CustomRequest) -> SongRequest:
    model = model_for(body.mv)
    limits = MODEL_LIMITS[model]
    if not body.make_instrumental and not body.prompt.strip():
        raise InvalidRequest(
            "prompt is required in custom mode unless make_instrumental is true (it carries the lyrics)",
            field="prompt",
        )
    if body.make_instrumental and not (body.tags.strip() or body.prompt.strip()):
        raise InvalidRequest("tags is required for an instrumental in custom mode", field="tags")
    _limit(body.prompt, "prompt", limits.prompt, model)
    _limit(body.tags, "tags", limits.style, model)
    _limit(body.title, "title", limits.title, model)
    lyrics, description = ("", body.prompt) if body.make_instrumental else (body.prompt, "")
    return SongRequest(
        kind=OperationKind.GENERATE,
        model=model,
        custom_mode=True,
        instrumental=body.make_instrumental,
        description=description,
        lyrics=lyrics,
        style=body.tags,
        negative_style=body.negative_tags,
        title=body.title,
    )


def _limit(value: str, field: str, limit: int, model: str) -> None:
    if len(value) > limit:
        raise PayloadTooLarge(
            f"{field} is too long: {len(value)} characters, the limit for model {model} is {limit}",
            field=field,
        )
