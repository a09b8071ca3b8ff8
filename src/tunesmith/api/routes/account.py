"""Native routes a client (the web studio among them) needs beyond the dialects: who am I, which models this
server runs, and my library of songs with their live state. All behind the caller's own key, like every route.

A library entry is the kie record-info `data` of the task (taskId, status, param, response.sunoData[],
errorMessage …), so a client that reads record-info already reads the library."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from starlette.concurrency import run_in_threadpool

from tunesmith.api.deps import ApiKeyDep, ServicesDep
from tunesmith.api.errors import JsonResponse, dialect_route
from tunesmith.dialects.kie import render_record_info
from tunesmith.dialects.kie.requests import DURATION_MODELS
from tunesmith.dialects.native import NativeDialect
from tunesmith.domain.models import ApiKey, Task
from tunesmith.domain.operations import MODEL_NAMES
from tunesmith.services import Services

router = APIRouter(prefix="/tunesmith/v1", tags=["tunesmith"], route_class=dialect_route(NativeDialect()))

LIBRARY_MAX = 100  # songs (tasks) per page


@router.get("/account", summary="The calling key: its name, prefix and credit balance")
def account(key: ApiKeyDep, services: ServicesDep) -> JsonResponse:
    return JsonResponse(
        {
            "name": key.name,
            "prefix": key.prefix,
            "credits": services.keys.balance(key),
            "unlimited": key.unlimited,
        }
    )


@router.get("/models", summary="The model names this server accepts and the engine each runs on")
def models(key: ApiKeyDep, services: ServicesDep) -> JsonResponse:
    configured = services.settings.models
    default = services.settings.default_engine
    return JsonResponse(
        {
            "models": [
                {
                    "name": name,
                    "engine": _engine_label(configured.get(name, default)),
                    "duration": name in DURATION_MODELS,
                }
                for name in MODEL_NAMES
            ]
        }
    )


@router.get(
    "/library",
    summary="The key's songs, newest first, each as kie record-info data (status, failure reason, clips)",
)
async def library(
    key: ApiKeyDep,
    services: ServicesDep,
    limit: Annotated[int, Query(ge=1, le=LIBRARY_MAX, description="Songs per page.")] = 50,
    offset: Annotated[int, Query(ge=0, description="Songs to skip (newest first).")] = 0,
) -> JsonResponse:
    tasks = await run_in_threadpool(_song_tasks, services, key, limit, offset)
    data = [render_record_info(task, services.urls)["data"] for task in tasks]
    return JsonResponse({"tasks": data, "limit": limit, "offset": offset})


def _song_tasks(services: Services, key: ApiKey, limit: int, offset: int) -> list[Task]:
    """Tasks that make songs (those with clips), newest first; a task's two clips count once."""
    pairs = services.store.library(key.id, limit=2 * (limit + offset) + 2, offset=0)
    ordered = list({task.id: task for task, _ in pairs}.values())
    return ordered[offset : offset + limit]


def _engine_label(engine: str) -> str:
    """`composer`, `relay`, … as configured; a `module:Class` engine by its class name."""
    return engine.rsplit(":", 1)[-1]
