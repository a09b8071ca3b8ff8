"""kie upload-extend end to end with the real composer: a song's MP3 is fetched from a URL like any outside
recording (here the service's own media URL, allow-listed on loopback) and continued in its tempo and key.
Both clips hold the recording up to continueAt, then the continuation; the task is charged like an extend."""

from __future__ import annotations

import io

import pytest
import soundfile as sf

from tests.support.harness import ServiceHarness, composer_settings
from tests.support.kie_client import finished, poll_until_done

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def composer_service(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    settings = composer_settings(tmp_path_factory.mktemp("upload"), upload_allow=["127.0.0.1"])
    with ServiceHarness(settings) as harness:
        yield harness


def test_upload_extend_continues_a_fetched_recording(composer_service: ServiceHarness) -> None:
    with composer_service.client(composer_service.new_key(credits=100)) as client:
        song = {
            "customMode": True,
            "instrumental": True,
            "model": "V5_5",
            "title": "Source",
            "style": "techno",
            "duration": 20,
        }
        upload_url = finished(client, song, timeout=240)["response"]["sunoData"][0]["audioUrl"]
        body = {
            "uploadUrl": upload_url,
            "defaultParamFlag": True,
            "model": "V4_5",
            "instrumental": True,
            "style": "techno",
            "title": "Longer",
            "continueAt": 12,
            "callBackUrl": "https://client.example.com/cb",
        }
        reply = client.post("/api/v1/generate/upload-extend", json=body)
        assert reply.json()["code"] == 200, reply.text
        final, _ = poll_until_done(client, reply.json()["data"]["taskId"], timeout=240)
        data = final["data"]
        assert data["status"] == "SUCCESS", data
        assert data["operationType"] == "upload_extend"
        clips = data["response"]["sunoData"]
        assert len(clips) == 2
        for clip in clips:
            samples, rate = sf.read(io.BytesIO(client.get(clip["audioUrl"]).content))
            seconds = len(samples) / rate
            assert abs(seconds - clip["duration"]) < 0.1
            assert seconds > 12 + 10  # the recording up to continueAt, then at least 10 s more
        assert client.get("/api/v1/generate/credit").json()["data"] == 100 - 12 - 12
