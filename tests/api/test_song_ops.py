"""Song edits in every dialect that names them, over real HTTP with the tone test double: extend, concat
(merge), crop, replace section (partial edit), lyrics and stems. Each flow goes generate → extend → join →
crop/replace and checks the lengths the edits must have; each refused input is answered in the dialect's own
envelope with nothing stored or charged."""

from __future__ import annotations

import io
from typing import Any

import httpx
import pytest
import soundfile as sf

from tests.support.harness import ServiceHarness, wait_for
from tests.support.newapi_client import newapi_task, zeak_task
from tests.support.tone_engine import EXTEND_EXTRA_SECONDS

TOLERANCE = 0.5  # seconds: a join's length is the sum of the spans it uses, within this


def ledger(service: ServiceHarness, token: str) -> tuple[int, int]:
    """(balance, number of tasks) of the key: what a refused request must leave untouched."""
    key = service.services.keys.authenticate(f"Bearer {token}")
    return service.services.keys.balance(key), len(service.services.store.ledger(key.id))


# ── kie ───────────────────────────────────────────────────────────────────────────────────────────────


def kie_song(client: httpx.Client, seconds: float = 24.0, **extra: Any) -> dict:
    body = {
        "customMode": True,
        "instrumental": False,
        "model": "V5_5",
        "style": "pop",
        "title": "Neon",
        "prompt": "[Verse]\nCity lights tonight\n[Chorus]\nWe sing along",
        "duration": seconds,
        **extra,
    }
    reply = client.post("/api/v1/generate", json=body)
    assert reply.status_code == 200, reply.text
    return kie_record(client, reply.json()["data"]["taskId"])


def kie_record(client: httpx.Client, task_id: str) -> dict:
    def done() -> dict | None:
        reply = client.get("/api/v1/generate/record-info", params={"taskId": task_id})
        if reply.status_code == 429:
            return None
        data = reply.json()["data"]
        return data if data["status"] in ("SUCCESS", "GENERATE_AUDIO_FAILED") else None

    return wait_for(done, timeout=60, interval=0.3)


def kie_error(reply: httpx.Response, code: int, *words: str) -> None:
    body = reply.json()
    assert reply.status_code == code and body["code"] == code and body["data"] is None, body
    for word in words:
        assert word.lower() in body["msg"].lower(), body


def test_kie_extend_then_replace_section(service: ServiceHarness) -> None:
    with service.client(service.new_key()) as client:
        song = kie_song(client)
        source = song["response"]["sunoData"][0]
        assert source["duration"] == pytest.approx(24.0, abs=0.05)
        reply = client.post(
            "/api/v1/generate/extend",
            json={
                "defaultParamFlag": True,
                "audioId": source["id"],
                "continueAt": 10,
                "model": "V5_5",
                "prompt": "[Verse 2]\nThe night goes on",
                "style": "pop, brighter",
                "title": "Neon (Extended)",
            },
        )
        assert reply.status_code == 200, reply.text
        extended = kie_record(client, reply.json()["data"]["taskId"])
        assert extended["status"] == "SUCCESS" and extended["operationType"] == "extend"
        assert extended["parentMusicId"] == source["id"]
        clips = extended["response"]["sunoData"]
        assert len(clips) == 2 and all(c["title"] == "Neon (Extended)" for c in clips)
        assert all(c["duration"] == pytest.approx(24 - 10 + EXTEND_EXTRA_SECONDS, abs=0.05) for c in clips)
        assert all(c["prompt"] == "[Verse 2]\nThe night goes on" and c["audioUrl"] for c in clips)

        # defaultParamFlag false: the source's title and style, continued from the end.
        reply = client.post(
            "/api/v1/generate/extend",
            json={"defaultParamFlag": False, "audioId": source["id"], "model": "V5_5"},
        )
        inherited = kie_record(client, reply.json()["data"]["taskId"])["response"]["sunoData"]
        assert [(c["title"], c["tags"]) for c in inherited] == [("Neon", "pop")] * 2
        assert inherited[0]["duration"] == pytest.approx(EXTEND_EXTRA_SECONDS, abs=0.05)

        reply = client.post(
            "/api/v1/generate/replace-section",
            json={
                "taskId": song["taskId"],
                "audioId": source["id"],
                "prompt": "[Chorus]\nNew words",
                "tags": "pop",
                "title": "Neon (Edit)",
                "infillStartS": 2.5,
                "infillEndS": 12.5,
                "fullLyrics": "[Verse]\nCity lights tonight\n[Chorus]\nNew words",
            },
        )
        assert reply.status_code == 200, reply.text
        edited = kie_record(client, reply.json()["data"]["taskId"])
        assert edited["status"] == "SUCCESS" and edited["parentMusicId"] == source["id"]
        assert [c["duration"] for c in edited["response"]["sunoData"]] == pytest.approx(
            [24.0, 24.0], abs=0.05
        )
        assert all(c["title"] == "Neon (Edit)" for c in edited["response"]["sunoData"])


