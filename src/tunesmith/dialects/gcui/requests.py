"""gcui-art suno-api request bodies and their translation to domain SongRequests.

gcui itself checks almost nothing (it forwards to Suno and passes Suno's complaint back), so the rules here
are the ones Suno applies upstream plus what our engines need: a known model, lyrics in custom mode unless
instrumental, a prompt in description mode, the id an edit works on. No length limits (reference §7.6); the
service's body-size limit and the engine's own `check` still apply. Unknown fields are ignored and JSON
`null` in a text field reads as "", because gcui clients forward whatever their UI had.

Each operation has its own model and `to_*` function; the route submits the result through TaskService, which
refuses operations the engine cannot do (Unsupported) before anything is charged or queued.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from pydantic import ConfigDict, Field, field_validator

from tunesmith.dialects.models import DISPLAY_NAMES, MODEL_ALIASES, resolve_model
from tunesmith.dialects.validation import RequestBody
from tunesmith.domain.edits import check_continue_at, finished
from tunesmith.domain.errors import InvalidRequest
from tunesmith.domain.models import Clip, Task
from tunesmith.domain.operations import OperationKind, SongRequest

DEFAULT_MODEL = "chirp-v3-5"  # gcui's DEFAULT_MODEL

# The `model` names gcui documents (Suno's `mv`), each with our model. There is no V3_0 model here: chirp-v3-0
# runs on the closest one we have, V3_5. Every other spelling of the shared table is accepted too (our own
# names, the Suno names other dialects show), so a client can send back the `model_name` it read from a clip.
GCUI_MODELS: dict[str, str] = {
    name: MODEL_ALIASES[name]
    for name in (
        "chirp-v3-0",
        "chirp-v3-5",
        "chirp-v4",
        "chirp-auk",
        "chirp-bluejay",
        "chirp-crow",
        "chirp-fenix",
    )
}

# Our model -> the name a gcui client sees in `model_name`: Suno's own codename where it has one.
GCUI_MODEL_NAMES: dict[str, str] = DISPLAY_NAMES

_MODEL_DESCRIPTION = f"Suno model; default {DEFAULT_MODEL}. One of: {', '.join(GCUI_MODELS)}."


def model_for(name: str | None) -> str:
    """Our model name for a gcui `model`; absent or empty means gcui's default."""
    if name is None or not name.strip():
        name = DEFAULT_MODEL
    model = resolve_model(name)
    if model is None:
        raise InvalidRequest(
            f"model: unknown model {name!r}; expected one of {', '.join(GCUI_MODELS)}", field="model"
        )
    return model


class _Body(RequestBody):
    """Shared config: ignore unknown fields, read JSON null in text fields as ""."""

    model_config = ConfigDict(extra="ignore")

    @field_validator("prompt", "tags", "title", "negative_tags", mode="before", check_fields=False)
    @classmethod
    def _null_text(cls, value: Any) -> Any:
        return "" if value is None else value


class GenerateRequest(_Body):
    """`POST /api/generate`: description mode. Suno writes the lyrics, title and style from `prompt`."""

    model_config = ConfigDict(
        extra="ignore",
        json_schema_extra={
            "examples": [
                {
                    "prompt": "A popular heavy metal song about war, sung by a deep-voiced male singer, "
                    "slowly and melodiously. The lyrics depict the sorrow of people after the war.",
                    "make_instrumental": False,
                    "model": "chirp-v3-5",
                    "wait_audio": False,
                }
            ]
        },
    )

    prompt: str = Field("", description="What the song is about (Suno's gpt_description_prompt).")
    make_instrumental: bool = Field(False, description="true: no vocals.")
    model: str | None = Field(None, description=_MODEL_DESCRIPTION)
    wait_audio: bool = Field(False, description="true: answer once the clips are complete (bounded wait).")


