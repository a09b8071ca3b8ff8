"""kie.ai / sunoapi.org routes: a client of those services works here by changing its base URL."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request

from tunesmith.api.deps import ApiKeyDep, ServicesDep
from tunesmith.api.errors import JsonResponse, dialect_route
from tunesmith.dialects import kie

DIALECT = kie.KieDialect()
PREFIX = "/api/v1"

router = APIRouter(prefix=PREFIX, tags=["kie.ai / sunoapi.org"], route_class=dialect_route(DIALECT))


async def raw_body(request: Request) -> str:
    """The request body as the client sent it (kie echoes it back as `param`)."""
    return (await request.body()).decode("utf-8", errors="replace")


@router.post("/generate", summary="Generate music (two clips per request)")
async def generate(body: kie.KieGenerateRequest, request: Request, key: ApiKeyDep,
                   services: ServicesDep) -> JsonResponse:
    song = kie.to_song_request(body)
    raw = await raw_body(request)
    task = await _in_thread(services.tasks.submit, key, song, dialect=DIALECT.name, raw_request=raw,
                            callback_url=body.callBackUrl)
    return JsonResponse(kie.render_submit(task.id))


@router.get("/generate/record-info", summary="Music task details")
def record_info(key: ApiKeyDep, services: ServicesDep,
                taskId: Annotated[str, Query(max_length=64)]) -> JsonResponse:  # noqa: N803 - kie's name
    task = services.tasks.get(key, taskId, rate_limited=True)
    return JsonResponse(kie.render_record_info(task, services.urls))


@router.get("/generate/credit", summary="Remaining credits")
def generate_credit(key: ApiKeyDep, services: ServicesDep) -> JsonResponse:
    return JsonResponse(kie.render_credit(services.keys.balance(key)))


@router.get("/chat/credit", summary="Remaining credits")
def chat_credit(key: ApiKeyDep, services: ServicesDep) -> JsonResponse:
    return JsonResponse(kie.render_credit(services.keys.balance(key)))


async def _in_thread(func: Any, *args: Any, **kwargs: Any) -> Any:
    from starlette.concurrency import run_in_threadpool

    return await run_in_threadpool(func, *args, **kwargs)
