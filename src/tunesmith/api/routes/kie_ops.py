"""kie.ai / sunoapi.org song operations on the caller's own songs: extend, replace section, WAV, vocal
removal (stems), MIDI, music video, cover art, lyrics, timestamped lyrics, personas and style boost.

Extend and replace section make new music clips: their tasks are read through the music record-info
(`GET /api/v1/generate/record-info`, `parentMusicId` = the source clip) and call back like a generation.

Task routes submit a derived operation through TaskService (which checks the source is the caller's and
finished, charges credits, and refunds them when the task fails) and answer kie's `{"code":200, "data":
{"taskId"}}`; each has a record-info route of its own shape (dialects.kie.records) and kie's callback for
that operation. Timestamped lyrics, persona and style boost answer synchronously and store no task.

The kie prefix `/api/v1` is already owned by routes.kie, whose dialect renders unmatched paths there; this
module therefore claims no prefix of its own (`PREFIXES = ()`), and its route class renders every error of
these routes in kie's envelope.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Query, Request
from starlette.concurrency import run_in_threadpool

from tunesmith.api.deps import ApiKeyDep, ServicesDep
from tunesmith.api.errors import JsonResponse, dialect_route
from tunesmith.api.routes.kie import DIALECT, raw_body
from tunesmith.dialects.base import UrlBuilder, unix_millis
from tunesmith.dialects.kie import records, render_submit
from tunesmith.dialects.kie.edits import (
    KieExtendRequest,
    KieReplaceSectionRequest,
    extend_request,
    replace_section_request,
)
from tunesmith.dialects.kie.operations import (
    KieBoostStyleRequest,
    KieCoverRequest,
    KieLyricsRequest,
    KieMidiRequest,
    KieMp4Request,
    KiePersonaRequest,
    KieTimestampedLyricsRequest,
    KieVocalRemovalRequest,
    KieWavRequest,
    check_lengths,
)
from tunesmith.dialects.kie.uploads import (
    KieUploadCoverRequest,
    KieUploadExtendRequest,
    upload_cover_request,
    upload_extend_request,
)
from tunesmith.domain.errors import InvalidRequest
from tunesmith.domain.models import ApiKey, Clip, Task
from tunesmith.domain.operations import OperationKind, SongRequest
from tunesmith.service import song_ops
from tunesmith.service.personas import PersonaDraft
from tunesmith.service.song_ops import SongOps
from tunesmith.services import Services

TAG = "kie.ai / sunoapi.org"
PREFIX = "/api/v1"
PREFIXES: tuple[str, ...] = ()

router = APIRouter(prefix=PREFIX, tags=[TAG], route_class=dialect_route(DIALECT))

TaskIdQuery = Query(min_length=1, max_length=64, description="The taskId the submit route returned.")
RecordRender = Callable[[Task], dict[str, Any]]  # a record-info body from the caller's task


# ── shared steps ──────────────────────────────────────────────────────────────────────────────────────


def _submit(services: Services, key: ApiKey, song: SongRequest, raw: str, callback: str | None) -> Task:
    return services.tasks.submit(key, song, dialect=DIALECT.name, raw_request=raw, callback_url=callback)


def _ops(services: Services) -> SongOps:
    return services.song_ops


async def _submitted(
    make: Callable[[Services, ApiKey, Any, str], Task],
    services: Services,
    key: ApiKey,
    body: Any,
    request: Request,
) -> JsonResponse:
    """Run a task route's `make` off the event loop and answer kie's submit envelope with its taskId."""
    task = await run_in_threadpool(make, services, key, body, await raw_body(request))
    return JsonResponse(render_submit(task.id))


async def _record_info(
    services: Services, key: ApiKey, task_id: str, kind: OperationKind, what: str, render: RecordRender
) -> JsonResponse:
    """A record-info route: the caller's task of `kind`, rendered off the event loop."""

    def read() -> dict[str, Any]:
        return render(_ops(services).record(key, task_id, kind, what))

    return JsonResponse(await run_in_threadpool(read))


def _with_source(
    services: Services, render: Callable[[Task, UrlBuilder, Clip | None], dict[str, Any]]
) -> RecordRender:
    """`render` of a record that also reports its source clip (musicIndex)."""
    return lambda task: render(task, services.urls, _ops(services).source_clip(task))


# ── extend and replace section (music tasks) ────────────────────────────────────────────────────────────


def _extend(services: Services, key: ApiKey, body: KieExtendRequest, raw: str) -> Task:
    source, clip = _ops(services).clip_and_task(key, body.audioId)
    return _submit(services, key, extend_request(body, source, clip), raw, body.callBackUrl)