def test_kie_edits_refuse_bad_input_in_kies_envelope(service: ServiceHarness) -> None:
    token, stranger = service.new_key(), service.new_key()
    with service.client(token) as client, service.client(stranger) as other:
        song = kie_song(client)
        other_song = kie_song(other, seconds=12)
        clip = song["response"]["sunoData"][0]["id"]
        extend = {
            "defaultParamFlag": True,
            "audioId": clip,
            "continueAt": 10,
            "model": "V5_5",
            "prompt": "la",
            "style": "pop",
            "title": "t",
        }
        replace = {
            "taskId": song["taskId"],
            "audioId": clip,
            "prompt": "la",
            "tags": "pop",
            "title": "t",
            "infillStartS": 2,
            "infillEndS": 12,
            "fullLyrics": "la",
        }
        before = ledger(service, token)
        for at in (0, 24, 30.5, -1):
            kie_error(
                client.post("/api/v1/generate/extend", json={**extend, "continueAt": at}),
                422,
                "continueAt",
                "24.00",
            )
        kie_error(client.post("/api/v1/generate/extend", json={**extend, "model": "V4"}), 422, "model")
        kie_error(
            client.post("/api/v1/generate/extend", json={k: v for k, v in extend.items() if k != "model"}),
            422,
            "model",
        )
        kie_error(
            client.post("/api/v1/generate/extend", json={**extend, "continueAt": None}), 422, "continueAt"
        )
        kie_error(client.post("/api/v1/generate/extend", json={**extend, "title": "x" * 101}), 413, "title")
        kie_error(client.post("/api/v1/generate/extend", json={**extend, "audioId": "nope"}), 404)
        foreign = other_song["response"]["sunoData"][0]["id"]
        kie_error(client.post("/api/v1/generate/extend", json={**extend, "audioId": foreign}), 404)
        for start, end, words in (
            (2, 11.99, ["at least 10"]),
            (0, 12.01, ["half"]),
            (20, 30, ["past the end"]),
            (12, 2, ["greater than"]),
            (2.001, 12.5, ["decimal"]),
        ):
            kie_error(
                client.post(
                    "/api/v1/generate/replace-section",
                    json={**replace, "infillStartS": start, "infillEndS": end},
                ),
                422,
                *words,
            )
        kie_error(
            client.post("/api/v1/generate/replace-section", json={**replace, "taskId": other_song["taskId"]}),
            404,
        )
        kie_error(
            client.post(
                "/api/v1/generate/replace-section",
                json={k: v for k, v in replace.items() if k != "fullLyrics"},
            ),
            422,
            "fullLyrics",
        )
        # A clip still rendering cannot be extended yet.
        slow = client.post(
            "/api/v1/generate",
            json={
                "customMode": True,
                "instrumental": True,
                "model": "V5_5",
                "style": "pop test:slow=2",
                "title": "Slow",
            },
        ).json()["data"]["taskId"]
        rendering = service.services.store.get_task(slow).clips[0].id
        kie_error(
            client.post("/api/v1/generate/extend", json={**extend, "audioId": rendering}), 422, "not finished"
        )
        kie_record(client, slow)
    balance, entries = ledger(service, token)
    assert (balance, entries) == (before[0] - service.settings.cost_of("generate"), before[1] + 1)


