"""gcui suno-api's error answer as its clients see it, shared by the gcui API tests."""

from __future__ import annotations

import httpx


def assert_error(reply: httpx.Response, status: int, *words: str) -> None:
    """`reply` is gcui's error: `status`, a JSON body of one non-empty "error" string that says every one
    of `words` (any case)."""
    assert reply.status_code == status, reply.text
    assert reply.headers["content-type"].startswith("application/json")
    body = reply.json()
    assert list(body) == ["error"] and isinstance(body["error"], str) and body["error"], body
    for word in words:
        assert word.lower() in body["error"].lower(), body
