"""Edits of existing songs: kie's extend and replace-section bodies, and the time rules every dialect shares.

kie's extend (`POST /api/v1/generate/extend`) and replace section (`POST /api/v1/generate/replace-section`)
make new music clips, so their results are read through the music record-info, like a generation.

The time checks (`check_continue_at`, `check_infill`, `check_crop`) live here once and are used by every
dialect that names these operations (new-api, gcui, zeakAi too): whether 31.5 s is inside a 30 s song does not
depend on who asks, only the field names in the message do. They need the source clip's duration, so the
routes call them after loading the caller's clip, before anything is charged or queued.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic_core import PydanticCustomError

from tunesmith.dialects.kie.requests import MODEL_LIMITS, KieModel
from tunesmith.domain.errors import InvalidRequest, PayloadTooLarge
from tunesmith.domain.models import Clip, Task
from tunesmith.domain.operations import OperationKind, SongRequest
from tunesmith.domain.states import ClipState

if TYPE_CHECKING:  # the store is only read through the object a route passes in
    from tunesmith.store.base import Store

# kie §3.2: titles may be 100 characters on extend (and upload-cover) for V4_5 and newer, 80 before.
EXTEND_TITLE_LIMITS: dict[str, int] = {"V3_5": 80, "V4": 80}
EXTEND_TITLE_LIMIT = 100
# kie's replace-section rules: the span lasts at least 10 s and at most half the song.
MIN_INFILL_SECONDS = 10.0
MAX_INFILL_FRACTION = 0.5
# A crop shorter than this is not a song any dialect could play back usefully.
MIN_CROP_SECONDS = 1.0

_TASK_ID = "5c79e0b6c5d84f0b9a0f8f0e2d7cbe8e"
_AUDIO_ID = "e2316b0e-4d8a-4c43-9c2b-6f0c8cadc7dc"
_CALLBACK = "https://client.example.com/kie-callback"


class _Body(BaseModel):
    model_config = ConfigDict(extra="ignore")

    @field_validator("prompt", "style", "title", "negativeTags", "tags", "fullLyrics", mode="before",
                     check_fields=False)
    @classmethod
    def _null_text(cls, value: Any) -> Any:
        return "" if value is None else value

    @field_validator("callBackUrl", "vocalGender", "personaId", "personaModel", mode="before",
                     check_fields=False)
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

    model_config = ConfigDict(extra="ignore", json_schema_extra={"examples": [{
        "defaultParamFlag": True, "audioId": _AUDIO_ID, "continueAt": 60, "model": "V4_5",
        "prompt": "[Verse 3]\nThe city sleeps but we are wide awake", "style": "Lo-fi pop, mellow",
        "title": "Walking Home (Extended)", "callBackUrl": _CALLBACK}]})

    defaultParamFlag: bool = Field(description="true: use prompt/style/title/continueAt; false: inherit the "
                                               "source's parameters.")
    audioId: str = Field(min_length=1, max_length=64, description="The clip to extend (`sunoData[].id`).")
    model: KieModel = Field(description="Model version; must be the source clip's.")
    continueAt: float | None = Field(None, description="Seconds into the clip where the continuation starts: "
                                                        "> 0 and < the clip's duration.")
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

    model_config = ConfigDict(extra="ignore", json_schema_extra={"examples": [{
        "taskId": _TASK_ID, "audioId": _AUDIO_ID, "prompt": "[Chorus]\nNew words for the chorus",
        "tags": "Lo-fi pop, mellow", "title": "Walking Home", "infillStartS": 20.5, "infillEndS": 35.0,
        "fullLyrics": "[Verse]\nStreetlights hum\n[Chorus]\nNew words for the chorus",
        "negativeTags": "metal", "callBackUrl": _CALLBACK}]})

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
        if abs(value * 100 - round(value * 100)) > 1e-6:
            raise PydanticCustomError("decimal_places", "Input should have at most 2 decimal places")
        return value


# ── the shared time rules ─────────────────────────────────────────────────────────────────────────────


def finished(clip: Clip, field: str) -> float:
    """The clip's duration; a clip still rendering (or failed) cannot be edited yet."""
    if clip.state is not ClipState.COMPLETE or not clip.duration:
        raise InvalidRequest(f"The audio {clip.id} is not finished yet", field=field)
    return float(clip.duration)