class CustomGenerateRequest(_Body):
    """`POST /api/custom_generate`: custom mode, with the exact lyrics, style tags and title."""

    model_config = ConfigDict(
        extra="ignore",
        json_schema_extra={
            "examples": [
                {
                    "prompt": "[Verse 1]\nCruel flames of war engulf this land\n\n[Chorus]\n"
                    "Silent battlegrounds, no birds' song",
                    "tags": "pop metal male melancholic",
                    "negative_tags": "female edm techno",
                    "title": "Silent Battlefield",
                    "make_instrumental": False,
                    "model": "chirp-v3-5",
                    "wait_audio": False,
                }
            ]
        },
    )

    prompt: str = Field("", description="The lyrics (required unless make_instrumental is true).")
    tags: str = Field("", description="Music genre / style.")
    title: str = Field("", description="Song title.")
    negative_tags: str = Field("", description="Styles to avoid.")
    make_instrumental: bool = Field(False, description="true: no vocals; `prompt` then describes the music.")
    model: str | None = Field(None, description=_MODEL_DESCRIPTION)
    wait_audio: bool = Field(False, description="true: answer once the clips are complete (bounded wait).")


class ExtendAudioRequest(_Body):
    """`POST /api/extend_audio`: continue an existing clip from `continue_at`."""

    model_config = ConfigDict(
        extra="ignore",
        json_schema_extra={
            "examples": [
                {
                    "audio_id": "e76498dc-6ab4-4a10-a19f-8a095790e28d",
                    "prompt": "[Verse]\nThrough the ashes we will rise",
                    "continue_at": 109.96,
                    "tags": "",
                    "negative_tags": "",
                    "title": "",
                    "model": "chirp-v3-5",
                    "wait_audio": False,
                }
            ]
        },
    )

    audio_id: str | None = Field(None, description="The clip to extend (required).")
    prompt: str = Field("", description="Lyrics for the new part.")
    continue_at: float | str | None = Field(None, description="Seconds (109.96) or mm:ss; default: the end.")
    tags: str = ""
    negative_tags: str = ""
    title: str = ""
    model: str | None = Field(None, description=_MODEL_DESCRIPTION)
    wait_audio: bool = False


class GenerateLyricsRequest(_Body):
    """`POST /api/generate_lyrics`: lyrics (and a title) from an idea."""

    model_config = ConfigDict(
        extra="ignore", json_schema_extra={"examples": [{"prompt": "A soothing lullaby"}]}
    )

    prompt: str = Field("", description="What the lyrics are about.")


class ConcatRequest(RequestBody):
    """`POST /api/concat`: join an extended clip with everything it extends into the whole song."""

    model_config = ConfigDict(
        extra="ignore", json_schema_extra={"examples": [{"clip_id": "e76498dc-6ab4-4a10-a19f-8a095790e28d"}]}
    )

    clip_id: str | None = Field(None, description="The last clip of the extension chain (required).")


class AudioIdRequest(RequestBody):
    """`POST /api/generate_stems`: the clip to work on."""

    model_config = ConfigDict(
        extra="ignore", json_schema_extra={"examples": [{"audio_id": "e76498dc-6ab4-4a10-a19f-8a095790e28d"}]}
    )

    audio_id: str | None = Field(None, description="The clip (required).")


def to_generate(req: GenerateRequest) -> SongRequest:
    """Description mode: Suno needs the idea; everything else it invents."""
    if not req.prompt.strip():
        raise InvalidRequest("prompt is required: describe the song", field="prompt")
    return SongRequest(
        kind=OperationKind.GENERATE,
        model=model_for(req.model),
        custom_mode=False,
        instrumental=req.make_instrumental,
        description=req.prompt,
    )


