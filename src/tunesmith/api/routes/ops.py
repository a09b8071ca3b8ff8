"""Operator endpoints: GET /healthz (the process answers), GET /readyz (it can do its work), GET /metrics
(Prometheus). None needs an API key; /metrics can be restricted to listed addresses or a bearer token
(TUNESMITH_METRICS_ALLOW, TUNESMITH_METRICS_TOKEN), and is open when neither is set."""

from __future__ import annotations

import hmac
import ipaddress
import uuid
from typing import Any

from fastapi import APIRouter, Request, Response
from starlette.concurrency import run_in_threadpool

from tunesmith import __version__
from tunesmith.api.errors import JsonResponse
from tunesmith.api.metrics import CONTENT_TYPE
from tunesmith.services import Services

router = APIRouter(tags=["operations"])

PROBE_PREFIX = "ops/readyz/"


@router.get("/healthz", summary="Liveness: the process answers")
async def healthz() -> JsonResponse:
    return JsonResponse({"status": "ok", "version": __version__})


@router.get("/readyz", summary="Readiness: database reachable, media store writable, workers beating")
async def readyz(request: Request) -> JsonResponse:
    services: Services = request.app.state.services
    checks = await run_in_threadpool(readiness, services)
    ready = all(check["ok"] for check in checks.values())
    return JsonResponse(
        {"status": "ready" if ready else "not ready", "version": __version__, "checks": checks},
        status_code=200 if ready else 503,
    )


def readiness(services: Services) -> dict[str, dict[str, Any]]:
    """Each check as {ok, ...}; a failing check says why in `error` (no secrets: the exception's type and
    message)."""
    settings = services.settings
    checks: dict[str, dict[str, Any]] = {}
    try:
        services.store.ping()
        checks["database"] = {"ok": True}
    except Exception as exc:  # noqa: BLE001 - reported, not raised
        checks["database"] = {"ok": False, "error": _describe(exc)}
    key = f"{PROBE_PREFIX}{uuid.uuid4().hex}"
    try:
        services.media.put_bytes(key, b"ok", content_type="text/plain")
        services.media.delete([key])
        checks["media"] = {"ok": True}
    except Exception as exc:  # noqa: BLE001
        checks["media"] = {"ok": False, "error": _describe(exc)}
    expected = settings.expect_workers if settings.expect_workers is not None else settings.workers > 0
    window = max(30.0, 3 * settings.lease_seconds)
    try:
        beats = services.store.service_stats().heartbeats if checks["database"]["ok"] else {}
        recent = sorted(w for w, age in beats.items() if age <= window)
        checks["workers"] = {"ok": bool(recent) or not expected, "expected": expected, "recent": len(recent)}
    except Exception as exc:  # noqa: BLE001
        checks["workers"] = {"ok": not expected, "expected": expected, "error": _describe(exc)}
    return checks


@router.get("/metrics", summary="Prometheus metrics", response_class=Response)
async def metrics(request: Request) -> Response:
    services: Services = request.app.state.services
    if not allowed(request, services.settings.metrics_allow, services.settings.metrics_token):
        return JsonResponse({"error": "metrics are restricted: use an allowed address or token"}, 403)
    body = await run_in_threadpool(request.app.state.metrics.render)
    return Response(body, media_type=CONTENT_TYPE)


def allowed(request: Request, allow: list[str], token: str) -> bool:
    """Open when no address and no token is configured; else the client's address must be in `allow` or it
    must send `Authorization: Bearer <token>`."""
    if not allow and not token:
        return True
    if token:
        sent = request.headers.get("authorization", "")
        if hmac.compare_digest(sent.encode(), f"Bearer {token}".encode()):
            return True
    client = request.client.host if request.client else ""
    try:
        address = ipaddress.ip_address(client)
    except ValueError:
        return False
    for entry in allow:
        try:
            if address in ipaddress.ip_network(entry, strict=False):
                return True
        except ValueError:
            continue
    return False


def _describe(exc: Exception) -> str:
    text = f"{type(exc).__name__}: {exc}"
    return text if len(text) <= 300 else text[:297] + "..."
