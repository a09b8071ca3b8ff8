"""Edits of existing songs: kie's extend and replace-section bodies.

kie's extend (`POST /api/v1/generate/extend`) and replace section (`POST /api/v1/generate/replace-section`)
make new music clips, so their results are read through the music record-info, like a generation.

The time rules they apply are shared by every dialect (tunesmith.domain.edits).
"""

from __future__ import annotations

import math
from typing import Any, Literal

from pydantic import ConfigDict, Field, field_validator
from pydantic_core import PydanticCustomError

from tunesmith.dialects.kie.requests import MODEL_LIMITS, KieModel
from tunesmith.dialects.validation import RequestBody
from tunesmith.domain.edits import check_continue_at, check_infill
from tunesmith.domain.errors import InvalidRequest, PayloadTooLarge
from tunesmith.domain.models import Clip, Task
from tunesmith.domain.operations import OperationKind, SongRequest

# kie §3.2: titles may be 100 characters on extend (and upload-cover) for V4_5 and newer, 80 before.
EXTEND_TITLE_LIMITS: dict[str, int] = {"V3_5": 80, "V4": 80}
EXTEND_TITLE_LIMIT = 100

_TASK_ID = "5c79e0b6c5d84f0b9a0f8f0e2d7cbe8e"
_AUDIO_ID = "e2316b0e-4d8a-4c43-9c2b-6f0c8cadc7dc"
_CALLBACK = "https://client.example.com/kie-callback"


class _Body(RequestBody):
    model_config = ConfigDict(extra="ignore")

    @field_validator(
        "prompt", "style", "title", "negativeTags", "tags", "fullLyrics", mode="before", check_fields=False
    )
    @classmethod
    def _null_text(cls, value: Any) -> Any:
        return "" if value is None else value

    @field_validator(
        "callBackUrl", "vocalGender", "personaId", "personaModel", mode="before", check_fields=False
    )
    @classmethod
    def _empty_is_absent(cls, value: Any) -> Any:
        return None if value is None or (isinstance(value, str) and not value.strip()) else value


class KieExtendRequest(_Body):
    """`POST /api/v1/generate/extend`: continue one of the caller's clips.

    `defaultParamFlag` true: the continuation uses this request's `prompt` (its lyrics), `style`, `title` and
    `continueAt`. false: it inherits the source clip's title, style and lyrics and continues from `continueAt`
    if given, else from the end. `model` must be the source's model (kie's rule: a song continues in its own
    voice).
    """

    model_config = ConfigDict(
        extra="ignore",
        json_schema_extra={
            "examples": [
                {
                    "defaultParamFlag": True,
                    "audioId": _AUDIO_ID,
                    "continueAt": 60,
                    "model": "V4_5",
                    "prompt": "[Verse 3]\nThe city sleeps but we are wide awake",
                    "style": "Lo-fi pop, mellow",
                    "title": "Walking Home (Extended)",
                    "callBackUrl": _CALLBACK,
                }
            ]
        },
    )

    defaultParamFlag: bool = Field(
        description="true: use prompt/style/title/continueAt; false: inherit the source's parameters."
    )
    audioId: str = Field(min_length=1, max_length=64, description="The clip to extend (`sunoData[].id`).")
    model: KieModel = Field(description="Model version; must be the source clip's.")
    continueAt: float | None = Field(
        None,
        description="Seconds into the clip where the continuation starts: > 0 and < the clip's duration.",
    )
    prompt: str = Field("", description="Lyrics of the continuation (defaultParamFlag true).")
    style: str = Field("", description="Style of the continuation (defaultParamFlag true).")
    title: str = Field("", description="Title (defaultParamFlag true; ≤ 100 characters on V4_5 and newer).")
    instrumental: bool = Field(False, description="true: no vocals in the continuation.")
    negativeTags: str = Field("", description="Styles to avoid.")
    vocalGender: Literal["m", "f"] | None = Field(None, description="Preferred voice.")
    styleWeight: float | None = Field(None, ge=0, le=1, description="0–1.")
    weirdnessConstraint: float | None = Field(None, ge=0, le=1, description="0–1.")
    audioWeight: float | None = Field(None, ge=0, le=1, description="0–1.")
    personaId: str | None = Field(None, description="A persona from generate-persona.")
    personaModel: Literal["style_persona", "voice_persona"] | None = Field(None, description="V5 / V5_5.")
    callBackUrl: str | None = Field(None, description="Where to POST the text/first/complete/error stages.")