@router.post(
    "/generate/extend",
    summary="Extend a clip from continueAt (two new clips)",
    description="defaultParamFlag true: prompt/style/title/continueAt of this request (continueAt "
    "> 0 and < the clip's duration); false: the source's title, style and lyrics, from "
    "continueAt or the end. `model` must be the source's. Poll GET "
    "/api/v1/generate/record-info (operationType `extend`, parentMusicId = audioId).",
)
async def generate_extend(
    body: KieExtendRequest, request: Request, key: ApiKeyDep, services: ServicesDep
) -> JsonResponse:
    return await _submitted(_extend, services, key, body, request)


# ── operations on outside audio (uploadUrl) ───────────────────────────────────────────────────────────
def _upload(services: Services, key: ApiKey, body: Any, raw: str) -> Task:
    song = (
        upload_cover_request(body) if isinstance(body, KieUploadCoverRequest) else upload_extend_request(body)
    )
    return _submit(services, key, song, raw, body.callBackUrl)


@router.post(
    "/generate/upload-cover",
    summary="Cover outside audio (by uploadUrl) in a new style",
    description="The worker fetches uploadUrl like upload-extend's; the composer keeps the recording's "
    "tempo, key, chords and sung melody and re-arranges them in `style`, singing `prompt` (two clips). "
    "Refused (422, nothing charged) where the model's engine cannot cover. "
    "Poll /api/v1/generate/record-info.",
)
async def generate_upload_cover(
    body: KieUploadCoverRequest, request: Request, key: ApiKeyDep, services: ServicesDep
) -> JsonResponse:
    return await _submitted(_upload, services, key, body, request)


@router.post(
    "/generate/upload-extend",
    summary="Continue outside audio (by uploadUrl): two clips, the recording then its continuation",
    description="The worker fetches uploadUrl (public addresses only, at most 50 MB and 8 minutes of audio); "
    "the composer finds its tempo, bar grid and key and continues it from continueAt (default: the end) in "
    "`style`, singing `prompt` unless instrumental. A URL that cannot be fetched or decoded fails the task "
    "with errorCode 451 and refunds it. Poll /api/v1/generate/record-info (operationType upload_extend).",
)
async def generate_upload_extend(
    body: KieUploadExtendRequest, request: Request, key: ApiKeyDep, services: ServicesDep
) -> JsonResponse:
    return await _submitted(_upload, services, key, body, request)


def _replace_section(services: Services, key: ApiKey, body: KieReplaceSectionRequest, raw: str) -> Task:
    source, clip = _ops(services).music_clip(key, body.taskId, body.audioId)
    return _submit(services, key, replace_section_request(body, source, clip), raw, body.callBackUrl)


@router.post(
    "/generate/replace-section",
    summary="Sing one section of a clip again (two new clips)",
    description="The span infillStartS..infillEndS (seconds, 2 decimals) lies inside the song, "
    "lasts at least 10 s and at most half the song; audioId must belong to taskId. "
    "Poll GET /api/v1/generate/record-info with the returned taskId.",
)
async def generate_replace_section(
    body: KieReplaceSectionRequest, request: Request, key: ApiKeyDep, services: ServicesDep
) -> JsonResponse:
    return await _submitted(_replace_section, services, key, body, request)


# ── WAV ───────────────────────────────────────────────────────────────────────────────────────────────


def _wav(services: Services, key: ApiKey, body: KieWavRequest, raw: str) -> Task:
    return _submit(services, key, _ops(services).wav(key, body.taskId, body.audioId), raw, body.callBackUrl)


@router.post("/wav/generate", summary="Convert a clip to WAV (once per clip; a second request → 409)")
async def wav_generate(
    body: KieWavRequest, request: Request, key: ApiKeyDep, services: ServicesDep
) -> JsonResponse:
    return await _submitted(_wav, services, key, body, request)


@router.get(
    "/wav/record-info",
    summary="WAV conversion details",
    description="`response.audioWavUrl` once `successFlag` is SUCCESS; `musicId` is the clip.",
)
async def wav_record(key: ApiKeyDep, services: ServicesDep, taskId: str = TaskIdQuery) -> JsonResponse:
    return await _record_info(
        services, key, taskId, OperationKind.WAV, "WAV", _with_source(services, records.render_wav_record)
    )


# ── vocal removal ─────────────────────────────────────────────────────────────────────────────────────


def _stems(services: Services, key: ApiKey, body: KieVocalRemovalRequest, raw: str) -> Task:
    song = _ops(services).stems(key, body.taskId, body.audioId, body.type)
    return _submit(services, key, song, raw, body.callBackUrl)


@router.post(
    "/vocal-removal/generate",
    summary="Separate a clip into stems (each request is a new task)",
    description="`separate_vocal`: vocals + instrumental. `split_stem`: vocals, drums, bass, other.",
)
async def vocal_removal_generate(
    body: KieVocalRemovalRequest, request: Request, key: ApiKeyDep, services: ServicesDep
) -> JsonResponse:
    return await _submitted(_stems, services, key, body, request)


