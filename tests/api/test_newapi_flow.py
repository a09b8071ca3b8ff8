"""A new-api client over real HTTP: submit, poll `/suno/fetch/{id}` to SUCCESS, download; batch fetch, feed,
lyrics, the notify hook, a kie task read through new-api, and every error in new-api's own envelope."""

from __future__ import annotations

import io
import uuid

import httpx
import pytest
import soundfile as sf

from tests.support.harness import ServiceHarness, wait_for
from tests.support.kie_client import custom_body
from tests.support.newapi_client import MUSIC
from tests.support.newapi_samples import SEED_CLIP, SEED_ENUMS, SEED_FETCH, assert_same_shape
from tests.support.receiver import CallbackReceiver
from tunesmith.dialects import registry


def submit(client: httpx.Client, **extra: object) -> str:
    reply = client.post("/suno/submit/music", json={**MUSIC, **extra})
    body = reply.json()
    assert reply.status_code == 200 and body["code"] == "success" and body["message"] == "", body
    assert isinstance(body["data"], str) and body["data"]
    return body["data"]


def poll(
    client: httpx.Client, task_id: str, until: tuple[str, ...] = ("SUCCESS", "FAILURE")
) -> tuple[dict, list]:
    seen: list[str] = []

    def done() -> dict | None:
        reply = client.get(f"/suno/fetch/{task_id}")
        body = reply.json()
        assert reply.status_code == 200 and body["code"] == "success", body
        data = body["data"]
        assert data["status"] in SEED_ENUMS["task_status"]
        assert all(c["status"] in SEED_ENUMS["clip_status"] for c in data["data"])
        if not seen or seen[-1] != data["status"]:
            seen.append(data["status"])
        return body if data["status"] in until else None

    return wait_for(done, timeout=60, interval=0.3), seen


def charges(service: ServiceHarness, token: str) -> int:
    key = service.services.keys.authenticate(f"Bearer {token}")
    return len([e for e in service.services.store.ledger(key.id) if e["reason"].startswith("charge")])


def assert_error(reply: httpx.Response, status: int, code: str, *words: str) -> dict:
    assert reply.headers["content-type"].startswith("application/json"), reply.text
    body = reply.json()
    assert reply.status_code == status, body
    assert set(body) == {"code", "message", "data"} and body["code"] == code and body["data"] is None, body
    for word in words:
        assert word in body["message"], body
    return body


# ── the happy path ────────────────────────────────────────────────────────────────────────────────────
def test_submit_poll_to_success_and_download(service: ServiceHarness) -> None:
    with service.client(service.new_key()) as client:
        task_id = submit(client, tags="emotional punk, test:slow=0.3")
        final, seen = poll(client, task_id)
        order = ["SUBMITTED", "QUEUED", "IN_PROGRESS", "SUCCESS"]
        assert seen[-1] == "SUCCESS"
        assert [order.index(s) for s in seen] == sorted(order.index(s) for s in seen)
        assert_same_shape(final, SEED_FETCH)
        data = final["data"]
        assert data["task_id"] == task_id and data["action"] == "MUSIC" and data["progress"] == "100%"
        assert data["fail_reason"] == "" and data["submit_time"] <= data["start_time"] <= data["finish_time"]
        assert len(data["data"]) == 2 and data["data"][0]["id"] != data["data"][1]["id"]
        for clip in data["data"]:
            assert clip["status"] == "complete" and clip["model_name"] == "chirp-v3-5"
            assert clip["metadata"]["prompt"].startswith("[Verse]") and clip["metadata"]["type"] == "gen"
            audio = client.get(clip["audio_url"])
            assert audio.status_code == 200 and audio.headers["content-type"] == "audio/mpeg"
            samples, rate = sf.read(io.BytesIO(audio.content))
            assert abs(len(samples) / rate - clip["metadata"]["duration"]) < 0.1
            assert client.get(clip["image_url"]).status_code == 200


def test_audio_url_streams_while_the_clip_renders(service: ServiceHarness) -> None:
    with service.client(service.new_key()) as client:
        task_id = submit(client, tags="pop, test:slow=1.5")

        def streaming() -> dict | None:
            clips = client.get(f"/suno/fetch/{task_id}").json()["data"]["data"]
            return clips[0] if clips[0]["status"] == "streaming" else None

        clip = wait_for(streaming, timeout=30, interval=0.2)
        assert clip["audio_url"].endswith(f"/stream/{clip['id']}")
        with client.stream("GET", clip["audio_url"]) as stream:
            assert stream.headers["content-type"] == "audio/mpeg"
            assert len(next(stream.iter_bytes())) > 1000


