"""Live streams across hosts: a growing MP3 published as numbered pieces that any API process can read.

An engine appends MP3 frames to a file in its local scratch folder while it renders. The worker's
`StreamPublisher` copies each new stretch of that file to the media store as the next piece
(`<prefix>000000.mp3`, `<prefix>000001.mp3`, ...), the first one before the clip is reported as streaming.
`follow` (in the API process, on any host) sends the pieces in order as they appear, and stops once the clip
no longer streams from this prefix and no further piece exists. The pieces, joined, are the engine's file
byte for byte. After the clip completes its final MP3 is what plays; the pieces are deleted a little later
(`StreamPublisher.finish` says how many bytes they hold so the runtime can record them for that).
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path

from tunesmith.media.store import MediaMissing, MediaStore

log = logging.getLogger(__name__)

POLL_SECONDS = 0.25
IDLE_LIMIT_SECONDS = 120.0  # a listener waiting this long for the next piece of a stalled render gives up


def piece_key(prefix: str, index: int) -> str:
    return f"{prefix}{index:06d}.mp3"


class StreamPublisher:
    """Tails one growing file and publishes what it gains as pieces. Thread-safe; one per streaming clip."""

    def __init__(self, media: MediaStore, source: Path, prefix: str, *, interval: float = POLL_SECONDS):
        self.media = media
        self.source = source
        self.prefix = prefix
        self.interval = interval
        self.pieces = 0
        self.published = 0
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Publish what the file holds now (so the stream plays as soon as it is announced), then keep
        publishing what it gains from a background thread."""
        self.publish_new()
        self._thread = threading.Thread(target=self._tail, name=f"stream-{self.prefix}", daemon=True)
        self._thread.start()

    def _tail(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self.publish_new()
            except Exception:  # noqa: BLE001 - the next round (or finish) tries again
                log.exception("publishing stream piece of %s failed", self.prefix)

    def publish_new(self) -> int:
        """Publish the bytes the file gained since the last piece, as one piece; returns how many."""
        with self._lock:
            try:
                with self.source.open("rb") as handle:
                    handle.seek(self.published)
                    data = handle.read()
            except FileNotFoundError:
                return 0
            if not data:
                return 0
            self.media.put_bytes(piece_key(self.prefix, self.pieces), data)
            self.pieces += 1
            self.published += len(data)
            return len(data)

    def finish(self) -> int:
        """Stop tailing and publish the rest of the file (the engine has closed it); returns the bytes the
        pieces hold in all."""
        self.stop()
        self.publish_new()
        return self.published

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(10)


async def follow(
    media: MediaStore,
    prefix: str,
    still_streaming: Callable[[], Awaitable[bool]],
    disconnected: Callable[[], Awaitable[bool]],
    *,
    poll: float = POLL_SECONDS,
    idle_limit: float = IDLE_LIMIT_SECONDS,
) -> AsyncIterator[bytes]:
    """The stream under `prefix`, piece after piece as they are published. `still_streaming` says whether
    more pieces may come (the clip still streams from this prefix); the last piece is always published
    before that turns false, so one more look after it ends the stream with nothing lost."""
    index, idle = 0, 0.0
    while True:
        chunks = await asyncio.to_thread(_open, media, piece_key(prefix, index))
        if chunks is not None:
            while (chunk := await asyncio.to_thread(next, chunks, None)) is not None:
                yield chunk
            index, idle = index + 1, 0.0
            continue
        if not await still_streaming():
            if await asyncio.to_thread(media.stat, piece_key(prefix, index)) is None:
                return
            continue
        if idle > idle_limit or await disconnected():
            return
        await asyncio.sleep(poll)
        idle += poll


def _open(media: MediaStore, key: str) -> Iterator[bytes] | None:
    try:
        return media.iter_bytes(key)
    except MediaMissing:
        return None