# ── new-api ───────────────────────────────────────────────────────────────────────────────────────────


def newapi_error(reply: httpx.Response, status: int, code: str, *words: str) -> None:
    body = reply.json()
    assert reply.status_code == status and body["code"] == code and body["data"] is None, body
    for word in words:
        assert word.lower() in body["message"].lower(), body


def test_newapi_extend_concat_and_lyrics(service: ServiceHarness) -> None:
    with service.client(service.new_key()) as client:
        song = newapi_task(
            client,
            client.post(
                "/suno/submit/music",
                json={
                    "prompt": "[Verse]\nWalking home",
                    "tags": "pop test:seconds=12",
                    "title": "Home",
                    "mv": "chirp-v4",
                },
            ),
        )
        source = song["data"][0]
        assert source["metadata"]["duration"] == pytest.approx(12.0, abs=0.05)
        extended = newapi_task(
            client,
            client.post(
                "/suno/submit/music",
                json={
                    "continue_clip_id": source["id"],
                    "task_id": song["task_id"],
                    "continue_at": 6,
                    "prompt": "[Verse 2]\nStill walking",
                },
            ),
        )
        assert extended["status"] == "SUCCESS" and len(extended["data"]) == 2
        ext = extended["data"][0]
        assert ext["metadata"]["history"] == [
            {"id": source["id"], "continue_at": 6, "type": "gen", "source": "web"}
        ]
        assert ext["model_name"] == "chirp-v4" and ext["title"] == "Home"  # the source's model and title
        assert ext["metadata"]["duration"] == pytest.approx(12 - 6 + EXTEND_EXTRA_SECONDS, abs=0.05)

        joined = newapi_task(client, client.post("/suno/submit/concat", json={"clip_id": ext["id"]}))
        assert joined["status"] == "SUCCESS" and len(joined["data"]) == 1
        whole = joined["data"][0]
        assert whole["metadata"]["type"] == "concat"
        assert [h["id"] for h in whole["metadata"]["concat_history"]] == [source["id"], ext["id"]]
        assert [h["continue_at"] for h in whole["metadata"]["concat_history"]] == [None, 6]
        used = 6 + ext["metadata"]["duration"]
        assert whole["metadata"]["duration"] == pytest.approx(used, abs=TOLERANCE)

        lyrics = newapi_task(
            client, client.post("/suno/submit/lyrics", json={"prompt": "a song about the sea"})
        )
        assert lyrics["action"] == "LYRICS" and lyrics["status"] == "SUCCESS"
        assert set(lyrics["data"]) == {"id", "status", "title", "text"}
        assert lyrics["data"]["status"] == "complete" and "[Verse" in lyrics["data"]["text"]
        assert client.get(f"/suno/lyrics/{lyrics['task_id']}").json() == lyrics["data"]
        batch = client.post(
            "/suno/fetch", json={"ids": [lyrics["task_id"], joined["task_id"]], "action": "LYRICS"}
        ).json()["data"]
        assert [t["task_id"] for t in batch] == [lyrics["task_id"]]


