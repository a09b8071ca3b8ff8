"""kie.ai song operations on existing work: request bodies and their field rules.

WAV, vocal removal, MIDI, music video, cover art, lyrics, timestamped lyrics, persona and style boost each
have a small body; the models below name the fields exactly as kie does (reference §3.1). As on the generate
route, pydantic rejects what is malformed by itself (a missing id, a wrong JSON type, an unknown separation
type) with kie's 422, and `check_lengths` applies the length limits with kie's 413 ("too long"), so a client
sees the same code for an over-long field on every kie route.

`callBackUrl` is required by kie on the task routes; like the generate route we accept its absence, because
polling clients often leave it out and there is nothing to deliver to them anyway.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from tunesmith.dialects.validation import RequestBody
from tunesmith.domain.errors import PayloadTooLarge

AUTHOR_LIMIT = 50
DOMAIN_NAME_LIMIT = 50
LYRICS_PROMPT_LIMIT = 200
# Not documented by kie for these routes: generous bounds that keep persona records and style prompts sane.
PERSONA_NAME_LIMIT = 100
PERSONA_DESCRIPTION_LIMIT = 1000
PERSONA_STYLE_LIMIT = 1000
STYLE_CONTENT_LIMIT = 1000

SeparationType = Literal["separate_vocal", "split_stem"]

_TASK_ID = "5c79e0b6c5d84f0b9a0f8f0e2d7cbe8e"
_AUDIO_ID = "e2316b0e-4d8a-4c43-9c2b-6f0c8cadc7dc"
_CALLBACK = "https://client.example.com/kie-callback"


class _KieBody(RequestBody):
    """Shared behaviour: unknown fields are ignored (newer clients send more), and an empty or null
    callBackUrl means "no callback"."""

    model_config = ConfigDict(extra="ignore")

    @field_validator("callBackUrl", mode="before", check_fields=False)
    @classmethod
    def _empty_is_absent(cls, value: Any) -> Any:
        return None if value is None or (isinstance(value, str) and not value.strip()) else value


class KieWavRequest(_KieBody):
    """`POST /api/v1/wav/generate`: the WAV master of one clip of a music task."""

    model_config = ConfigDict(
        extra="ignore",
        json_schema_extra={
            "examples": [{"taskId": _TASK_ID, "audioId": _AUDIO_ID, "callBackUrl": _CALLBACK}]
        },
    )

    taskId: str = Field(min_length=1, description="The music task (generate / extend) the clip belongs to.")
    audioId: str = Field(min_length=1, description="The clip to convert (`sunoData[].id`).")
    callBackUrl: str | None = Field(None, description="Where to POST the result when the WAV is ready.")


class KieVocalRemovalRequest(_KieBody):
    """`POST /api/v1/vocal-removal/generate`: separate one clip into stems. Every request is a new, billed
    task (kie keeps no cache of separations either)."""

    model_config = ConfigDict(
        extra="ignore",
        json_schema_extra={
            "examples": [
                {"taskId": _TASK_ID, "audioId": _AUDIO_ID, "type": "separate_vocal", "callBackUrl": _CALLBACK}
            ]
        },
    )

    taskId: str = Field(min_length=1, description="The music task the clip belongs to.")
    audioId: str = Field(min_length=1, description="The clip to separate.")
    type: SeparationType = Field(
        "separate_vocal",
        description="`separate_vocal`: vocals + instrumental; "
        "`split_stem`: one stem per part (vocals, drums, bass, other).",
    )
    callBackUrl: str | None = Field(None, description="Where to POST the stems when they are ready.")

    @field_validator("type", mode="before")
    @classmethod
    def _default_type(cls, value: Any) -> Any:
        return "separate_vocal" if value is None or value == "" else value


class KieMidiRequest(_KieBody):
    """`POST /api/v1/midi/generate`: the song's notes as MIDI.

    `taskId` may be a finished vocal-removal task (kie's way: `audioId` then names one of its `originData`
    stems, or is left out) or the music task itself (then `audioId`, the clip, is required). Either way the
    MIDI holds every part of the song: Tunesmith's engines wrote the notes they played, so nothing has to be
    transcribed from a stem.
    """

    model_config = ConfigDict(
        extra="ignore",
        json_schema_extra={
            "examples": [{"taskId": _TASK_ID, "audioId": _AUDIO_ID, "callBackUrl": _CALLBACK}]
        },
    )

    taskId: str = Field(min_length=1, description="A finished vocal-removal task, or the music task.")
    audioId: str | None = Field(
        None,
        description="An `originData[].id` of the separation, or the clip id "
        "(required when taskId is a music task).",
    )
    callBackUrl: str | None = Field(None, description="Where to POST the MIDI data when it is ready.")

    @field_validator("audioId", mode="before")
    @classmethod
    def _blank_audio(cls, value: Any) -> Any:
        return None if isinstance(value, str) and not value.strip() else value


class KieMp4Request(_KieBody):
    """`POST /api/v1/mp4/generate`: a music video of one clip (cover art, title, waveform)."""

    model_config = ConfigDict(
        extra="ignore",
        json_schema_extra={
            "examples": [
                {
                    "taskId": _TASK_ID,
                    "audioId": _AUDIO_ID,
                    "callBackUrl": _CALLBACK,
                    "author": "Nova Lane",
                    "domainName": "music.example.com",
                }
            ]
        },
    )

    taskId: str = Field(min_length=1, description="The music task the clip belongs to.")
    audioId: str = Field(min_length=1, description="The clip to make a video of.")
    callBackUrl: str | None = Field(None, description="Where to POST the video URL when it is ready.")
    author: str = Field("", description=f"Artist name shown in the video (≤ {AUTHOR_LIMIT} characters).")
    domainName: str = Field("", description=f"Watermark / site shown in the video (≤ {DOMAIN_NAME_LIMIT}).")

    @field_validator("author", "domainName", mode="before")
    @classmethod
    def _null_text(cls, value: Any) -> Any:
        return "" if value is None else value


class KieCoverRequest(_KieBody):
    """`POST /api/v1/suno/cover/generate`: two cover images for a music task (once per task)."""

    model_config = ConfigDict(
        extra="ignore", json_schema_extra={"examples": [{"taskId": _TASK_ID, "callBackUrl": _CALLBACK}]}
    )

    taskId: str = Field(min_length=1, description="The finished music task to draw covers for.")
    callBackUrl: str | None = Field(None, description="Where to POST the image URLs when they are ready.")


class KieLyricsRequest(_KieBody):
    """`POST /api/v1/lyrics`: two or three sets of lyrics, each with a title, from a one-line idea."""

    model_config = ConfigDict(
        extra="ignore",
        json_schema_extra={
            "examples": [
                {"prompt": "A song about walking home under the city lights", "callBackUrl": _CALLBACK}
            ]
        },
    )

    prompt: str = Field(min_length=1, description=f"What the lyrics are about (≤ {LYRICS_PROMPT_LIMIT}).")
    callBackUrl: str | None = Field(None, description="Where to POST the lyrics when they are ready.")


class KieTimestampedLyricsRequest(RequestBody):
    """`POST /api/v1/generate/get-timestamped-lyrics`: when each word of a clip is sung (synchronous)."""

    model_config = ConfigDict(
        extra="ignore", json_schema_extra={"examples": [{"taskId": _TASK_ID, "audioId": _AUDIO_ID}]}
    )

    taskId: str = Field(min_length=1, description="The music task the clip belongs to.")
    audioId: str = Field(min_length=1, description="The clip whose words to time.")
    musicIndex: int | None = Field(None, ge=0, le=1, description="Accepted for compatibility; audioId wins.")


class KiePersonaRequest(RequestBody):
    """`POST /api/v1/generate/generate-persona`: keep a clip's voice and style under a name (synchronous).

    The vocal window (`vocalStart`..`vocalEnd`, seconds) must lie inside the song and last 10–30 s.
    """

    model_config = ConfigDict(
        extra="ignore",
        json_schema_extra={
            "examples": [
                {
                    "taskId": _TASK_ID,
                    "audioId": _AUDIO_ID,
                    "name": "Midnight Alto",
                    "description": "A warm, breathy alto for late-night lo-fi pop",
                    "vocalStart": 0,
                    "vocalEnd": 30,
                    "style": "lo-fi pop, mellow",
                }
            ]
        },
    )

    taskId: str = Field(min_length=1, description="The music task the clip belongs to.")
    audioId: str = Field(min_length=1, description="The clip whose voice becomes the persona.")
    name: str = Field(min_length=1, description="The persona's name.")
    description: str = Field(min_length=1, description="What the voice is like.")
    vocalStart: float = Field(0.0, ge=0, description="Start of the vocal window, seconds.")
    vocalEnd: float = Field(30.0, gt=0, description="End of the vocal window, seconds (10–30 s after start).")
    style: str = Field("", description="Style the persona sings in; default: the clip's own tags.")

    @field_validator("style", mode="before")
    @classmethod
    def _null_style(cls, value: Any) -> Any:
        return "" if value is None else value


class KieBoostStyleRequest(RequestBody):
    """`POST /api/v1/style/generate`: a short style ("Pop, Mysterious") grown into a detailed one."""

    model_config = ConfigDict(
        extra="ignore", json_schema_extra={"examples": [{"content": "Pop, Mysterious"}]}
    )

    content: str = Field(min_length=1, description="The style to boost.")


def check_lengths(body: BaseModel) -> None:
    """kie's length limits, as 413 PayloadTooLarge naming the field and its limit."""
    limits: dict[str, int] = {}
    if isinstance(body, KieMp4Request):
        limits = {"author": AUTHOR_LIMIT, "domainName": DOMAIN_NAME_LIMIT}
    elif isinstance(body, KieLyricsRequest):
        limits = {"prompt": LYRICS_PROMPT_LIMIT}
    elif isinstance(body, KiePersonaRequest):
        limits = {
            "name": PERSONA_NAME_LIMIT,
            "description": PERSONA_DESCRIPTION_LIMIT,
            "style": PERSONA_STYLE_LIMIT,
        }
    elif isinstance(body, KieBoostStyleRequest):
        limits = {"content": STYLE_CONTENT_LIMIT}
    for field, limit in limits.items():
        value = getattr(body, field) or ""
        if len(value) > limit:
            raise PayloadTooLarge(
                f"{field} is too long: {len(value)} characters, the limit is {limit}", field=field
            )
