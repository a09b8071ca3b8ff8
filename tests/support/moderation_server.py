"""A TEST DOUBLE of an OpenAI-compatible moderation service (`POST /v1/moderations`) on 127.0.0.1.

It flags every input that contains one of `flag_words` (category "harassment"), and can misbehave on
request: `mode` "slow" (answers after `delay` seconds), "error" (HTTP 500), "garbage" (200 with a body that
is not moderation results), "short" (one result fewer than inputs). Every request is recorded (path,
headers, JSON body)."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class ModerationServerForTests:
    def __init__(self, *flag_words: str, mode: str = "ok", delay: float = 2.0) -> None:
        self.flag_words = list(flag_words) or ["FLAG-ME"]
        self.mode = mode
        self.delay = delay
        self.requests: list[dict[str, Any]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                body = json.loads(raw or b"null")
                server.requests.append({"path": self.path, "headers": dict(self.headers), "json": body})
                status, answer = server.answer(body)
                data = answer.encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except OSError:
                    pass  # the client gave up (the slow mode)

            def log_message(self, *args: Any) -> None:
                pass

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self._httpd.block_on_close = False
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.05,), daemon=True)

    def answer(self, body: Any) -> tuple[int, str]:
        if self.mode == "slow":
            time.sleep(self.delay)
        if self.mode == "error":
            return 500, '{"error": {"message": "boom"}}'
        if self.mode == "garbage":
            return 200, '{"hello": "world"}'
        inputs = body.get("input") if isinstance(body, dict) else None
        inputs = [inputs] if isinstance(inputs, str) else list(inputs or [])
        results = []
        for text in inputs:
            flagged = any(word.lower() in str(text).lower() for word in self.flag_words)
            results.append(
                {
                    "flagged": flagged,
                    "categories": {"harassment": flagged, "violence": False},
                    "category_scores": {"harassment": 0.97 if flagged else 0.01, "violence": 0.0},
                }
            )
        if self.mode == "short":
            results = results[:-1]
        return 200, json.dumps({"id": "modr-test", "model": "test-moderation", "results": results})

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._httpd.server_address[1]}/v1"

    def __enter__(self) -> ModerationServerForTests:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
