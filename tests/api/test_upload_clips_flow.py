"""new-api's and zeakAi's upload end to end with the real composer, over real HTTP: a recording served by a
loopback file server (allow-listed) is fetched by the worker and becomes a clip, which extend, concat, crop,
cover, WAV and MP4 then take as their source like any song made here. Bad uploads fail in each dialect's
envelope and are refunded once; what is refused at submit is never charged."""

from __future__ import annotations

import io
from collections.abc import Iterator

import numpy as np
import pytest
import soundfile as sf

from tests.support.harness import ServiceHarness
from tests.support.kie_client import poll, wav_master
from tests.support.newapi_client import newapi_done, newapi_submit, zeak_done, zeak_submit
from tests.support.recordings import FileServer, band, sung_line, wav_bytes
from tests.support.uploads import refused_uploads, upload_settings

pytestmark = pytest.mark.slow

BPM, SECONDS = 96.0, 20.0
VERSE = "[Verse]\nsing me home tonight\nover the silver sea"
SONG = 0.6 * band(BPM, SECONDS) + 0.6 * sung_line(BPM, SECONDS)


@pytest.fixture(scope="module")
def files() -> Iterator[FileServer]:
    with FileServer({"/demo_song.wav": ("audio/wav", wav_bytes(SONG)), **refused_uploads(BPM)}) as server:
        yield server


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServiceHarness]:
    with ServiceHarness(upload_settings(tmp_path_factory.mktemp("uploads"))) as harness:
        yield harness


def _upload_samples(files: FileServer) -> np.ndarray:
    x, _ = sf.read(io.BytesIO(files.files["/demo_song.wav"][1]), dtype="float32", always_2d=True)
    return x


def _balance(service: ServiceHarness, token: str) -> int:
    return service.services.keys.balance(service.services.keys.authenticate(f"Bearer {token}"))


# ── new-api ───────────────────────────────────────────────────────────────────────────────────────────


def test_newapi_upload_is_a_clip_that_extends_and_concats_from_the_recording(
    service: ServiceHarness, files: FileServer
) -> None:
    upload = _upload_samples(files)
    token = service.new_key(credits=100)
    with service.client(token) as client:
        task_id = newapi_submit(client, "upload", {"url": files.url("/demo_song.wav")})
        assert _balance(service, token) == 100 - service.settings.cost_of("upload")
        data = newapi_done(client, task_id, timeout=300)
        assert data["status"] == "SUCCESS" and data["action"] == "MUSIC", data
        (clip,) = data["data"]
        assert clip["status"] == "complete" and clip["title"] == "demo song"
        assert clip["metadata"]["type"] == "upload" and abs(clip["metadata"]["duration"] - SECONDS) < 0.05
        # the clip is the recording, sample for sample (its lossless master, rebuilt from the kept upload)
        master = wav_master(client, task_id, clip["id"])
        assert master.shape == upload.shape and np.abs(master - upload).max() <= 1.0 / 32767

        extend = {
            "continue_clip_id": clip["id"],
            "task_id": task_id,
            "continue_at": 12,
            "prompt": VERSE,
            "tags": "rock, male vocals",
        }
        ext_id = newapi_submit(client, "music", extend)
        ext = newapi_done(client, ext_id, timeout=300)
        assert ext["status"] == "SUCCESS", ext
        assert len(ext["data"]) == 2
        for take in ext["data"]:
            assert take["metadata"]["history"] == [
                {"id": clip["id"], "continue_at": 12, "type": "upload", "source": "web"}
            ]
            assert take["metadata"]["tags"] == "rock, male vocals"
            audio, rate = sf.read(io.BytesIO(client.get(take["audio_url"]).content))
            assert abs(len(audio) / rate - take["metadata"]["duration"]) < 0.1 and len(audio) / rate > 5

        # Suno's extension holds only the continuation; the concat is the song from the recording's start
        joined_id = newapi_submit(client, "concat", {"clip_id": ext["data"][0]["id"]})
        joined = newapi_done(client, joined_id, timeout=300)
        assert joined["status"] == "SUCCESS", joined
        (whole,) = joined["data"]
        # the imported clip is Suno's "upload", the extension made here a "gen"
        assert whole["metadata"]["concat_history"] == [
            {"id": clip["id"], "continue_at": None, "type": "upload", "source": "web"},
            {"id": ext["data"][0]["id"], "continue_at": 12, "type": "gen", "source": "web"},
        ]
        assert abs(whole["metadata"]["duration"] - (12 + ext["data"][0]["metadata"]["duration"])) < 0.1
        song = wav_master(client, joined_id, whole["id"])
        head = slice(0, int(11.9 * 44100))  # the recording up to continue_at (re-mastered with the rest)
        r = float(np.corrcoef(song[head].ravel(), upload[head].ravel())[0, 1])
        assert r > 0.98, r


