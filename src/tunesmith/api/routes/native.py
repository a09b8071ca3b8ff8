"""Tunesmith's own routes: health, and what happened to a task's callbacks (visible to its owner)."""

from __future__ import annotations

from fastapi import APIRouter

from tunesmith.api.deps import ApiKeyDep, ServicesDep
from tunesmith.api.errors import JsonResponse, dialect_route
from tunesmith.dialects.native import NativeDialect
from tunesmith.domain.models import CallbackDelivery

router = APIRouter(prefix="/tunesmith/v1", tags=["tunesmith"], route_class=dialect_route(NativeDialect()))


@router.get("/health", summary="Liveness and the database's answer")
def health(services: ServicesDep) -> JsonResponse:
    services.store.count_keys()
    return JsonResponse({"status": "ok"})


@router.get("/tasks/{task_id}/callbacks", summary="Every callback delivery of a task and each attempt")
def task_callbacks(task_id: str, key: ApiKeyDep, services: ServicesDep) -> JsonResponse:
    services.tasks.get(key, task_id)
    deliveries = services.store.list_callbacks(task_id)
    return JsonResponse({"task_id": task_id, "deliveries": [_delivery(services, d) for d in deliveries]})


def _delivery(services: ServicesDep, d: CallbackDelivery) -> dict:
    return {
        "stage": d.stage,
        "url": d.url,
        "status": d.status,
        "attempts": [
            {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in a.items()}
            for a in services.store.callback_attempts(d.id)
        ],
        "last_status_code": d.last_status_code,
        "last_error": d.last_error,
        "next_attempt_at": d.next_attempt_at.isoformat() if d.next_attempt_at else None,
    }
