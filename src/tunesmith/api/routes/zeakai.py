"""SKU / zeakAi routes: `GET /suno/task/{id}/fetch` and the seed's submit menu under `/suno/task/submit/…`.

`/suno/submit/…`, `/suno/fetch…`, `/suno/feed/…` and `/suno/lyrics/…` belong to the new-api dialect;
everything here lives under `/suno/task/`, so neither dialect can shadow the other and unknown paths below
`/suno/task` answer in zeakAi's envelope. The routes are documented in docs/dialects/zeakai.md.

Every submit answers the task id; music tasks (extend, crop, merge, partial edit too) read through
`GET /suno/task/{id}/fetch`, lyrics tasks through `GET /suno/task/lyrics/{id}`.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Header, Request
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from tunesmith.api.deps import ServicesDep
from tunesmith.api.errors import JsonResponse, dialect_route
from tunesmith.dialects import zeakai
from tunesmith.domain.errors import NotFound
from tunesmith.domain.models import ApiKey
from tunesmith.domain.operations import OperationKind, SongRequest
from tunesmith.service.chains import concat_history
from tunesmith.services import Services

DIALECT = zeakai.ZeakaiDialect()
PREFIX = "/suno/task"
PREFIXES = (PREFIX,)

router = APIRouter(prefix=PREFIX, tags=["SKU / zeakAi"], route_class=dialect_route(DIALECT))


def zeakai_key(request: Request, authorization: Annotated[str | None, Header()] = None) -> ApiKey:
    """SKU's docs send the bare key as `Authorization: <key>`; `Bearer <key>` works too."""
    if authorization and " " not in authorization.strip():
        authorization = f"Bearer {authorization.strip()}"
    return request.app.state.services.keys.authenticate(authorization)


KeyDep = Annotated[ApiKey, Depends(zeakai_key)]


def _song(services: Services, key: ApiKey, body: BaseModel) -> SongRequest:
    """The body as a SongRequest; an edit is checked against the caller's clip (another key's clip is "not
    found"), a merge records the chain it joins."""
    target = zeakai.clip_of(body)
    if target is None:
        return zeakai.song_request_for(body)
    clip = services.tasks.own_clip(key, target[0])
    source = services.tasks.get(key, clip.task_id)
    history = concat_history(services.store, clip.id) if isinstance(body, zeakai.MergeRequest) else None
    return zeakai.edit_request(body, source, clip, history=history)


async def _submit(body: BaseModel, request: Request, key: ApiKey, services: ServicesDep) -> JsonResponse:
    song = await run_in_threadpool(_song, services, key, body)
    raw = (await request.body()).decode("utf-8", errors="replace")
    task = await run_in_threadpool(services.tasks.submit, key, song, dialect=DIALECT.name, raw_request=raw)
    return JsonResponse(zeakai.render_submit(task.id))


@router.get("/{task_id}/fetch", summary="11. Query a music task")
def fetch(task_id: str, key: KeyDep, services: ServicesDep) -> JsonResponse:
    task = services.tasks.get(key, task_id)
    return JsonResponse(zeakai.render_fetch(task, services.urls))


def _submit_route(path: str, name: str, body_model: type[BaseModel], summary: str) -> None:
    """Register one submit operation of the seed's menu. They differ only in their body model (which FastAPI
    validates and documents), so one endpoint body serves them all; `name` keeps each route's operationId."""

    async def endpoint(body: BaseModel, request: Request, key: KeyDep, services: ServicesDep) -> JsonResponse:
        return await _submit(body, request, key, services)

    endpoint.__annotations__["body"] = body_model  # FastAPI reads the body's model from the annotation
    endpoint.__name__ = endpoint.__qualname__ = name
    router.post(path, summary=summary, name=name)(endpoint)


# The menu in the seed's order (which is the order /docs lists it in).
_submit_route(
    "/submit/lyrics", "lyrics", zeakai.LyricsRequest, "1. Generate lyrics (read them with 2. get lyrics)"
)


@router.get(
    "/lyrics/{lyrics_id}",
    summary="2. Get lyrics",
    description="Bare {id, status, title, text, tags, variants[], failReason, submitAt, finishAt} "
    "of a lyrics task: the first variant, and every variant the task wrote.",
)
def get_lyrics(lyrics_id: str, key: KeyDep, services: ServicesDep) -> JsonResponse:
    task = services.tasks.get(key, lyrics_id)
    if task.operation is not OperationKind.LYRICS:
        raise NotFound(f"Lyrics task not found: {lyrics_id}", field="id")
    return JsonResponse(zeakai.render_lyrics(task))


_submit_route(
    "/submit/inspiration", "inspiration", zeakai.InspirationRequest, "3. Generate music, inspiration mode"
)
_submit_route("/submit/custom", "custom", zeakai.CustomRequest, "4. Generate music, custom mode")
_submit_route(
    "/submit/cover",
    "cover",
    zeakai.CoverRequest,
    "5. Generate music, cover mode: the clip re-sung in `tags` (by the model's engine, if it covers)",
)
_submit_route(
    "/submit/edit",
    "partial_edit",
    zeakai.PartialEditRequest,
    "6. Partial edit: sing infill_start_s..infill_end_s again (10 s to half the song; 2 clips)",
)
_submit_route(
    "/submit/upload",
    "upload",
    zeakai.UploadRequest,
    "7. Upload music: the file at `url` becomes a clip (metadata.type upload) to extend, cover, crop, merge",
)
_submit_route(
    "/submit/extend",
    "extend",
    zeakai.ExtendRequest,
    "8. Extend music from continue_at (> 0, < the clip's duration; 2 clips)",
)
_submit_route(
    "/submit/crop", "crop", zeakai.CropRequest, "9. Crop music: keep crop_start_s..crop_end_s (1 clip)"
)
_submit_route(
    "/submit/merge",
    "merge",
    zeakai.MergeRequest,
    "10. Merge music: join an extension with the clips it continues (1 clip)",
)
