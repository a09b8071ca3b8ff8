"""qhaigc routes: `POST /v1/music/generations`, `GET /v1/music/tasks/{task_id}` (OpenAI-style errors)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool

from tunesmith.api.deps import ApiKeyDep, ServicesDep
from tunesmith.api.errors import JsonResponse, dialect_route
from tunesmith.dialects import qhaigc

DIALECT = qhaigc.QhaigcDialect()
PREFIX = "/v1/music"
# Only the music routes: the rest of /v1 belongs to the OpenAI chat dialect.
PREFIXES = (PREFIX,)

router = APIRouter(prefix=PREFIX, tags=["qhaigc"], route_class=dialect_route(DIALECT))


@router.post("/generations", summary="Create a music generation task (two songs)")
async def generations(
    body: qhaigc.QhaigcGenerationRequest, request: Request, key: ApiKeyDep, services: ServicesDep
) -> JsonResponse:
    song = qhaigc.to_song_request(body)
    raw = (await request.body()).decode("utf-8", errors="replace")
    task = await run_in_threadpool(services.tasks.submit, key, song, dialect=DIALECT.name, raw_request=raw)
    return JsonResponse(qhaigc.render_submit(task))


@router.get("/tasks/{task_id}", summary="Query a music generation task")
def get_task(task_id: str, key: ApiKeyDep, services: ServicesDep) -> JsonResponse:
    task = services.tasks.get(key, task_id)
    return JsonResponse(qhaigc.render_task(task, services.urls))