@router.get(
    "/vocal-removal/record-info",
    summary="Stem separation details",
    description="`response.originData[]` lists every stem (its `id` can be given to MIDI "
    "generation); every kie stem URL key is present, null when absent, plus `otherUrl` "
    "for the `other` stem of split_stem.",
)
async def vocal_removal_record(
    key: ApiKeyDep, services: ServicesDep, taskId: str = TaskIdQuery
) -> JsonResponse:
    return await _record_info(
        services,
        key,
        taskId,
        OperationKind.STEMS,
        "Vocal removal",
        _with_source(services, records.render_stems_record),
    )


# ── MIDI ──────────────────────────────────────────────────────────────────────────────────────────────


def _midi(services: Services, key: ApiKey, body: KieMidiRequest, raw: str) -> Task:
    """taskId may name a finished separation (kie's way, audioId one of its originData ids) or the music
    task itself."""
    song = _ops(services).midi(key, body.taskId, body.audioId, _stem_ids)
    return _submit(services, key, song, raw, body.callBackUrl)


def _stem_ids(separation: Task) -> set[str]:
    """The `originData[].id` of every stem a finished separation made."""
    return {records.stem_id(separation.id, part) for part in separation.result.get("files") or {}}


@router.post(
    "/midi/generate",
    summary="MIDI of a song (from a separation taskId or the music taskId)",
    description="taskId: a finished vocal-removal task (audioId: one of its originData ids, "
    "optional) or the music task (audioId: the clip, required). The MIDI holds every "
    "part of the song.",
)
async def midi_generate(
    body: KieMidiRequest, request: Request, key: ApiKeyDep, services: ServicesDep
) -> JsonResponse:
    return await _submitted(_midi, services, key, body, request)


@router.get(
    "/midi/record-info",
    summary="MIDI generation details",
    description="`midiData.instruments[].notes[]` (velocity 0–1 as kie) and `midiUrl`, the .mid "
    "file to download (a Tunesmith extension). successFlag 0 pending, 1 success, "
    "2 create failed, 3 generation failed.",
)
async def midi_record(key: ApiKeyDep, services: ServicesDep, taskId: str = TaskIdQuery) -> JsonResponse:
    return await _record_info(
        services,
        key,
        taskId,
        OperationKind.MIDI,
        "MIDI",
        lambda task: records.render_midi_record(task, services.urls),
    )


# ── music video ───────────────────────────────────────────────────────────────────────────────────────


def _mp4(services: Services, key: ApiKey, body: KieMp4Request, raw: str) -> Task:
    check_lengths(body)
    song = _ops(services).video(
        key, body.taskId, body.audioId, author=body.author, domain_name=body.domainName
    )
    return _submit(services, key, song, raw, body.callBackUrl)


@router.post("/mp4/generate", summary="Make a music video of a clip")
async def mp4_generate(
    body: KieMp4Request, request: Request, key: ApiKeyDep, services: ServicesDep
) -> JsonResponse:
    return await _submitted(_mp4, services, key, body, request)


@router.get(
    "/mp4/record-info",
    summary="Music video details",
    description="`response.videoUrl` once `successFlag` is SUCCESS.",
)
async def mp4_record(key: ApiKeyDep, services: ServicesDep, taskId: str = TaskIdQuery) -> JsonResponse:
    return await _record_info(
        services,
        key,
        taskId,
        OperationKind.VIDEO,
        "Music video",
        _with_source(services, records.render_mp4_record),
    )


# ── cover art ─────────────────────────────────────────────────────────────────────────────────────────


def _cover(services: Services, key: ApiKey, body: KieCoverRequest, raw: str) -> Task | JsonResponse:
    outcome = _ops(services).cover_art(key, body.taskId)
    if isinstance(outcome, Task):
        # kie: a cover is made once per music task; the duplicate answer carries the existing taskId.
        return JsonResponse(
            {
                "code": 400,
                "msg": f"Cover art already generated for task {body.taskId}",
                "data": {"taskId": outcome.id},
            },
            status_code=400,
        )
    return _submit(services, key, outcome, raw, body.callBackUrl)


@router.post(
    "/suno/cover/generate",
    summary="Two cover images for a music task (once per task)",
    description="A second request for the same music task answers code 400 with the existing "
    "taskId in `data`.",
)
async def cover_generate(
    body: KieCoverRequest, request: Request, key: ApiKeyDep, services: ServicesDep
) -> JsonResponse:
    outcome = await run_in_threadpool(_cover, services, key, body, await raw_body(request))
    return outcome if isinstance(outcome, JsonResponse) else JsonResponse(render_submit(outcome.id))