class KieReplaceSectionRequest(_Body):
    """`POST /api/v1/generate/replace-section`: sing one span of a clip again with new words.

    The span `infillStartS`..`infillEndS` (seconds, at most 2 decimals) lies inside the song, lasts at least
    10 s and at most half the song. `fullLyrics` is the whole song's lyrics after the change.
    """

    model_config = ConfigDict(
        extra="ignore",
        json_schema_extra={
            "examples": [
                {
                    "taskId": _TASK_ID,
                    "audioId": _AUDIO_ID,
                    "prompt": "[Chorus]\nNew words for the chorus",
                    "tags": "Lo-fi pop, mellow",
                    "title": "Walking Home",
                    "infillStartS": 20.5,
                    "infillEndS": 35.0,
                    "fullLyrics": "[Verse]\nStreetlights hum\n[Chorus]\nNew words for the chorus",
                    "negativeTags": "metal",
                    "callBackUrl": _CALLBACK,
                }
            ]
        },
    )

    taskId: str = Field(min_length=1, max_length=64, description="The music task the clip belongs to.")
    audioId: str = Field(min_length=1, max_length=64, description="The clip to edit.")
    prompt: str = Field(description="Lyrics of the replaced span.")
    tags: str = Field(description="Style of the replaced span.")
    title: str = Field(description="Title of the edited song.")
    infillStartS: float = Field(ge=0, description="Start of the span, seconds (2 decimals).")
    infillEndS: float = Field(gt=0, description="End of the span, seconds (2 decimals).")
    fullLyrics: str = Field(description="The whole song's lyrics after the change.")
    negativeTags: str = Field("", description="Styles to avoid.")
    callBackUrl: str | None = Field(None, description="Where to POST the stages.")

    @field_validator("infillStartS", "infillEndS")
    @classmethod
    def _two_decimals(cls, value: float) -> float:
        hundredths = value * 100
        if not math.isfinite(hundredths) or abs(hundredths - round(hundredths)) > 1e-6:
            raise PydanticCustomError("decimal_places", "Input should have at most 2 decimal places")
        return value


# ── kie bodies → SongRequest ──────────────────────────────────────────────────────────────────────────


def extend_request(req: KieExtendRequest, source: Task, clip: Clip) -> SongRequest:
    """Apply kie's extend rules against the caller's source clip and translate."""
    if req.model != source.request.model:
        raise InvalidRequest(
            f"model must be the source audio's model ({source.request.model}); got {req.model}", field="model"
        )
    if req.defaultParamFlag:
        if req.continueAt is None:
            raise InvalidRequest("continueAt is required when defaultParamFlag is true", field="continueAt")
        check_continue_at(clip, req.continueAt, field="continueAt", clip_field="audioId")
        for name in ("style", "title"):
            if not getattr(req, name).strip():
                raise InvalidRequest(f"{name} is required when defaultParamFlag is true", field=name)
        if not req.instrumental and not req.prompt.strip():
            raise InvalidRequest(
                "prompt is required when defaultParamFlag is true unless instrumental is "
                "true (it carries the lyrics)",
                field="prompt",
            )
        limits = MODEL_LIMITS[req.model]
        title_limit = EXTEND_TITLE_LIMITS.get(req.model, EXTEND_TITLE_LIMIT)
        for name, limit in (("prompt", limits.prompt), ("style", limits.style), ("title", title_limit)):
            value = getattr(req, name)
            if len(value) > limit:
                raise PayloadTooLarge(
                    f"{name} is too long: {len(value)} characters, the limit for model "
                    f"{req.model} is {limit}",
                    field=name,
                )
        instrumental = req.instrumental
        lyrics, style, title = ("" if instrumental else req.prompt), req.style, req.title
        extra: dict[str, Any] = {"default_params": True}
    else:
        check_continue_at(clip, req.continueAt, field="continueAt", clip_field="audioId")
        instrumental = source.request.instrumental
        lyrics, style, title = "", clip.tags or source.request.style, clip.title or source.request.title
        extra = {"default_params": False}
    if req.personaModel is not None:
        extra["persona_model"] = req.personaModel
    return SongRequest(
        kind=OperationKind.EXTEND,
        model=req.model,
        custom_mode=req.defaultParamFlag,
        instrumental=instrumental,
        lyrics=lyrics,
        style=style,
        title=title,
        negative_style=req.negativeTags,
        vocal_gender=req.vocalGender,
        style_weight=req.styleWeight,
        weirdness=req.weirdnessConstraint,
        audio_weight=req.audioWeight,
        persona_id=req.personaId,
        source_clip_id=clip.id,
        source_task_id=source.id,
        continue_at=req.continueAt,
        extra=extra,
    )


def replace_section_request(req: KieReplaceSectionRequest, source: Task, clip: Clip) -> SongRequest:
    """Apply kie's replace-section rules against the caller's clip (of `source`) and translate."""
    check_infill(
        clip, req.infillStartS, req.infillEndS, fields=("infillStartS", "infillEndS"), clip_field="audioId"
    )
    for name in ("prompt", "tags", "title", "fullLyrics"):
        if not getattr(req, name).strip():
            raise InvalidRequest(f"{name} is required", field=name)
    limits = MODEL_LIMITS.get(source.request.model, MODEL_LIMITS["V4_5"])
    for name, limit in (
        ("prompt", limits.prompt),
        ("fullLyrics", limits.prompt),
        ("tags", limits.style),
        ("title", EXTEND_TITLE_LIMITS.get(source.request.model, EXTEND_TITLE_LIMIT)),
    ):
        value = getattr(req, name)
        if len(value) > limit:
            raise PayloadTooLarge(
                f"{name} is too long: {len(value)} characters, the limit for model "
                f"{source.request.model} is {limit}",
                field=name,
            )
    return SongRequest(
        kind=OperationKind.REPLACE_SECTION,
        model=source.request.model,
        custom_mode=True,
        lyrics=req.prompt,
        style=req.tags,
        title=req.title,
        negative_style=req.negativeTags,
        source_clip_id=clip.id,
        source_task_id=source.id,
        span=(req.infillStartS, req.infillEndS),
        extra={"full_lyrics": req.fullLyrics},
    )
