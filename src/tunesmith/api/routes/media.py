"""Delivered files and live streams, for whoever holds their URL (no key: clients share these links and play
them in `<audio>` tags, as with Suno's CDN).

`/media/{key}` serves a file only when the database records it as delivered (`Store.public_object`): a
song's MP3 and cover, or the result of an operation its owner ordered (WAV, stems, MIDI, video). Every other
key — a plan, word timings, kept stems, a guessed or listed path — is 404, the same answer as for a key that
does not exist, so nothing can be probed or listed. Files past the retention period are 404 too.
`/stream/{clip id}` plays a clip while it renders (pieces published by the worker, media.streams), and its
final MP3 once done.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from fastapi import APIRouter, Request, Response
from fastapi.responses import StreamingResponse

from tunesmith.api.deps import ServicesDep
from tunesmith.api.ranges import file_response
from tunesmith.domain.ids import could_be_id
from tunesmith.domain.states import ClipState
from tunesmith.media import streams
from tunesmith.media.prune import is_expired
from tunesmith.media.store import check_key

router = APIRouter(tags=["media"])


def _not_found(what: str = "No such file") -> Response:
    return Response(what, status_code=404, media_type="text/plain")


@router.get(
    "/media/{key:path}",
    summary="Download a delivered file (audio, cover, WAV, stems, MIDI, video); HTTP Range supported",
)
async def get_media(key: str, request: Request, services: ServicesDep) -> Response:
    try:
        check_key(key)
    except ValueError:
        return _not_found()
    record = await asyncio.to_thread(services.store.public_object, key)
    if record is None or is_expired(record.created_at, services.settings.media_retention_days):
        return _not_found()
    return await file_response(services.media, record, request, _cache(services))


@router.head("/media/{key:path}", include_in_schema=False)
async def head_media(key: str, request: Request, services: ServicesDep) -> Response:
    """The GET's status and headers without the body (players probe a file's size and type first). A route
    of its own, out of the schema: documented beside the GET it would repeat its operation id."""
    return await get_media(key, request, services)


@router.get("/stream/{clip_id}", summary="Play a clip: live while it renders, the final MP3 once done")
async def stream_clip(clip_id: str, request: Request, services: ServicesDep) -> Response:
    clip = await asyncio.to_thread(services.store.get_clip, clip_id) if could_be_id(clip_id) else None
    if clip is None or is_expired(clip.created_at, services.settings.media_retention_days):
        return _not_found("No such clip")
    if clip.state is ClipState.COMPLETE and clip.audio_key:
        record = await asyncio.to_thread(services.store.public_object, clip.audio_key)
        if record is None:
            return _not_found("No such clip")
        return await file_response(services.media, record, request, _cache(services))
    if clip.state is not ClipState.STREAMING or not clip.stream_key:
        return _not_found("This clip is not playable yet")
    prefix = clip.stream_key

    async def still_streaming() -> bool:
        now = await asyncio.to_thread(services.store.get_clip, clip_id)
        return now is not None and now.state is ClipState.STREAMING and now.stream_key == prefix

    return StreamingResponse(
        streams.follow(services.media, prefix, still_streaming, request.is_disconnected),
        media_type="audio/mpeg",
        headers={"Cache-Control": "no-store"},
    )


def _cache(services: ServicesDep) -> Path:
    """Where this process keeps local copies of packed files from a remote store."""
    return services.settings.effective_scratch_dir / "media-cache"