@router.get(
    "/suno/cover/record-info",
    summary="Cover image details",
    description="`response.images[]`; successFlag 0 pending, 1 success, 2 generating, 3 failed.",
)
async def cover_record(key: ApiKeyDep, services: ServicesDep, taskId: str = TaskIdQuery) -> JsonResponse:
    return await _record_info(
        services,
        key,
        taskId,
        OperationKind.COVER_ART,
        "Cover",
        lambda task: records.render_cover_record(task, services.urls),
    )


# ── lyrics ────────────────────────────────────────────────────────────────────────────────────────────


def _lyrics(services: Services, key: ApiKey, body: KieLyricsRequest, raw: str) -> Task:
    check_lengths(body)
    return _submit(services, key, song_ops.lyrics(body.prompt), raw, body.callBackUrl)


@router.post("/lyrics", summary="Write lyrics from a one-line idea (2 variants, each with a title)")
async def lyrics_generate(
    body: KieLyricsRequest, request: Request, key: ApiKeyDep, services: ServicesDep
) -> JsonResponse:
    return await _submitted(_lyrics, services, key, body, request)


@router.get(
    "/lyrics/record-info",
    summary="Lyrics task details",
    description="`response.data[]`: {text, title, status, errorMessage} per variant.",
)
async def lyrics_record(key: ApiKeyDep, services: ServicesDep, taskId: str = TaskIdQuery) -> JsonResponse:
    return await _record_info(
        services, key, taskId, OperationKind.LYRICS, "Lyrics", records.render_lyrics_record
    )


# ── synchronous: timestamped lyrics, persona, style boost ─────────────────────────────────────────────


def _timestamps(services: Services, key: ApiKey, body: KieTimestampedLyricsRequest) -> dict[str, Any]:
    data = _ops(services).word_timestamps(key, body.taskId, body.audioId)
    return {"code": 200, "msg": "success", "data": data}


@router.post(
    "/generate/get-timestamped-lyrics",
    summary="When each word of a clip is sung (synchronous)",
    description="`alignedWords[]` come from the engine's own word timings, in order and inside the "
    "song; an instrumental clip answers 422.",
)
async def timestamped_lyrics(
    body: KieTimestampedLyricsRequest, key: ApiKeyDep, services: ServicesDep
) -> JsonResponse:
    return JsonResponse(await run_in_threadpool(_timestamps, services, key, body))


def _persona(services: Services, key: ApiKey, body: KiePersonaRequest) -> dict[str, Any]:
    check_lengths(body)
    for field in ("name", "description"):
        if not getattr(body, field).strip():
            raise InvalidRequest(f"{field} is required", field=field)
    draft = PersonaDraft(
        task_id=body.taskId,
        audio_id=body.audioId,
        name=body.name,
        description=body.description,
        vocal_start=body.vocalStart,
        vocal_end=body.vocalEnd,
        style=body.style,
    )
    persona = services.personas.create(key, draft)
    return {
        "code": 200,
        "msg": "success",
        "data": {"personaId": persona.id, "name": persona.name, "description": persona.description},
    }


@router.post(
    "/generate/generate-persona",
    summary="Keep a clip's voice and style as a persona (synchronous)",
    description="Window `vocalStart`..`vocalEnd` lasts 10–30 s inside the song; one persona per "
    "clip (409). Give the personaId to POST /api/v1/generate to sing with that voice "
    "and style.",
)
async def generate_persona(body: KiePersonaRequest, key: ApiKeyDep, services: ServicesDep) -> JsonResponse:
    return JsonResponse(await run_in_threadpool(_persona, services, key, body))


def _boost(services: Services, key: ApiKey, body: KieBoostStyleRequest, raw: str) -> dict[str, Any]:
    check_lengths(body)
    result = _ops(services).boost(key, body.content)
    # Free and synchronous: nothing is queued or stored, so taskId only identifies this answer.
    return {
        "code": 200,
        "msg": "success",
        "data": {
            "taskId": uuid.uuid4().hex,
            "param": raw,
            "result": result,
            "creditsConsumed": 0,
            "creditsRemaining": services.keys.balance(key),
            "successFlag": "1",
            "errorCode": None,
            "errorMessage": None,
            "createTime": unix_millis(datetime.now(UTC)),
        },
    }


@router.post(
    "/style/generate",
    summary="Boost a music style (synchronous, free)",
    description="`data.result` is the detailed style; the same content always gives the same "
    'result. `successFlag` "1" = success.',
)
async def style_generate(
    body: KieBoostStyleRequest, request: Request, key: ApiKeyDep, services: ServicesDep
) -> JsonResponse:
    raw = await raw_body(request)
    return JsonResponse(await run_in_threadpool(_boost, services, key, body, raw))
