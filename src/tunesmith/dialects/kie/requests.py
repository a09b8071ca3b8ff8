"""kie.ai `POST /api/v1/generate`: the request body, its per-model limits, its translation to a SongRequest.

Two layers of checking, on purpose. The pydantic model rejects what is malformed on its own (wrong JSON types,
unknown model, a weight outside 0–1); `to_song_request` applies kie's cross-field rules (what custom mode
requires, how long each field may be for the chosen model), which need several fields at once and carry kie's
own error codes (413 for too long, 422 for the rest).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import ConfigDict, Field, field_validator
from pydantic_core import PydanticCustomError

from tunesmith.dialects.validation import RequestBody
from tunesmith.domain.errors import InvalidRequest, PayloadTooLarge
from tunesmith.domain.operations import OperationKind, SongRequest

KieModel = Literal["V3_5", "V4", "V4_5", "V4_5PLUS", "V4_5ALL", "V5", "V5_5"]


@dataclass(frozen=True)
class Limits:
    """Character limits of one model on the generate route (reference §3.2)."""

    prompt: int  # custom-mode lyrics
    style: int
    title: int = 80  # 80 on generate for every model (extend / upload-cover allow 100 on some)


_OLD = Limits(prompt=3000, style=200)
_NEW = Limits(prompt=5000, style=1000)
MODEL_LIMITS: dict[str, Limits] = {
    "V3_5": _OLD,
    "V4": _OLD,
    "V4_5": _NEW,
    "V4_5PLUS": _NEW,
    "V4_5ALL": _NEW,
    "V5": _NEW,
    "V5_5": _NEW,
}

# Description (non-custom) mode. kie's own pages disagree: the quickstart, upload-cover and mashup pages and
# the current generate pages say 500, another version of the generate page 3000 (reference §3.2; an old page
# even said 400). We take 500, the stricter of the two current values: a request that passes here passes on
# kie too, whichever page its author read.
DESCRIPTION_LIMIT = 500

# Only custom mode on V5_5 lets the client choose a length (reference §3.1); other requests ignore `duration`.
DURATION_MODELS = frozenset({"V5_5"})

_EXAMPLE: dict[str, Any] = {
    "prompt": "[Verse]\nStreetlights hum a quiet tune\n[Chorus]\nWe walk home beneath the moon",
    "style": "Lo-fi pop, mellow, warm piano",
    "title": "Walking Home",
    "customMode": True,
    "instrumental": False,
    "model": "V4_5",
    "callBackUrl": "https://client.example.com/kie-callback",
    "negativeTags": "Heavy Metal, Distorted Guitar",
    "vocalGender": "f",
    "styleWeight": 0.65,
    "weirdnessConstraint": 0.4,
    "audioWeight": 0.65,
}


class KieGenerateRequest(RequestBody):
    """The body of `POST /api/v1/generate`, field for field as kie.ai names it.

    Unknown fields are ignored (clients written for newer kie versions send more). JSON `null` in an optional
    text field reads as "" and an empty string in an optional enum/id field reads as "not given", because
    clients that serialise every field of their own request class send exactly that.
    """

    model_config = ConfigDict(extra="ignore", json_schema_extra={"examples": [_EXAMPLE]})

    prompt: str = Field("", description="Custom mode: the exact lyrics. Description mode: the song idea.")
    style: str = Field("", description="Custom mode: genre, mood, instruments (kie `style`, Suno `tags`).")
    title: str = Field("", description="Custom mode: the song title.")
    customMode: bool = Field(description="true: lyrics/style/title given; false: only a description.")
    instrumental: bool = Field(description="true: no vocals.")
    model: KieModel = Field(description="Model version; limits depend on it.")
    # kie requires callBackUrl; we accept its absence because polling clients often leave it out.
    callBackUrl: str | None = Field(None, description="Where to POST the text/first/complete/error stages.")
    negativeTags: str = Field("", description="Styles to avoid.")
    vocalGender: Literal["m", "f"] | None = Field(None, description="Preferred voice (custom mode).")
    styleWeight: float | None = Field(None, ge=0, le=1, description="0–1, at most 2 decimals.")
    weirdnessConstraint: float | None = Field(None, ge=0, le=1, description="0–1, at most 2 decimals.")
    audioWeight: float | None = Field(None, ge=0, le=1, description="0–1, at most 2 decimals.")
    personaId: str | None = Field(None, description="A persona from generate-persona (custom mode).")
    personaModel: Literal["style_persona", "voice_persona"] | None = Field(None, description="V5 / V5_5.")
    duration: float | None = Field(None, ge=10, le=360, description="Seconds; custom mode on V5_5 only.")

    @field_validator("prompt", "style", "title", "negativeTags", mode="before")
    @classmethod
    def _null_text(cls, value: Any) -> Any:
        return "" if value is None else value

    @field_validator("callBackUrl", "vocalGender", "personaId", "personaModel", mode="before")
    @classmethod
    def _empty_is_absent(cls, value: Any) -> Any:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("styleWeight", "weirdnessConstraint", "audioWeight")
    @classmethod
    def _two_decimals(cls, value: float | None) -> float | None:
        if value is not None and abs(value * 100 - round(value * 100)) > 1e-6:
            raise PydanticCustomError("decimal_places", "Input should have at most 2 decimal places")
        return value


def to_song_request(req: KieGenerateRequest) -> SongRequest:
    """Apply kie's generate rules for `req.model` and translate to the domain's SongRequest.

    Raises InvalidRequest (kie 422) for a missing field and PayloadTooLarge (kie 413) for an over-long one;
    each message names the field and, for lengths, the limit and the model.
    """
    if req.customMode:
        return _custom(req)
    return _description(req)


def to_param(req: KieGenerateRequest) -> str:
    """The request as kie echoes it in record-info `param`: compact JSON of the fields the client sent.

    For when the raw body is not at hand; the service should prefer the body exactly as received.
    """
    body = req.model_dump(exclude_unset=True)
    return json.dumps(body, ensure_ascii=False, separators=(",", ":"))


def _custom(req: KieGenerateRequest) -> SongRequest:
    limits = MODEL_LIMITS[req.model]
    _require(req.style, "style", "in custom mode")
    _require(req.title, "title", "in custom mode")
    if not req.instrumental:
        _require(req.prompt, "prompt", "in custom mode unless instrumental is true (it carries the lyrics)")
    _limit(req.prompt, "prompt", limits.prompt, req.model)
    _limit(req.style, "style", limits.style, req.model)
    _limit(req.title, "title", limits.title, req.model)
    # An instrumental has no lyrics: kie's own example sends a description-like prompt with
    # instrumental=true, so there the prompt is kept as the description rather than sung.
    lyrics, description = ("", req.prompt) if req.instrumental else (req.prompt, "")
    return _song(
        req,
        lyrics=lyrics,
        description=description,
        style=req.style,
        title=req.title,
        duration=req.duration if req.model in DURATION_MODELS else None,
    )


def _description(req: KieGenerateRequest) -> SongRequest:
    _require(req.prompt, "prompt", "when customMode is false (it describes the song)")
    if len(req.prompt) > DESCRIPTION_LIMIT:
        raise PayloadTooLarge(
            f"prompt is too long: {len(req.prompt)} characters, the limit when customMode is false "
            f"is {DESCRIPTION_LIMIT}",
            field="prompt",
        )
    # kie: "other parameters should be left empty" in description mode; style and title are ignored.
    return _song(req, lyrics="", description=req.prompt, style="", title="", duration=None)


def _song(
    req: KieGenerateRequest, *, lyrics: str, description: str, style: str, title: str, duration: float | None
) -> SongRequest:
    extra: dict[str, Any] = {}
    if req.personaModel is not None:
        extra["persona_model"] = req.personaModel  # SongRequest has no field for it yet
    return SongRequest(
        kind=OperationKind.GENERATE,
        model=req.model,
        custom_mode=req.customMode,
        instrumental=req.instrumental,
        description=description,
        lyrics=lyrics,
        style=style,
        negative_style=req.negativeTags,
        title=title,
        vocal_gender=req.vocalGender,
        duration=duration,
        style_weight=req.styleWeight,
        weirdness=req.weirdnessConstraint,
        audio_weight=req.audioWeight,
        persona_id=req.personaId,
        extra=extra,
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
