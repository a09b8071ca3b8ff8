"""kie mashup end to end with the real composer, over real HTTP: two composer songs, fetched from the
service's own media URLs (allow-listed on loopback) like any outside recording, combined into one song (the
first's melody over the second's harmony and groove). Wrong counts of URLs are refused in kie's envelope with
nothing charged; a recording that cannot be fetched fails the task with 451 and refunds it."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator

import httpx
import pytest
import soundfile as sf

from tests.support.harness import ServiceHarness, composer_settings, wait_for
from tests.support.kie_client import finished, poll_until_done
from tests.support.receiver import CallbackReceiver

pytestmark = pytest.mark.slow

WORDS = "[Verse]\nwe ride the morning train\nacross the silver plain"


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServiceHarness]:
    settings = composer_settings(
        tmp_path_factory.mktemp("mashup"), upload_allow=["127.0.0.1"], callback_allow=["127.0.0.1"]
    )
    with ServiceHarness(settings) as harness:
        yield harness


@pytest.fixture(scope="module")
def receiver() -> Iterator[CallbackReceiver]:
    with CallbackReceiver() as hook:
        yield hook


def _balance(client: httpx.Client) -> int:
    return int(client.get("/api/v1/generate/credit").json()["data"])


def _song(client: httpx.Client, style: str, lyrics: str) -> dict:
    body = {
        "customMode": True,
        "instrumental": False,
        "model": "V5_5",
        "style": style,
        "title": style.title(),
        "prompt": lyrics,
        "duration": 20,
    }
    return finished(client, body, timeout=300)["response"]["sunoData"][0]


def test_mashup_of_two_songs_makes_two_clips_as_long_as_the_second(
    service: ServiceHarness, receiver: CallbackReceiver
) -> None:
    with service.client(service.new_key(credits=200)) as client:
        first = _song(client, "pop, female vocals", "[Verse]\nhold the light above the water\nsing it slow")
        second = _song(client, "reggae, male vocals", "[Verse]\ndown by the harbour wall\nwe wait")
        before = _balance(client)
        body = {
            "uploadUrlList": [first["audioUrl"], second["audioUrl"]],
            "customMode": True,
            "instrumental": False,
            "model": "V5",
            "style": "funk, brass, male vocals",
            "title": "Harbour Light",
            "prompt": WORDS,
            "callBackUrl": receiver.url,
        }
        reply = client.post("/api/v1/generate/mashup", json=body)
        assert reply.json()["code"] == 200, reply.text
        task_id = reply.json()["data"]["taskId"]
        assert _balance(client) == before - service.settings.cost_of("mashup")
        final, _ = poll_until_done(client, task_id, timeout=300)
        data = final["data"]
        assert data["status"] == "SUCCESS", data
        assert (data["type"], data["operationType"]) == ("MASHUP", "upload_cover")
        clips = data["response"]["sunoData"]
        assert len(clips) == 2 and clips[0]["id"] != clips[1]["id"]
        for clip in clips:
            assert clip["title"] == "Harbour Light" and clip["tags"] == "funk, brass, male vocals"
            audio, rate = sf.read(io.BytesIO(client.get(clip["audioUrl"]).content))
            seconds = len(audio) / rate
            assert abs(seconds - clip["duration"]) < 0.1
            assert abs(clip["duration"] - second["duration"]) < 0.2, (clip["duration"], second["duration"])
            assert float((audio**2).mean()) > 1e-4  # not silence
        # the new vocal sings the given words
        reply = client.post(
            "/api/v1/generate/get-timestamped-lyrics", json={"taskId": task_id, "audioId": clips[0]["id"]}
        )
        words = [w["word"] for w in reply.json()["data"]["alignedWords"]]
        assert words == [w for line in WORDS.splitlines()[1:] for w in line.split()]

    def complete() -> list[str] | None:
        stages = [r["data"]["callbackType"] for r in receiver.received if task_id in json.dumps(r)]
        return stages if "complete" in stages else None

    stages = wait_for(complete, timeout=30, interval=0.2)
    assert stages[-1] == "complete" and "error" not in stages
    mine = [r for r in receiver.received if task_id in json.dumps(r)]
    done = next(r for r in mine if r["data"]["callbackType"] == "complete")
    assert done["code"] == 200 and len(done["data"]["data"]) == 2


def test_mashup_needs_exactly_two_urls_and_refusals_cost_nothing(service: ServiceHarness) -> None:
    base = {"customMode": False, "instrumental": True, "model": "V5", "prompt": "a summer mashup"}
    url = "http://127.0.0.1:9/a.mp3"
    with service.client(service.new_key(credits=100)) as client:
        for urls, word in (
            ([url], "exactly 2"),
            ([url, url, url], "exactly 2"),
            ([], "exactly 2"),
            ([url, "http://10.0.0.7/b.mp3"], "uploadUrlList"),
            ([url, "ftp://example.com/b.mp3"], "uploadUrl"),
        ):
            reply = client.post("/api/v1/generate/mashup", json={**base, "uploadUrlList": urls})
            answer = reply.json()
            assert answer["code"] == 422 and word in answer["msg"], answer
        assert _balance(client) == 100


def test_mashup_of_an_unreachable_recording_fails_with_451_and_is_refunded(service: ServiceHarness) -> None:
    with service.client(service.new_key(credits=100)) as client:
        missing = f"{service.base_url}/media/nothing/here.mp3"
        body = {
            "uploadUrlList": [missing, missing],
            "customMode": False,
            "instrumental": True,
            "model": "V5",
            "prompt": "a mashup",
        }
        reply = client.post("/api/v1/generate/mashup", json=body)
        assert reply.json()["code"] == 200, reply.text
        final, _ = poll_until_done(client, reply.json()["data"]["taskId"], timeout=120)
        data = final["data"]
        assert data["status"] == "CREATE_TASK_FAILED" and data["errorCode"] == 451, data
        assert "uploadUrlList[0]" in data["errorMessage"] and data["response"]["sunoData"] == []
        assert _balance(client) == 100
