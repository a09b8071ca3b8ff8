"""Media files at stable URLs (HTTP Range, correct content types) and the live stream of a rendering clip."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

from fastapi import APIRouter, HTTPException, Request, Response
from fastapi.responses import FileResponse, StreamingResponse

from tunesmith.api.deps import ServicesDep
from tunesmith.domain.ids import could_be_id
from tunesmith.domain.states import ClipState
from tunesmith.media.storage import content_type_for

router = APIRouter(tags=["media"])

CHUNK = 64 * 1024
STREAM_IDLE_LIMIT_S = 120.0


@router.get("/media/{key:path}", summary="Download a stored file (audio, image, MIDI, stems)")
def get_media(key: str, services: ServicesDep) -> Response:
    try:
        path = services.media.path(key)
    except ValueError:
        raise HTTPException(404, "No such file") from None
    if not path.is_file():
        raise HTTPException(404, "No such file")
    return FileResponse(
        path, media_type=content_type_for(key), headers={"Cache-Control": "public, max-age=86400"}
    )


@router.get("/stream/{clip_id}", summary="Play a clip: live while it renders, the final MP3 once done")
async def stream_clip(clip_id: str, request: Request, services: ServicesDep) -> Response:
    clip = await asyncio.to_thread(services.store.get_clip, clip_id) if could_be_id(clip_id) else None
    if clip is None:
        raise HTTPException(404, "No such clip")
    if clip.state is ClipState.COMPLETE and clip.audio_key:
        return FileResponse(services.media.path(clip.audio_key), media_type="audio/mpeg")
    if clip.state is not ClipState.STREAMING or not clip.stream_key:
        raise HTTPException(404, "This clip is not playable yet")
    path = services.media.path(clip.stream_key)
    return StreamingResponse(
        _follow(path, clip_id, request, services),
        media_type="audio/mpeg",
        headers={"Cache-Control": "no-store"},
    )


async def _follow(path: Path, clip_id: str, request: Request, services: ServicesDep) -> AsyncIterator[bytes]:
    """Send the growing file as it grows, until the clip stops streaming and everything is sent."""
    offset = 0
    idle = 0.0
    while True:
        chunk = await asyncio.to_thread(_read_from, path, offset)
        if chunk:
            offset += len(chunk)
            idle = 0.0
            yield chunk
            continue
        clip = await asyncio.to_thread(services.store.get_clip, clip_id)
        if clip is None or clip.state is not ClipState.STREAMING:
            tail = await asyncio.to_thread(_read_from, path, offset, 1 << 30)
            if tail:
                yield tail
            return
        if await request.is_disconnected() or idle > STREAM_IDLE_LIMIT_S:
            return
        await asyncio.sleep(0.25)
        idle += 0.25


def _read_from(path: Path, offset: int, size: int = CHUNK) -> bytes:
    try:
        with path.open("rb") as handle:
            handle.seek(offset)
            return handle.read(size)
    except FileNotFoundError:
        return b""
