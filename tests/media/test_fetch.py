"""Fetching outside audio by URL (kie's uploadUrl) against a real HTTP server on loopback: redirects checked
at every hop, the pinned connection, size, length and time limits, undecodable bytes, and which failures may
be retried."""

from __future__ import annotations

import contextlib
import socket
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import soundfile as sf

from tests.support.loopback import LoopbackServer
from tests.support.recordings import make_media
from tunesmith.media.fetch import FetchedAudio, FetchFailed, fetch_audio

LOOPBACK = ["127.0.0.1"]
MAX_BYTES = 200_000
HTML = b"<!doctype html><html><head><title>Not here</title></head><body><p>Sorry.</p></body></html>\n"


class QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: object, client_address: object) -> None:
        if not isinstance(sys.exc_info()[1], OSError):  # a client hanging up is what these tests do
            super().handle_error(request, client_address)  # type: ignore[arg-type]


class FileServer(LoopbackServer):
    """Serves the media plus misbehaving paths; records each request's path and Host header."""

    def __init__(self, media: dict[str, bytes]) -> None:
        self.media = media
        self.requests: list[tuple[str, str]] = []
        self.stop = threading.Event()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                server.requests.append((self.path, self.headers.get("Host", "")))
                route = getattr(self, "route_" + self.path.strip("/").split(".")[0].replace("-", "_"), None)
                if self.path in server.media:
                    self.send_body(server.media[self.path], "audio/mpeg")
                elif route is not None:
                    route()
                else:
                    self.send_body(b"not found", "text/plain", status=404)

            def send_body(self, body: bytes, content_type: str, status: int = 200) -> None:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def redirect(self, location: str, status: int = 302) -> None:
                self.send_response(status)
                self.send_header("Location", location)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def route_redirect(self) -> None:
                self.redirect("/song.mp3")

            def route_redirect_twice(self) -> None:
                self.redirect(f"http://127.0.0.1:{server.port}/redirect", 301)

            def route_redirect_private(self) -> None:
                self.redirect("http://10.1.2.3/song.mp3")

            def route_redirect_loop(self) -> None:
                self.redirect("/redirect-loop", 307)

            def route_busy(self) -> None:
                self.send_body(b"try later", "text/plain", status=503)

            def route_slow_down(self) -> None:
                self.send_body(b"slow down", "text/plain", status=429)

            def route_forbidden(self) -> None:
                self.send_body(b"no", "text/plain", status=403)

            def route_declared_big(self) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "audio/mpeg")
                self.send_header("Content-Length", str(MAX_BYTES + 1))
                self.end_headers()
                self.wfile.write(b"\0" * 1000)  # then hangs up: the client must not have waited for it

            def route_chunked_big(self) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "audio/mpeg")
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                chunk = b"\xff" * 16_384
                try:
                    for _ in range(MAX_BYTES // len(chunk) + 20):
                        self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                    self.wfile.write(b"0\r\n\r\n")
                except OSError:
                    pass  # the client hung up once it had enough

            def route_random(self) -> None:
                self.send_body(bytes(range(256)) * 7 + b"\x13\x37" * 9000, "application/octet-stream")

            def route_page(self) -> None:
                self.send_body(HTML, "text/html; charset=utf-8")

            def route_empty(self) -> None:
                self.send_body(b"", "audio/mpeg")

            def route_stall(self) -> None:
                server.stop.wait(5)  # says nothing at all

            def route_trickle(self) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "audio/mpeg")
                self.send_header("Content-Length", "100000")
                self.end_headers()
                try:
                    while not server.stop.wait(0.1):  # a byte at a time, each well within a read timeout
                        self.wfile.write(b"\xff")
                        self.wfile.flush()
                except OSError:
                    pass

            def log_message(self, *args: object) -> None:
                pass

        super().__init__(Handler, server_class=QuietServer)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        super().__exit__(*exc)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FileServer]:
    with FileServer(make_media(tmp_path_factory.mktemp("media"))) as running:
        yield running