@pytest.mark.parametrize(
    ("path", "words"),
    [
        ("/page.html", ["url", "decode"]),  # not audio
        ("/missing.wav", ["url", "404"]),  # unreachable
        ("/long.wav", ["url", "45"]),  # longer than upload_max_seconds
        ("/big.wav", ["url", "6 MB"]),  # larger than upload_max_bytes
        ("/silent.wav", ["silent"]),
    ],
)
def test_newapi_bad_uploads_fail_and_are_refunded_once(
    service: ServiceHarness, files: FileServer, path: str, words: list[str]
) -> None:
    token = service.new_key(credits=100)
    with service.client(token) as client:
        task_id = newapi_submit(client, "upload", {"url": files.url(path)})
        data = newapi_done(client, task_id, timeout=300)
        assert data["status"] == "FAILURE" and data["progress"] == "100%", data
        assert all(word in data["fail_reason"] for word in words), data
        assert all(c["status"] == "error" for c in data["data"])
    assert _balance(service, token) == 100  # charged at submit, refunded once


def test_newapi_uploads_refused_at_submit_are_not_charged(service: ServiceHarness, files: FileServer) -> None:
    token = service.new_key(credits=100)
    with service.client(token) as client:
        for body, word in (
            ({"url": "http://10.1.2.3/a.wav"}, "url"),
            ({"audio_url": "http://192.168.0.9/a.wav"}, "audio_url"),
            ({"url": "file:///etc/passwd"}, "url"),
            ({"title": "no address"}, "url"),
        ):
            reply = client.post("/suno/submit/upload", json=body)
            answer = reply.json()
            assert reply.status_code == 400 and answer["code"] != "success", answer
            assert word in answer["message"] and answer["data"] is None, answer
    assert _balance(service, token) == 100
    assert not any("10.1.2.3" in r or "192.168" in r for r in files.requests)


# ── zeakAi ────────────────────────────────────────────────────────────────────────────────────────────


def test_zeakai_upload_then_extend_cover_and_crop(service: ServiceHarness, files: FileServer) -> None:
    token = service.new_key(credits=200)
    with service.client(token) as client:
        up_id = zeak_submit(client, "upload", {"url": files.url("/demo_song.wav"), "title": "Demo"})
        up = zeak_done(client, up_id, timeout=300)
        assert up["status"] == "SUCCESS", up
        (clip,) = up["clips"]
        assert (clip["title"], clip["metadata"]["type"]) == ("Demo", "upload")
        assert abs(clip["metadata"]["duration"] - SECONDS) < 0.05

        ext_id = zeak_submit(
            client,
            "extend",
            {"task_id": up_id, "continue_clip_id": clip["id"], "continue_at": 10, "prompt": VERSE},
        )
        cover_id = zeak_submit(
            client,
            "cover",
            {"cover_clip_id": clip["id"], "prompt": VERSE, "tags": "jazz, piano, male vocals"},
        )
        crop_id = zeak_submit(client, "crop", {"clip_id": clip["id"], "crop_start_s": 2, "crop_end_s": 8})

        ext = zeak_done(client, ext_id, timeout=300)
        assert ext["status"] == "SUCCESS" and len(ext["clips"]) == 2, ext
        assert all(c["metadata"]["history"][0]["id"] == clip["id"] for c in ext["clips"])
        assert all(c["metadata"]["history"][0]["type"] == "upload" for c in ext["clips"])  # an imported clip
        cover = zeak_done(client, cover_id, timeout=300)
        assert cover["status"] == "SUCCESS" and len(cover["clips"]) == 2, cover
        assert all(abs(c["metadata"]["duration"] - SECONDS) < 0.1 for c in cover["clips"])
        assert all(c["metadata"]["tags"] == "jazz, piano, male vocals" for c in cover["clips"])
        crop = zeak_done(client, crop_id, timeout=300)
        assert crop["status"] == "SUCCESS", crop
        (cut,) = crop["clips"]
        assert abs(cut["metadata"]["duration"] - 6.0) < 0.05
        for done in (ext, cover, crop):
            for c in done["clips"]:
                audio, rate = sf.read(io.BytesIO(client.get(c["audio_url"]).content))
                assert abs(len(audio) / rate - c["metadata"]["duration"]) < 0.1

        # a video of the imported clip, through kie's MP4 route
        reply = client.post("/api/v1/mp4/generate", json={"taskId": up_id, "audioId": clip["id"]})
        assert reply.json()["code"] == 200, reply.text
        video_task = reply.json()["data"]["taskId"]
        video = poll(
            client, "/api/v1/mp4/record-info", video_task, lambda d: d["successFlag"] != "PENDING", 240
        )["data"]
        assert video["successFlag"] == "SUCCESS", video
        assert client.get(video["response"]["videoUrl"]).headers["content-type"] == "video/mp4"


def test_zeakai_bad_uploads_fail_in_its_envelope_and_are_refunded(
    service: ServiceHarness, files: FileServer
) -> None:
    token = service.new_key(credits=100)
    with service.client(token) as client:
        reply = client.post("/suno/task/submit/upload", json={"url": "http://10.1.2.3/a.wav"})
        body = reply.json()
        assert reply.status_code == 400 and body["code"] == 4 and "url" in body["description"], body
        assert _balance(service, token) == 100
        task_id = zeak_submit(client, "upload", {"url": files.url("/silent.wav")})
        data = zeak_done(client, task_id, timeout=300)
        assert data["status"] == "FAILURE" and "silent" in data["failReason"], data
        task_id = zeak_submit(client, "upload", {"url": files.url("/page.html")})
        data = zeak_done(client, task_id, timeout=300)
        assert data["status"] == "FAILURE" and "url" in data["failReason"], data
    assert _balance(service, token) == 100
