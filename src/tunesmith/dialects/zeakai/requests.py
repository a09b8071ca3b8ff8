"""zeakAi (SKU) submit bodies: one pydantic model per operation of the seed's menu, and their translation.

Field names follow Suno's own (`mv`, `tags`, `make_instrumental`, `gpt_description_prompt`,
`continue_clip_id`, `continue_at`, ...), as the seed's fetch reply and SKU's other Suno format do. Only
inspiration mode and custom mode turn into a SongRequest today; every other operation is validated (so a
malformed body is named as such) and then refused with Unsupported before anything is charged or queued.
Adding one later means giving its model a branch in `song_request_for` and removing it from `NOT_YET`.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from tunesmith.dialects.kie import MODEL_LIMITS
from tunesmith.dialects.models import resolve_model
from tunesmith.domain.errors import InvalidRequest, PayloadTooLarge, Unsupported
from tunesmith.domain.operations import OperationKind, SongRequest

DEFAULT_MV = "chirp-v3-5"  # the seed example's version (majorModelVersion v3.5)
DESCRIPTION_LIMIT = 500  # Suno's own limit on gpt_description_prompt, which kie also enforces

# The `mv` values the unknown-model error names: Suno's versioned names and codenames. Every spelling of the
# shared table is accepted; chirp-v3-0 (the old default of many clients) is served by the nearest, V3_5.
DOCUMENTED_MV: tuple[str, ...] = (
    "chirp-v3-0", "chirp-v3-5", "chirp-v4", "chirp-auk", "chirp-bluejay", "chirp-crow", "chirp-fenix",
    "chirp-v4-5", "chirp-v4-5-plus", "chirp-v4-5-all", "chirp-v5", "chirp-v5-5",
)


def model_for(mv: str) -> str:
    found = resolve_model(mv)
    if found is None:
        raise InvalidRequest(f"mv {mv!r} is not supported; use one of {', '.join(DOCUMENTED_MV)}", field="mv")
    return found


class _Body(BaseModel):
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
    mv: str = Field(DEFAULT_MV, description="Model: chirp-v3-5, chirp-v4, chirp-auk (v4.5), chirp-bluejay "
                                            "(v4.5+), chirp-crow (v5), chirp-fenix (v5.5)")
    make_instrumental: bool = Field(False, description="true: no vocals.")


class InspirationRequest(_Song):
    """3. Inspiration mode: a one-line idea; lyrics, title and style are written for you."""

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "gpt_description_prompt": "a groovy dance song about writing a face-melting guitar solo",
        "mv": "chirp-v3-5", "make_instrumental": False}]})

    gpt_description_prompt: str = Field(description="The song idea.")


class CustomRequest(_Song):
    """4. Custom (professional) mode: your own lyrics, style tags and title."""

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "prompt": "[Verse]\nStart with a strum\nFeel the rhythm hum\n[Chorus]\nGuitar on fire",
        "tags": "dance, groovy, electro-pop", "title": "Face-Melting Solo", "mv": "chirp-v4",
        "make_instrumental": False}]})

    prompt: str = Field("", description="The lyrics (required unless make_instrumental).")
    tags: str = Field("", description="Style tags, comma separated.")
    negative_tags: str = Field("", description="Styles to avoid.")
    title: str = Field("", description="Song title.")


class CoverRequest(_Song):
    """5. Cover mode: re-sing an existing clip in another style."""

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "cover_clip_id": "39e6bf6a-06a7-4609-9e3d-9ae961271807", "tags": "jazz, lounge", "mv": "chirp-v4"}]})

    cover_clip_id: str = Field(description="The clip to cover.")
    prompt: str = Field("", description="Lyrics; empty keeps the original's.")
    tags: str = Field("", description="The new style.")
    title: str = Field("", description="Song title.")


class PartialEditRequest(_Song):
    """6. Partial edit: regenerate one span of a clip with new lyrics."""

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "task_id": "17350498477280038", "clip_id": "39e6bf6a-06a7-4609-9e3d-9ae961271807",
        "infill_start_s": 30.0, "infill_end_s": 45.5, "prompt": "[Verse]\nNew words here",
        "mv": "chirp-v4"}]})

    task_id: str = Field("", description="The task the clip came from.")
    clip_id: str = Field(description="The clip to edit.")
    infill_start_s: float = Field(ge=0, description="Start of the span, seconds.")
    infill_end_s: float = Field(gt=0, description="End of the span, seconds.")
    prompt: str = Field("", description="Lyrics for the span.")
    tags: str = Field("", description="Style tags.")
    title: str = Field("", description="Song title.")


class UploadRequest(_Body):
    """7. Upload: register an audio file by URL, to extend or cover it afterwards."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"url": "https://example.com/song.mp3"}]})

    url: str = Field(min_length=1, description="Public URL of an MP3/WAV file.")


