"""Serving a stored file over HTTP: byte ranges (RFC 9110 §14), content type, caching, streamed from the
media store chunk by chunk whatever the backend (a 1 GB file never sits in memory)."""

from __future__ import annotations

import hashlib
import os
import tempfile
import time
from email.utils import format_datetime
from pathlib import Path

from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from tunesmith.domain.models import MediaRecord
from tunesmith.media import packed_wav
from tunesmith.media.store import MediaMissing, MediaStore

# Delivered files never change under their key (a new version gets a new token), so caches may keep them.
CACHE_CONTROL = "public, max-age=86400"
CACHE_KEEP_SECONDS = 6 * 3600  # local copies of packed files from a remote store, unused this long, go


class Unsatisfiable(Exception):
    """The Range asks only for bytes past the end of the file (HTTP 416)."""


def parse_range(header: str | None, size: int) -> tuple[int, int] | None:
    """The half-open span [start, end) one `Range: bytes=...` header asks for, or None to send the whole
    file (no header, another unit, several ranges, or a malformed one: the RFC lets a server ignore those).
    Raises Unsatisfiable when the span lies wholly past the end."""
    if not header or not header.startswith("bytes=") or "," in header:
        return None
    first, sep, last = header[len("bytes=") :].strip().partition("-")
    if not sep or not (first.isdigit() or last.isdigit()) or (first and not first.isdigit()):
        return None
    if last and not last.isdigit():
        return None
    if not first:  # the last N bytes
        count = int(last)
        if count == 0:
            raise Unsatisfiable
        return max(0, size - count), size
    start = int(first)
    end = size if not last else min(int(last) + 1, size)
    if last and int(last) < start:
        return None
    if start >= size:
        raise Unsatisfiable
    return start, end


async def file_response(
    media: MediaStore, record: MediaRecord, request: Request, cache: Path | None = None
) -> Response:
    """The file `record` names: 200 with all of it, 206 with the range asked for, 416 past the end, 404
    when the file is gone from the store. A WAV stored packed (media.packed_wav) is served as the WAV it
    was, decoded range by range from a local copy (`cache` holds copies of files from a remote store)."""
    import asyncio

    view = None
    if record.encoding == packed_wav.ENCODING:
        local = await asyncio.to_thread(_local_copy, media, record.key, cache)
        if local is None:
            return Response(status_code=404)
        view = await asyncio.to_thread(packed_wav.WavView, local)
        size = view.size
    else:
        stored = await asyncio.to_thread(media.stat, record.key)
        if stored is None:
            return Response(status_code=404)
        size = stored.size
    headers = {
        "Accept-Ranges": "bytes",
        "Cache-Control": CACHE_CONTROL,
        "ETag": f'"{record.digest or hashlib.sha256(record.key.encode()).hexdigest()[:32]}"',
        "Last-Modified": format_datetime(record.created_at, usegmt=True),
    }
    try:
        span = parse_range(request.headers.get("range"), size)
    except Unsatisfiable:
        return Response(status_code=416, headers={**headers, "Content-Range": f"bytes */{size}"})
    start, end = span or (0, size)
    status = 206 if span is not None else 200
    if span is not None:
        headers["Content-Range"] = f"bytes {start}-{end - 1}/{size}"
    headers["Content-Length"] = str(end - start)
    if request.method == "HEAD" or end <= start:
        return Response(status_code=status, headers=headers, media_type=record.content_type)
    if view is not None:
        chunks = view.iter_bytes(start, end)
        return StreamingResponse(chunks, status_code=status, headers=headers, media_type=record.content_type)
    try:
        chunks = await asyncio.to_thread(media.iter_bytes, record.key, start, end)
    except MediaMissing:
        return Response(status_code=404)
    return StreamingResponse(chunks, status_code=status, headers=headers, media_type=record.content_type)


def _local_copy(media: MediaStore, key: str, cache: Path | None) -> Path | None:
    """A local file holding the object: the store's own file when it is a directory, else a copy in
    `cache` (made once, reused while it is used; old copies are removed as new ones are made)."""
    local = media.local_path(key)
    if local is not None:
        return local if local.is_file() else None
    folder = cache or Path(tempfile.gettempdir()) / "tunesmith-media-cache"
    folder.mkdir(parents=True, exist_ok=True)
    copy = folder / (hashlib.sha256(key.encode()).hexdigest() + ".flac")
    if copy.is_file():
        os.utime(copy)
        return copy
    _forget_old(folder)
    partial = folder / f".{copy.name}.{os.getpid()}.{time.monotonic_ns()}"
    try:
        media.download(key, partial)
    except MediaMissing:
        return None
    partial.replace(copy)
    return copy


def _forget_old(folder: Path) -> None:
    cutoff = time.time() - CACHE_KEEP_SECONDS
    for path in folder.iterdir():
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
        except OSError:
            continue