def fetch(url: str, dest: Path, **kwargs: object) -> FetchedAudio:
    options: dict = {"allow": LOOPBACK, "max_bytes": MAX_BYTES, "max_seconds": 8.0, "timeout": 5.0}
    options.update(kwargs)
    return fetch_audio(url, dest, **options)


def failure(url: str, dest: Path, **kwargs: object) -> FetchFailed:
    with pytest.raises(FetchFailed) as info:
        fetch(url, dest, **kwargs)
    assert info.value.message.startswith("uploadUrl"), info.value.message
    return info.value


def assert_decoded(got: FetchedAudio, dest: Path, seconds: float) -> None:
    assert got.wav == dest / "upload.wav" and got.wav.is_file()
    info = sf.info(str(got.wav))
    assert (info.samplerate, info.channels, info.subtype) == (44100, 2, "PCM_16")
    assert got.duration == pytest.approx(seconds, abs=0.1)
    assert info.frames / info.samplerate == pytest.approx(got.duration, abs=0.002)
    assert sorted(p.name for p in dest.iterdir()) == ["upload.wav"]  # the download itself is gone


def test_an_mp3_is_decoded_to_a_stereo_44k_wav(server: FileServer, tmp_path: Path) -> None:
    got = fetch(server.url("/song.mp3"), tmp_path / "up")
    assert_decoded(got, tmp_path / "up", 3.0)
    assert got.source_bytes == len(server.media["/song.mp3"]) and got.content_type == "audio/mpeg"


def test_redirects_are_followed_and_checked(server: FileServer, tmp_path: Path) -> None:
    assert_decoded(fetch(server.url("/redirect"), tmp_path / "a"), tmp_path / "a", 3.0)
    assert_decoded(fetch(server.url("/redirect-twice"), tmp_path / "b"), tmp_path / "b", 3.0)
    loop = failure(server.url("/redirect-loop"), tmp_path / "c")
    assert "more than 3 redirects" in loop.message and not loop.retryable


def test_a_redirect_to_a_private_address_is_refused_without_connecting(
    server: FileServer, tmp_path: Path
) -> None:
    started = time.monotonic()
    refused = failure(server.url("/redirect-private"), tmp_path, timeout=30.0)
    assert time.monotonic() - started < 2  # 10.1.2.3 would not answer: the guard stopped it first
    assert "10.1.2.3" in refused.message and "private" in refused.message and not refused.retryable
    assert not (tmp_path / "upload.wav").exists()


def test_loopback_is_refused_unless_allowed(server: FileServer, tmp_path: Path) -> None:
    before = len(server.requests)
    refused = failure(server.url("/song.mp3"), tmp_path, allow=[])
    assert "loopback" in refused.message and not refused.retryable
    assert len(server.requests) == before  # nothing was sent


def test_the_connection_is_pinned_to_the_checked_address(server: FileServer, tmp_path: Path) -> None:
    """A name resolves once, is checked, and the request goes to that address with the name as Host."""
    url = f"http://files.example.test:{server.port}/song.mp3"
    got = fetch(url, tmp_path, resolver=lambda host, port: ["127.0.0.1"])
    assert got.duration == pytest.approx(3.0, abs=0.1)
    assert server.requests[-1] == ("/song.mp3", f"files.example.test:{server.port}")
    rebound = failure(url, tmp_path / "b", resolver=lambda host, port: ["10.0.0.7"])
    assert "10.0.0.7" in rebound.message and not rebound.retryable


@pytest.mark.parametrize(
    ("path", "retryable"),
    [("/missing.mp3", False), ("/forbidden", False), ("/busy", True), ("/slow-down", True)],
)
def test_http_errors(server: FileServer, tmp_path: Path, path: str, retryable: bool) -> None:
    failed = failure(server.url(path), tmp_path)
    code = {"/missing.mp3": 404, "/forbidden": 403, "/busy": 503, "/slow-down": 429}[path]
    assert failed.message == f"uploadUrl: {code} from 127.0.0.1" and failed.retryable is retryable


