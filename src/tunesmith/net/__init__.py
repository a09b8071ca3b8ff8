"""Network safety: what the service may connect to on a client's behalf."""

from __future__ import annotations

from tunesmith.net.urlguard import (
    CallbackUrlRefused,
    HostNotResolved,
    check_callback_url,
    resolve_and_check,
)

__all__ = ["CallbackUrlRefused", "HostNotResolved", "check_callback_url", "resolve_and_check"]
