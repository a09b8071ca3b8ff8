"""gcui-art "suno-api" routes: a client of a gcui deployment works here by changing its base URL (and sending
`Authorization: Bearer <key>` instead of a Suno cookie).

Clients address clips, not tasks: `/api/get?ids=` takes clip ids, whichever dialect created their task.
Another key's clips are reported exactly like unknown ones.

Stems (`/api/generate_stems`) are the files of one split_stem task, one per part; each stem id is
`<task id>_<part>` and `/api/get?ids=<stem id>` answers it as an AudioInfo (type "stem") whose `audio_url`
is the part's WAV once `complete` (the submit answer carries the same `audio_url`, "" until then).

Personas are made through kie (`POST /api/v1/generate/generate-persona`) and sung with through `personaId`;
`/api/persona?id=` shows one of the caller's personas with the clips of the songs sung with it, 20 per page.

`wait_audio: true` waits until every clip of the new task is `complete` (or the task failed), polling the
store, for at most WAIT_AUDIO_MAX_SECONDS (gcui's 100 s); on timeout it answers the current snapshot, whose
`streaming` clips already have a playable `audio_url`. The optional query parameter `?wait_timeout=<s>`
(0 < s <= 100) shortens the bound per request. (gcui stops waiting as soon as clips are `streaming`; we wait
for `complete` because our clips finish soon after they start streaming and a final MP3 with its duration is
what a synchronous caller wants.)
"""

from __future__ import annotations

import asyncio
import json
import re
import time
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from starlette.concurrency import run_in_threadpool

from tunesmith.api.deps import ApiKeyDep, ServicesDep
from tunesmith.api.errors import JsonResponse, dialect_route
from tunesmith.dialects import gcui
from tunesmith.domain.errors import InvalidRequest, NotFound, Unsupported
from tunesmith.domain.ids import could_be_id
from tunesmith.domain.models import ApiKey, Clip, Task
from tunesmith.domain.operations import OperationKind, SongRequest
from tunesmith.domain.states import ClipState
from tunesmith.media.store import MediaMissing
from tunesmith.service.chains import concat_request
from tunesmith.services import Services

DIALECT = gcui.GcuiDialect()
PREFIX = "/api"
# The app sorts prefixes longest first, so kie keeps /api/v1 and everything else under /api/ is ours.
PREFIXES = ("/api/",)

WAIT_AUDIO_MAX_SECONDS = 100.0  # gcui's bound on wait_audio
WAIT_POLL_SECONDS = 0.5
MAX_IDS = 100  # ids per /api/get request
LIBRARY_PAGE_SIZE = 20  # /api/get without ids, as Suno's feed pages
_PAGE = re.compile(r"[0-9]{1,9}")  # /api/persona's page: a billion pages of 20 is more than anyone has

router = APIRouter(prefix=PREFIX, tags=["gcui suno-api"], route_class=dialect_route(DIALECT))

WaitTimeout = Annotated[
    float,
    Query(
        gt=0,
        le=WAIT_AUDIO_MAX_SECONDS,
        description="With wait_audio: the longest wait in seconds (default and maximum 100, as gcui).",
    ),
]


# ── submit ────────────────────────────────────────────────────────────────────────────────────────────
@router.post("/generate", summary="Generate 2 clips from a description (Suno writes the lyrics)")
async def generate(
    body: gcui.GenerateRequest,
    request: Request,
    key: ApiKeyDep,
    services: ServicesDep,
    wait_timeout: WaitTimeout = WAIT_AUDIO_MAX_SECONDS,
) -> JsonResponse:
    task = await _submit(services, key, gcui.to_generate(body), request)
    return JsonResponse(await _answer(services, key, task, body.wait_audio, wait_timeout))


@router.post("/custom_generate", summary="Generate 2 clips from lyrics, style tags and a title")
async def custom_generate(
    body: gcui.CustomGenerateRequest,
    request: Request,
    key: ApiKeyDep,
    services: ServicesDep,
    wait_timeout: WaitTimeout = WAIT_AUDIO_MAX_SECONDS,
) -> JsonResponse:
    task = await _submit(services, key, gcui.to_custom_generate(body), request)
    return JsonResponse(await _answer(services, key, task, body.wait_audio, wait_timeout))