def test_too_large_files_are_refused(server: FileServer, tmp_path: Path) -> None:
    declared = failure(server.url("/declared-big"), tmp_path)
    assert declared.message == "uploadUrl: the file is larger than 200 kB" and not declared.retryable
    streamed = failure(server.url("/chunked-big"), tmp_path)
    assert streamed.message == "uploadUrl: the file is larger than 200 kB" and not streamed.retryable
    assert not any(tmp_path.iterdir())  # the partial download is gone


@pytest.mark.parametrize(
    ("path", "words"),
    [
        ("/random", "could not decode audio"),
        ("/page", "text/html"),
        ("/empty", "the file is empty"),
        ("/video.mp4", "no audio stream"),
    ],
)
def test_what_is_not_audio_is_undecodable(server: FileServer, tmp_path: Path, path: str, words: str) -> None:
    failed = failure(server.url(path), tmp_path)
    assert failed.message.startswith("uploadUrl: could not decode audio: "), failed.message
    assert words in failed.message and not failed.retryable
    assert str(tmp_path) not in failed.message  # no server paths in what the client reads
    assert not any(tmp_path.iterdir())


def test_audio_longer_than_the_limit_is_refused(server: FileServer, tmp_path: Path) -> None:
    failed = failure(server.url("/long.mp3"), tmp_path, max_seconds=4.0)
    assert failed.message == "uploadUrl: the audio is longer than the limit of 4 s" and not failed.retryable
    assert not any(tmp_path.iterdir())
    assert fetch(server.url("/long.mp3"), tmp_path, max_seconds=6.0).duration == pytest.approx(6.0, abs=0.1)


def test_a_stalled_server_times_out_and_may_be_retried(server: FileServer, tmp_path: Path) -> None:
    started = time.monotonic()
    failed = failure(server.url("/stall"), tmp_path, timeout=0.8)
    assert failed.retryable and "timed out after 0.8 s" in failed.message
    assert time.monotonic() - started < 3


def test_the_timeout_bounds_the_whole_download(server: FileServer, tmp_path: Path) -> None:
    """A server that trickles a byte every 0.1 s never trips a read timeout: the overall deadline stops it."""
    started = time.monotonic()
    failed = failure(server.url("/trickle"), tmp_path, timeout=1.0)
    assert failed.retryable and "timed out after 1 s" in failed.message
    assert time.monotonic() - started < 3
    assert not any(tmp_path.iterdir())


def test_a_name_that_does_not_resolve_may_be_retried(tmp_path: Path) -> None:
    def nowhere(host: str, port: int) -> list[str]:
        raise OSError("no such host")

    failed = failure("http://files.example.test/song.mp3", tmp_path, resolver=nowhere)
    assert failed.retryable and "does not resolve" in failed.message


def test_malformed_urls_are_refused(tmp_path: Path) -> None:
    for url in ("file:///etc/passwd", "http://user:pw@example.com/a.mp3", "http://169.254.169.254/latest"):
        failed = failure(url, tmp_path)
        assert failed.message.startswith("uploadUrl refused: ") and not failed.retryable


def test_a_server_trickling_its_headers_is_cut_off_at_the_deadline(tmp_path: Path) -> None:
    """Each header byte comes well within a read timeout; only the overall deadline (the watchdog shutting the
    socket down) stops the exchange."""
    listener = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()

    def trickle() -> None:
        conn, _ = listener.accept()
        with conn:
            conn.recv(4096)
            with contextlib.suppress(OSError):
                for byte in b"HTTP/1.1 200 OK\r\nX-Slow: " + b"a" * 1000:
                    if stop.wait(0.05):
                        return
                    conn.send(bytes([byte]))

    thread = threading.Thread(target=trickle, daemon=True)
    thread.start()
    started = time.monotonic()
    try:
        failed = failure(f"http://127.0.0.1:{listener.getsockname()[1]}/x", tmp_path, timeout=1.0)
    finally:
        stop.set()
        thread.join(5)
        listener.close()
    assert failed.retryable and "timed out after 1 s" in failed.message
    assert time.monotonic() - started < 2.5
