"""gcui-art "suno-api" dialect: `POST /api/generate`, `/api/custom_generate`, `GET /api/get?ids=`, ...

Bare JSON (arrays of Suno `AudioInfo` clips) on success, `{"error": "..."}` on failure. Clients address
clips, not tasks. Pure translation between gcui's wire format and the domain model; the API layer
(tunesmith.api.routes.gcui) wires it to routes.
"""

from __future__ import annotations

from tunesmith.dialects.gcui.errors import INTERNAL_ERROR, GcuiDialect, gcui_status
from tunesmith.dialects.gcui.render import (
    CLIP_STATUSES,
    GET_FIELDS,
    SUBMIT_FIELDS,
    UNLIMITED_CREDITS,
    audio_info,
    clip_status,
    iso_time,
    monthly_usage,
    parse_lyrics,
    raw_clip,
    render_aligned_lyrics,
    render_clips,
    render_limit,
    render_lyrics,
    task_clips,
)
from tunesmith.dialects.gcui.requests import (
    DEFAULT_MODEL,
    GCUI_MODEL_NAMES,
    GCUI_MODELS,
    AudioIdRequest,
    ConcatRequest,
    CustomGenerateRequest,
    ExtendAudioRequest,
    GenerateLyricsRequest,
    GenerateRequest,
    model_for,
    parse_continue_at,
    require_id,
    to_concat,
    to_custom_generate,
    to_extend,
    to_generate,
    to_lyrics,
)

__all__ = [
    "CLIP_STATUSES",
    "DEFAULT_MODEL",
    "GCUI_MODELS",
    "GCUI_MODEL_NAMES",
    "GET_FIELDS",
    "INTERNAL_ERROR",
    "SUBMIT_FIELDS",
    "UNLIMITED_CREDITS",
    "AudioIdRequest",
    "ConcatRequest",
    "CustomGenerateRequest",
    "ExtendAudioRequest",
    "GcuiDialect",
    "GenerateLyricsRequest",
    "GenerateRequest",
    "audio_info",
    "clip_status",
    "gcui_status",
    "iso_time",
    "model_for",
    "monthly_usage",
    "parse_continue_at",
    "parse_lyrics",
    "raw_clip",
    "render_aligned_lyrics",
    "render_clips",
    "render_limit",
    "render_lyrics",
    "require_id",
    "task_clips",
    "to_concat",
    "to_custom_generate",
    "to_extend",
    "to_generate",
    "to_lyrics",
]