def test_newapi_edits_refuse_bad_input(service: ServiceHarness) -> None:
    token, stranger = service.new_key(), service.new_key()
    with service.client(token) as client, service.client(stranger) as other:
        song = newapi_task(
            client,
            client.post(
                "/suno/submit/music", json={"prompt": "la", "tags": "pop test:seconds=8", "title": "t"}
            ),
        )
        theirs = newapi_task(other, client_post(other, "/suno/submit/music", {"prompt": "la", "tags": "pop"}))
        clip = song["data"][0]["id"]
        before = ledger(service, token)
        extend = {"continue_clip_id": clip, "task_id": song["task_id"], "continue_at": 4}
        newapi_error(
            client.post("/suno/submit/music", json={**extend, "task_id": ""}),
            400,
            "invalid_request",
            "task_id",
        )
        newapi_error(
            client.post("/suno/submit/music", json={**extend, "task_id": theirs["task_id"]}),
            404,
            "task_not_exist",
        )
        for at in (0, 8, 99):
            newapi_error(
                client.post("/suno/submit/music", json={**extend, "continue_at": at}),
                400,
                "invalid_request",
                "continue_at",
                "8.00",
            )
        newapi_error(
            client.post("/suno/submit/music", json={**extend, "continue_clip_id": "nope"}),
            404,
            "task_not_exist",
        )
        foreign = theirs["data"][0]["id"]
        newapi_error(client.post("/suno/submit/concat", json={"clip_id": foreign}), 404, "task_not_exist")
        newapi_error(client.post("/suno/submit/concat", json={"clip_id": "nope"}), 404, "task_not_exist")
        newapi_error(
            client.post("/suno/submit/lyrics", json={"prompt": "  "}), 400, "invalid_request", "prompt"
        )
    assert ledger(service, token) == before


def client_post(client: httpx.Client, path: str, body: dict) -> httpx.Response:
    return client.post(path, json=body)


# ── gcui ──────────────────────────────────────────────────────────────────────────────────────────────


def gcui_clips(client: httpx.Client, ids: list[str]) -> list[dict]:
    def done() -> list[dict] | None:
        clips = client.get("/api/get", params={"ids": ",".join(ids)}).json()
        return clips if all(c["status"] in ("complete", "error") for c in clips) else None

    return wait_for(done, timeout=60, interval=0.3)


def gcui_error(reply: httpx.Response, status: int, *words: str) -> None:
    body = reply.json()
    assert reply.status_code == status and set(body) == {"error"}, body
    for word in words:
        assert word.lower() in body["error"].lower(), body


def test_gcui_extend_concat_and_stems(service: ServiceHarness) -> None:
    with service.client(service.new_key()) as client:
        made = client.post(
            "/api/custom_generate",
            json={
                "prompt": "[Verse]\nHello there",
                "tags": "pop test:seconds=12",
                "title": "Hi",
                "model": "chirp-v4",
            },
        )
        source = gcui_clips(client, [made.json()[0]["id"]])[0]
        reply = client.post(
            "/api/extend_audio",
            json={"audio_id": source["id"], "continue_at": "0:06", "prompt": "[Verse 2]\nAgain"},
        )
        assert reply.status_code == 200, reply.text
        assert len(reply.json()) == 2 and all(c["status"] == "submitted" for c in reply.json())
        extended = gcui_clips(client, [c["id"] for c in reply.json()])
        assert all(c["status"] == "complete" and c["model_name"] == "chirp-v4" for c in extended)
        assert extended[0]["duration"] == pytest.approx(6 + EXTEND_EXTRA_SECONDS, abs=0.05)
        assert client.get("/api/clip", params={"id": extended[0]["id"]}).json()["metadata"]["history"][0] == {
            "id": source["id"],
            "continue_at": 6.0,
            "type": "gen",
            "source": "web",
        }

        reply = client.post("/api/concat", json={"clip_id": extended[1]["id"]})
        assert reply.status_code == 200 and isinstance(reply.json(), dict), reply.text
        whole = gcui_clips(client, [reply.json()["id"]])[0]
        assert whole["type"] == "concat"
        assert whole["duration"] == pytest.approx(6 + extended[1]["duration"], abs=TOLERANCE)
        raw = client.get("/api/clip", params={"id": whole["id"]}).json()
        assert [h["id"] for h in raw["metadata"]["concat_history"]] == [source["id"], extended[1]["id"]]

        reply = client.post("/api/generate_stems", json={"audio_id": source["id"]})
        assert reply.status_code == 200, reply.text
        stems = reply.json()
        assert [s["id"].rsplit("_", 1)[1] for s in stems] == ["vocals", "drums", "bass", "other"]
        assert all(
            {"id", "status", "created_at", "title", "stem_from_id", "duration"} <= set(s) for s in stems
        )
        assert all(s["stem_from_id"] == source["id"] and s["status"] == "submitted" for s in stems)
        ready = gcui_clips(client, [s["id"] for s in stems])
        assert [s["type"] for s in ready] == ["stem"] * 4 and all(s["audio_url"] for s in ready)
        wav = httpx.get(ready[0]["audio_url"], timeout=30)
        data, rate = sf.read(io.BytesIO(wav.content))
        assert len(data) / rate == pytest.approx(12.0, abs=0.05)
        assert ready[0]["title"] == "Hi (Vocals)"


