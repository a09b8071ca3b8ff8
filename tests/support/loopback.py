"""What every HTTP test double here shares: a real server on 127.0.0.1 (a free port), served from a thread
while the double is entered and shut down on exit, and one that answers JSON POSTs and records them."""

from __future__ import annotations

import contextlib
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self


class LoopbackServer:
    """Serves `handler` on 127.0.0.1 from a daemon thread between __enter__ and __exit__."""

    def __init__(
        self,
        handler: type[BaseHTTPRequestHandler],
        *,
        server_class: type[ThreadingHTTPServer] = ThreadingHTTPServer,
        poll_interval: float = 0.5,
    ) -> None:
        self.httpd = server_class(("127.0.0.1", 0), handler)
        self.httpd.daemon_threads = True
        self.httpd.block_on_close = False  # a handler left sleeping (a slow reply) does not hold up the exit
        self._thread = threading.Thread(target=self.httpd.serve_forever, args=(poll_interval,), daemon=True)

    @property
    def port(self) -> int:
        return int(self.httpd.server_address[1])

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


class JsonApiForTests(LoopbackServer):
    """Answers every POST with what `answer(path, body)` gives (status, JSON text) and records each request
    (path, headers, JSON body) in `requests`, in order; `url` is its OpenAI-style base (…/v1)."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        double = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                body = json.loads(raw or b"null")
                double.requests.append({"path": self.path, "headers": dict(self.headers), "json": body})
                status, answer = double.answer(self.path, body)
                data = answer.encode()
                with contextlib.suppress(OSError):  # the client gave up waiting (the slow replies)
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                pass

        super().__init__(Handler, poll_interval=0.05)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def answer(self, path: str, body: Any) -> tuple[int, str]:
        raise NotImplementedError
