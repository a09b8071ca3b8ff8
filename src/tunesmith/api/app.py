"""The FastAPI application: every dialect's router, media, and error envelopes per path prefix."""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any

from fastapi import FastAPI
from fastapi.telemetry import TelemetryConfig
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Receive, Scope, Send

from tunesmith import __version__, logs
from tunesmith.api import errors
from tunesmith.api.bodylimit import BodyLimitMiddleware
from tunesmith.api.docs import add_docs
from tunesmith.api.fastlane import FastLane
from tunesmith.api.metrics import Metrics, measured
from tunesmith.api.routes import account, media, native, ops, shares
from tunesmith.dialects.base import Dialect
from tunesmith.services import Services
from tunesmith.webstudio import add_studio

# Dialect router modules under tunesmith.api.routes, each exporting `router`, `PREFIXES` and `DIALECT`.
DIALECT_ROUTERS = ("kie", "kie_ops", "kie_parts", "newapi", "openai_chat", "qhaigc", "zeakai", "gcui")

DESCRIPTION = """Self-hosted music generation speaking the Suno-style task APIs.

Point a kie.ai / sunoapi.org client at this server's base URL and it works unchanged.
Authenticate with `Authorization: Bearer <key>` (create one with `tunesmith keys create`)."""


class TunesmithApp(FastAPI):
    """FastAPI with a fast lane in front: the most-polled routes skip the middleware stack and the router."""

    fast_lane = FastLane({})
    _lane_routes: dict[str, tuple[str, LaneRoute]] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        path = scope["path"]
        route = self.fast_lane.find(scope)
        if route is None:
            dialect = errors.dialect_for_path(path)
            label = dialect.name if dialect is not None else "none"
            logs.begin(dialect=label, route=path)
            await measured(self.state.metrics, label, super().__call__, scope, receive, send)
            return
        lane = self._lane_routes.get(path)
        if lane is None:  # once per lane path: its dialect, and the route object the metrics read
            owner = errors.dialect_for_path(path)
            lane = self._lane_routes[path] = (owner.name if owner is not None else "none", LaneRoute(path))
        scope["app"] = self
        scope["route"] = lane[1]
        logs.begin(dialect=lane[0], route=path)
        await measured(self.state.metrics, lane[0], route, scope, receive, send)


class LaneRoute:
    """What the metrics read of a fast-lane route: its path (the lane matches exact paths)."""

    def __init__(self, path: str) -> None:
        self.path = path


def create_app(services: Services) -> FastAPI:
    # FastAPI's native OpenTelemetry spans, metrics and logs cost ~10 µs a request even with no-op providers:
    # on only when asked for (TUNESMITH_TELEMETRY=true, with the usual OTEL_* exporter settings).
    enabled = services.settings.telemetry
    telemetry: TelemetryConfig = {
        "tracing": enabled,
        "metrics": enabled,
        "logs": enabled,
        "operation_spans": enabled,
    }
    app = TunesmithApp(
        title="Tunesmith",
        version=__version__,
        description=DESCRIPTION,
        telemetry=telemetry,
        docs_url=None,  # add_docs serves /docs with local assets instead of a CDN's
        redoc_url=None,
    )
    app.state.services = services
    app.state.metrics = Metrics(services.store)
    prefixes: list[tuple[str, Dialect]] = [("/tunesmith", native.NativeDialect())]
    for module in _dialect_modules():
        app.include_router(module.router)
        prefixes.extend((prefix, module.DIALECT) for prefix in module.PREFIXES)
    errors.PREFIX_DIALECTS[:] = sorted(prefixes, key=lambda item: -len(item[0]))
    app.add_exception_handler(StarletteHTTPException, errors.http_exception_handler)  # type: ignore[arg-type]
    app.include_router(native.router)
    app.include_router(ops.router)
    app.include_router(account.router)
    app.include_router(shares.router)
    app.include_router(media.router)
    add_docs(app)
    add_studio(app)
    lane: dict[str, ASGIApp] = {}
    for module in _dialect_modules():
        for path, build in getattr(module, "FAST_ROUTES", {}).items():
            lane[path] = build(services)
            endpoint: Any = lane[path]  # a plain ASGI app, which Starlette's Route runs as it is
            app.router.add_route(path, endpoint, methods=["GET"], include_in_schema=False)
    app.fast_lane = FastLane(lane)
    app._lane_routes = {}
    app.add_middleware(BodyLimitMiddleware, max_bytes=services.settings.max_body_bytes)
    _document_plain_routes(app, [getattr(m, "OPENAPI_PATHS", {}) for m in _dialect_modules()])
    return app


def _document_plain_routes(app: FastAPI, extra: list[dict]) -> None:
    """Hot-path routes are plain Starlette endpoints; their OpenAPI entries are written by hand."""
    generate = app.openapi

    def openapi() -> dict:
        if app.openapi_schema is None:
            schema = generate()
            for paths in extra:
                for path, item in paths.items():
                    schema.setdefault("paths", {}).setdefault(path, {}).update(item)
            schema.setdefault("components", {}).setdefault("securitySchemes", {})["HTTPBearer"] = {
                "type": "http",
                "scheme": "bearer",
            }
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def _dialect_modules() -> list[ModuleType]:
    return [importlib.import_module(f"tunesmith.api.routes.{name}") for name in DIALECT_ROUTERS]