def check_continue_at(clip: Clip, at: float | None, *, field: str, clip_field: str) -> None:
    """`at` must lie strictly inside the song (None means "from the end")."""
    duration = finished(clip, clip_field)
    if at is None:
        return
    if not 0 < at < duration:
        raise InvalidRequest(f"{field} must be greater than 0 and less than the clip's duration "
                             f"({duration:.2f} s); got {at:g}", field=field)


def check_infill(clip: Clip, start: float, end: float, *, fields: tuple[str, str], clip_field: str) -> None:
    """A replaced span: inside the song, at least 10 s, at most half the song."""
    duration = finished(clip, clip_field)
    _inside(duration, start, end, fields)
    length = end - start
    if length < MIN_INFILL_SECONDS - 1e-9:
        raise InvalidRequest(f"The section {fields[0]}..{fields[1]} must last at least "
                             f"{MIN_INFILL_SECONDS:g} s; got {length:.2f} s", field=fields[1])
    if length > duration * MAX_INFILL_FRACTION + 1e-9:
        most = duration * MAX_INFILL_FRACTION
        raise InvalidRequest(f"The section {fields[0]}..{fields[1]} may last at most half the song "
                             f"({most:.2f} s of {duration:.2f} s); got {length:.2f} s", field=fields[1])


def check_crop(clip: Clip, start: float, end: float, *, fields: tuple[str, str], clip_field: str) -> None:
    """A kept span: inside the song and at least MIN_CROP_SECONDS long."""
    duration = finished(clip, clip_field)
    _inside(duration, start, end, fields)
    if end - start < MIN_CROP_SECONDS:
        raise InvalidRequest(f"The kept span {fields[0]}..{fields[1]} must last at least "
                             f"{MIN_CROP_SECONDS:g} s; got {end - start:.2f} s", field=fields[1])


def _inside(duration: float, start: float, end: float, fields: tuple[str, str]) -> None:
    if start < 0:
        raise InvalidRequest(f"{fields[0]} must be 0 or more; got {start:g}", field=fields[0])
    if end <= start:
        raise InvalidRequest(f"{fields[1]} ({end:g}) must be greater than {fields[0]} ({start:g})",
                             field=fields[1])
    if end > duration + 1e-9:
        raise InvalidRequest(f"{fields[1]} ({end:g}) is past the end of the clip ({duration:.2f} s)",
                             field=fields[1])


# ── kie bodies → SongRequest ──────────────────────────────────────────────────────────────────────────


def extend_request(req: KieExtendRequest, source: Task, clip: Clip) -> SongRequest:
    """Apply kie's extend rules against the caller's source clip and translate."""
    if req.model != source.request.model:
        raise InvalidRequest(f"model must be the source audio's model ({source.request.model}); "
                             f"got {req.model}", field="model")
    if req.defaultParamFlag:
        if req.continueAt is None:
            raise InvalidRequest("continueAt is required when defaultParamFlag is true", field="continueAt")
        check_continue_at(clip, req.continueAt, field="continueAt", clip_field="audioId")
        for name in ("style", "title"):
            if not getattr(req, name).strip():
                raise InvalidRequest(f"{name} is required when defaultParamFlag is true", field=name)
        if not req.instrumental and not req.prompt.strip():
            raise InvalidRequest("prompt is required when defaultParamFlag is true unless instrumental is "
                                 "true (it carries the lyrics)", field="prompt")
        limits = MODEL_LIMITS[req.model]
        title_limit = EXTEND_TITLE_LIMITS.get(req.model, EXTEND_TITLE_LIMIT)
        for name, limit in (("prompt", limits.prompt), ("style", limits.style), ("title", title_limit)):
            value = getattr(req, name)
            if len(value) > limit:
                raise PayloadTooLarge(f"{name} is too long: {len(value)} characters, the limit for model "
                                      f"{req.model} is {limit}", field=name)
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
    return SongRequest(kind=OperationKind.EXTEND, model=req.model, custom_mode=req.defaultParamFlag,
                       instrumental=instrumental, lyrics=lyrics, style=style, title=title,
                       negative_style=req.negativeTags, vocal_gender=req.vocalGender,
                       style_weight=req.styleWeight, weirdness=req.weirdnessConstraint,
                       audio_weight=req.audioWeight, persona_id=req.personaId, source_clip_id=clip.id,
                       source_task_id=source.id, continue_at=req.continueAt, extra=extra)


