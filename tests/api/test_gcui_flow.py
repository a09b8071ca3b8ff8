"""A gcui-art suno-api client over real HTTP: submit, poll /api/get?ids=, wait_audio, download; every error
in gcui's `{"error": "..."}` envelope with its HTTP status, never a 500 or HTML."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator

import httpx
import pytest
import soundfile as sf

from tests.support.gcui_client import assert_error
from tests.support.harness import ServiceHarness, settings_for_tests, wait_for
from tests.support.kie_client import custom_body as kie_body
from tests.support.kie_client import poll_until_done as kie_poll
from tunesmith.dialects.gcui import GET_FIELDS, SUBMIT_FIELDS
from tunesmith.domain.operations import SongRequest
from tunesmith.store.base import ClipUpdate

STATUSES = ["submitted", "queued", "streaming", "complete"]


def custom(**extra: object) -> dict:
    body = {
        "prompt": "[Verse]\nCity lights are calling me\n\n[Chorus]\nNeon nights",
        "tags": "pop",
        "title": "Neon Nights",
        "negative_tags": "metal",
        "make_instrumental": False,
        "model": "chirp-auk",
        "wait_audio": False,
    }
    body.update(extra)
    return body


def poll_clips(client: httpx.Client, ids: list[str], timeout: float = 60.0) -> tuple[list[dict], list[str]]:
    """Poll /api/get until every clip is complete; the final clips and the statuses clip 0 went through."""
    seen: list[str] = []

    def done() -> list[dict] | None:
        reply = client.get("/api/get", params={"ids": ",".join(ids)})
        assert reply.status_code == 200, reply.text
        clips = reply.json()
        assert [c["id"] for c in clips] == ids
        for c in clips:
            assert list(c) == list(GET_FIELDS) and c["status"] in STATUSES, c
        if not seen or seen[-1] != clips[0]["status"]:
            seen.append(clips[0]["status"])
        return clips if all(c["status"] == "complete" for c in clips) else None

    return wait_for(done, timeout=timeout, interval=0.3), seen


def test_custom_song_submit_poll_and_download(service: ServiceHarness) -> None:
    with service.client(service.new_key()) as client:
        reply = client.post("/api/custom_generate", json=custom(tags="pop, test:slow=0.3"))
        assert reply.status_code == 200
        submitted = reply.json()
        assert isinstance(submitted, list) and len(submitted) == 2
        for c in submitted:
            assert list(c) == list(SUBMIT_FIELDS)
            assert c["status"] in ("submitted", "queued") and c["audio_url"] == "" and c["duration"] is None
            assert c["title"] == "Neon Nights" and c["negative_tags"] == "metal"
            assert c["model_name"] == "chirp-auk"
            assert c["prompt"].startswith("[Verse]") and c["gpt_description_prompt"] is None
            assert c["type"] == "gen" and c["created_at"].endswith("Z")
        ids = [c["id"] for c in submitted]
        assert len(set(ids)) == 2

        clips, seen = poll_clips(client, ids)
        assert [STATUSES.index(s) for s in seen] == sorted(STATUSES.index(s) for s in seen)
        for c in clips:
            assert c["error_message"] is None
            assert c["lyric"] == "[Verse]\nCity lights are calling me\n[Chorus]\nNeon nights"
            audio = client.get(c["audio_url"])
            assert audio.status_code == 200 and audio.headers["content-type"] == "audio/mpeg"
            samples, rate = sf.read(io.BytesIO(audio.content))
            assert isinstance(c["duration"], float) and abs(len(samples) / rate - c["duration"]) < 0.1
            assert client.get(c["image_url"]).headers["content-type"] == "image/png"

        one = client.get("/api/clip", params={"id": ids[1]}).json()
        assert one["id"] == ids[1] and one["status"] == "complete"
        assert one["metadata"]["prompt"].startswith("[Verse]")


def test_stream_url_is_the_audio_url_while_streaming(service: ServiceHarness) -> None:
    with service.client(service.new_key()) as client:
        reply = client.post("/api/custom_generate", json=custom(tags="pop, test:slow=1.5"))
        ids = [c["id"] for c in reply.json()]

        def streaming() -> dict | None:
            first = client.get("/api/get", params={"ids": ids[0]}).json()[0]
            return first if first["status"] == "streaming" else None

        first = wait_for(streaming, timeout=30, interval=0.2)
        assert "/stream/" in first["audio_url"]
        with client.stream("GET", first["audio_url"]) as stream:
            assert stream.headers["content-type"] == "audio/mpeg"
            assert len(next(stream.iter_bytes())) > 500


def test_wait_audio_returns_complete_clips_when_rendering_is_fast(service: ServiceHarness) -> None:
    with service.client(service.new_key()) as client:
        reply = client.post(
            "/api/generate",
            params={"wait_timeout": 60},
            json={"prompt": "a calm piano track", "make_instrumental": True, "wait_audio": True},
        )
        assert reply.status_code == 200
        clips = reply.json()
        assert len(clips) == 2
        for c in clips:
            assert list(c) == list(GET_FIELDS)
            assert c["status"] == "complete" and c["audio_url"].endswith(".mp3")
            assert c["gpt_description_prompt"] == "a calm piano track" and c["prompt"] == ""
            assert c["model_name"] == "chirp-v3-5"  # gcui's default model


def test_wait_audio_returns_the_snapshot_when_rendering_is_slow(service: ServiceHarness) -> None:
    with service.client(service.new_key()) as client:
        reply = client.post(
            "/api/custom_generate",
            params={"wait_timeout": 0.5},
            json=custom(tags="pop, test:slow=1.5", wait_audio=True),
        )
        assert reply.status_code == 200
        clips = reply.json()
        assert len(clips) == 2 and all(list(c) == list(GET_FIELDS) for c in clips)
        assert all(c["status"] in ("submitted", "queued", "streaming") for c in clips)
        poll_clips(client, [c["id"] for c in clips])  # and it still finishes


def test_task_created_through_kie_is_readable_through_gcui(service: ServiceHarness) -> None:
    with service.client(service.new_key()) as client:
        task_id = client.post("/api/v1/generate", json=kie_body(style="rock")).json()["data"]["taskId"]
        final, _ = kie_poll(client, task_id)
        kie_clips = final["data"]["response"]["sunoData"]
        clips = client.get("/api/get", params={"ids": ",".join(c["id"] for c in kie_clips)}).json()
        assert [c["id"] for c in clips] == [c["id"] for c in kie_clips]
        for ours, theirs in zip(clips, kie_clips, strict=True):
            assert ours["status"] == "complete" and ours["audio_url"] == theirs["audioUrl"]
            assert ours["title"] == theirs["title"] and ours["prompt"] == theirs["prompt"]
            assert ours["model_name"] == "chirp-auk"  # kie's V4_5, in Suno's own name


def test_get_limit_reports_the_balance_and_this_months_usage(service: ServiceHarness) -> None:
    with service.client(service.new_key(credits=100)) as client:
        assert client.get("/api/get_limit").json() == {
            "credits_left": 100,
            "period": "month",
            "monthly_limit": 100,
            "monthly_usage": 0,
        }
        assert client.post("/api/custom_generate", json=custom()).status_code == 200
        limit = client.get("/api/get_limit").json()
        assert limit["credits_left"] == 88 and limit["monthly_usage"] == 12 and limit["monthly_limit"] == 100


# ── errors ────────────────────────────────────────────────────────────────────────────────────────────
def charges(service: ServiceHarness, token: str) -> int:
    key = service.services.keys.authenticate(f"Bearer {token}")
    return len([e for e in service.services.store.ledger(key.id) if e["reason"].startswith("charge")])


def test_missing_or_unknown_key_is_401(service: ServiceHarness) -> None:
    with service.client() as anonymous, service.client("not-a-key") as wrong:
        assert_error(anonymous.post("/api/generate", json={"prompt": "x"}), 401)
        assert_error(anonymous.get("/api/get", params={"ids": "x"}), 401)
        assert_error(wrong.get("/api/get_limit"), 401)


def test_short_balance_is_402_and_charges_nothing(service: ServiceHarness) -> None:
    token = service.new_key(credits=5)
    with service.client(token) as client:
        assert_error(client.post("/api/custom_generate", json=custom()), 402, "insufficient")
        assert client.get("/api/get_limit").json()["credits_left"] == 5
    assert charges(service, token) == 0


POSTS = [
    "/api/generate",
    "/api/custom_generate",
    "/api/extend_audio",
    "/api/generate_lyrics",
    "/api/concat",
    "/api/generate_stems",
]


@pytest.mark.parametrize("path", POSTS)
@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b'{"prompt": "x",', "JSON"),
        (b"[1, 2]", "JSON object"),
        (b"", "body is required"),
        (b'"just a string"', "JSON object"),
    ],
)
def test_malformed_bodies_are_400(service: ServiceHarness, path: str, content: bytes, words: str) -> None:
    with service.client(service.new_key()) as client:
        reply = client.post(path, content=content, headers={"Content-Type": "application/json"})
        assert_error(reply, 400, words)


@pytest.mark.parametrize(
    ("path", "body", "words"),
    [
        ("/api/generate", {}, ["prompt"]),
        ("/api/generate", {"prompt": 42}, ["prompt"]),
        ("/api/generate", {"prompt": "x", "make_instrumental": "maybe"}, ["make_instrumental"]),
        ("/api/generate", {"prompt": "x", "model": "chirp-v9"}, ["model", "chirp-auk"]),
        ("/api/custom_generate", {"tags": "pop", "title": "t"}, ["prompt", "lyrics"]),
        ("/api/custom_generate", {"prompt": "la", "wait_audio": {"a": 1}}, ["wait_audio"]),
        ("/api/extend_audio", {"prompt": "x"}, ["Audio ID is required"]),
        ("/api/extend_audio", {"audio_id": "c", "continue_at": "soon"}, ["continue_at"]),
        ("/api/concat", {}, ["Clip id is required"]),
        ("/api/generate_lyrics", {"prompt": ""}, ["prompt"]),
        ("/api/generate_stems", {"audio_id": ""}, ["Audio ID is required"]),
    ],
)
def test_invalid_requests_are_400_and_charge_nothing(
    service: ServiceHarness, path: str, body: dict, words: list[str]
) -> None:
    token = service.new_key()
    with service.client(token) as client:
        assert_error(client.post(path, json=body), 400, *words)
    assert charges(service, token) == 0


@pytest.mark.parametrize(
    ("path", "params", "words"),
    [
        ("/api/get", {"ids": " , "}, ["ids"]),
        ("/api/get", {"page": "-1"}, ["page"]),
        ("/api/get", {"page": "two"}, ["page"]),
        ("/api/get", {"ids": ",".join(f"id{i}" for i in range(101))}, ["at most 100"]),
        ("/api/clip", {}, ["Missing parameter id"]),
        ("/api/get_aligned_lyrics", {}, ["Song ID is required"]),
        ("/api/persona", {}, ["Missing parameter id"]),
        ("/api/generate", {"wait_timeout": "x"}, ["wait_timeout"]),
    ],
)
def test_missing_query_parameters_are_400(
    service: ServiceHarness, path: str, params: dict, words: list[str]
) -> None:
    with service.client(service.new_key()) as client:
        reply = (
            client.post(path, params=params, json={"prompt": "x"})
            if path == "/api/generate"
            else client.get(path, params=params)
        )
        assert_error(reply, 400, *words)


def test_unknown_and_other_keys_clips_are_404(service: ServiceHarness) -> None:
    with service.client(service.new_key()) as owner, service.client(service.new_key()) as stranger:
        ids = [c["id"] for c in owner.post("/api/custom_generate", json=custom()).json()]
        unknown = "00000000-0000-0000-0000-000000000000"
        assert_error(owner.get("/api/get", params={"ids": unknown}), 404)
        assert_error(stranger.get("/api/get", params={"ids": ",".join(ids)}), 404)
        assert_error(stranger.get("/api/clip", params={"id": ids[0]}), 404)
        assert_error(stranger.get("/api/get_aligned_lyrics", params={"song_id": ids[0]}), 404)
        assert_error(stranger.post("/api/extend_audio", json={"audio_id": ids[0]}), 404)
        assert_error(stranger.post("/api/concat", json={"clip_id": ids[0]}), 404)
        assert_error(owner.get("/api/clip", params={"id": "x" * 500}), 404)
        # known ids come back, unknown ones are left out
        mixed = owner.get("/api/get", params={"ids": f"{unknown},{ids[1]}"}).json()
        assert [c["id"] for c in mixed] == [ids[1]]


def test_generate_lyrics_writes_lyrics(service: ServiceHarness) -> None:
    with service.client(service.new_key()) as client:
        reply = client.post("/api/generate_lyrics", json={"prompt": "a lullaby for a sleepy cat"})
        assert reply.status_code == 200, reply.text
        lyrics = reply.json()
        assert lyrics["status"] == "complete" and lyrics["title"]
        assert "[Verse" in lyrics["text"] and "[Chorus]" in lyrics["text"]


def test_aligned_lyrics_of_a_rendered_song(service: ServiceHarness) -> None:
    with service.client(service.new_key()) as client:
        clips = client.post("/api/custom_generate", json=custom()).json()
        poll_clips(client, [c["id"] for c in clips])
        words = client.get("/api/get_aligned_lyrics", params={"song_id": clips[0]["id"]})
        assert words.status_code == 200, words.text
        aligned = words.json()
        assert aligned and {"word", "start_s", "end_s", "success", "p_align"} <= set(aligned[0])
        starts = [w["start_s"] for w in aligned]
        assert starts == sorted(starts)


def test_unknown_route_and_wrong_method_stay_in_the_envelope(service: ServiceHarness) -> None:
    with service.client(service.new_key()) as client:
        assert_error(client.get("/api/no_such_route"), 404)
        assert_error(client.get("/api/generate"), 405)
        assert_error(client.delete("/api/get"), 405)


# ── aligned lyrics from an engine that records word timings ───────────────────────────────────────────
@pytest.fixture(scope="module")
def idle_service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServiceHarness]:
    """A service without a worker: the test plays the worker, to leave word timings like the composer."""
    with ServiceHarness(settings_for_tests(tmp_path_factory.mktemp("idle")), with_worker=False) as harness:
        yield harness


def test_aligned_lyrics_come_from_the_clips_word_timings(idle_service: ServiceHarness) -> None:
    services = idle_service.services
    token = idle_service.new_key()
    key = services.keys.authenticate(f"Bearer {token}")
    task = services.tasks.submit(
        key,
        SongRequest(model="V4_5", custom_mode=True, lyrics="Hello world", style="pop", title="Hi"),
        dialect="gcui",
        raw_request="{}",
    )
    assert services.store.claim_next("test-worker", 30.0) is not None
    clip_id = task.clips[0].id
    words = [
        {"word": "Hello", "start_s": 1.0, "end_s": 1.4, "section": "verse"},
        {"word": "world", "start_s": 1.5, "end_s": 2.25, "section": "verse"},
    ]
    timings = f"clips/{clip_id}/words.json"
    services.media.put_bytes(timings, json.dumps(words).encode())
    with idle_service.client(token) as client:
        assert_error(client.get("/api/get_aligned_lyrics", params={"song_id": clip_id}), 400, "not complete")
        services.store.record_clip(
            task.id,
            "test-worker",
            0,
            state="complete",
            update=ClipUpdate(duration=3.0, artifacts={"timings": timings}),
        )
        reply = client.get("/api/get_aligned_lyrics", params={"song_id": clip_id})
        assert reply.status_code == 200, reply.text
        assert reply.json() == [
            {"word": "Hello", "start_s": 1.0, "end_s": 1.4, "success": True, "p_align": 1.0},
            {"word": "world", "start_s": 1.5, "end_s": 2.25, "success": True, "p_align": 1.0},
        ]
