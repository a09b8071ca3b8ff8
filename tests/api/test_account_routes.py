"""Native routes the studio (and any client) uses: the calling key's account, the models the server runs, and
the key's library of songs — each behind the key, in the native error envelope, never another key's songs."""

from __future__ import annotations

import json

from tests.support.harness import ServiceHarness
from tests.support.kie_client import poll_until_done


def test_account_names_the_key_and_its_balance(service: ServiceHarness) -> None:
    key = service.new_key(credits=77)
    with service.client(key) as client:
        me = client.get("/tunesmith/v1/account").json()
    assert me == {"name": "test", "prefix": key[: len(me["prefix"])], "credits": 77, "unlimited": False}
    assert len(me["prefix"]) >= 4 and me["prefix"] != key


def test_native_routes_refuse_a_missing_or_wrong_key_in_the_native_envelope(service: ServiceHarness) -> None:
    for token in (None, "sk-not-a-key"):
        with service.client(token) as client:
            for path in ("/tunesmith/v1/account", "/tunesmith/v1/library", "/tunesmith/v1/models"):
                response = client.get(path)
                assert response.status_code == 401, (path, response.text)
                assert response.json()["error"]["code"] == "Unauthorized"


def test_models_list_every_model_with_its_engine(service: ServiceHarness) -> None:
    with service.client(service.new_key()) as client:
        models = client.get("/tunesmith/v1/models").json()["models"]
    assert [m["name"] for m in models] == ["V3_5", "V4", "V4_5", "V4_5PLUS", "V4_5ALL", "V5", "V5_5"]
    assert {m["engine"] for m in models} == {"ToneEngineForTests"}  # module:Class engines by class name
    assert [m["name"] for m in models if m["duration"]] == ["V5_5"]


def test_library_lists_the_keys_songs_newest_first_with_failures_and_nothing_of_other_keys(
    service: ServiceHarness,
) -> None:
    mine, other = service.new_key(), service.new_key()
    with service.client(mine) as client, service.client(other) as stranger:
        body = {"customMode": True, "instrumental": False, "model": "V4_5", "prompt": "[Verse]\nla"}
        done = client.post("/api/v1/generate", json={**body, "title": "First", "style": "pop"}).json()
        failed = client.post(
            "/api/v1/generate", json={**body, "title": "Second", "style": "test:fail"}
        ).json()
        stranger.post("/api/v1/generate", json={**body, "title": "Not yours", "style": "pop"})
        final, _ = poll_until_done(client, done["data"]["taskId"])
        poll_until_done(client, failed["data"]["taskId"])
        clip_id = final["data"]["response"]["sunoData"][0]["id"]
        wav = client.post("/api/v1/wav/generate", json={"taskId": done["data"]["taskId"], "audioId": clip_id})
        assert wav.json()["code"] == 200
        library = client.get("/tunesmith/v1/library").json()
    tasks = library["tasks"]
    # newest first; the WAV order is an operation on a song, not a song
    assert [t["taskId"] for t in tasks] == [failed["data"]["taskId"], done["data"]["taskId"]]
    assert tasks[0]["status"] == "GENERATE_AUDIO_FAILED"
    assert tasks[0]["errorMessage"] == "the test engine was asked to fail"
    assert json.loads(tasks[0]["param"])["title"] == "Second"
    assert tasks[1]["status"] == "SUCCESS"
    assert [c["title"] for c in tasks[1]["response"]["sunoData"]] == ["First", "First"]
    assert all(c["audioUrl"] for c in tasks[1]["response"]["sunoData"])
    assert (library["limit"], library["offset"]) == (50, 0)


def test_library_pages(service: ServiceHarness) -> None:
    key = service.new_key()
    with service.client(key) as client:
        body = {"customMode": False, "instrumental": True, "model": "V4_5"}
        ids = [client.post("/api/v1/generate", json={**body, "prompt": f"song {i}"}).json() for i in range(3)]
        ids = [answer["data"]["taskId"] for answer in ids]
        first = client.get("/tunesmith/v1/library?limit=2").json()["tasks"]
        second = client.get("/tunesmith/v1/library?limit=2&offset=2").json()["tasks"]
        too_many = client.get("/tunesmith/v1/library?limit=101")
    assert [t["taskId"] for t in first + second] == ids[::-1]
    assert too_many.status_code == 422 and too_many.json()["error"]["field"]
