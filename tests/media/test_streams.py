"""Live streams in pieces, on every store backend: what a follower on another host reads, joined, is the
engine's growing file byte for byte; it waits for pieces while the clip streams and ends once it is done."""

from __future__ import annotations

import asyncio
import os
import threading
import time
from pathlib import Path

from tunesmith.media.store import MediaStore
from tunesmith.media.streams import StreamPublisher, follow, piece_key


async def _collect(store: MediaStore, prefix: str, streaming: threading.Event) -> bytes:
    async def still() -> bool:
        return streaming.is_set()

    async def gone() -> bool:
        return False

    out = b""
    async for chunk in follow(store, prefix, still, gone, poll=0.02):
        out += chunk
    return out


def test_a_growing_file_reaches_a_follower_whole(store: MediaStore, tmp_path: Path) -> None:
    source = tmp_path / "stream.mp3"
    parts = [os.urandom(50_000 + i * 777) for i in range(6)]
    source.write_bytes(parts[0])
    publisher = StreamPublisher(store, source, "streams/clip/1/", interval=0.02)
    publisher.start()
    assert store.read_bytes(piece_key("streams/clip/1/", 0)) == parts[0]  # published before announced
    streaming = threading.Event()
    streaming.set()

    def engine() -> None:  # keeps appending, like an engine rendering section after section
        for part in parts[1:]:
            time.sleep(0.05)
            with source.open("ab") as handle:
                handle.write(part)
        time.sleep(0.05)
        assert publisher.finish() == sum(len(p) for p in parts)
        streaming.clear()  # the clip is reported complete only after its last piece is out

    writer = threading.Thread(target=engine)
    writer.start()
    got = asyncio.run(_collect(store, "streams/clip/1/", streaming))
    writer.join()
    assert got == b"".join(parts)
    assert publisher.pieces >= 2
    keys = [o.key for o in store.list("streams/clip/1/")]
    assert keys == [piece_key("streams/clip/1/", i) for i in range(publisher.pieces)]


def test_a_follower_of_a_finished_stream_gets_it_all_and_stops(store: MediaStore, tmp_path: Path) -> None:
    source = tmp_path / "stream.mp3"
    source.write_bytes(b"frames" * 1000)
    publisher = StreamPublisher(store, source, "streams/c2/1/")
    publisher.start()
    publisher.finish()
    done = threading.Event()
    assert asyncio.run(_collect(store, "streams/c2/1/", done)) == b"frames" * 1000


def test_a_stalled_stream_gives_up_after_the_idle_limit(store: MediaStore) -> None:
    async def forever() -> bool:
        return True

    async def gone() -> bool:
        return False

    async def run() -> bytes:
        out = b""
        async for chunk in follow(store, "streams/none/1/", forever, gone, poll=0.01, idle_limit=0.1):
            out += chunk
        return out

    started = time.monotonic()
    assert asyncio.run(run()) == b""
    assert time.monotonic() - started < 5
