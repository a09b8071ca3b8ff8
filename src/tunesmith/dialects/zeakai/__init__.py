"""SKU / zeakAi dialect: the seed's Suno menu (lyrics, inspiration, custom, cover, edit, upload, extend, crop,
merge) and `GET /suno/task/{id}/fetch`. Pure translation; the API layer wires these to routes."""

from __future__ import annotations

from tunesmith.dialects.models import MAJOR_VERSIONS
from tunesmith.dialects.zeakai.errors import ERROR_CODES, ZeakaiDialect
from tunesmith.dialects.zeakai.render import (
    STATUSES,
    clip_status,
    render_fetch,
    render_lyrics,
    render_submit,
    task_status,
)
from tunesmith.dialects.zeakai.requests import (
    EDITS,
    CoverRequest,
    CropRequest,
    CustomRequest,
    ExtendRequest,
    InspirationRequest,
    LyricsRequest,
    MergeRequest,
    PartialEditRequest,
    UploadRequest,
    clip_of,
    edit_request,
    model_for,
    song_request_for,
)

__all__ = [
    "ERROR_CODES",
    "MAJOR_VERSIONS",
    "EDITS",
    "STATUSES",
    "CoverRequest",
    "CropRequest",
    "CustomRequest",
    "ExtendRequest",
    "InspirationRequest",
    "LyricsRequest",
    "MergeRequest",
    "PartialEditRequest",
    "UploadRequest",
    "ZeakaiDialect",
    "clip_of",
    "clip_status",
    "edit_request",
    "model_for",
    "render_fetch",
    "render_lyrics",
    "render_submit",
    "song_request_for",
    "task_status",
]
