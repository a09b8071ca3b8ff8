"""new-api error envelope: `{"code": "<error_code>", "message": "...", "data": null}` (`dto.TaskError`).

new-api clients (and new-api itself polling us as an upstream channel) only test `code == "success"`, so the
code strings matter less than the HTTP status, which new-api uses to decide whether to retry another channel
(429 and 5xx retry, 4xx do not). Codes follow new-api's where it has one (reference §2.3).

Unknown task ids answer `task_not_exist` with HTTP **404**, not new-api's 400: it is what generic HTTP clients
and our own unknown-route answers use, and a new-api poller never sees it because its batch `POST /suno/fetch`
leaves unknown ids out instead of failing.
"""

from __future__ import annotations

from typing import Any

from tunesmith.dialects.base import Dialect, ErrorTable
from tunesmith.domain.errors import (
    Conflict,
    ContentRefused,
    InsufficientCredits,
    InvalidRequest,
    NotFound,
    PayloadTooLarge,
    RateLimited,
    ServiceError,
    Unauthorized,
    Unavailable,
    Unsupported,
)

INTERNAL = (500, "internal_error")
# Per error class: (HTTP status, body `code`); PayloadTooLarge, an InvalidRequest, has its own entry.
_ERRORS = ErrorTable[tuple[int, str]](
    {
        Unauthorized: (401, "unauthorized"),
        InsufficientCredits: (403, "quota_not_enough"),
        NotFound: (404, "task_not_exist"),
        Conflict: (409, "task_exist"),
        PayloadTooLarge: (413, "request_too_large"),
        ContentRefused: (400, "sensitive_words_detected"),  # new-api's own code for its word list
        InvalidRequest: (400, "invalid_request"),
        Unsupported: (400, "unsupported_action"),
        RateLimited: (429, "too_many_requests"),
        Unavailable: (503, "service_unavailable"),
    },
    default=INTERNAL,
)


def newapi_error(err: ServiceError) -> tuple[int, str]:
    """(HTTP status, body `code`) for an error."""
    status, code = _ERRORS.lookup(err)
    return status, code


class NewApiDialect(Dialect):
    """new-api / GoAmz task dialect (`/suno/...`)."""

    name = "newapi"

    def render_error(self, err: ServiceError) -> tuple[int, dict[str, Any]]:
        status, code = newapi_error(err)
        return status, {"code": code, "message": err.message, "data": None}
