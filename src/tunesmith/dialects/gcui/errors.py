"""gcui-art suno-api error envelope: `{"error": "..."}` with a meaningful HTTP status.

gcui has no body code: its clients read the HTTP status and show `error`. The statuses follow gcui's routes
(400 for a missing id, 402 payment required, 500 internal) and plain HTTP for the rest. A refused operation
(Unsupported: the engine cannot do it yet) is 501 Not Implemented, so a client can tell "this server cannot
do that" from "your request was wrong" (400).
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

# Per error class; PayloadTooLarge, an InvalidRequest, has its own entry.
_STATUSES = ErrorTable[int](
    {
        Unauthorized: 401,
        InsufficientCredits: 402,
        NotFound: 404,
        Conflict: 409,
        PayloadTooLarge: 413,
        ContentRefused: 400,
        InvalidRequest: 400,
        RateLimited: 429,
        Unsupported: 501,
        Unavailable: 503,
    },
    default=500,
)
INTERNAL_ERROR = "Internal server error"  # gcui's own words for a 500


def gcui_status(err: ServiceError) -> int:
    return _STATUSES.lookup(err)


class GcuiDialect(Dialect):
    """gcui-art/suno-api: bare JSON on success, `{"error": message}` on failure."""

    name = "gcui"

    def render_error(self, err: ServiceError) -> tuple[int, dict[str, Any]]:
        return gcui_status(err), {"error": err.message or INTERNAL_ERROR}
