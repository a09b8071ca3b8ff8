"""The fast lane: query and header parsing straight from the ASGI scope, rendered bodies reused only while a
task is unchanged, and record-info answered the same whether the lane or the router takes the request."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from tests.support.inprocess import InProcessService
from tests.support.kie_client import custom_body
from tunesmith.api.fastlane import RenderedBodies, header, query_param


@pytest.fixture(scope="module")
def service(fast_service: InProcessService) -> InProcessService:
    """What each request answers: the in-process service serves this module (tests.support.inprocess)."""
    return fast_service


RECORD = "/api/v1/generate/record-info"


def scope(query: bytes = b"", headers: list[tuple[bytes, bytes]] | None = None) -> dict[str, Any]:
    return {"query_string": query, "headers": headers or []}


@pytest.mark.parametrize(
    ("query", "value"),
    [
        (b"taskId=abc", "abc"),
        (b"other=1&taskId=abc&taskId=def", "abc"),
        (b"xtaskId=no&taskId=yes", "yes"),
        (b"taskId=a%20b%2Fc", "a b/c"),
        (b"taskId=a+b", "a b"),
        (b"taskId=%E6%AD%8C", "歌"),
        (b"taskId=", ""),
        (b"taskid=abc", ""),
        (b"", ""),
    ],
)
def test_query_param_decodes_like_a_query_string(query: bytes, value: str) -> None:
    assert query_param(scope(query), "taskId") == value


def test_header_is_found_by_lower_case_name() -> None:
    headers = [(b"host", b"x"), (b"authorization", b"Bearer a"), (b"authorization", b"Bearer b")]
    assert header(scope(headers=headers), b"authorization") == "Bearer a"
    assert header(scope(headers=headers), b"cookie") is None


def test_rendered_bodies_are_reused_only_for_the_same_snapshot() -> None:
    calls: list[str] = []

    def render(task: Any) -> dict:
        calls.append(task.id)
        return {"id": task.id, "state": task.state}

    bodies = RenderedBodies(render, capacity=2)
    first = SimpleNamespace(id="t1", state="PENDING")
    assert bodies.body(first) == b'{"id":"t1","state":"PENDING"}'
    assert bodies.body(first) == b'{"id":"t1","state":"PENDING"}'
    assert calls == ["t1"]
    changed = SimpleNamespace(id="t1", state="SUCCESS")  # a new snapshot of the same task
    assert bodies.body(changed) == b'{"id":"t1","state":"SUCCESS"}'
    assert calls == ["t1", "t1"]
    bodies.body(SimpleNamespace(id="t2", state="PENDING"))
    bodies.body(SimpleNamespace(id="t3", state="PENDING"))  # over capacity: the oldest (t1) leaves
    bodies.body(changed)
    assert calls == ["t1", "t1", "t2", "t3", "t1"]


def test_record_info_through_the_lane_and_through_the_router(service: InProcessService) -> None:
    with service.client(service.new_key()) as client:
        task_id = client.post("/api/v1/generate", json=custom_body()).json()["data"]["taskId"]
        reply = client.get(RECORD, params={"taskId": task_id})
        assert reply.status_code == 200
        assert reply.headers["content-type"] == "application/json"
        assert int(reply.headers["content-length"]) == len(reply.content)
        assert reply.json()["data"]["taskId"] == task_id
        head = client.head(RECORD, params={"taskId": task_id})  # not in the lane: served by the router
        assert head.status_code == 200 and head.content == b""
        missing = client.get(RECORD)
        assert missing.status_code == 422 and "taskId" in missing.json()["msg"]
        escaped = client.get(f"{RECORD}?taskId=%00%2F..%2F")
        assert escaped.status_code == 404 and escaped.json()["code"] == 404
