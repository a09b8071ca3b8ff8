"""Refuses request bodies over a size limit before they are read into memory.

Declared sizes (Content-Length) are refused at once; undeclared (chunked) bodies are counted as they arrive
and cut off at the limit. The refusal is rendered in the envelope of the dialect that owns the path.
"""

from __future__ import annotations

from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tunesmith.api.errors import JsonResponse, dialect_for_path, error_response
from tunesmith.domain.errors import PayloadTooLarge


class _TooLarge(Exception):
    pass


class BodyLimitMiddleware:
    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_bytes):
            await self._refuse(scope, receive, send)
            return
        seen = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    raise _TooLarge
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except _TooLarge:
            if not started:
                await self._refuse(scope, receive, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        err = PayloadTooLarge(f"Request body is larger than {self.max_bytes} bytes")
        dialect = dialect_for_path(scope["path"])
        response: Response
        if dialect is None:
            response = JsonResponse({"error": err.message}, status_code=413)
        else:
            response = error_response(dialect, err)
        await response(scope, receive, send)