def test_description_mode(service: ServiceHarness) -> None:
    with service.client(service.new_key()) as client:
        reply = client.post(
            "/suno/submit/music",
            json={
                "gpt_description_prompt": "a calm piano song",
                "mv": "chirp-auk",
                "make_instrumental": True,
            },
        )
        final, _ = poll(client, reply.json()["data"])
        clip = final["data"]["data"][0]
        assert clip["metadata"]["gpt_description_prompt"] == "a calm piano song"
        assert clip["model_name"] == "chirp-auk" and clip["metadata"]["prompt"] == ""


def test_batch_fetch_of_100_ids_leaves_unknown_ones_out(service: ServiceHarness) -> None:
    token = service.new_key()
    with service.client(token) as client, service.client(service.new_key()) as stranger:
        mine = [submit(client) for _ in range(3)]
        theirs = submit(stranger)
        ids = [uuid.uuid4().hex for _ in range(96)]
        ids[10:10], ids[50:50], ids[90:90] = [mine[2]], [theirs, mine[0]], [mine[1]]
        assert len(ids) == 100
        reply = client.post("/suno/fetch", json={"ids": ids, "action": "MUSIC"})
        body = reply.json()
        assert reply.status_code == 200 and set(body) == {"code", "message", "data"}
        assert body["code"] == "success"
        assert [t["task_id"] for t in body["data"]] == [mine[2], mine[0], mine[1]]
        for item in body["data"]:
            assert_same_shape(item, SEED_FETCH["data"])
        assert client.post("/suno/fetch", json={"ids": []}).json()["data"] == []
        assert client.post("/suno/fetch", json={"ids": mine, "action": "LYRICS"}).json()["data"] == []


def test_feed_returns_bare_clips_by_task_or_clip_id(service: ServiceHarness) -> None:
    with service.client(service.new_key()) as client:
        task_id = submit(client)
        final, _ = poll(client, task_id)
        clip_ids = [c["id"] for c in final["data"]["data"]]
        by_task = client.get(f"/suno/feed/{task_id}").json()
        assert isinstance(by_task, list) and [c["id"] for c in by_task] == clip_ids
        for clip in by_task:
            assert_same_shape(clip, SEED_CLIP)
        by_clip = client.get(f"/suno/feed/{clip_ids[1]},{uuid.uuid4()},{clip_ids[0]}").json()
        assert [c["id"] for c in by_clip] == [clip_ids[1], clip_ids[0]]
        assert client.get(f"/suno/feed/{uuid.uuid4()}").json() == []


def test_lyrics_of_a_music_task(service: ServiceHarness) -> None:
    with service.client(service.new_key()) as client:
        task_id = submit(client)
        poll(client, task_id)
        lyrics = client.get(f"/suno/lyrics/{task_id}").json()
        assert lyrics == {
            "id": task_id,
            "status": "complete",
            "title": "City Lights",
            "text": MUSIC["prompt"],
        }
        assert_error(client.get(f"/suno/lyrics/{uuid.uuid4().hex}"), 404, "task_not_exist")


def test_a_kie_task_reads_through_new_api(service: ServiceHarness) -> None:
    with service.client(service.new_key()) as client:
        task_id = client.post("/api/v1/generate", json=custom_body()).json()["data"]["taskId"]
        final, _ = poll(client, task_id)
        assert final["data"]["status"] == "SUCCESS" and final["data"]["data"][0]["model_name"] == "chirp-v4-5"
        assert_same_shape(final, SEED_FETCH)
        assert len(client.get(f"/suno/feed/{task_id}").json()) == 2


