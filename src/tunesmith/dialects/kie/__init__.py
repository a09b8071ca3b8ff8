"""kie.ai / sunoapi.org dialect: `POST /api/v1/generate`, `GET .../record-info`, callbacks, credits.

Pure translation between kie's wire format and the domain model; the API layer wires these to routes.
"""

from __future__ import annotations

from tunesmith.dialects.kie.errors import KieDialect, kie_code, validation_error_to_invalid
from tunesmith.dialects.kie.render import (
    CALLBACK_STAGES,
    MUSIC_STATUSES,
    kie_status,
    render_callback,
    render_credit,
    render_record_info,
    render_submit,
)
from tunesmith.dialects.kie.requests import (
    DESCRIPTION_LIMIT,
    MODEL_LIMITS,
    KieGenerateRequest,
    to_param,
    to_song_request,
)

__all__ = [
    "CALLBACK_STAGES",
    "DESCRIPTION_LIMIT",
    "MODEL_LIMITS",
    "MUSIC_STATUSES",
    "KieDialect",
    "KieGenerateRequest",
    "kie_code",
    "kie_status",
    "render_callback",
    "render_credit",
    "render_record_info",
    "render_submit",
    "to_param",
    "to_song_request",
    "validation_error_to_invalid",
]
