"""A TEST DOUBLE network: a real HTTP proxy on loopback in front of an upstream, which can misbehave on
request and counts every request it sees (method, path, time), so tests can check how a client treats an
upstream.

Faults (set with `fail(...)`, per path prefix or for everything):
- "drop"   close the connection without answering (a transport error)
- "429"    answer 429 Too Many Requests
- "500"    answer 500 Internal Server Error
- "hang"   hold the request without answering until the fault is cleared (or the proxy stops)
- "slow"   pass the answer through, but trickle its body (`slow_bytes_per_s`, SLOW_CHUNK bytes at a time)
Bodies pass through chunk by chunk, so a live stream (`/stream/<clip>`) keeps flowing through the proxy.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx

HOP_HEADERS = frozenset(
    {
        "connection",
        "keep-alive",
        "transfer-encoding",
        "te",
        "trailer",
        "upgrade",
        "proxy-authorization",
        "host",
    }
)
SLOW_CHUNK = 16


@dataclass(frozen=True)
class Seen:
    method: str
    path: str  # without the query
    query: str
    at: float  # time.monotonic()
    body: bytes
    headers: dict[str, str]


class FaultProxy:
    def __init__(self, upstream: str, *, slow_bytes_per_s: int = 2000) -> None:
        self.upstream = upstream.rstrip("/")
        self.slow_bytes_per_s = slow_bytes_per_s
        self.seen: list[Seen] = []
        self.answers: list[tuple[str, int, bytes]] = []  # (path, status, body) of every answer passed through
        self._faults: dict[str, str] = {}
        self._lock = threading.Lock()
        self._release = threading.Event()
        self._client = httpx.Client(timeout=httpx.Timeout(60.0), trust_env=False)
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.0"

            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                proxy._handle(self)

            def do_POST(self) -> None:  # noqa: N802
                proxy._handle(self)

            def do_HEAD(self) -> None:  # noqa: N802
                proxy._handle(self)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    # ── control ───────────────────────────────────────────────────────────────────────────────────────
    def fail(self, fault: str, prefix: str = "/") -> None:
        with self._lock:
            self._faults[prefix] = fault
            if fault != "hang":
                return
            self._release.clear()

    def heal(self, prefix: str | None = None) -> None:
        with self._lock:
            if prefix is None:
                self._faults.clear()
            else:
                self._faults.pop(prefix, None)
            if "hang" not in self._faults.values():
                self._release.set()

    def count(self, method: str, path_prefix: str, since: float = 0.0) -> int:
        with self._lock:
            return sum(
                1
                for s in self.seen
                if s.method == method and s.path.startswith(path_prefix) and s.at >= since
            )

    def requests(self, method: str, path_prefix: str) -> list[Seen]:
        with self._lock:
            return [s for s in self.seen if s.method == method and s.path.startswith(path_prefix)]

    def start(self) -> FaultProxy:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._release.set()
        self.server.shutdown()
        self.server.server_close()
        self._client.close()

    def __enter__(self) -> FaultProxy:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # ── serving ───────────────────────────────────────────────────────────────────────────────────────
    def _fault_for(self, path: str) -> str | None:
        with self._lock:
            matches = [p for p in self._faults if path.startswith(p)]
            return self._faults[max(matches, key=len)] if matches else None

    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        path, _, query = handler.path.partition("?")
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length) if length else b""
        with self._lock:
            self.seen.append(
                Seen(handler.command, path, query, time.monotonic(), body, dict(handler.headers))
            )
        fault = self._fault_for(path)
        if fault == "drop":
            handler.close_connection = True
            handler.connection.close()
            return
        if fault in ("429", "500"):
            payload = b'{"code": %s, "msg": "injected fault", "error": "injected fault"}' % fault.encode()
            self._send(handler, int(fault), {"Content-Type": "application/json"}, payload)
            return
        if fault == "hang":
            self._release.wait(120)
            handler.close_connection = True
            return
        headers = {k: v for k, v in handler.headers.items() if k.lower() not in HOP_HEADERS}
        request = self._client.build_request(
            handler.command, self.upstream + handler.path, headers=headers, content=body or None
        )
        try:
            response = self._client.send(request, stream=True)
        except httpx.HTTPError:
            handler.close_connection = True
            handler.connection.close()
            return
        try:
            handler.send_response(response.status_code)
            for name, value in response.headers.items():
                if name.lower() not in HOP_HEADERS and name.lower() != "content-encoding":
                    handler.send_header(name, value)
            handler.end_headers()
            kept = bytearray()
            for chunk in response.iter_raw(SLOW_CHUNK if fault == "slow" else None):
                if len(kept) < 1_000_000:
                    kept += chunk
                if fault == "slow":
                    time.sleep(len(chunk) / self.slow_bytes_per_s)
                handler.wfile.write(chunk)
                handler.wfile.flush()
            with self._lock:
                self.answers.append((path, response.status_code, bytes(kept)))
        except (BrokenPipeError, ConnectionResetError, httpx.HTTPError):
            pass
        finally:
            response.close()

    @staticmethod
    def _send(handler: BaseHTTPRequestHandler, status: int, headers: dict[str, str], body: bytes) -> None:
        handler.send_response(status)
        for name, value in headers.items():
            handler.send_header(name, value)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)
