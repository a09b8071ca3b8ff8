"""SKU / zeakAi routes: `GET /suno/task/{id}/fetch` and the seed's submit menu under `/suno/task/submit/…`.

`/suno/submit/…`, `/suno/fetch…`, `/suno/feed/…` and `/suno/lyrics/…` belong to the new-api dialect;
everything here lives under `/suno/task/`, so neither dialect can shadow the other and unknown paths below
`/suno/task` answer in zeakAi's envelope. The routes are documented in docs/dialects/zeakai.md.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Header, Request
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from tunesmith.api.deps import ServicesDep
from tunesmith.api.errors import JsonResponse, dialect_route
from tunesmith.dialects import zeakai
from tunesmith.domain.models import ApiKey

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


async def _submit(body: BaseModel, request: Request, key: ApiKey, services: ServicesDep) -> JsonResponse:
    song = zeakai.song_request_for(body)  # refuses the operations the service cannot run yet
    raw = (await request.body()).decode("utf-8", errors="replace")
    task = await run_in_threadpool(services.tasks.submit, key, song, dialect=DIALECT.name, raw_request=raw)
    return JsonResponse(zeakai.render_submit(task.id))


@router.get("/{task_id}/fetch", summary="11. Query a music task")
def fetch(task_id: str, key: KeyDep, services: ServicesDep) -> JsonResponse:
    task = services.tasks.get(key, task_id)
    return JsonResponse(zeakai.render_fetch(task, services.urls))


@router.post("/submit/lyrics", summary="1. Generate lyrics (not available yet)")
async def lyrics(body: zeakai.LyricsRequest, request: Request, key: KeyDep,
                 services: ServicesDep) -> JsonResponse:
    return await _submit(body, request, key, services)


@router.get("/lyrics/{lyrics_id}", summary="2. Get lyrics (not available yet)")
def get_lyrics(lyrics_id: str, key: KeyDep) -> JsonResponse:
    raise zeakai.not_available("getting lyrics")


@router.post("/submit/inspiration", summary="3. Generate music, inspiration mode")
async def inspiration(body: zeakai.InspirationRequest, request: Request, key: KeyDep,
                      services: ServicesDep) -> JsonResponse:
    return await _submit(body, request, key, services)


@router.post("/submit/custom", summary="4. Generate music, custom mode")
async def custom(body: zeakai.CustomRequest, request: Request, key: KeyDep,
                 services: ServicesDep) -> JsonResponse:
    return await _submit(body, request, key, services)


@router.post("/submit/cover", summary="5. Generate music, cover mode (not available yet)")
async def cover(body: zeakai.CoverRequest, request: Request, key: KeyDep,
                services: ServicesDep) -> JsonResponse:
    return await _submit(body, request, key, services)


@router.post("/submit/edit", summary="6. Partial edit (not available yet)")
async def partial_edit(body: zeakai.PartialEditRequest, request: Request, key: KeyDep,
                       services: ServicesDep) -> JsonResponse:
    return await _submit(body, request, key, services)


@router.post("/submit/upload", summary="7. Upload music (not available yet)")
async def upload(body: zeakai.UploadRequest, request: Request, key: KeyDep,
                 services: ServicesDep) -> JsonResponse:
    return await _submit(body, request, key, services)


@router.post("/submit/extend", summary="8. Extend music (not available yet)")
async def extend(body: zeakai.ExtendRequest, request: Request, key: KeyDep,
                 services: ServicesDep) -> JsonResponse:
    return await _submit(body, request, key, services)


@router.post("/submit/crop", summary="9. Crop music (not available yet)")
async def crop(body: zeakai.CropRequest, request: Request, key: KeyDep,
               services: ServicesDep) -> JsonResponse:
    return await _submit(body, request, key, services)


@router.post("/submit/merge", summary="10. Merge music (not available yet)")
async def merge(body: zeakai.MergeRequest, request: Request, key: KeyDep,
                services: ServicesDep) -> JsonResponse:
    return await _submit(body, request, key, services)