def to_custom_generate(req: CustomGenerateRequest) -> SongRequest:
    """Custom mode. An instrumental has no lyrics: its prompt, if any, is kept as a description of the music
    (as kie does), so nothing is sung."""
    if req.make_instrumental:
        if not (req.prompt.strip() or req.tags.strip()):
            raise InvalidRequest(
                "tags or prompt is required: say what the instrumental should sound like", field="tags"
            )
        lyrics, description = "", req.prompt
    else:
        if not req.prompt.strip():
            raise InvalidRequest(
                "prompt is required: the lyrics (or set make_instrumental to true)", field="prompt"
            )
        lyrics, description = req.prompt, ""
    return SongRequest(
        kind=OperationKind.GENERATE,
        model=model_for(req.model),
        custom_mode=True,
        instrumental=req.make_instrumental,
        lyrics=lyrics,
        description=description,
        style=req.tags,
        negative_style=req.negative_tags,
        title=req.title,
    )


def to_extend(req: ExtendAudioRequest) -> SongRequest:
    audio_id = require_id(req.audio_id, "audio_id", "Audio ID is required")
    return SongRequest(
        kind=OperationKind.EXTEND,
        model=model_for(req.model),
        custom_mode=True,
        lyrics=req.prompt,
        style=req.tags,
        negative_style=req.negative_tags,
        title=req.title,
        source_clip_id=audio_id,
        continue_at=parse_continue_at(req.continue_at),
    )


def to_extend_of(req: ExtendAudioRequest, source: Task, clip: Clip) -> SongRequest:
    """The extension checked against the caller's clip: `continue_at` inside it; without `model` the song
    continues in its own model, and empty `tags`/`title` are the source's (it is the same song)."""
    song = to_extend(req)
    check_continue_at(clip, song.continue_at, field="continue_at", clip_field="audio_id")
    model = song.model if req.model and req.model.strip() else source.request.model
    return replace(
        song,
        model=model,
        style=song.style or clip.tags,
        title=song.title or clip.title,
        source_task_id=source.id,
    )


def to_stems(source: Task, clip: Clip) -> SongRequest:
    """Suno's stems are one file per instrument: the studio's `split_stem` separation of the clip."""
    finished(clip, "audio_id")
    return SongRequest(
        kind=OperationKind.STEMS,
        model=source.request.model,
        title=clip.title,
        style=clip.tags,
        instrumental=source.request.instrumental,
        source_clip_id=clip.id,
        source_task_id=source.id,
        extra={"type": "split_stem"},
    )


def to_lyrics(req: GenerateLyricsRequest) -> SongRequest:
    if not req.prompt.strip():
        raise InvalidRequest("prompt is required: what the lyrics are about", field="prompt")
    return SongRequest(kind=OperationKind.LYRICS, model=model_for(None), description=req.prompt)


def to_concat(req: ConcatRequest, model: str) -> SongRequest:
    """`model` is the source clip's: a concatenation makes no new music of its own."""
    clip_id = require_id(req.clip_id, "clip_id", "Clip id is required")
    return SongRequest(kind=OperationKind.CONCAT, model=model, source_clip_id=clip_id)


def require_id(value: str | None, field: str, message: str) -> str:
    """A non-empty id, or gcui's own 400 message for a missing one."""
    if value is None or not value.strip():
        raise InvalidRequest(message, field=field)
    return value.strip()


_MMSS = re.compile(r"^(\d{1,3}):([0-5]?\d(?:\.\d+)?)$")


def parse_continue_at(value: float | str | None) -> float | None:
    """`continue_at` as seconds. gcui's swagger shows both a number-like string ("109.96") and mm:ss."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, str):
        text = value.strip()
        match = _MMSS.match(text)
        try:
            seconds = int(match.group(1)) * 60 + float(match.group(2)) if match else float(text)
        except ValueError:
            raise InvalidRequest(
                f"continue_at: expected seconds or mm:ss (got {value[:40]!r})", field="continue_at"
            ) from None
    else:
        seconds = float(value)
    if not seconds >= 0 or seconds == float("inf"):
        raise InvalidRequest(
            f"continue_at must be a number of seconds >= 0 (got {value!r})", field="continue_at"
        )
    return seconds
