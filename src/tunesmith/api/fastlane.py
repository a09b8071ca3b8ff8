"""Serves the most-polled routes ahead of FastAPI's middleware stack and router.

A poll does little work (a cache hit, or one version read), so the framework around it — middleware layers,
route matching, Request and Response objects — would cost more than the poll itself. Routes here are plain
ASGI apps that read the two things a poll needs straight from the ASGI scope and answer with prebuilt
bytes. Each one is also mounted on the router under the same path, so anything the lane does not take
(HEAD, say) still reaches it the ordinary way.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import unquote_plus

import orjson
from starlette.types import ASGIApp, Receive, Scope, Send

from tunesmith.domain.models import Task

JSON_HEADERS = ((b"content-type", b"application/json"),)


def query_param(scope: Scope, name: str) -> str:
    """The first value of query parameter `name` ('' when absent), decoded like any query string."""
    wanted = name.encode() + b"="
    for part in scope["query_string"].split(b"&"):
        if part.startswith(wanted):
            value = part[len(wanted) :]
            if b"%" in value or b"+" in value:
                return unquote_plus(value.decode("latin-1"), encoding="utf-8", errors="replace")
            return value.decode("latin-1")
    return ""


def header(scope: Scope, name: bytes) -> str | None:
    """The first value of request header `name` (lower-case bytes), or None."""
    for key, value in scope["headers"]:
        if key == name:
            return value.decode("latin-1")
    return None


async def send_bytes(
    send: Send, status: int, body: bytes, headers: Iterable[tuple[bytes, bytes]] = JSON_HEADERS
) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [*headers, (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})


class RenderedBodies:
    """Response bytes per task snapshot, so a poll of a task that has not changed reuses its last answer.

    The snapshot cache hands out the same Task object for as long as a task is unchanged, so an identity
    check is the version check. Used from the event loop only. Oldest entries leave first when full.
    """

    def __init__(self, render: Callable[[Task], Any], capacity: int = 20_000) -> None:
        self.render = render
        self.capacity = capacity
        self._items: dict[str, tuple[Task, bytes]] = {}

    def body(self, task: Task) -> bytes:
        hit = self._items.get(task.id)
        if hit is not None and hit[0] is task:
            return hit[1]
        body = orjson.dumps(self.render(task))
        self._items.pop(task.id, None)
        if len(self._items) >= self.capacity:
            del self._items[next(iter(self._items))]
        self._items[task.id] = (task, body)
        return body


class FastLane:
    """Routes GET requests for a few exact paths to their ASGI apps; everything else goes to `app`."""

    def __init__(self, routes: dict[str, ASGIApp]) -> None:
        self.routes = routes

    def find(self, scope: Scope) -> ASGIApp | None:
        if scope["type"] == "http" and scope["method"] == "GET":
            return self.routes.get(scope["path"])
        return None

    async def serve(self, scope: Scope, receive: Receive, send: Send) -> bool:
        """Serve the request if it is in the lane; False when it is not."""
        route = self.find(scope)
        if route is None:
            return False
        await route(scope, receive, send)
        return True