def test_gcui_edits_refuse_bad_input(service: ServiceHarness) -> None:
    token, stranger = service.new_key(), service.new_key()
    with service.client(token) as client, service.client(stranger) as other:
        clip = gcui_clips(
            client,
            [
                client.post(
                    "/api/custom_generate", json={"prompt": "la", "tags": "pop test:seconds=8"}
                ).json()[0]["id"]
            ],
        )[0]
        theirs = gcui_clips(
            other, [other.post("/api/custom_generate", json={"prompt": "la", "tags": "pop"}).json()[0]["id"]]
        )[0]
        before = ledger(service, token)
        for at in (0, 8, "9:00"):
            gcui_error(
                client.post("/api/extend_audio", json={"audio_id": clip["id"], "continue_at": at}),
                400,
                "continue_at",
                "8.00",
            )
        for path, field in (
            ("/api/extend_audio", "audio_id"),
            ("/api/concat", "clip_id"),
            ("/api/generate_stems", "audio_id"),
        ):
            gcui_error(client.post(path, json={field: theirs["id"]}), 404, "not found")
            gcui_error(client.post(path, json={field: "nope"}), 404, "not found")
        gcui_error(client.get("/api/get", params={"ids": f"{'0' * 32}_vocals"}), 404)
    assert ledger(service, token) == before


# ── zeakAi ────────────────────────────────────────────────────────────────────────────────────────────

Z = "/suno/task"


def zeak_error(reply: httpx.Response, status: int, code: int, *words: str) -> None:
    body = reply.json()
    assert reply.status_code == status and body["code"] == code and body["result"] is None, body
    for word in words:
        assert word.lower() in body["description"].lower(), body


def test_zeakai_extend_merge_crop_edit_and_lyrics(service: ServiceHarness) -> None:
    token = service.new_key()
    with service.client(token) as client:
        song = zeak_task(
            client,
            client.post(
                f"{Z}/submit/custom",
                json={
                    "prompt": "[Verse]\nStart",
                    "tags": "dance test:seconds=24",
                    "title": "Solo",
                    "mv": "chirp-v4",
                },
            ),
        )
        source = song["clips"][0]
        extended = zeak_task(
            client,
            client.post(
                f"{Z}/submit/extend",
                json={
                    "task_id": song["id"],
                    "continue_clip_id": source["id"],
                    "continue_at": 10,
                    "prompt": "[Verse 2]\nMore",
                },
            ),
        )
        assert extended["status"] == "SUCCESS" and len(extended["clips"]) == 2
        ext = extended["clips"][0]
        assert ext["metadata"]["history"][0]["id"] == source["id"]
        assert ext["metadata"]["duration"] == pytest.approx(24 - 10 + EXTEND_EXTRA_SECONDS, abs=0.05)

        merged = zeak_task(client, client.post(f"{Z}/submit/merge", json={"clip_id": ext["id"]}))
        whole = merged["clips"][0]
        assert len(merged["clips"]) == 1 and whole["metadata"]["type"] == "concat"
        assert [h["id"] for h in whole["metadata"]["concat_history"]] == [source["id"], ext["id"]]
        assert whole["metadata"]["duration"] == pytest.approx(10 + ext["metadata"]["duration"], abs=TOLERANCE)

        cropped = zeak_task(
            client,
            client.post(
                f"{Z}/submit/crop", json={"clip_id": whole["id"], "crop_start_s": 2, "crop_end_s": 12.5}
            ),
        )
        assert [c["metadata"]["duration"] for c in cropped["clips"]] == pytest.approx([10.5], abs=0.05)

        edited = zeak_task(
            client,
            client.post(
                f"{Z}/submit/edit",
                json={
                    "task_id": song["id"],
                    "clip_id": source["id"],
                    "infill_start_s": 4.5,
                    "infill_end_s": 14.5,
                    "prompt": "[Chorus]\nNew",
                },
            ),
        )
        assert [c["metadata"]["duration"] for c in edited["clips"]] == pytest.approx([24, 24], abs=0.05)
        assert edited["clips"][0]["title"] == "Solo"

        reply = client.post(f"{Z}/submit/lyrics", json={"prompt": "the sea at night"})
        assert reply.status_code == 200 and reply.json()["code"] == 1
        lyrics_id = reply.json()["result"]

        def written() -> dict | None:
            body = client.get(f"{Z}/lyrics/{lyrics_id}").json()
            return body if body["status"] in ("SUCCESS", "FAILURE") else None

        lyrics = wait_for(written, timeout=60, interval=0.3)
        assert lyrics["status"] == "SUCCESS" and lyrics["title"] and "[Verse" in lyrics["text"]
        assert len(lyrics["variants"]) >= 2
        zeak_error(client.get(f"{Z}/lyrics/{song['id']}"), 404, 3)  # a music task is not a lyrics task


