"""kie's `POST /api/v1/generate/add-instrumental` and `.../add-vocals`: a new part for an uploaded recording.

Field names as kie's docs give them (/work/shared/reference/suno-api-dialects.md 3.1): add-instrumental takes
`uploadUrl`, `title`, `tags` (the backing's style, at most 1000 characters), `negativeTags` (at most 200),
`model` (V4_5PLUS by default), `vocalGender` and the weights; add-vocals takes `uploadUrl`, `prompt` (the
words to sing), `title`, `style` (at most 1000), `negativeTags`, `model` and the same. Both are submitted as
ADD_INSTRUMENTAL / ADD_VOCALS with the URL in `extra["upload_url"]`; the worker fetches it like any upload.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, field_validator

from tunesmith.dialects.kie.requests import KieModel
from tunesmith.dialects.kie.uploads import _checked_url
from tunesmith.dialects.validation import RequestBody
from tunesmith.domain.errors import InvalidRequest, PayloadTooLarge
from tunesmith.domain.operations import OperationKind, SongRequest

TAGS_LIMIT, NEGATIVE_LIMIT, TITLE_LIMIT, PROMPT_LIMIT = 1000, 200, 100, 5000


class _PartRequest(RequestBody):
    uploadUrl: str = Field(description="The recording to add a part to, by URL.")
    title: str = Field("", description="Title of the result.")
    negativeTags: str = Field("", description="Styles to avoid (at most 200 characters).")
    callBackUrl: str | None = Field(None, description="Where to POST the stages.")
    model: KieModel = Field("V4_5PLUS", description="Model version (V4_5PLUS, V5, V5_5).")
    vocalGender: Literal["m", "f"] | None = Field(None, description="Preferred voice.")
    styleWeight: float | None = Field(None, ge=0, le=1)
    weirdnessConstraint: float | None = Field(None, ge=0, le=1)
    audioWeight: float | None = Field(None, ge=0, le=1)

    @field_validator("uploadUrl", mode="before")
    @classmethod
    def _url(cls, value: Any) -> Any:
        return _checked_url(value)

    @field_validator("title", "negativeTags", mode="before")
    @classmethod
    def _null_text(cls, value: Any) -> Any:
        return "" if value is None else value

    @field_validator("callBackUrl", "vocalGender", mode="before")
    @classmethod
    def _empty_is_absent(cls, value: Any) -> Any:
        return None if isinstance(value, str) and not value.strip() else value


class KieAddInstrumentalRequest(_PartRequest):
    """`add-instrumental`: a backing in `tags` for an uploaded vocal (a cappella)."""

    tags: str = Field(description="Style of the new backing (at most 1000 characters).")


class KieAddVocalsRequest(_PartRequest):
    """`add-vocals`: a vocal singing `prompt` in `style` over an uploaded instrumental."""

    prompt: str = Field(description="The words to sing.")
    style: str = Field("", description="Style and voice of the new vocal (at most 1000 characters).")


def _limits(**fields: tuple[str, int]) -> None:
    for name, (value, limit) in fields.items():
        if len(value) > limit:
            raise PayloadTooLarge(
                f"{name} is too long: {len(value)} characters, the limit is {limit}", field=name
            )


def _song(req: _PartRequest, kind: OperationKind, **kw: Any) -> SongRequest:
    return SongRequest(
        kind=kind,
        model=req.model,
        custom_mode=True,
        negative_style=req.negativeTags,
        title=req.title,
        vocal_gender=req.vocalGender,
        style_weight=req.styleWeight,
        weirdness=req.weirdnessConstraint,
        audio_weight=req.audioWeight,
        extra={"upload_url": req.uploadUrl},
        **kw,
    )


def add_instrumental_request(req: KieAddInstrumentalRequest) -> SongRequest:
    if not req.tags.strip():
        raise InvalidRequest("tags is required (the style of the new backing)", field="tags")
    _limits(
        tags=(req.tags, TAGS_LIMIT),
        negativeTags=(req.negativeTags, NEGATIVE_LIMIT),
        title=(req.title, TITLE_LIMIT),
    )
    return _song(req, OperationKind.ADD_INSTRUMENTAL, instrumental=True, style=req.tags)


def add_vocals_request(req: KieAddVocalsRequest) -> SongRequest:
    if not req.prompt.strip():
        raise InvalidRequest("prompt is required (the words to sing)", field="prompt")
    _limits(
        prompt=(req.prompt, PROMPT_LIMIT),
        style=(req.style, TAGS_LIMIT),
        negativeTags=(req.negativeTags, NEGATIVE_LIMIT),
        title=(req.title, TITLE_LIMIT),
    )
    return _song(req, OperationKind.ADD_VOCALS, lyrics=req.prompt, style=req.style)
