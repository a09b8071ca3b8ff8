"""zeakAi (SKU) error envelope: the MJ-proxy reply shape, `{"code", "description", "result", "properties"}`.

zeakAi's Suno routes follow the MJ-proxy convention (`/…/task/{id}/fetch`, submit replies with `code` 1 and
the task id in `result`), so an error is the same object with MJ-proxy's failure codes and `result: null`.
Unlike MJ-proxy, which answers most failures with HTTP 200, the HTTP status also says what went wrong
(400, 401, 403, 404, 429, 500, 503): a client that only reads `code` works, and one that checks
the status does too.
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

# MJ-proxy ReturnCode values.
NOT_FOUND = 3
VALIDATION_ERROR = 4
FAILURE = 9
EXISTED = 21
QUEUE_REJECTED = 23
BANNED_PROMPT = 24  # "the prompt contains sensitive words"
ERROR_CODES = frozenset({NOT_FOUND, VALIDATION_ERROR, FAILURE, EXISTED, QUEUE_REJECTED, BANNED_PROMPT})

# Per error class: (HTTP status, body code).
_ERRORS = ErrorTable[tuple[int, int]](
    {
        Unauthorized: (401, FAILURE),
        InsufficientCredits: (403, FAILURE),
        NotFound: (404, NOT_FOUND),
        Conflict: (409, EXISTED),
        PayloadTooLarge: (413, VALIDATION_ERROR),
        ContentRefused: (400, BANNED_PROMPT),
        InvalidRequest: (400, VALIDATION_ERROR),
        Unsupported: (400, FAILURE),
        RateLimited: (429, QUEUE_REJECTED),
        Unavailable: (503, FAILURE),
    },
    default=(500, FAILURE),
)


class ZeakaiDialect(Dialect):
    name = "zeakai"

    def render_error(self, err: ServiceError) -> tuple[int, dict[str, Any]]:
        status, code = _ERRORS.lookup(err)
        return status, {"code": code, "description": err.message, "result": None, "properties": {}}
