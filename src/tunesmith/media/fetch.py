"""Fetches outside audio a client names by URL (kie's ``uploadUrl``) and decodes it to a WAV for an engine.

The URL is the client's choice, so fetching it is a server-side request forgery risk exactly like a callback:
every hop (the URL and each redirect) is checked by :mod:`tunesmith.net.urlguard` and the request is pinned to
a checked address (:mod:`tunesmith.net.pinned`), so neither a private address nor DNS rebinding can aim it
inside the network. Redirects are followed by hand, at most :data:`MAX_REDIRECTS`, each checked again.

Limits: a declared ``Content-Length`` over ``max_bytes`` is refused before the body is read, and the body is
counted while it streams and abandoned once it passes ``max_bytes``. ``timeout`` bounds the whole download
(connect, headers and body): when it runs out, a watchdog shuts the socket down, so a server that trickles
bytes cannot hold the worker longer (the DNS lookup before connecting is the system resolver's own business).

Decoding: ffmpeg (no shell) reads the downloaded file and writes ``upload.wav`` (44.1 kHz, stereo, 16-bit).
It may read only that file (``-protocol_whitelist file``) with an audio container demuxer (no playlists, no
concat lists, which could make it open other files or URLs), and writes at most ``max_seconds`` + 1 s, so a
long recording cannot fill the disk before it is refused. The downloaded original is deleted afterwards.

Every failure is a :class:`FetchFailed` whose message speaks to the client (it names ``uploadUrl``) and whose
``retryable`` says whether trying again later may help (timeouts, connection errors, 5xx and 429 answers).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import httpx
import soundfile as sf

from tunesmith import __version__
from tunesmith.net.pinned import pin, pinned_client
from tunesmith.net.urlguard import (
    CallbackUrlRefused,
    HostNotResolved,
    Resolver,
    Target,
    parse_url,
    resolve_and_check,
)

FIELD = "uploadUrl"
MAX_REDIRECTS = 3
MAX_ADDRESSES = 3  # addresses of one name tried when connecting fails
CHUNK_BYTES = 64 * 1024
DECODE_TIMEOUT_S = 120.0
DURATION_TOLERANCE_S = 0.25  # decoders pad a little (MP3 frames): an 8:00.1 decode of an 8:00 file is fine
SAMPLE_RATE = 44100
CHANNELS = 2
USER_AGENT = f"Tunesmith/{__version__}"
WAV_NAME = "upload.wav"
_DOWNLOAD_NAME = "upload.download"
_PARTIAL_WAV = "upload.partial.wav"
# Demuxers of audio containers (and of video containers that carry audio). Not hls, concat, image2, tty,
# or anything else that reads other files or URLs, or that takes random bytes for "audio".
AUDIO_DEMUXERS = (
    "mp3,wav,w64,flac,ogg,mov,matroska,aac,loas,ac3,eac3,aiff,caf,asf,amr,ape,wv,au,mpc,mpc8,tta,dsf,"
    "mpeg,mpegts,flv,avi"
)


@dataclass(frozen=True)
class FetchedAudio:
    """The decoded upload: `wav` (44.1 kHz stereo 16-bit), its duration in seconds, how many bytes were
    downloaded and the Content-Type the server sent ("" when none)."""

    wav: Path
    duration: float
    source_bytes: int
    content_type: str


class FetchFailed(Exception):
    """The URL could not be fetched or decoded. `message` is meant for the client; `retryable` says whether a
    later attempt may succeed."""

    def __init__(self, message: str, retryable: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.retryable = retryable


def fetch_audio(
    url: str,
    dest_dir: Path,
    *,
    allow: Sequence[str] = (),
    max_bytes: int,
    max_seconds: float,
    timeout: float,
    resolver: Resolver | None = None,
    field: str = FIELD,
) -> FetchedAudio:
    """Download `url` (guarded, pinned, bounded) and decode it to `dest_dir/upload.wav`.

    `allow` lists hosts, IPs or CIDRs reachable despite being private (as for callbacks); `resolver` replaces
    the system resolver (tests); `field` names the URL in messages (the dialect's own field name). Raises
    FetchFailed.
    """
    dest_dir.mkdir(parents=True, exist_ok=True)
    original = dest_dir / _DOWNLOAD_NAME
    try:
        size, content_type = _download(url, original, allow, max_bytes, timeout, resolver, field, None)
        wav, duration = _decode(original, dest_dir, max_seconds, content_type, field)
    finally:
        original.unlink(missing_ok=True)
    return FetchedAudio(wav=wav, duration=duration, source_bytes=size, content_type=content_type)


def download(
    url: str,
    dest: Path,
    *,
    allow: Sequence[str] = (),
    max_bytes: int,
    timeout: float,
    field: str = FIELD,
    resolver: Resolver | None = None,
    on_chunk: Callable[[int], None] | None = None,
) -> tuple[int, str]:
    """Download `url` into `dest` as-is (guarded, pinned, bounded exactly as `fetch_audio`); returns (bytes,
    content type). `field` names the URL in messages. `on_chunk(total_bytes)` runs after each chunk is
    written and flushed (a reader may follow the growing file); an exception it raises ends the download.
    Raises FetchFailed."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    return _download(url, dest, allow, max_bytes, timeout, resolver, field, on_chunk)


# ── download ──────────────────────────────────────────────────────────────────────────────────────────────


class _Watchdog:
    """Ends the download when its time is up: shuts down every socket it opened (a blocked read returns)."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.deadline = time.monotonic() + seconds
        self.expired = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True

    def __enter__(self) -> _Watchdog:
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._timer.cancel()

    def left(self) -> float:
        return self.deadline - time.monotonic()

    def trace(self, event: str, info: dict[str, Any]) -> None:
        """httpcore's `trace` extension: note each new connection's socket."""
        if event != "connection.connect_tcp.complete":
            return
        stream = info.get("return_value")
        sock = stream.get_extra_info("socket") if stream is not None else None
        if sock is None:
            return
        with self._lock:
            self._sockets.append(sock)
            if self.expired:
                _shutdown(sock)

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            for sock in self._sockets:
                _shutdown(sock)


def _shutdown(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)


@dataclass(frozen=True)
class _Redirect:
    location: str


def _download(
    url: str,
    dest: Path,
    allow: Sequence[str],
    max_bytes: int,
    timeout: float,
    resolver: Resolver | None,
    field: str,
    on_chunk: Callable[[int], None] | None,
) -> tuple[int, str]:
    """Stream `url` into `dest`, following checked redirects; returns (bytes, content type)."""
    headers = {
        "User-Agent": USER_AGENT,
        "Accept": "audio/*, video/*;q=0.8, */*;q=0.5",
        "Accept-Encoding": "identity",  # the byte limit counts what is stored, and ffmpeg reads it as-is
    }
    with _Watchdog(timeout) as watchdog, pinned_client(timeout, headers=headers) as client:
        current = url
        for _ in range(MAX_REDIRECTS + 1):
            target, addresses = _checked(current, allow, resolver, field)
            outcome = _get(client, target, addresses, dest, max_bytes, watchdog, field, on_chunk)
            if isinstance(outcome, _Redirect):
                current = outcome.location
                continue
            return outcome
    raise FetchFailed(f"{field}: more than {MAX_REDIRECTS} redirects", retryable=False)


def _checked(
    url: str, allow: Sequence[str], resolver: Resolver | None, field: str
) -> tuple[Target, list[str]]:
    try:
        target = parse_url(url, field=field)
        return target, resolve_and_check(url, allow, field=field, resolver=resolver)
    except CallbackUrlRefused as exc:
        raise FetchFailed(exc.message, retryable=False) from None
    except HostNotResolved as exc:  # often a typo, but DNS hiccups happen: the retry budget bounds it
        raise FetchFailed(exc.message, retryable=True) from None


def _get(
    client: httpx.Client,
    target: Target,
    addresses: list[str],
    dest: Path,
    max_bytes: int,
    watchdog: _Watchdog,
    field: str,
    on_chunk: Callable[[int], None] | None,
) -> tuple[int, str] | _Redirect:
    error = "no address to connect to"
    for address in addresses[:MAX_ADDRESSES]:
        if watchdog.left() <= 0:
            raise _timed_out(target, watchdog, field)
        pinned = pin(target, address)
        try:
            with client.stream(
                "GET",
                pinned.url,
                headers=pinned.headers,
                extensions={**pinned.extensions, "trace": watchdog.trace},
                timeout=httpx.Timeout(max(0.01, watchdog.left())),
            ) as response:
                return _receive(response, target, dest, max_bytes, watchdog, field, on_chunk)
        except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
            if watchdog.expired:
                raise _timed_out(target, watchdog, field) from None
            error = _describe(exc)
            continue  # the name's next address may answer
        except httpx.TimeoutException:
            raise _timed_out(target, watchdog, field) from None
        except httpx.HTTPError as exc:
            if watchdog.expired:
                raise _timed_out(target, watchdog, field) from None
            failed = f"{field}: download from {target.host} failed: {_describe(exc)}"
            raise FetchFailed(failed, retryable=True) from None
    raise FetchFailed(f"{field}: cannot connect to {target.host}: {error}", retryable=True)


def _receive(
    response: httpx.Response,
    target: Target,
    dest: Path,
    max_bytes: int,
    watchdog: _Watchdog,
    field: str,
    on_chunk: Callable[[int], None] | None,
) -> tuple[int, str] | _Redirect:
    code = response.status_code
    if 300 <= code < 400 and code != 304:
        location = response.headers.get("location", "").strip()
        if not location:
            raise FetchFailed(f"{field}: {code} from {target.host} without a Location", retryable=False)
        return _Redirect(urljoin(target.url, location))
    if code == 429 or code >= 500:
        raise FetchFailed(f"{field}: {code} from {target.host}", retryable=True)
    if not 200 <= code < 300:
        raise FetchFailed(f"{field}: {code} from {target.host}", retryable=False)
    declared = _content_length(response)
    if declared is not None and declared > max_bytes:
        raise FetchFailed(f"{field}: the file is larger than {_size(max_bytes)}", retryable=False)
    received = 0
    with dest.open("wb") as out:
        # A follower (on_chunk) takes bytes as they arrive; iter_bytes(n) would hold them until n are there.
        for chunk in response.iter_bytes(None if on_chunk is not None else CHUNK_BYTES):
            received += len(chunk)
            if received > max_bytes:
                raise FetchFailed(f"{field}: the file is larger than {_size(max_bytes)}", retryable=False)
            if watchdog.expired or watchdog.left() <= 0:
                raise _timed_out(target, watchdog, field)
            out.write(chunk)
            if on_chunk is not None:
                out.flush()
                on_chunk(received)
    return received, response.headers.get("content-type", "").strip()


def _content_length(response: httpx.Response) -> int | None:
    try:
        return int(response.headers["content-length"])
    except (KeyError, ValueError):
        return None


def _timed_out(target: Target, watchdog: _Watchdog, field: str) -> FetchFailed:
    return FetchFailed(
        f"{field}: timed out after {watchdog.seconds:g} s fetching from {target.host}", retryable=True
    )


# ── decoding ──────────────────────────────────────────────────────────────────────────────────────────────


def _decode(
    original: Path, dest_dir: Path, max_seconds: float, content_type: str, field: str = FIELD
) -> tuple[Path, float]:
    """ffmpeg `original` into `dest_dir/upload.wav`; returns it and its duration."""
    if original.stat().st_size == 0:
        raise _undecodable("the file is empty", content_type, field)
    ffmpeg = shutil.which("ffmpeg")
    if ffmpeg is None:
        raise RuntimeError("ffmpeg is not installed: it is needed to decode uploaded audio")
    partial = dest_dir / _PARTIAL_WAV
    final = dest_dir / WAV_NAME
    command = [
        ffmpeg,
        "-nostdin",
        "-hide_banner",
        "-loglevel",
        "error",
        "-protocol_whitelist",
        "file",
        "-format_whitelist",
        AUDIO_DEMUXERS,
        "-i",
        f"file:{original}",
        "-map",
        "0:a:0",
        "-t",
        f"{max_seconds + 1:.3f}",  # enough to tell "too long" without writing all of it
        "-ac",
        str(CHANNELS),
        "-ar",
        str(SAMPLE_RATE),
        "-c:a",
        "pcm_s16le",
        "-f",
        "wav",
        "-y",
        f"file:{partial}",
    ]
    try:
        try:
            done = subprocess.run(
                command, capture_output=True, timeout=DECODE_TIMEOUT_S, check=False, stdin=subprocess.DEVNULL
            )
        except subprocess.TimeoutExpired:
            took = f"decoding took longer than {DECODE_TIMEOUT_S:g} s"
            raise _undecodable(took, content_type, field) from None
        if done.returncode != 0:
            raise _undecodable(_ffmpeg_error(done.stderr, original), content_type, field)
        try:
            info = sf.info(str(partial))
        except (RuntimeError, OSError) as exc:  # soundfile's LibsndfileError is a RuntimeError
            raise _undecodable(f"the decoded audio is unreadable ({exc})", content_type, field) from None
        duration = info.frames / float(info.samplerate) if info.samplerate else 0.0
        if info.frames <= 0 or duration <= 0:
            raise FetchFailed(f"{field}: the file holds no audio (0 s)", retryable=False)
        if duration > max_seconds + DURATION_TOLERANCE_S:
            raise FetchFailed(
                f"{field}: the audio is longer than the limit of {_seconds(max_seconds)}", retryable=False
            )
        os.replace(partial, final)
    finally:
        partial.unlink(missing_ok=True)
    return final, round(duration, 3)


def _ffmpeg_error(stderr: bytes, original: Path) -> str:
    text = stderr.decode("utf-8", "replace")
    text = text.replace(f"file:{original}", "the file").replace(str(original), "the file")  # no server paths
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if any("matches no streams" in line for line in lines):
        return "the file has no audio stream"
    if any("not on whitelist" in line for line in lines):
        return "the file is not in an audio format"
    detail = lines[0] if lines else "ffmpeg failed"
    if detail.startswith("the file: "):
        detail = detail[len("the file: ") :]
    return _clip(detail)


def _undecodable(why: str, content_type: str, field: str = FIELD) -> FetchFailed:
    hint = f" (the server sent {content_type.split(';')[0]})" if content_type else ""
    return FetchFailed(f"{field}: could not decode audio: {why}{hint}", retryable=False)


# ── wording ───────────────────────────────────────────────────────────────────────────────────────────────


def _size(n: int) -> str:
    if n >= 1_000_000:
        return f"{n / 1_000_000:g} MB"
    if n >= 1_000:
        return f"{n / 1_000:g} kB"
    return f"{n} bytes"


def _seconds(s: float) -> str:
    if s >= 60 and s % 60 == 0:
        minutes = int(s // 60)
        return f"{minutes} minute{'s' if minutes != 1 else ''} ({s:g} s)"
    return f"{s:g} s"


def _describe(exc: Exception) -> str:
    return _clip(str(exc) or type(exc).__name__)


def _clip(text: str) -> str:
    return text if len(text) <= 300 else text[:297] + "..."
