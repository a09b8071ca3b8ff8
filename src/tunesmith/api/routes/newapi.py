"""new-api / GoAmz routes (`/suno/...`): a new-api client, or new-api itself using Tunesmith as its "Suno API"
channel, works here by changing its base URL.

Extend is `/suno/submit/music` with `continue_clip_id` + `task_id` (+ `continue_at`); concat, lyrics and
upload (an outside recording imported as a clip) have their own submit routes. Every task reads through
`/suno/fetch/{id}` (a lyrics task as action LYRICS, its `data` the single lyrics object) and a lyrics task
also through `/suno/lyrics/{id}`.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from starlette.concurrency import run_in_threadpool

from tunesmith.api.deps import ApiKeyDep, ServicesDep
from tunesmith.api.errors import JsonResponse, dialect_route
from tunesmith.dialects import newapi
from tunesmith.domain.ids import could_be_id
from tunesmith.domain.models import ApiKey, Task
from tunesmith.domain.operations import OperationKind, SongRequest
from tunesmith.service.chains import concat_request
from tunesmith.services import Services

DIALECT = newapi.NewApiDialect()
PREFIX = "/suno"
PREFIXES = (PREFIX,)

router = APIRouter(
    prefix=PREFIX, tags=["new-api / GoAmz (Suno task API)"], route_class=dialect_route(DIALECT)
)

TaskId = Annotated[str, Path(max_length=64, description="The task id returned by submit.")]


async def _submit(
    request: Request, key: ApiKey, services: Services, song: SongRequest, notify_hook: str | None
) -> JsonResponse:
    newapi.refuse_unimplemented(song)
    raw = (await request.body()).decode("utf-8", errors="replace")
    task: Task = await run_in_threadpool(
        services.tasks.submit,
        key,
        song,
        dialect=DIALECT.name,
        raw_request=raw,
        callback_url=notify_hook or None,
        callback_field="notify_hook",
    )
    return JsonResponse(newapi.render_submit(task.id))


def _continuation(
    services: Services, key: ApiKey, song: SongRequest, body: newapi.MusicRequest
) -> SongRequest:
    clip = services.tasks.own_clip(key, song.source_clip_id or "")
    return newapi.continuation(song, body, services.tasks.get(key, clip.task_id), clip)


def _concat(services: Services, key: ApiKey, body: newapi.ConcatRequest) -> SongRequest:
    song = newapi.concat_operation(body)
    clip = services.tasks.own_clip(key, song.source_clip_id or "")
    return concat_request(
        services.store, services.tasks.get(key, clip.task_id), clip, clip_field="clip_id", **song.extra
    )


@router.post(
    "/submit/music",
    summary="Generate music, or extend a clip (continue_clip_id + task_id)",
    description="Custom mode (prompt = lyrics, tags, title), description mode "
    "(gpt_description_prompt), or an extension: continue_clip_id, task_id (the task "
    "that made it) and continue_at (> 0 and < the clip's duration; default the end). An "
    "extension makes two clips whose metadata.history names the clip they continue.",
)
async def submit_music(
    body: newapi.MusicRequest, request: Request, key: ApiKeyDep, services: ServicesDep
) -> JsonResponse:
    song = newapi.to_song_request(body)
    if song.kind is OperationKind.EXTEND:
        song = await run_in_threadpool(_continuation, services, key, song, body)
    return await _submit(request, key, services, song, body.notify_hook.strip())


@router.post(
    "/submit/lyrics",
    summary="Generate lyrics from an idea; returns the task id",
    description="Read them with GET /suno/fetch/{id} (action LYRICS, data {id, status, title, "
    "text}) or GET /suno/lyrics/{id}.",
)
async def submit_lyrics(
    body: newapi.LyricsRequest, request: Request, key: ApiKeyDep, services: ServicesDep
) -> JsonResponse:
    return await _submit(request, key, services, newapi.lyrics_operation(body), body.notify_hook)


@router.post(
    "/submit/concat",
    summary="Join an extension with the clips it continues into one song",
    description='One clip of metadata.type "concat" whose metadata.concat_history lists the '
    "chain, first part first, each with the continue_at where it takes over.",
)
async def submit_concat(
    body: newapi.ConcatRequest, request: Request, key: ApiKeyDep, services: ServicesDep
) -> JsonResponse:
    song = await run_in_threadpool(_concat, services, key, body)
    return await _submit(request, key, services, song, body.notify_hook)


@router.post(
    "/submit/upload",
    summary="Import an audio file by URL as a clip (to extend, concat, crop, cover...)",
    description="The worker fetches `url` (public addresses only; size, length and time are capped) and "
    'makes one clip of metadata.type "upload" that is the recording itself. Its id is then '
    "`continue_clip_id` (with this task's id as `task_id`) for an extension, or `clip_id` for concat. "
    "A file that cannot be fetched or read, or is silent, fails the task (FAILURE, fail_reason) and "
    "refunds it; a private or malformed address is refused at submit, and nothing is charged.",
)
async def submit_upload(
    body: newapi.UploadRequest, request: Request, key: ApiKeyDep, services: ServicesDep
) -> JsonResponse:
    return await _submit(request, key, services, newapi.upload_operation(body), body.notify_hook)


@router.get("/fetch/{task_id}", summary="One task, whichever dialect created it")
def fetch_one(task_id: TaskId, key: ApiKeyDep, services: ServicesDep) -> JsonResponse:
    return JsonResponse(newapi.render_fetch(services.tasks.get(key, task_id), services.urls))


@router.post("/fetch", summary="Many tasks at once (unknown ids are left out; empty ids give [])")
def fetch_many(body: newapi.FetchRequest, key: ApiKeyDep, services: ServicesDep) -> JsonResponse:
    tasks = services.tasks.get_many(key, body.ids) if body.ids else []
    if body.action:
        tasks = [t for t in tasks if newapi.action(t) == body.action.upper()]
    return JsonResponse(newapi.render_batch(tasks, services.urls))


@router.get("/feed/{ids}", summary="Suno clips, bare (no envelope), for comma-separated task or clip ids")
def feed(
    ids: Annotated[str, Path(max_length=64 * newapi.MAX_FETCH_IDS)], key: ApiKeyDep, services: ServicesDep
) -> JsonResponse:
    wanted = list(dict.fromkeys(i.strip() for i in ids.split(",") if i.strip()))[: newapi.MAX_FETCH_IDS]
    return JsonResponse(_feed(wanted, key, services))


@router.get("/lyrics/{task_id}", summary="Lyrics of a lyrics or music task, bare: {id, status, title, text}")
def lyrics(task_id: TaskId, key: ApiKeyDep, services: ServicesDep) -> JsonResponse:
    return JsonResponse(newapi.render_lyrics(services.tasks.get(key, task_id)))


def _feed(wanted: list[str], key: ApiKey, services: Services) -> list[dict[str, Any]]:
    """Each id is a task id (all its clips) or a clip id (that clip); ids of nobody's or another key's
    tasks are left out, as Suno's feed does."""
    tasks = {t.id: t for t in services.tasks.get_many(key, wanted)}
    rest = [i for i in wanted if i not in tasks and could_be_id(i)]
    clip_tasks: dict[str, Task] = {}
    if rest:
        clips = services.store.get_clips(rest)
        owners = {t.id: t for t in services.tasks.get_many(key, list({c.task_id for c in clips}))}
        clip_tasks = {c.id: owners[c.task_id] for c in clips if c.task_id in owners}
    out: list[dict[str, Any]] = []
    for ident in wanted:
        if ident in tasks:
            task = tasks[ident]
            ordered = sorted(task.clips, key=lambda c: c.index)
            out.extend(newapi.render_clip(task, c, services.urls) for c in ordered)
        elif ident in clip_tasks:
            task = clip_tasks[ident]
            out.extend(newapi.render_clip(task, c, services.urls) for c in task.clips if c.id == ident)
    return out