def test_zeakai_edits_refuse_bad_input(service: ServiceHarness) -> None:
    token, stranger = service.new_key(), service.new_key()
    with service.client(token) as client, service.client(stranger) as other:
        song = zeak_task(
            client, client.post(f"{Z}/submit/custom", json={"prompt": "la", "tags": "pop test:seconds=24"})
        )
        theirs = zeak_task(other, other.post(f"{Z}/submit/custom", json={"prompt": "la", "tags": "pop"}))
        clip = song["clips"][0]["id"]
        before = ledger(service, token)
        zeak_error(
            client.post(f"{Z}/submit/extend", json={"continue_clip_id": clip, "continue_at": 0}),
            400,
            4,
            "continue_at",
            "24.00",
        )
        zeak_error(
            client.post(f"{Z}/submit/extend", json={"continue_clip_id": clip, "continue_at": 30}),
            400,
            4,
            "continue_at",
        )
        zeak_error(
            client.post(
                f"{Z}/submit/extend",
                json={"continue_clip_id": clip, "continue_at": 5, "task_id": theirs["id"]},
            ),
            404,
            3,
        )
        zeak_error(
            client.post(f"{Z}/submit/crop", json={"clip_id": clip, "crop_start_s": 5, "crop_end_s": 25}),
            400,
            4,
            "crop_end_s",
        )
        zeak_error(
            client.post(f"{Z}/submit/edit", json={"clip_id": clip, "infill_start_s": 1, "infill_end_s": 6}),
            400,
            4,
            "at least 10",
        )
        zeak_error(
            client.post(f"{Z}/submit/edit", json={"clip_id": clip, "infill_start_s": 1, "infill_end_s": 14}),
            400,
            4,
            "half",
        )
        for route, body in (
            ("merge", {"clip_id": theirs["clips"][0]["id"]}),
            ("crop", {"clip_id": "nope", "crop_start_s": 0, "crop_end_s": 5}),
        ):
            zeak_error(client.post(f"{Z}/submit/{route}", json=body), 404, 3)
        # cover mode on an engine that cannot cover (acestep can: tests/acestep): refused, nothing charged
        zeak_error(client.post(f"{Z}/submit/cover", json={"cover_clip_id": clip}), 400, 9, "not supported")
        # upload imports a recording (UPLOAD) where the model's engine takes one; the tone engine does not
        zeak_error(
            client.post(f"{Z}/submit/upload", json={"url": "https://example.com/a.mp3"}),
            400,
            9,
            "upload is not supported",
        )
    assert ledger(service, token) == before
