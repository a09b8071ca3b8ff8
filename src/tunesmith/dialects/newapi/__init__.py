"""new-api / GoAmz dialect (seed 001): `/suno/submit/*` (music, extend via continue_clip_id, concat, lyrics),
`/suno/fetch`, `/suno/feed`, `/suno/lyrics`, and the
`notify_hook` webhook.

Pure translation between new-api's wire format and the domain model; the API layer wires these to routes.
"""

from __future__ import annotations

from tunesmith.dialects.newapi.errors import NewApiDialect, newapi_error
from tunesmith.dialects.newapi.render import (
    ACTIONS,
    CLIP_STATUSES,
    TASK_STATUSES,
    action,
    audio_url,
    envelope,
    progress,
    render_batch,
    render_clip,
    render_fetch,
    render_lyrics,
    render_notify,
    render_submit,
    render_task,
    task_status,
)
from tunesmith.dialects.newapi.requests import (
    DEFAULT_MV,
    IMPLEMENTED_KINDS,
    MAX_FETCH_IDS,
    MODEL_ALIASES,
    ConcatRequest,
    FetchRequest,
    LyricsRequest,
    MusicRequest,
    UploadRequest,
    concat_operation,
    continuation,
    lyrics_operation,
    refuse_unimplemented,
    resolve_model,
    to_song_request,
    upload_operation,
)

__all__ = [
    "ACTIONS",
    "CLIP_STATUSES",
    "DEFAULT_MV",
    "IMPLEMENTED_KINDS",
    "MAX_FETCH_IDS",
    "MODEL_ALIASES",
    "TASK_STATUSES",
    "ConcatRequest",
    "FetchRequest",
    "LyricsRequest",
    "MusicRequest",
    "NewApiDialect",
    "UploadRequest",
    "action",
    "audio_url",
    "concat_operation",
    "continuation",
    "envelope",
    "lyrics_operation",
    "newapi_error",
    "progress",
    "refuse_unimplemented",
    "render_batch",
    "render_clip",
    "render_fetch",
    "render_lyrics",
    "render_notify",
    "render_submit",
    "render_task",
    "resolve_model",
    "task_status",
    "to_song_request",
    "upload_operation",
]