class ExtendRequest(_Song):
    """8. Extend: continue a clip from a point in time (the clip id and its task id)."""

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "task_id": "17350498477280038", "continue_clip_id": "39e6bf6a-06a7-4609-9e3d-9ae961271807",
        "continue_at": 112.0, "prompt": "[Verse 4]\nOne more round", "tags": "dance", "mv": "chirp-v3-5"}]})

    task_id: str = Field("", description="The task the clip came from.")
    continue_clip_id: str = Field(description="The clip to continue.")
    continue_at: float = Field(ge=0, description="Seconds into the clip where the continuation starts.")
    prompt: str = Field("", description="Lyrics of the continuation.")
    tags: str = Field("", description="Style tags.")
    title: str = Field("", description="Song title.")


class CropRequest(_Body):
    """9. Crop: keep one span of a clip."""

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "clip_id": "39e6bf6a-06a7-4609-9e3d-9ae961271807", "crop_start_s": 0.0, "crop_end_s": 60.0}]})

    clip_id: str = Field(description="The clip to crop.")
    crop_start_s: float = Field(ge=0, description="Start of the kept span, seconds.")
    crop_end_s: float = Field(gt=0, description="End of the kept span, seconds.")


class MergeRequest(_Body):
    """10. Merge: join an extension with the clips it continues into one whole song."""

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "clip_id": "e52a3ea4-bb1c-4894-9a9a-480347964cbd", "is_infill": False}]})

    clip_id: str = Field(description="The last clip of the chain (an extension).")
    is_infill: bool = Field(False, description="true when the clip came from a partial edit.")


class LyricsRequest(_Body):
    """1. Lyrics: write lyrics from an idea."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"prompt": "a song about the sea at night"}]})

    prompt: str = Field(min_length=1, description="The idea the lyrics are about.")


# Operations on the seed's menu that the service cannot do yet, with the words the refusal uses.
NOT_YET: dict[type[BaseModel], str] = {
    LyricsRequest: "lyrics generation",
    CoverRequest: "cover mode",
    PartialEditRequest: "partial edit",
    UploadRequest: "upload",
    ExtendRequest: "extend",
    CropRequest: "crop",
    MergeRequest: "merge",
}


def not_available(what: str) -> Unsupported:
    """The refusal for an operation of the menu the service cannot run yet."""
    return Unsupported(f"{what} is not available yet on this server; only inspiration mode and custom mode "
                       "can be submitted for now")


def song_request_for(body: BaseModel) -> SongRequest:
    """The SongRequest for an accepted operation; Unsupported for one of the menu's other operations."""
    if isinstance(body, InspirationRequest):
        return _inspiration(body)
    if isinstance(body, CustomRequest):
        return _custom(body)
    if type(body) in NOT_YET:
        if isinstance(body, _Song):
            model_for(body.mv)  # a bad mv is named before the refusal: the client must fix both
        raise not_available(NOT_YET[type(body)])
    raise TypeError(f"not a zeakAi request body: {type(body).__name__}")


def _inspiration(body: InspirationRequest) -> SongRequest:
    model = model_for(body.mv)
    idea = body.gpt_description_prompt
    if not idea.strip():
        raise InvalidRequest("gpt_description_prompt is required in inspiration mode",
                             field="gpt_description_prompt")
    _limit(idea, "gpt_description_prompt", DESCRIPTION_LIMIT, model)
    return SongRequest(kind=OperationKind.GENERATE, model=model, custom_mode=False,
                       instrumental=body.make_instrumental, description=idea)


def _custom(body: CustomRequest) -> SongRequest:
    model = model_for(body.mv)
    limits = MODEL_LIMITS[model]
    if not body.make_instrumental and not body.prompt.strip():
        raise InvalidRequest("prompt is required in custom mode unless make_instrumental is true (it carries "
                             "the lyrics)", field="prompt")
    if body.make_instrumental and not (body.tags.strip() or body.prompt.strip()):
        raise InvalidRequest("tags is required for an instrumental in custom mode", field="tags")
    _limit(body.prompt, "prompt", limits.prompt, model)
    _limit(body.tags, "tags", limits.style, model)
    _limit(body.title, "title", limits.title, model)
    lyrics, description = ("", body.prompt) if body.make_instrumental else (body.prompt, "")
    return SongRequest(kind=OperationKind.GENERATE, model=model, custom_mode=True,
                       instrumental=body.make_instrumental, description=description, lyrics=lyrics,
                       style=body.tags, negative_style=body.negative_tags, title=body.title)


def _limit(value: str, field: str, limit: int, model: str) -> None:
    if len(value) > limit:
        raise PayloadTooLarge(f"{field} is too long: {len(value)} characters, the limit for model {model} "
                              f"is {limit}", field=field)
