"""Errors leave in the envelope of the dialect the client speaks.

Each dialect's router uses a route class bound to that dialect: any ServiceError or request-validation error
raised while handling the request (in dependencies, body parsing or the endpoint) is rendered by the dialect.
Requests that match no route are answered in the envelope of the dialect that owns the path prefix.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException as StarletteHTTPException

from tunesmith.api import safejson
from tunesmith.dialects.base import Dialect
from tunesmith.dialects.validation import validation_error_to_invalid
from tunesmith.domain.errors import (
    InvalidRequest,
    NotFound,
    PayloadTooLarge,
    RateLimited,
    ServiceError,
    Unavailable,
)

log = logging.getLogger(__name__)

Handler = Callable[[Request], Coroutine[Any, Any, Response]]

# path prefix -> dialect, for requests that match no route (404/405) or are refused by middleware
PREFIX_DIALECTS: list[tuple[str, Dialect]] = []


class JsonResponse(Response):
    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return safejson.dumps(content)


def error_response(dialect: Dialect, err: ServiceError) -> Response:
    """The error in the dialect's envelope. Rendering cannot raise: should the dialect fail on this error,
    the answer is its envelope for an internal error, and failing that a bare JSON 500."""
    try:
        status, body = dialect.render_error(err)
        headers = (
            {"Retry-After": f"{max(1, round(err.retry_after))}"} if isinstance(err, RateLimited) else None
        )
        return JsonResponse(body, status_code=status, headers=headers)
    except Exception:
        log.exception("rendering %s in the %s envelope failed", type(err).__name__, dialect.name)
    try:
        status, body = dialect.render_error(ServiceError("Internal server error"))
        return JsonResponse(body, status_code=status)
    except Exception:
        return JsonResponse({"error": "Internal server error"}, status_code=500)


def dialect_route(dialect: Dialect) -> type[APIRoute]:
    """An APIRoute subclass whose errors are rendered by `dialect`."""

    class DialectRoute(APIRoute):
        def get_route_handler(self) -> Handler:
            handler = super().get_route_handler()

            async def handle(request: Request) -> Response:
                try:
                    return await handler(request)
                except ServiceError as err:
                    return error_response(dialect, err)
                except RequestValidationError as exc:
                    return error_response(dialect, validation_error_to_invalid(list(exc.errors())))
                except StarletteHTTPException as exc:
                    return error_response(dialect, _http_error(exc))
                except Exception:
                    log.exception("unhandled error on %s %s", request.method, request.url.path)
                    return error_response(dialect, ServiceError("Internal server error"))

            return handle

    DialectRoute.__name__ = f"{type(dialect).__name__}Route"
    return DialectRoute


def dialect_for_path(path: str) -> Dialect | None:
    for prefix, dialect in PREFIX_DIALECTS:
        if path.startswith(prefix):
            return dialect
    return None


def _http_error(exc: StarletteHTTPException) -> ServiceError:
    """The framework's own HTTP errors raised inside a route, as service errors. FastAPI raises 400 when a
    body cannot be read at all (bytes that are not UTF-8, say): to the client that is malformed JSON."""
    if exc.status_code == 400:
        return InvalidRequest("request body is not valid JSON: it must be UTF-8 encoded JSON text")
    if exc.status_code == 413:
        return PayloadTooLarge(str(exc.detail))
    if exc.status_code == 503:
        return Unavailable(str(exc.detail))
    return ServiceError(str(exc.detail))


async def http_exception_handler(request: Request, exc: StarletteHTTPException) -> Response:
    """404/405 for unknown routes, in the owning dialect's envelope when the prefix tells us which."""
    dialect = dialect_for_path(request.url.path)
    if exc.status_code == 404:
        err: ServiceError = NotFound(f"No such endpoint: {request.method} {request.url.path}")
    elif exc.status_code == 405:
        err = InvalidRequest(f"Method {request.method} is not allowed on {request.url.path}")
    else:
        err = _http_error(exc)
    if dialect is None:
        return JsonResponse({"error": err.message}, status_code=exc.status_code)
    response = error_response(dialect, err)
    if exc.status_code in (404, 405) and response.status_code < 500:
        response.status_code = exc.status_code  # the router's own status, so generic HTTP clients behave
    return response
