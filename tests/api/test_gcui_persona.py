"""gcui's `GET /api/persona?id=&page=` through the in-process app: a persona made through kie's generate-
persona, a song sung with it through kie's personaId, then the persona as gcui relays Suno's object: its
source clip, the clips sung with it (paged), and every refusal in gcui's `{"error"}` envelope; another
key's persona is reported exactly like an unknown one."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from tests.support.gcui_client import assert_error
from tests.support.inprocess import InProcessService
from tests.support.kie_client import Song, make_song


@pytest.fixture(scope="module")
def service(fast_service: InProcessService) -> InProcessService:
    """What each request answers: the in-process service serves this module (tests.support.inprocess)."""
    return fast_service


TOP_FIELDS = ["persona", "total_results", "current_page", "is_following"]
PERSONA_FIELDS = [
    "id",
    "name",
    "description",
    "image_s3_id",
    "root_clip_id",
    "clip",
    "user_display_name",
    "user_handle",
    "user_image_url",
    "persona_clips",
    "is_suno_persona",
    "is_trashed",
    "is_owned",
    "is_public",
    "is_public_approved",
    "is_loved",
    "upvote_count",
    "clip_count",
]


@dataclass
class PersonaSetup:
    token: str
    persona_id: str
    source: Song  # the song the persona was made from (its first clip)
    sung: Song  # a song generated with the persona


@pytest.fixture(scope="module")
def setup(service: InProcessService) -> PersonaSetup:
    token = service.new_key()
    source = make_song(service, token)
    with service.client(token) as client:
        reply = client.post(
            "/api/v1/generate/generate-persona",
            json={
                "taskId": source.task_id,
                "audioId": source.clips[0]["id"],
                "name": "Midnight Alto",
                "description": "A warm alto",
                "vocalStart": 0,
                "vocalEnd": 10,
            },
        )
        assert reply.status_code == 200, reply.text
        persona_id = reply.json()["data"]["personaId"]
    sung = make_song(service, token, personaId=persona_id, style="jazz")
    make_song(service, token)  # a later song without the persona: not one of its clips
    return PersonaSetup(token=token, persona_id=persona_id, source=source, sung=sung)


def test_persona_shows_its_source_clip_and_the_clips_sung_with_it(
    service: InProcessService, setup: PersonaSetup
) -> None:
    source_id = setup.source.clips[0]["id"]
    sung_ids = [c["id"] for c in setup.sung.clips]
    with service.client(setup.token) as client:
        reply = client.get("/api/persona", params={"id": setup.persona_id})
        assert reply.status_code == 200, reply.text
        assert reply.headers["content-type"].startswith("application/json")
        body = reply.json()
        raw_source = client.get("/api/clip", params={"id": source_id}).json()
        raw_sung = [client.get("/api/clip", params={"id": i}).json() for i in sung_ids]

    assert list(body) == TOP_FIELDS
    assert (body["total_results"], body["current_page"], body["is_following"]) == (2, 1, False)
    persona = body["persona"]
    assert list(persona) == PERSONA_FIELDS
    assert persona["id"] == setup.persona_id
    assert (persona["name"], persona["description"]) == ("Midnight Alto", "A warm alto")
    assert persona["root_clip_id"] == source_id
    assert persona["clip"]["id"] == source_id
    assert persona["clip"] == raw_source  # Suno's clip shape, as /api/clip answers it
    assert persona["image_s3_id"] == (raw_source["image_url"] or None)
    assert persona["user_display_name"] == "test"  # the key's name (InProcessService.new_key)
    assert persona["user_handle"] is None and persona["user_image_url"] is None
    flags = [persona[name] for name in PERSONA_FIELDS[10:16]]
    assert flags == [False, False, True, False, False, False]  # suno, trashed, owned, public, approved, loved
    assert persona["upvote_count"] == 0
    assert persona["clip_count"] == 2

    clips = persona["persona_clips"]
    assert [list(entry) for entry in clips] == [["clip"], ["clip"]]
    assert [entry["clip"]["id"] for entry in clips] == sung_ids  # one task: its clips in index order
    assert [entry["clip"] for entry in clips] == raw_sung
    assert all(entry["clip"]["status"] == "complete" for entry in clips)


def test_pages_past_the_end_are_empty_with_the_same_totals(
    service: InProcessService, setup: PersonaSetup
) -> None:
    with service.client(setup.token) as client:
        second = client.get("/api/persona", params={"id": setup.persona_id, "page": "2"})
        assert second.status_code == 200, second.text
        body = second.json()
        assert body["persona"]["persona_clips"] == []
        assert (body["total_results"], body["persona"]["clip_count"], body["current_page"]) == (2, 2, 2)
        assert body["persona"]["root_clip_id"] == setup.source.clips[0]["id"]

        for page in ("", "1", " 1 "):  # gcui's default: no page (or an empty one) is page 1
            first = client.get("/api/persona", params={"id": setup.persona_id, "page": page})
            assert first.status_code == 200, (page, first.text)
            assert first.json()["current_page"] == 1 and len(first.json()["persona"]["persona_clips"]) == 2


@pytest.mark.parametrize("page", ["0", "-1", "abc", "1.5", "1e2", "2x", "9" * 12])
def test_a_page_that_is_not_a_whole_number_from_1_is_400(
    service: InProcessService, setup: PersonaSetup, page: str
) -> None:
    with service.client(setup.token) as client:
        assert_error(client.get("/api/persona", params={"id": setup.persona_id, "page": page}), 400, "page")


def test_unknown_and_other_keys_personas_are_404(service: InProcessService, setup: PersonaSetup) -> None:
    with service.client(setup.token) as owner:
        for unknown in ("0" * 32, "x" * 500, "bad\x00id", setup.source.clips[0]["id"]):
            reply = owner.get("/api/persona", params={"id": unknown})
            assert_error(reply, 404, "persona not found")
    with service.client(service.new_key()) as stranger:
        reply = stranger.get("/api/persona", params={"id": setup.persona_id})
        assert_error(reply, 404, "persona not found")
        unknown = stranger.get("/api/persona", params={"id": "0" * 32})
        assert reply.json()["error"].replace(setup.persona_id, "0" * 32) == unknown.json()["error"]
        assert "Midnight" not in reply.text


def test_missing_id_is_400_and_needs_a_key(service: InProcessService, setup: PersonaSetup) -> None:
    with service.client(setup.token) as client:
        assert_error(client.get("/api/persona"), 400, "Missing parameter id")
        assert_error(
            client.get("/api/persona", params={"id": "  ", "page": "0"}), 400, "Missing parameter id"
        )
    with service.client() as anonymous:
        assert anonymous.get("/api/persona", params={"id": setup.persona_id}).status_code == 401
