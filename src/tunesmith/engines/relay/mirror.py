"""Copies an upstream's media into the clip folder the runtime gave us, so clients get Tunesmith's own URLs.

Upstream URLs expire (kie keeps files 14–15 days) and point at someone else's CDN; a relayed song is only
ours once its files are. Every copy goes through the safe fetcher (tunesmith.media.fetch.download): the
URL and every redirect are checked against the SSRF guard and pinned, with caps on bytes and time. Private
addresses are refused except the channel's own host, which the operator configured (`allow`).

- `mirror_audio`: the final MP3, decoded end to end (it must be audio) to measure its real duration.
- `mirror_image`: the cover; anything Pillow cannot read is dropped, anything not JPEG/PNG becomes PNG.
- `StreamCopy`: follows the upstream's live stream into `stream.mp3` while the clip renders, so our stream
  URL plays it (a proxy that also works when the API runs in another process).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import soundfile as sf
from PIL import Image, UnidentifiedImageError

from tunesmith.media.fetch import FetchFailed, download

log = logging.getLogger(__name__)

AUDIO_NAME = "audio.mp3"
STREAM_NAME = "stream.mp3"
IMAGE_FORMATS = {"JPEG": "cover.jpg", "PNG": "cover.png"}
MAX_IMAGE_BYTES = 10_000_000


class MirrorFailed(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class MirrorLimits:
    allow: Sequence[str]
    max_bytes: int
    timeout: float


def mirror_audio(url: str, workdir: Path, limits: MirrorLimits, name: str = AUDIO_NAME) -> tuple[str, float]:
    """Copy audio into `workdir/name` (the final MP3 unless named otherwise); (file name, duration in
    seconds)."""
    target = workdir / name
    partial = workdir / (name + ".part")
    try:
        download(
            url,
            partial,
            allow=limits.allow,
            max_bytes=limits.max_bytes,
            timeout=limits.timeout,
            field="audio_url",
        )
        duration = decoded_seconds(partial)
        partial.replace(target)
    except FetchFailed as exc:
        raise MirrorFailed(exc.message) from None
    finally:
        partial.unlink(missing_ok=True)
    return name, duration


def decoded_seconds(path: Path) -> float:
    """Decode the whole file and count its frames: its real length, and proof that it is audio."""
    try:
        with sf.SoundFile(str(path)) as audio:
            rate = audio.samplerate
            frames = sum(len(block) for block in audio.blocks(blocksize=1 << 16))
    except (RuntimeError, OSError, sf.LibsndfileError) as exc:
        raise MirrorFailed(f"audio_url: the upstream's file is not audio we can decode ({exc})") from None
    if frames <= 0 or rate <= 0:
        raise MirrorFailed("audio_url: the upstream's file holds no audio")
    return round(frames / float(rate), 3)


def mirror_image(url: str, workdir: Path, limits: MirrorLimits) -> str | None:
    """Copy the cover image; its file name, or None when it cannot be had (a song without a cover is still
    a song)."""
    partial = workdir / "cover.part"
    try:
        download(
            url,
            partial,
            allow=limits.allow,
            max_bytes=min(limits.max_bytes, MAX_IMAGE_BYTES),
            timeout=limits.timeout,
            field="image_url",
        )
        with Image.open(partial) as image:
            name = IMAGE_FORMATS.get(image.format or "")
            if name is None:
                name = "cover.png"
                image.convert("RGB").save(workdir / name, format="PNG")
                return name
        partial.replace(workdir / name)
        return name
    except FetchFailed as exc:
        log.warning("cover image not mirrored: %s", exc.message)
        return None
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        log.warning("cover image not mirrored: not an image we can read (%s)", exc)
        return None
    finally:
        partial.unlink(missing_ok=True)


@dataclass
class StreamCopy:
    """One clip's upstream stream followed into `workdir/stream.mp3` (run `run` in a thread)."""

    url: str
    workdir: Path
    limits: MirrorLimits
    started: threading.Event = field(default_factory=threading.Event)
    finished: threading.Event = field(default_factory=threading.Event)
    cancelled: threading.Event = field(default_factory=threading.Event)
    error: str = ""

    @property
    def filename(self) -> str:
        return STREAM_NAME

    def run(self) -> None:
        try:
            download(
                self.url,
                self.workdir / STREAM_NAME,
                allow=self.limits.allow,
                max_bytes=self.limits.max_bytes,
                timeout=self.limits.timeout,
                field="stream_audio_url",
                on_chunk=self._chunk,
            )
        except FetchFailed as exc:
            self.error = exc.message
        except _Cancelled:
            pass
        except Exception as exc:  # noqa: BLE001 - a stream is a nicety: it must never take the relay down
            self.error = repr(exc)
        finally:
            self.finished.set()

    def cancel(self) -> None:
        self.cancelled.set()

    def _chunk(self, total: int) -> None:
        if self.cancelled.is_set():
            raise _Cancelled
        if total > 0:
            self.started.set()


class _Cancelled(Exception):
    pass