@router.post(
    "/extend_audio",
    summary="Continue a clip from continue_at (2 new clips)",
    description="continue_at: seconds or mm:ss, > 0 and < the clip's duration (default: the end). "
    "Without model the clip's own model is used; empty tags/title are the clip's.",
)
async def extend_audio(
    body: gcui.ExtendAudioRequest,
    request: Request,
    key: ApiKeyDep,
    services: ServicesDep,
    wait_timeout: WaitTimeout = WAIT_AUDIO_MAX_SECONDS,
) -> JsonResponse:
    audio_id = gcui.to_extend(body).source_clip_id or ""
    source, found = await run_in_threadpool(_owned_clip, services, key, audio_id, "audio_id")
    task = await _submit(services, key, gcui.to_extend_of(body, source, found), request)
    clips = await _answer(services, key, task, body.wait_audio, wait_timeout)
    # gcui answers 400 (with the clips) when every clip failed, e.g. moderation.
    failed = bool(clips) and all(c["status"] == "error" for c in clips)
    return JsonResponse(clips, status_code=400 if failed else 200)


@router.post(
    "/concat",
    summary="Join an extension chain into one song (one clip, type concat)",
    description="clip_id: the last clip of the chain. The answer is the single new clip; poll it "
    "with /api/get. /api/clip shows its metadata.concat_history.",
)
async def concat(
    body: gcui.ConcatRequest, request: Request, key: ApiKeyDep, services: ServicesDep
) -> JsonResponse:
    clip_id = gcui.require_id(body.clip_id, "clip_id", "Clip id is required")
    source, found = await run_in_threadpool(_owned_clip, services, key, clip_id, "clip_id")
    song = await run_in_threadpool(concat_request, services.store, source, found, clip_field="clip_id")
    task = await _submit(services, key, song, request)
    first = gcui.task_clips(task)[0]
    return JsonResponse(gcui.audio_info(*first, services.urls, variant="submit"))  # one object, as gcui


@router.post("/generate_lyrics", summary="Write lyrics from an idea (answers once written)")
async def generate_lyrics(
    body: gcui.GenerateLyricsRequest, request: Request, key: ApiKeyDep, services: ServicesDep
) -> JsonResponse:
    task = await _submit(services, key, gcui.to_lyrics(body), request)
    task = await _wait(services, key, task, WAIT_AUDIO_MAX_SECONDS)
    return JsonResponse(gcui.render_lyrics(task))


@router.post(
    "/generate_stems",
    summary="Separate a clip into stems (one entry per part)",
    description="Answers [{id, status, created_at, title, stem_from_id, duration, audio_url}], one "
    "per part (vocals unless instrumental, drums, bass, other). Stem id = "
    "<task id>_<part>; poll /api/get?ids=<stem id> until status is complete, then "
    "download audio_url (WAV).",
)
async def generate_stems(
    body: gcui.AudioIdRequest, request: Request, key: ApiKeyDep, services: ServicesDep
) -> JsonResponse:
    audio_id = gcui.require_id(body.audio_id, "audio_id", "Audio ID is required")
    source, found = await run_in_threadpool(_owned_clip, services, key, audio_id, "audio_id")
    task = await _submit(services, key, gcui.to_stems(source, found), request)
    return JsonResponse(gcui.render_stems(task, found, services.urls))


# ── read ──────────────────────────────────────────────────────────────────────────────────────────────
@router.get("/get", summary="Clips (and stems) by id, whichever API created them; no ids: the library")
def get(
    key: ApiKeyDep,
    services: ServicesDep,
    ids: Annotated[
        str | None, Query(description="Clip ids, comma-separated; without ids, a page of the library.")
    ] = None,
    page: Annotated[
        str | None,
        Query(description=f"Without ids: the library page, from 0 ({LIBRARY_PAGE_SIZE} clips each)."),
    ] = None,
) -> JsonResponse:
    if ids is None:  # Suno's feed: the caller's clips, newest first
        offset = _page_number(page, first=0) * LIBRARY_PAGE_SIZE
        pairs = services.store.library(key.id, limit=LIBRARY_PAGE_SIZE, offset=offset)
        return JsonResponse(
            [gcui.audio_info(task, clip, services.urls, variant="get") for task, clip in pairs]
        )
    wanted = [part.strip() for part in ids.split(",") if part.strip()]
    if not wanted:
        raise InvalidRequest(
            "Missing clip ids: pass ?ids=<clip id>[,<clip id>...], or no ids at all for the library",
            field="ids",
        )
    if len(wanted) > MAX_IDS:
        raise InvalidRequest(f"Too many ids: at most {MAX_IDS} per request", field="ids")
    clips = {
        clip.id: gcui.audio_info(task, clip, services.urls, variant="get")
        for task, clip in _owned_clips(services, key, [i for i in wanted if not gcui.parse_stem_id(i)])
    }
    stems = _owned_stems(services, key, [i for i in wanted if gcui.parse_stem_id(i)])
    found = [clips.get(i) or stems.get(i) for i in dict.fromkeys(wanted)]
    if not any(found):
        raise NotFound(f"No clips found for ids: {', '.join(wanted)[:200]}", field="ids")
    return JsonResponse([info for info in found if info])


