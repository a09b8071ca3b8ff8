"""Tunesmith's own envelope for its native routes: `{"error": {"code", "message", "field"}}`."""

from __future__ import annotations

from typing import Any

from tunesmith.dialects.base import Dialect, ErrorTable
from tunesmith.domain import errors

_STATUS = ErrorTable[int](
    {
        errors.Unauthorized: 401,
        errors.InsufficientCredits: 402,
        errors.NotFound: 404,
        errors.Conflict: 409,
        errors.PayloadTooLarge: 413,
        errors.ContentRefused: 422,
        errors.InvalidRequest: 422,
        errors.Unsupported: 422,
        errors.RateLimited: 429,
        errors.Unavailable: 503,
    },
    default=500,
)


class NativeDialect(Dialect):
    name = "native"

    def render_error(self, err: errors.ServiceError) -> tuple[int, dict[str, Any]]:
        status = _STATUS.lookup(err)
        return status, {"error": {"code": type(err).__name__, "message": err.message, "field": err.field}}