def test_notify_hook_receives_the_finished_task(
    service: ServiceHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The lead registers this renderer in dialects/registry.py; setting it here keeps the test independent.
    monkeypatch.setitem(registry.CALLBACK_RENDERERS, "newapi", "tunesmith.dialects.newapi:render_notify")
    with CallbackReceiver() as receiver, service.client(service.new_key()) as client:
        task_id = submit(client, notify_hook=receiver.url)
        final, _ = poll(client, task_id)
        wait_for(lambda: receiver.received, timeout=20)
        assert len(receiver.received) == 1  # only the finished task, not text/first
        assert receiver.received[0] == final["data"]


# ── errors in new-api's envelope ──────────────────────────────────────────────────────────────────────
def test_missing_or_unknown_key_is_401(service: ServiceHarness) -> None:
    with service.client() as anonymous, service.client("tsk_nope") as wrong:
        assert_error(anonymous.post("/suno/submit/music", json=MUSIC), 401, "unauthorized")
        assert_error(wrong.get(f"/suno/fetch/{uuid.uuid4().hex}"), 401, "unauthorized")
        assert_error(anonymous.post("/suno/fetch", json={"ids": []}), 401, "unauthorized")
        assert_error(wrong.get("/suno/feed/abc"), 401, "unauthorized")


def test_unknown_and_foreign_tasks_are_task_not_exist(service: ServiceHarness) -> None:
    with service.client(service.new_key()) as owner, service.client(service.new_key()) as stranger:
        task_id = submit(owner)
        assert_error(owner.get(f"/suno/fetch/{uuid.uuid4().hex}"), 404, "task_not_exist")
        assert_error(stranger.get(f"/suno/fetch/{task_id}"), 404, "task_not_exist")
        assert_error(owner.get(f"/suno/fetch/{'x' * 65}"), 400, "invalid_request")
        assert stranger.post("/suno/fetch", json={"ids": [task_id]}).json()["data"] == []
        assert_error(owner.get("/suno/no-such-route"), 404, "task_not_exist")


def test_short_balance_is_quota_not_enough_403(service: ServiceHarness) -> None:
    token = service.new_key(credits=5)
    with service.client(token) as client:
        assert_error(client.post("/suno/submit/music", json=MUSIC), 403, "quota_not_enough")
    assert charges(service, token) == 0


@pytest.mark.parametrize(
    ("path", "body", "words"),
    [
        ("/suno/submit/music", {**MUSIC, "make_instrumental": "maybe"}, ["make_instrumental"]),
        ("/suno/submit/music", {**MUSIC, "prompt": 42}, ["prompt"]),
        ("/suno/submit/music", {**MUSIC, "mv": "chirp-v9"}, ["mv"]),
        ("/suno/submit/music", {"tags": "rock"}, ["prompt"]),
        ("/suno/submit/music", {**MUSIC, "continue_clip_id": "c1"}, ["task_id"]),
        ("/suno/submit/music", [MUSIC], ["JSON object"]),
        ("/suno/submit/lyrics", {}, ["prompt", "required"]),
        ("/suno/submit/concat", {"is_infill": False}, ["clip_id", "required"]),
        ("/suno/submit/upload", {"url": 7}, ["url"]),
        ("/suno/fetch", {"ids": "abc"}, ["ids"]),
        ("/suno/fetch", {"ids": [], "action": "VIDEO"}, ["action"]),
    ],
)
def test_bad_input_is_invalid_request_400(
    service: ServiceHarness, path: str, body: object, words: list[str]
) -> None:
    token = service.new_key()
    with service.client(token) as client:
        assert_error(client.post(path, json=body), 400, "invalid_request", *words)
    assert charges(service, token) == 0


@pytest.mark.parametrize("path", ["/suno/submit/music", "/suno/fetch", "/suno/submit/lyrics"])
def test_malformed_json_is_invalid_request_400(service: ServiceHarness, path: str) -> None:
    with service.client(service.new_key()) as client:
        reply = client.post(path, content=b'{"prompt": "la', headers={"Content-Type": "application/json"})
        assert_error(reply, 400, "invalid_request", "JSON")


@pytest.mark.parametrize(
    ("path", "body", "words"),
    [
        ("/suno/submit/upload", {"url": "https://example.com/a.mp3"}, ["upload"]),
    ],
)
def test_operations_without_an_engine_are_refused_at_submit(
    service: ServiceHarness, path: str, body: dict, words: list[str]
) -> None:
    token = service.new_key()
    with service.client(token) as client:
        assert_error(client.post(path, json=body), 400, "unsupported_action", "not supported", *words)
    assert charges(service, token) == 0
