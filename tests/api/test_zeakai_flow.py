"""A zeakAi (SKU) client over real HTTP: submit through the menu, poll `/suno/task/{id}/fetch` until done,
download; kie tasks read through zeakAi; refused operations; bad input in zeakAi's MJ-proxy-style envelope."""

from __future__ import annotations

import io

import httpx
import pytest
import soundfile as sf

from tests.support.harness import ServiceHarness, wait_for

STATUSES = {"SUBMITTED", "RUNNING", "FAILURE", "SUCCESS"}
BASE = "/suno/task"


def fetch_url(task_id: str) -> str:
    return f"{BASE}/{task_id}/fetch"


def poll(client: httpx.Client, task_id: str) -> tuple[dict, list[str]]:
    seen: list[str] = []

    def done() -> dict | None:
        reply = client.get(fetch_url(task_id))
        body = reply.json()
        assert reply.status_code == 200, body
        assert body["status"] in STATUSES and all(c["status"] in STATUSES for c in body["clips"])
        if not seen or seen[-1] != body["status"]:
            seen.append(body["status"])
        return body if body["status"] in ("SUCCESS", "FAILURE") else None

    return wait_for(done, timeout=60, interval=0.3), seen


def assert_error(reply: httpx.Response, status: int, code: int, *words: str) -> dict:
    body = reply.json()
    assert reply.status_code == status, body
    assert list(body) == ["code", "description", "result", "properties"] and body["code"] == code, body
    assert body["result"] is None
    for word in words:
        assert word in body["description"], body
    return body


def submitted_id(reply: httpx.Response) -> str:
    body = reply.json()
    assert reply.status_code == 200 and body["code"] == 1 and body["description"] == "提交成功", body
    return body["result"]


def test_custom_mode_submit_poll_and_download(service: ServiceHarness) -> None:
    with service.client(service.new_key()) as client:
        body = {
            "prompt": "[Verse]\nStart with a strum\n[Chorus]\nGuitar on fire",
            "tags": "rock, test:slow=0.3",
            "title": "Face-Melting Solo",
            "mv": "chirp-v4",
        }
        task_id = submitted_id(client.post(f"{BASE}/submit/custom", json=body))
        final, seen = poll(client, task_id)
        assert seen[-1] == "SUCCESS" and seen[0] in ("SUBMITTED", "RUNNING")
        assert (final["id"], final["majorModelVersion"], final["failReason"]) == (task_id, "v4", None)
        assert final["submitAt"] and final["startAt"] and final["finishAt"] >= final["submitAt"]
        assert isinstance(final["cost"], float)
        assert len(final["clips"]) == 2
        for item in final["clips"]:
            assert item["status"] == "SUCCESS" and item["title"] == "Face-Melting Solo"
            assert item["metadata"]["prompt"].startswith("[Verse]")
            assert item["metadata"]["gpt_description_prompt"] is None
            audio = client.get(item["audio_url"])
            assert audio.status_code == 200 and audio.headers["content-type"] == "audio/mpeg"
            samples, rate = sf.read(io.BytesIO(audio.content))
            assert abs(len(samples) / rate - item["metadata"]["duration"]) < 0.1
            assert client.get(item["image_large_url"]).status_code == 200


def test_inspiration_mode_with_a_bare_key(service: ServiceHarness) -> None:
    token = service.new_key()
    with httpx.Client(base_url=service.base_url, headers={"Authorization": token}, timeout=30) as client:
        body = {
            "gpt_description_prompt": "a groovy dance song",
            "make_instrumental": True,
            "mv": "chirp-crow",
        }
        task_id = submitted_id(client.post(f"{BASE}/submit/inspiration", json=body))
        final, _ = poll(client, task_id)
        assert final["status"] == "SUCCESS" and final["majorModelVersion"] == "v5"
        assert final["clips"][0]["metadata"]["gpt_description_prompt"] == "a groovy dance song"


def test_a_kie_task_reads_through_zeakai(service: ServiceHarness) -> None:
    with service.client(service.new_key()) as client:
        kie = {
            "customMode": True,
            "instrumental": False,
            "model": "V4_5",
            "style": "pop",
            "title": "Neon",
            "prompt": "[Verse]\nCity lights",
        }
        task_id = client.post("/api/v1/generate", json=kie).json()["data"]["taskId"]
        final, _ = poll(client, task_id)
        assert final["status"] == "SUCCESS" and final["majorModelVersion"] == "v4.5"
        assert [c["metadata"]["prompt"] for c in final["clips"]] == ["[Verse]\nCity lights"] * 2


def test_an_upload_the_models_engine_cannot_import_is_refused_and_charges_nothing(
    service: ServiceHarness,
) -> None:
    """The tone test double imports nothing: refused at submit (the composer's: test_upload_clips_flow)."""
    token = service.new_key(credits=100)
    with service.client(token) as client:
        reply = client.post(f"{BASE}/submit/upload", json={"url": "https://example.com/a.mp3"})
        assert_error(reply, 400, 9, "upload", "not supported")
    key = service.services.keys.authenticate(f"Bearer {token}")
    assert service.services.keys.balance(key) == 100


def test_get_lyrics_of_an_unknown_task_is_not_found(service: ServiceHarness) -> None:
    with service.client(service.new_key()) as client:
        assert_error(client.get(f"{BASE}/lyrics/abc"), 404, 3, "not found")


@pytest.mark.parametrize(
    ("route", "body", "words"),
    [
        ("inspiration", {"mv": "chirp-v4"}, ["gpt_description_prompt", "required"]),
        ("inspiration", {"gpt_description_prompt": 5}, ["gpt_description_prompt"]),
        ("inspiration", {"gpt_description_prompt": "x", "mv": "chirp-v9"}, ["mv"]),
        ("custom", {"tags": "pop"}, ["prompt"]),
        ("custom", {"prompt": "x", "make_instrumental": "perhaps"}, ["make_instrumental"]),
        ("extend", {"continue_clip_id": "c1"}, ["continue_at"]),
        ("custom", "just text", ["JSON object"]),
    ],
)
def test_invalid_bodies_are_validation_errors(
    service: ServiceHarness, route: str, body: object, words: list[str]
) -> None:
    with service.client(service.new_key()) as client:
        assert_error(client.post(f"{BASE}/submit/{route}", json=body), 400, 4, *words)


def test_auth_malformed_json_unknown_ids_and_routes(service: ServiceHarness) -> None:
    with service.client() as anonymous:
        assert_error(anonymous.get(fetch_url("abc")), 401, 9)
        assert_error(anonymous.post(f"{BASE}/submit/custom", json={"prompt": "x"}), 401, 9)
    with service.client(service.new_key()) as owner, service.client(service.new_key()) as stranger:
        reply = owner.post(
            f"{BASE}/submit/custom", content=b'{"prompt": ', headers={"Content-Type": "application/json"}
        )
        assert_error(reply, 400, 4, "JSON")
        assert_error(owner.get(fetch_url("0" * 32)), 404, 3)
        task_id = submitted_id(owner.post(f"{BASE}/submit/inspiration", json={"gpt_description_prompt": "x"}))
        assert_error(stranger.get(fetch_url(task_id)), 404, 3)
        assert_error(owner.get(f"{BASE}/nothing/here/at/all"), 404, 3)
        assert_error(owner.put(f"{BASE}/submit/custom", json={}), 405, 4)
