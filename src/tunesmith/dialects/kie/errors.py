"""kie.ai error envelopes: `{"code": <int>, "msg": "...", "data": null}`."""

from __future__ import annotations

from typing import Any

from tunesmith.dialects.base import Dialect, ErrorTable
from tunesmith.dialects.validation import validation_error_to_invalid
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

# Per error class; PayloadTooLarge, an InvalidRequest, has its own entry. Unsupported has no kie code of its
# own; 422 ("the request parameters failed validation") is what a kie client already handles for a refusal.
_CODES = ErrorTable[int](
    {
        Unauthorized: 401,
        InsufficientCredits: 402,
        NotFound: 404,
        Conflict: 409,
        PayloadTooLarge: 413,
        ContentRefused: 400,  # kie: 400 for moderation ("Lyrics contained copyrighted material")
        InvalidRequest: 422,
        Unsupported: 422,
        RateLimited: 429,
        Unavailable: 455,
    },
    default=500,
)
KIE_UNAUTHORIZED = "You do not have access permissions"  # kie's exact text (no full stop)


def kie_code(err: ServiceError) -> int:
    return _CODES.lookup(err)


class KieDialect(Dialect):
    """kie.ai / sunoapi.org. The HTTP status equals the body `code`, which kie clients read either way."""

    name = "kie"

    def render_error(self, err: ServiceError) -> tuple[int, dict[str, Any]]:
        code = kie_code(err)
        msg = err.message
        if isinstance(err, Unauthorized) and msg == (Unauthorized.__doc__ or "").strip():
            msg = KIE_UNAUTHORIZED
        return code, {"code": code, "msg": msg, "data": None}


__all__ = ["KIE_UNAUTHORIZED", "KieDialect", "kie_code", "validation_error_to_invalid"]
