"""Deadlines and caps on the HTTP connection itself, below the ASGI app: slow clients are cut off.

uvicorn has no deadline for reading a request: a client that connects and sends nothing, trickles its headers,
or sends a body shorter than its Content-Length holds a connection (and its memory) for ever, and it accepts
headers of any size. `guarded_protocol` subclasses uvicorn's httptools protocol with

* a header deadline: the request line and headers must arrive within `header_timeout` of the connection
  opening (or of the first byte of the next request on a kept-alive connection), else 408 and close;
* a body deadline: the whole body must arrive within `body_timeout` of the headers, else 408 and close (the
  app, if it was waiting for the body, sees the client disconnect);
* a header size cap: more than `max_header_bytes` before the headers end is answered 431 and closed;
* a connection cap: a connection beyond `max_connections` open at once is answered 503 and closed.

Between requests uvicorn's own keep-alive timeout applies. Behind a reverse proxy (nginx, Caddy...) the proxy
usually buffers requests and enforces its own limits; these still bound what reaches Tunesmith directly.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol


@dataclass(frozen=True)
class ConnectionLimits:
    header_timeout: float = 10.0
    body_timeout: float = 30.0
    max_header_bytes: int = 32_768
    max_connections: int = 1000


def _refusal(status: int, reason: str, message: str) -> bytes:
    body = ('{"error": "' + message + '"}').encode()
    return (
        f"HTTP/1.1 {status} {reason}\r\ncontent-type: application/json\r\n"
        f"content-length: {len(body)}\r\nconnection: close\r\n\r\n"
    ).encode() + body


TIMEOUT = _refusal(408, "Request Timeout", "The request did not arrive in time; the connection is closed")
TOO_LARGE = _refusal(431, "Request Header Fields Too Large", "The request headers are too large")
LINGER_SECONDS = 1.0  # how long a refused connection is drained before it is closed
BUSY = _refusal(503, "Service Unavailable", "Too many connections are open; try again shortly")


class GuardedProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol with read deadlines and size/connection caps (see the module)."""

    limits = ConnectionLimits()

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._deadline: asyncio.TimerHandle | None = None
        self._refused = False
        self._awaiting_headers = True
        self._header_bytes = 0
        if len(self.connections) > self.limits.max_connections:
            self._refuse(BUSY)
            return
        self._arm(self.limits.header_timeout)

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self._refused:
            return  # refused: what still arrives is read and dropped until the connection closes
        if self._awaiting_headers:
            self._header_bytes += len(data)
            if self._deadline is None:  # the first bytes of the next request on a kept-alive connection
                self._arm(self.limits.header_timeout)
        super().data_received(data)
        if self._awaiting_headers and self._header_bytes > self.limits.max_header_bytes:
            self._refuse(TOO_LARGE)

    def on_headers_complete(self) -> None:
        self._awaiting_headers = False
        self._arm(self.limits.body_timeout)
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        self._disarm()
        self._awaiting_headers = True
        self._header_bytes = 0
        super().on_message_complete()

    # ── deadlines ─────────────────────────────────────────────────────────────────────────────────────────
    def _arm(self, seconds: float) -> None:
        self._disarm()
        self._deadline = self.loop.call_later(seconds, self._expired)

    def _disarm(self) -> None:
        deadline = getattr(self, "_deadline", None)
        if deadline is not None:
            deadline.cancel()
            self._deadline = None

    def _expired(self) -> None:
        self._deadline = None
        if self.transport.is_closing():
            return
        started = self.cycle is not None and not self.cycle.response_complete and self.cycle.response_started
        if started:  # the app already answers this request: only stop reading
            self.transport.close()
            return
        self._refuse(TIMEOUT)

    def _refuse(self, answer: bytes) -> None:
        """Answer and close. The write side is shut first and input still arriving is drained for a moment:
        closing a socket with unread input makes the kernel reset it, and the client would lose the answer."""
        self._disarm()
        if self.transport.is_closing() or self._refused:
            return
        self._refused = True
        self.transport.write(answer)
        if self.transport.can_write_eof():
            self.transport.write_eof()
            self.loop.call_later(LINGER_SECONDS, self.transport.close)
        else:
            self.transport.close()


def guarded_protocol(limits: ConnectionLimits) -> type[GuardedProtocol]:
    """A GuardedProtocol class bound to `limits` (uvicorn builds one protocol instance per connection)."""
    return type("GuardedProtocol", (GuardedProtocol,), {"limits": limits})
