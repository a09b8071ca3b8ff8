"""The FastAPI application: every dialect's router, media, and error envelopes per path prefix."""

from __future__ import annotations

from fastapi import FastAPI
from starlette.exceptions import HTTPException as StarletteHTTPException

from tunesmith import __version__
from tunesmith.api import errors
from tunesmith.api.bodylimit import BodyLimitMiddleware
from tunesmith.api.routes import kie, media, native
from tunesmith.services import Services

DESCRIPTION = """Self-hosted music generation speaking the Suno-style task APIs.

Point a kie.ai / sunoapi.org client at this server's base URL and it works unchanged.
Authenticate with `Authorization: Bearer <key>` (create one with `tunesmith keys create`)."""


def create_app(services: Services) -> FastAPI:
    app = FastAPI(title="Tunesmith", version=__version__, description=DESCRIPTION)
    app.state.services = services
    errors.PREFIX_DIALECTS[:] = [(kie.PREFIX, kie.DIALECT), ("/tunesmith", native.NativeDialect())]
    app.add_exception_handler(StarletteHTTPException, errors.http_exception_handler)  # type: ignore[arg-type]
    app.include_router(kie.router)
    app.include_router(native.router)
    app.include_router(media.router)
    app.add_middleware(BodyLimitMiddleware, max_bytes=services.settings.max_body_bytes)
    return app