@router.get("/clip", summary="One clip in Suno's own clip shape")
def clip(
    key: ApiKeyDep, services: ServicesDep, id: Annotated[str | None, Query(description="Clip id.")] = None
) -> JsonResponse:  # noqa: A002
    clip_id = gcui.require_id(id, "id", "Missing parameter id")
    task, found = _owned_clip(services, key, clip_id, "id")
    return JsonResponse(gcui.raw_clip(task, found, services.urls))


@router.get("/get_limit", summary="Credits left, and this month's usage")
def get_limit(key: ApiKeyDep, services: ServicesDep) -> JsonResponse:
    if key.unlimited:
        return JsonResponse(gcui.render_limit(gcui.UNLIMITED_CREDITS, 0))
    usage = gcui.monthly_usage(services.store.ledger(key.id), datetime.now(UTC))
    return JsonResponse(gcui.render_limit(services.keys.balance(key), usage))


@router.get("/get_aligned_lyrics", summary="Each sung word with its start and end in seconds")
def get_aligned_lyrics(
    key: ApiKeyDep,
    services: ServicesDep,
    song_id: Annotated[str | None, Query(description="Clip id.")] = None,
) -> JsonResponse:
    clip_id = gcui.require_id(song_id, "song_id", "Song ID is required")
    _, found = _owned_clip(services, key, clip_id, "song_id")
    services.tasks.check_live(found)
    if found.state is not ClipState.COMPLETE:
        raise InvalidRequest(
            f"Clip {clip_id} is not complete yet; its aligned lyrics come when it is", field="song_id"
        )
    timings = found.artifacts.get("timings")
    if not timings:
        raise Unsupported(
            f"Clip {clip_id} has no word timings: the engine that rendered it does not record them",
            field="song_id",
        )
    return JsonResponse(gcui.render_aligned_lyrics(_read_json_list(services, timings, clip_id)))


@router.get(
    "/persona",
    summary="A persona and the clips sung with it (20 per page)",
    description="id: a persona made with kie's POST /api/v1/generate/generate-persona. Answers Suno's "
    "{persona, total_results, current_page, is_following}; persona.clip is the clip it was made from, "
    "persona.persona_clips the clips of songs generated with its personaId, newest first.",
)
def persona(
    key: ApiKeyDep,
    services: ServicesDep,
    id: Annotated[str | None, Query(description="Persona id.")] = None,  # noqa: A002
    page: Annotated[str | None, Query(description="Page of persona_clips, from 1 (default 1).")] = None,
) -> JsonResponse:
    persona_id = gcui.require_id(id, "id", "Missing parameter id")
    number = _page_number(page)
    found = services.store.get_persona(persona_id) if could_be_id(persona_id) else None
    if found is None or found.key_id != key.id:  # another key's persona is reported as unknown
        raise NotFound(f"Persona not found: {persona_id[:80]}", field="id")
    source = _owned_clips(services, key, [found.source_clip_id])
    pairs = [
        pair for task in services.store.tasks_with_persona(key.id, found.id) for pair in gcui.task_clips(task)
    ]
    return JsonResponse(
        gcui.render_persona(found, key, source[0] if source else None, pairs, number, services.urls)
    )


# ── helpers ───────────────────────────────────────────────────────────────────────────────────────────
def _page_number(value: str | None, *, first: int = 1) -> int:
    """`page` as gcui reads it (absent or empty: the first page; Suno numbers persona pages from 1 and feed
    pages from 0), but a page that is not a whole number from `first` is the client's error (gcui would hand
    Suno whatever parseInt made of it)."""
    text = (value or "").strip()
    if not text:
        return first
    if not _PAGE.fullmatch(text) or int(text) < first:
        raise InvalidRequest(
            f"page must be a whole number from {first} to 999999999 (got {text[:40]!r})", field="page"
        )
    return int(text)


