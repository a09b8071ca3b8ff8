"""gcui `GET /api/get` without ids: the caller's library as Suno's feed pages it (20 clips a page, from page
0, newest song first), holding songs made through any dialect and never another key's."""

from __future__ import annotations

import pytest

from tests.support.inprocess import InProcessService
from tests.support.kie_client import custom_body
from tunesmith.dialects.gcui import GET_FIELDS


@pytest.fixture(scope="module")
def service(fast_service: InProcessService) -> InProcessService:
    """What each request answers: the in-process service serves this module (tests.support.inprocess)."""
    return fast_service


def test_library_lists_the_callers_clips_newest_first(service: InProcessService) -> None:
    token = service.new_key()
    with service.client(token) as owner, service.client(service.new_key()) as stranger:
        assert owner.get("/api/get").json() == []
        first = owner.post("/api/v1/generate", json=custom_body()).json()["data"]["taskId"]
        second = owner.post("/api/custom_generate", json={"prompt": "la la", "tags": "pop", "title": "B"})
        stranger.post("/api/v1/generate", json=custom_body())
        gcui_ids = [c["id"] for c in second.json()]
        kie_task = service.services.tasks.get(service.services.keys.authenticate(f"Bearer {token}"), first)
        kie_ids = [c.id for c in sorted(kie_task.clips, key=lambda c: c.index)]

        library = owner.get("/api/get").json()
        assert [c["id"] for c in library] == gcui_ids + kie_ids  # newest song first, takes in order
        assert all(list(c) == list(GET_FIELDS) for c in library)
        page_0 = owner.get("/api/get", params={"page": "0"}).json()  # the songs render meanwhile: same ids
        assert [c["id"] for c in page_0] == [c["id"] for c in library]
        assert owner.get("/api/get", params={"page": "1"}).json() == []
        assert {c["id"] for c in stranger.get("/api/get").json()}.isdisjoint(gcui_ids + kie_ids)
