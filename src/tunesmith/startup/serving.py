"""The uvicorn configuration every Tunesmith API server runs with (`tunesmith serve` and the test harness):
the connection guard of tunesmith.api.slowclients, bound to the operator's settings."""

from __future__ import annotations

from typing import Any

import uvicorn

from tunesmith.api.slowclients import ConnectionLimits, guarded_protocol
from tunesmith.settings import Settings


def connection_limits(settings: Settings) -> ConnectionLimits:
    return ConnectionLimits(
        header_timeout=settings.header_timeout_seconds,
        body_timeout=settings.body_timeout_seconds,
        max_header_bytes=settings.max_header_bytes,
        max_connections=settings.max_connections,
    )


def server_config(app: Any, settings: Settings, **options: Any) -> uvicorn.Config:
    """uvicorn.Config for `app` with the guarded HTTP protocol and the keep-alive timeout from `settings`;
    `options` (host, port, log_level...) go to uvicorn as they are."""
    return uvicorn.Config(
        app,
        http=guarded_protocol(connection_limits(settings)),
        timeout_keep_alive=max(1, round(settings.keep_alive_seconds)),
        **{"access_log": False, **options},
    )