async def _submit(services: Services, key: ApiKey, song: SongRequest, request: Request) -> Task:
    raw = (await request.body()).decode("utf-8", errors="replace")
    return await run_in_threadpool(services.tasks.submit, key, song, dialect=DIALECT.name, raw_request=raw)


async def _answer(services: Services, key: ApiKey, task: Task, wait: bool, timeout: float) -> list[dict]:
    """The submit answer: the new clips at once, or (wait_audio) the get view after a bounded wait."""
    if not wait:
        return gcui.render_clips(gcui.task_clips(task), services.urls, variant="submit")
    task = await _wait(services, key, task, timeout)
    return gcui.render_clips(gcui.task_clips(task), services.urls, variant="get")


def _done(task: Task) -> bool:
    """Finished, or (for music) every clip finished; a task without clips (lyrics) waits to be terminal."""
    if task.is_terminal:
        return True
    return bool(task.clips) and all(c.state in (ClipState.COMPLETE, ClipState.ERROR) for c in task.clips)


async def _wait(services: Services, key: ApiKey, task: Task, timeout: float) -> Task:
    """Poll until the task is done or `timeout` seconds have passed; the latest snapshot either way."""
    deadline = time.monotonic() + min(timeout, WAIT_AUDIO_MAX_SECONDS)
    while not _done(task):
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            break
        await asyncio.sleep(min(WAIT_POLL_SECONDS, remaining))
        task = await run_in_threadpool(services.tasks.get, key, task.id)
    return task


def _owned_clips(services: Services, key: ApiKey, ids: list[str]) -> list[tuple[Task, Clip]]:
    """The caller's clips among `ids`, in the order asked, each with its task; others are left out."""
    wanted = [i for i in dict.fromkeys(ids) if could_be_id(i)]
    task_ids = {c.id: c.task_id for c in services.store.get_clips(wanted)} if wanted else {}
    tasks = {t.id: t for t in services.tasks.get_many(key, list(dict.fromkeys(task_ids.values())))}
    found: list[tuple[Task, Clip]] = []
    for clip_id in wanted:
        task = tasks.get(task_ids.get(clip_id, ""))
        current = next((c for c in task.clips if c.id == clip_id), None) if task else None
        if task is not None and current is not None:
            found.append((task, current))
    return found


def _owned_stems(services: Services, key: ApiKey, ids: list[str]) -> dict[str, dict[str, Any]]:
    """The caller's stems among `ids` as AudioInfo, by stem id; others are left out."""
    parsed = {i: gcui.parse_stem_id(i) for i in ids}
    tasks = {
        t.id: t
        for t in services.tasks.get_many(key, [p[0] for p in parsed.values() if p])
        if t.operation is OperationKind.STEMS
    }
    sources = (
        {
            c.id: c
            for c in services.store.get_clips([t.parent_clip_id for t in tasks.values() if t.parent_clip_id])
        }
        if tasks
        else {}
    )
    out: dict[str, dict[str, Any]] = {}
    for stem, pair in parsed.items():
        task = tasks.get(pair[0]) if pair else None
        if task is not None and pair is not None:
            info = gcui.stem_audio_info(task, pair[1], sources.get(task.parent_clip_id or ""), services.urls)
            if info is not None:
                out[stem] = info
    return out


def _owned_clip(services: Services, key: ApiKey, clip_id: str, field: str) -> tuple[Task, Clip]:
    found = _owned_clips(services, key, [clip_id])
    if not found:
        raise NotFound(f"Clip not found: {clip_id[:80]}", field=field)
    return found[0]


def _read_json_list(services: Services, media_key: str, clip_id: str) -> list[dict[str, Any]]:
    try:
        data = json.loads(services.media.read_bytes(media_key))
    except (MediaMissing, OSError, ValueError):
        raise NotFound(f"The word timings of clip {clip_id} are missing", field="song_id") from None
    if not isinstance(data, list):
        raise NotFound(f"The word timings of clip {clip_id} are unreadable", field="song_id")
    return [w for w in data if isinstance(w, dict) and {"word", "start_s", "end_s"} <= w.keys()]
