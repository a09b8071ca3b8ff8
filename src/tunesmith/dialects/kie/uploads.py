"""kie's operations on outside audio: `POST /api/v1/generate/upload-cover`, `.../upload-extend` and
`.../mashup`.

The client names audio by URL (`uploadUrl`). The bodies are parsed and checked exactly like kie's, then
submitted as UPLOAD_COVER / UPLOAD_EXTEND operations; whether they run is the engine's call. The worker
fetches the URL (tunesmith.media.fetch) before the engine starts. The composer continues a recording
(UPLOAD_EXTEND) in its tempo and key and re-sings its melody in a new style (UPLOAD_COVER); a model whose
engine can do neither is refused before anything is fetched, charged or queued (kie 422, naming the engine).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any, Literal

from pydantic import Field, field_validator

from tunesmith.dialects.kie.requests import KieGenerateRequest, KieModel, to_song_request
from tunesmith.dialects.validation import RequestBody
from tunesmith.domain.errors import InvalidRequest
from tunesmith.domain.operations import OperationKind, SongRequest
from tunesmith.net.urlguard import CallbackUrlRefused, parse_url


def _checked_url(value: Any) -> Any:
    """The URL's shape, checked by the same rules as callback URLs (http(s), a host, no credentials, at most
    2048 characters); what it points at is checked at submit and again when it is fetched."""
    if isinstance(value, str):
        try:
            parse_url(value, field="uploadUrl")
        except CallbackUrlRefused as exc:
            raise ValueError(exc.message) from None
        return value.strip()
    return value


class KieUploadCoverRequest(KieGenerateRequest):
    """`upload-cover`: the generate body plus the audio to cover (kie: at most 8 minutes)."""

    uploadUrl: str = Field(description="The audio to cover, by URL (at most 8 minutes).")

    @field_validator("uploadUrl", mode="before")
    @classmethod
    def _url(cls, value: Any) -> Any:
        return _checked_url(value)


class KieUploadExtendRequest(RequestBody):
    """`upload-extend`: the audio to continue, by URL, and what the continuation should be."""

    uploadUrl: str = Field(description="The audio to continue, by URL (at most 2 minutes).")
    defaultParamFlag: bool = Field(description="true: use prompt/style/title/continueAt; false: inherit.")
    model: KieModel = Field(description="Model version.")
    callBackUrl: str | None = Field(None, description="Where to POST the stages.")
    instrumental: bool = Field(False, description="true: no vocals.")
    prompt: str = Field("", description="Lyrics of the continuation.")
    style: str = Field("", description="Style of the continuation.")
    title: str = Field("", description="Title.")
    continueAt: float | None = Field(None, gt=0, description="Where the continuation starts, seconds.")
    personaId: str | None = Field(None, description="A persona from generate-persona.")
    negativeTags: str = Field("", description="Styles to avoid.")
    vocalGender: Literal["m", "f"] | None = Field(None, description="Preferred voice.")

    @field_validator("uploadUrl", mode="before")
    @classmethod
    def _url(cls, value: Any) -> Any:
        return _checked_url(value)


class KieMashupRequest(KieGenerateRequest):
    """`mashup`: the generate body plus exactly two recordings to combine, by URL."""

    uploadUrlList: list[str] = Field(description="The two recordings to combine (exactly two URLs).")

    @field_validator("uploadUrlList", mode="before")
    @classmethod
    def _urls(cls, value: Any) -> Any:
        return [_checked_url(v) for v in value] if isinstance(value, list) else value


def mashup_request(req: KieMashupRequest) -> SongRequest:
    """The melody (and words, when none are given) of the first recording over the harmony and groove of the
    second, in `style` (docs/engines/outside-audio.md); kie takes exactly two recordings."""
    if len(req.uploadUrlList) != 2:
        raise InvalidRequest(
            f"uploadUrlList must hold exactly 2 URLs, got {len(req.uploadUrlList)}", field="uploadUrlList"
        )
    song = to_song_request(req)
    return replace(
        song, kind=OperationKind.MASHUP, extra={**song.extra, "upload_urls": list(req.uploadUrlList)}
    )


def upload_cover_request(req: KieUploadCoverRequest) -> SongRequest:
    song = to_song_request(req)
    return replace(song, kind=OperationKind.UPLOAD_COVER, extra={**song.extra, "upload_url": req.uploadUrl})


def upload_extend_request(req: KieUploadExtendRequest) -> SongRequest:
    """defaultParamFlag true: the continuation uses this request's prompt, style, title and continueAt; false:
    it inherits what it can from the recording, which is nothing written down, so it continues from the end as
    an instrumental in the recording's tempo and key (kie's "use the original parameters")."""
    custom = req.defaultParamFlag
    return SongRequest(
        kind=OperationKind.UPLOAD_EXTEND,
        model=req.model,
        custom_mode=custom,
        instrumental=req.instrumental or not custom,
        lyrics=req.prompt if custom and not req.instrumental else "",
        style=req.style if custom else "",
        negative_style=req.negativeTags,
        title=req.title,
        vocal_gender=req.vocalGender or None,
        persona_id=req.personaId or None,
        continue_at=req.continueAt if custom else None,
        extra={"upload_url": req.uploadUrl, "default_params": custom},
    )