def replace_section_request(req: KieReplaceSectionRequest, source: Task, clip: Clip) -> SongRequest:
    """Apply kie's replace-section rules against the caller's clip (of `source`) and translate."""
    check_infill(clip, req.infillStartS, req.infillEndS, fields=("infillStartS", "infillEndS"),
                 clip_field="audioId")
    for name in ("prompt", "tags", "title", "fullLyrics"):
        if not getattr(req, name).strip():
            raise InvalidRequest(f"{name} is required", field=name)
    limits = MODEL_LIMITS.get(source.request.model, MODEL_LIMITS["V4_5"])
    for name, limit in (("prompt", limits.prompt), ("fullLyrics", limits.prompt), ("tags", limits.style),
                        ("title", EXTEND_TITLE_LIMITS.get(source.request.model, EXTEND_TITLE_LIMIT))):
        value = getattr(req, name)
        if len(value) > limit:
            raise PayloadTooLarge(f"{name} is too long: {len(value)} characters, the limit for model "
                                  f"{source.request.model} is {limit}", field=name)
    return SongRequest(kind=OperationKind.REPLACE_SECTION, model=source.request.model, custom_mode=True,
                       lyrics=req.prompt, style=req.tags, title=req.title, negative_style=req.negativeTags,
                       source_clip_id=clip.id, source_task_id=source.id,
                       span=(req.infillStartS, req.infillEndS), extra={"full_lyrics": req.fullLyrics})


# ── concatenation: the chain a joined song is made of ─────────────────────────────────────────────────


def concat_history(store: Store, clip_id: str) -> list[dict[str, Any]]:
    """Suno's `metadata.concat_history` of a join ending at `clip_id`: each clip of the extension chain,
    first part first, with the `continue_at` at which it continues the part before it (null for the first).
    The routes store it in the CONCAT request's `extra`, so every dialect renders it without walking the
    chain again (the worker walks it itself for the engine, `runtime.worker._chain`)."""
    links: list[dict[str, Any]] = []
    current: str | None = clip_id
    while current and len(links) < 100:
        clip = store.get_clip(current)
        made_by = store.get_task(clip.task_id) if clip is not None else None
        if clip is None or made_by is None:
            break
        continues = made_by.operation is OperationKind.EXTEND and made_by.parent_clip_id
        links.append({"id": clip.id, "continue_at": made_by.request.continue_at if continues else None,
                      "type": "gen", "source": "web"})
        current = made_by.parent_clip_id if continues else None
    return links[::-1]


def concat_request(store: Store, source: Task, clip: Clip, *, clip_field: str,
                   **extra: Any) -> SongRequest:
    """The CONCAT of the chain ending at the caller's finished `clip` (of `source`): it makes no music of its
    own, so it keeps the source's model, title and style."""
    finished(clip, clip_field)
    return SongRequest(kind=OperationKind.CONCAT, model=source.request.model, custom_mode=True,
                       instrumental=source.request.instrumental, title=clip.title, style=clip.tags,
                       source_clip_id=clip.id, source_task_id=source.id,
                       extra={**extra, "concat_history": concat_history(store, clip.id)})
