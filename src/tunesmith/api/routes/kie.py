"""kie.ai / sunoapi.org routes: a client of those services works here by changing its base URL."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Receive, Scope, Send

from tunesmith.api.deps import ApiKeyDep, ServicesDep
from tunesmith.api.errors import JsonResponse, dialect_route, error_response
from tunesmith.api.fastlane import RenderedBodies, header, query_param, send_bytes
from tunesmith.dialects import kie
from tunesmith.domain.errors import InvalidRequest, ServiceError
from tunesmith.services import Services

DIALECT = kie.KieDialect()
log = logging.getLogger(__name__)

PREFIX = "/api/v1"
PREFIXES = (PREFIX,)

router = APIRouter(prefix=PREFIX, tags=["kie.ai / sunoapi.org"], route_class=dialect_route(DIALECT))


async def raw_body(request: Request) -> str:
    """The request body as the client sent it (kie echoes it back as `param`)."""
    return (await request.body()).decode("utf-8", errors="replace")


@router.post("/generate", summary="Generate music (two clips per request)")
async def generate(
    body: kie.KieGenerateRequest, request: Request, key: ApiKeyDep, services: ServicesDep
) -> JsonResponse:
    song = kie.to_song_request(body)
    raw = await raw_body(request)
    task = await _in_thread(
        services.tasks.submit, key, song, dialect=DIALECT.name, raw_request=raw, callback_url=body.callBackUrl
    )
    return JsonResponse(kie.render_submit(task.id))


class RecordInfo:
    """`GET /api/v1/generate/record-info`, the most-polled route, as a plain ASGI app in the fast lane
    (tunesmith.api.fastlane): no dependency injection, no Request object; finished tasks and unchanged tasks
    in progress are answered with the bytes rendered for their snapshot last time. Tasks in progress are read
    on the event loop when the store is local SQLite (a ~20 µs read; the thread pool costs more than it saves
    and starves the loop under load), in the thread pool when the database is across a network."""

    def __init__(self, services: Services) -> None:
        self.services = services
        self.bodies = RenderedBodies(lambda task: kie.render_record_info(task, services.urls))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        services = self.services
        try:
            key = services.keys.authenticate(header(scope, b"authorization"))
            task_id = query_param(scope, "taskId")
            if not task_id:
                raise InvalidRequest("taskId is required", field="taskId")
            task = services.tasks.peek(key, task_id, rate_limited=True)
            if task is None and services.store.inline_reads:
                task = services.tasks.load(key, task_id)
            elif task is None:
                task = await run_in_threadpool(services.tasks.load, key, task_id)
            body = self.bodies.body(task)
        except ServiceError as err:
            await error_response(DIALECT, err)(scope, receive, send)
            return
        except Exception:
            log.exception("record-info failed")
            await error_response(DIALECT, ServiceError("Internal server error"))(scope, receive, send)
            return
        await send_bytes(send, 200, body)


# Built per app by create_app, which serves each from the fast lane and mounts it on the router too.
FAST_ROUTES: dict[str, Callable[[Services], ASGIApp]] = {f"{PREFIX}/generate/record-info": RecordInfo}

OPENAPI_PATHS = {
    f"{PREFIX}/generate/record-info": {
        "get": {
            "tags": ["kie.ai / sunoapi.org"],
            "summary": "Music task details",
            "description": "Status, parameters and clips of a music task (at most 3 requests/s per task).",
            "operationId": "kie_record_info",
            "parameters": [
                {
                    "name": "taskId",
                    "in": "query",
                    "required": True,
                    "schema": {"type": "string"},
                    "example": "5c79e0b6c5d84f0b9a0f8f0e2d7cbe8e",
                }
            ],
            "security": [{"HTTPBearer": []}],
            "responses": {
                "200": {
                    "description": "kie envelope: {code, msg, data: {taskId, parentMusicId, param, "
                    "response: {taskId, sunoData[]}, status, type, operationType, "
                    "errorCode, errorMessage}}"
                }
            },
        }
    },
}


@router.get("/generate/credit", summary="Remaining credits")
def generate_credit(key: ApiKeyDep, services: ServicesDep) -> JsonResponse:
    return JsonResponse(kie.render_credit(services.keys.balance(key)))


@router.get("/chat/credit", summary="Remaining credits")
def chat_credit(key: ApiKeyDep, services: ServicesDep) -> JsonResponse:
    return JsonResponse(kie.render_credit(services.keys.balance(key)))


async def _in_thread(func: Any, *args: Any, **kwargs: Any) -> Any:
    return await run_in_threadpool(func, *args, **kwargs)
