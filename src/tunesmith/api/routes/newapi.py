"""new-api / GoAmz routes (`/suno/...`): a new-api client, or new-api itself using Tunesmith as its "Suno API"
channel, works here by changing its base URL."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from starlette.concurrency import run_in_threadpool

from tunesmith.api.deps import ApiKeyDep, ServicesDep
from tunesmith.api.errors import JsonResponse, dialect_route
from tunesmith.dialects import newapi
from tunesmith.domain.models import ApiKey, Task
from tunesmith.domain.operations import SongRequest
from tunesmith.services import Services

DIALECT = newapi.NewApiDialect()
PREFIX = "/suno"
PREFIXES = (PREFIX,)

router = APIRouter(prefix=PREFIX, tags=["new-api / GoAmz (Suno task API)"],
                   route_class=dialect_route(DIALECT))

TaskId = Annotated[str, Path(max_length=64, description="The task id returned by submit.")]


async def _submit(request: Request, key: ApiKey, services: Services, song: SongRequest,
                  notify_hook: str | None) -> JsonResponse:
    newapi.refuse_unimplemented(song)
    raw = (await request.body()).decode("utf-8", errors="replace")
    task: Task = await run_in_threadpool(
        services.tasks.submit, key, song, dialect=DIALECT.name, raw_request=raw,
        callback_url=notify_hook or None, callback_field="notify_hook")
    return JsonResponse(newapi.render_submit(task.id))


@router.post("/submit/music", summary="Generate music (custom or description mode); returns the task id")
async def submit_music(body: newapi.MusicRequest, request: Request, key: ApiKeyDep,
                       services: ServicesDep) -> JsonResponse:
    return await _submit(request, key, services, newapi.to_song_request(body), body.notify_hook.strip())


@router.post("/submit/lyrics", summary="Generate lyrics (not supported yet: refused)")
async def submit_lyrics(body: newapi.LyricsRequest, request: Request, key: ApiKeyDep,
                        services: ServicesDep) -> JsonResponse:
    return await _submit(request, key, services, newapi.lyrics_operation(body), body.notify_hook)


@router.post("/submit/concat", summary="Join an extension into one song (not supported yet: refused)")
async def submit_concat(body: newapi.ConcatRequest, request: Request, key: ApiKeyDep,
                        services: ServicesDep) -> JsonResponse:
    return await _submit(request, key, services, newapi.concat_operation(body), body.notify_hook)


@router.post("/submit/upload", summary="Upload audio by URL (not supported yet: refused)")
async def submit_upload(body: newapi.UploadRequest, request: Request, key: ApiKeyDep,
                        services: ServicesDep) -> JsonResponse:
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
def feed(ids: Annotated[str, Path(max_length=64 * newapi.MAX_FETCH_IDS)], key: ApiKeyDep,
         services: ServicesDep) -> JsonResponse:
    wanted = list(dict.fromkeys(i.strip() for i in ids.split(",") if i.strip()))[: newapi.MAX_FETCH_IDS]
    return JsonResponse(_feed(wanted, key, services))


@router.get("/lyrics/{task_id}", summary="Lyrics of a task, bare (no envelope): {id, status, title, text}")
def lyrics(task_id: TaskId, key: ApiKeyDep, services: ServicesDep) -> JsonResponse:
    return JsonResponse(newapi.render_lyrics(services.tasks.get(key, task_id)))


def _feed(wanted: list[str], key: ApiKey, services: Services) -> list[dict[str, Any]]:
    """Each id is a task id (all its clips) or a clip id (that clip); ids of nobody's or another key's
    tasks are left out, as Suno's feed does."""
    tasks = {t.id: t for t in services.tasks.get_many(key, wanted)}
    rest = [i for i in wanted if i not in tasks and len(i) <= 64]
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
