"""The acestep engine behind the service over real HTTP, through the kie dialect, with V5/V5_5 mapped to
it and a tiny random checkpoint loaded by the worker's engine process: generate (custom, description,
instrumental), callbacks, extend, replace section, upload-cover, and failures refunded once."""

from __future__ import annotations

import io
import subprocess
import sys
import threading
import time
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from tests.acestep.checkpoints import truncated_copy, upstream_layout
from tests.acestep.jobs import LYRICS
from tests.acestep.service_setup import acestep_body, acestep_settings
from tests.support.harness import ServiceHarness, wait_for
from tests.support.kie_client import poll, poll_until_done
from tests.support.receiver import CallbackReceiver


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory, tiny_checkpoint: Path):  # type: ignore[no-untyped-def]
    with ServiceHarness(acestep_settings(tmp_path_factory.mktemp("svc"), tiny_checkpoint)) as harness:
        yield harness


def _done(client, task_id: str) -> dict:  # type: ignore[no-untyped-def]
    final, _ = poll_until_done(client, task_id, timeout=240)
    assert final["data"]["status"] == "SUCCESS", final
    return final["data"]


def _decoded(client, url: str) -> tuple[np.ndarray, int]:  # type: ignore[no-untyped-def]
    reply = client.get(url)
    assert reply.status_code == 200
    return sf.read(io.BytesIO(reply.content))


def _credits(service: ServiceHarness, token: str) -> int:
    with service.client(token) as client:
        return client.get("/api/v1/generate/credit").json()["data"]


def test_custom_generate_goes_text_first_complete_with_callbacks(service: ServiceHarness) -> None:
    token = service.new_key()
    with CallbackReceiver() as receiver, service.client(token) as client:
        reply = client.post("/api/v1/generate", json=acestep_body(callBackUrl=receiver.url))
        assert reply.status_code == 200 and reply.json()["code"] == 200, reply.text
        task_id = reply.json()["data"]["taskId"]
        percents = _qhaigc_percents(client, task_id)
        final, seen = poll_until_done(client, task_id, timeout=240)
        assert final["data"]["status"] == "SUCCESS", final
        clips = final["data"]["response"]["sunoData"]
        assert len(clips) == 2 and len({c["id"] for c in clips}) == 2
        for clip in clips:
            audio, rate = _decoded(client, clip["audioUrl"])
            assert abs(len(audio) / rate - 10.0) < 0.15 and clip["duration"] == pytest.approx(10.0, abs=0.05)
            assert np.abs(audio).max() > 0.3
            assert clip["title"] == "Morning Light" and clip["prompt"] == LYRICS
            assert client.get(clip["imageUrl"]).headers["content-type"] == "image/png"
        wait_for(lambda: len(receiver.received) >= 3, timeout=20)
        assert receiver.stages() == ["text", "first", "complete"]
        assert set(seen) <= {"PENDING", "TEXT_SUCCESS", "FIRST_SUCCESS", "SUCCESS"}
        seen_percents = percents.result(timeout=240)  # the poller's client stays open until it is done
    assert service.services.store.get_task(task_id).engine == "acestep"
    # new-api/qhaigc percentages move with the diffusion steps, not only with the task's states
    assert seen_percents == sorted(seen_percents) and seen_percents[-1] == 100
    assert set(seen_percents) - {0, 10, 30, 60, 75, 90, 100}, seen_percents


def _qhaigc_percents(client, task_id: str):  # type: ignore[no-untyped-def]
    """Poll qhaigc's task route in the background (twice a second) until the task ends: each new percent."""
    from concurrent.futures import ThreadPoolExecutor

    def poll() -> list[int]:
        seen: list[int] = []
        while not seen or seen[-1] != 100:
            reply = client.get(f"/v1/music/tasks/{task_id}")
            if reply.status_code == 200:
                value = int(reply.json()["data"]["progress"].rstrip("%"))
                if not seen or seen[-1] != value:
                    seen.append(value)
            time.sleep(0.5)
        return seen

    return ThreadPoolExecutor(max_workers=1).submit(poll)


def test_description_and_instrumental_songs(service: ServiceHarness) -> None:
    with (
        service.client(service.new_key()) as client,
        CallbackReceiver() as on_described,
        CallbackReceiver() as on_instrumental,
    ):
        described = client.post(
            "/api/v1/generate",
            json={
                "customMode": False,
                "instrumental": False,
                "model": "V5",
                "prompt": "a song about rain",
                "callBackUrl": on_described.url,
            },
        ).json()["data"]["taskId"]
        instrumental = client.post(
            "/api/v1/generate",
            json=acestep_body(
                model="V5",
                instrumental=True,
                prompt="",
                style="ambient piano, 70 bpm",
                callBackUrl=on_instrumental.url,
            ),
        ).json()["data"]["taskId"]
        words = _done(client, described)["response"]["sunoData"]
        assert len(words) == 2 and words[0]["title"] and "[" in words[0]["prompt"] and words[0]["tags"]
        # no duration in description mode: estimated from the lyrics, capped by TUNESMITH_ACESTEP_MAX_SECONDS
        assert all(c["duration"] == pytest.approx(20.0, abs=0.05) for c in words)
        plain = _done(client, instrumental)["response"]["sunoData"]
        assert len(plain) == 2 and all(c["prompt"] == "" for c in plain)
        for clip in (words[0], plain[1]):
            audio, rate = _decoded(client, clip["audioUrl"])
            assert abs(len(audio) / rate - clip["duration"]) < 0.15
        for receiver in (on_described, on_instrumental):
            wait_for(lambda r=receiver: len(r.received) >= 3, timeout=20)
            assert receiver.stages() == ["text", "first", "complete"]


def _master(service: ServiceHarness, clip_id: str, tmp: Path) -> np.ndarray:
    clip = service.services.store.get_clip(clip_id)
    assert clip.wav_key, "the clip keeps its lossless master"
    path = service.services.media.download(clip.wav_key, tmp / clip.wav_key.replace("/", "_"))
    audio, rate = sf.read(path)
    assert rate == 44100
    return audio


def test_extend_then_replace_section_keeps_audio_outside_the_span(
    service: ServiceHarness, tmp_path: Path
) -> None:
    with service.client(service.new_key()) as client:
        song = _done(
            client, client.post("/api/v1/generate", json=acestep_body(duration=20)).json()["data"]["taskId"]
        )
        source = song["response"]["sunoData"][0]
        reply = client.post(
            "/api/v1/generate/extend",
            json={
                "defaultParamFlag": True,
                "audioId": source["id"],
                "continueAt": 6,
                "model": "V5_5",
                "prompt": "[Verse 2]\nthe night goes on",
                "style": "synth pop",
                "title": "Morning Light (Extended)",
            },
        )
        assert reply.status_code == 200, reply.text
        extended = _done(client, reply.json()["data"]["taskId"])["response"]["sunoData"]
        # the new clip holds the continuation only, as long as its lyrics (1 line: the 10 s minimum)
        assert len(extended) == 2 and all(c["duration"] == pytest.approx(10.0, abs=0.05) for c in extended)
        assert all(c["prompt"] == "[Verse 2]\nthe night goes on" for c in extended)
        _decoded(client, extended[0]["audioUrl"])

        start, end = 4.0, 14.0
        reply = client.post(
            "/api/v1/generate/replace-section",
            json={
                "taskId": song["taskId"],
                "audioId": source["id"],
                "prompt": "[Chorus]\nnew words here",
                "tags": "synth pop",
                "title": "Morning Light (Edit)",
                "infillStartS": start,
                "infillEndS": end,
                "fullLyrics": "[Verse]\nhello world\n[Chorus]\nnew words here",
            },
        )
        assert reply.status_code == 200, reply.text
        replaced = _done(client, reply.json()["data"]["taskId"])["response"]["sunoData"]
    before = _master(service, source["id"], tmp_path)
    for clip in replaced:
        after = _master(service, clip["id"], tmp_path)
        assert len(after) == len(before)
        outside = np.ones(len(before), bool)
        outside[int((start - 0.5) * 44100) : int((end + 0.5) * 44100)] = False
        assert np.abs(after[outside] - before[outside]).max() <= 10 ** (-60 / 20)
        inside = slice(int((start + 0.3) * 44100), int((end - 0.3) * 44100))
        assert np.sqrt(np.mean((after[inside] - before[inside]) ** 2)) > 0.01


@pytest.fixture(scope="module")
def upload_server(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """A plain HTTP file server on loopback holding one 8 s recording."""
    folder = tmp_path_factory.mktemp("uploads")
    t = np.arange(8 * 44100) / 44100
    tone = (0.3 * np.sin(2 * np.pi * 220 * t) * (1 + np.sin(2 * np.pi * 2 * t)) / 2).astype(np.float32)
    sf.write(folder / "song.wav", np.stack([tone, tone], axis=1), 44100)
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(SimpleHTTPRequestHandler, directory=str(folder)))
    server.RequestHandlerClass.log_message = lambda *a: None  # type: ignore[method-assign]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/song.wav"
    server.shutdown()
    server.server_close()


def test_upload_cover_covers_the_recording(service: ServiceHarness, upload_server: str) -> None:
    body = {
        "uploadUrl": upload_server,
        "customMode": True,
        "instrumental": False,
        "model": "V5",
        "prompt": "[Verse]\nla la la",
        "style": "jazz, 90 bpm",
        "title": "Covered",
    }
    with service.client(service.new_key()) as client:
        reply = client.post("/api/v1/generate/upload-cover", json=body)
        assert reply.status_code == 200 and reply.json()["code"] == 200, reply.text
        clips = _done(client, reply.json()["data"]["taskId"])["response"]["sunoData"]
        assert len(clips) == 2 and all(c["duration"] == pytest.approx(8.0, abs=0.05) for c in clips)
        assert all(c["title"] == "Covered" and c["tags"] == "jazz, 90 bpm" for c in clips)


def test_cover_refused_before_charging_without_the_audio_tokenizer(
    tmp_path: Path, tiny_checkpoint_no_cover: Path, upload_server: str
) -> None:
    settings = acestep_settings(tmp_path, tiny_checkpoint_no_cover)
    with ServiceHarness(settings, with_worker=False) as harness:
        token = harness.new_key(credits=100)
        with harness.client(token) as client:
            reply = client.post(
                "/api/v1/generate/upload-cover",
                json={
                    "uploadUrl": upload_server,
                    "customMode": False,
                    "instrumental": False,
                    "model": "V5",
                    "prompt": "jazz",
                },
            )
            body = reply.json()
            assert body["code"] == 422 and "audio tokenizer" in body["msg"], body
            assert client.get("/api/v1/generate/credit").json()["data"] == 100


def test_engine_not_ready_is_refused_at_submit_with_nothing_charged(tmp_path: Path) -> None:
    upstream = upstream_layout(tmp_path / "Ace-Step1.5")
    settings = acestep_settings(tmp_path / "data", upstream)
    with ServiceHarness(settings, with_worker=False) as harness:
        token = harness.new_key(credits=100)
        with harness.client(token) as client:
            body = client.post("/api/v1/generate", json=acestep_body()).json()
            assert body["code"] == 455 and body["data"] is None, body
            assert "engine acestep" in body["msg"] and "upstream ACE-Step layout" in body["msg"]
            assert client.get("/api/v1/generate/credit").json()["data"] == 100
            # models on other engines still work
            other = client.post("/api/v1/generate", json=acestep_body(model="V4_5")).json()
            assert other["code"] == 200, other


def test_damaged_checkpoint_fails_the_task_and_refunds_once(tmp_path: Path, tiny_checkpoint: Path) -> None:
    damaged = truncated_copy(tiny_checkpoint, tmp_path / "damaged")
    with ServiceHarness(acestep_settings(tmp_path / "data", damaged)) as harness:
        token = harness.new_key(credits=100)
        with harness.client(token) as client:
            task_id = client.post("/api/v1/generate", json=acestep_body()).json()["data"]["taskId"]
            final, _ = poll_until_done(client, task_id, timeout=240)
            data = final["data"]
            assert data["status"] == "GENERATE_AUDIO_FAILED", data
            assert "could not be loaded" in data["errorMessage"]
            assert client.get("/api/v1/generate/credit").json()["data"] == 100
            task = harness.services.store.get_task(task_id)
            assert task.refunded and task.attempts == 1  # not retried: a broken checkpoint stays broken
            # the worker is alive and takes the next task
            other = client.post("/api/v1/generate", json=acestep_body(model="V4_5")).json()["data"]["taskId"]
            assert poll_until_done(client, other, timeout=60)[0]["data"]["status"] == "SUCCESS"


def test_zeakai_cover_mode_re_sings_a_clip_made_here(service: ServiceHarness) -> None:
    with service.client(service.new_key()) as client:
        song = _done(client, client.post("/api/v1/generate", json=acestep_body()).json()["data"]["taskId"])
        clip = song["response"]["sunoData"][0]
        reply = client.post(
            "/suno/task/submit/cover", json={"cover_clip_id": clip["id"], "tags": "jazz, lounge"}
        )
        assert reply.status_code == 200 and reply.json()["code"] == 1, reply.text
        task_id = reply.json()["result"]

        def done() -> dict | None:
            data = client.get(f"/suno/task/{task_id}/fetch").json()
            return data if data["status"] in ("SUCCESS", "FAILURE") else None

        final = wait_for(done, timeout=240, interval=0.5)
        assert final["status"] == "SUCCESS", final
        assert len(final["clips"]) == 2
        for made in final["clips"]:
            assert made["metadata"]["tags"] == "jazz, lounge" and made["metadata"]["prompt"] == LYRICS
            assert made["metadata"]["duration"] == pytest.approx(10.0, abs=0.05)
    assert service.services.store.get_task(task_id).operation.value == "upload_cover"


def test_derived_operations_on_an_acestep_song(service: ServiceHarness) -> None:
    """WAV, MP4 and timestamped lyrics work (the timings say they are estimated); stems and MIDI are
    refused before charging, saying why."""
    token = service.new_key(credits=1000)
    with service.client(token) as client:
        song = _done(client, client.post("/api/v1/generate", json=acestep_body()).json()["data"]["taskId"])
        clip = song["response"]["sunoData"][0]
        ids = {"taskId": song["taskId"], "audioId": clip["id"]}
        stamps = client.post("/api/v1/generate/get-timestamped-lyrics", json=ids).json()
        assert stamps["code"] == 200 and stamps["data"]["estimated"] is True, stamps
        words = stamps["data"]["alignedWords"]
        assert [w["word"] for w in words[:2]] == ["hello", "world,"]
        assert all(0 < w["startS"] < w["endS"] < clip["duration"] for w in words)
        before = _credits(service, token)
        for path, body in (
            ("/api/v1/vocal-removal/generate", {**ids, "type": "separate_vocal"}),
            ("/api/v1/midi/generate", {"taskId": song["taskId"], "audioId": clip["id"]}),
        ):
            reply = client.post(path, json={**body, "callBackUrl": "http://127.0.0.1:9/cb"}).json()
            assert reply["code"] != 200 and "ACE-Step songs" in reply["msg"], reply
        assert _credits(service, token) == before
        wav = client.post("/api/v1/wav/generate", json={**ids, "callBackUrl": "http://127.0.0.1:9/cb"})
        assert wav.json()["code"] == 200, wav.text
        video = client.post(
            "/api/v1/mp4/generate",
            json={
                **ids,
                "author": "Nova Lane",
                "domainName": "example.com",
                "callBackUrl": "http://127.0.0.1:9/cb",
            },
        )
        assert video.json()["code"] == 200, video.text
        made = poll(client, "/api/v1/wav/record-info", wav.json()["data"]["taskId"], _settled, timeout=120)
        assert made["data"]["successFlag"] == "SUCCESS", made
        audio, rate = _decoded(client, made["data"]["response"]["audioWavUrl"])
        assert rate == 44100 and abs(len(audio) / rate - clip["duration"]) < 0.05
        made = poll(client, "/api/v1/mp4/record-info", video.json()["data"]["taskId"], _settled, timeout=180)
        assert made["data"]["successFlag"] == "SUCCESS", made
        assert client.get(made["data"]["response"]["videoUrl"]).headers["content-type"] == "video/mp4"


def _settled(data: dict) -> bool:
    return data["successFlag"] != "PENDING"


def test_the_engine_process_never_connects_to_the_network(
    tmp_path: Path, tiny_checkpoint: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The worker's engine processes start with a guard that refuses and records any IP connect, loopback
    included (tests/acestep/netguard); a whole generate runs, and the guard saw no connect."""
    import os

    log = tmp_path / "netguard.log"
    guard = Path(__file__).parent / "netguard"
    monkeypatch.setenv("ACESTEP_NETGUARD_LOG", str(log))
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(guard), os.environ.get("PYTHONPATH", "")]))
    harness = ServiceHarness(acestep_settings(tmp_path / "data", tiny_checkpoint))
    with harness, harness.client(harness.new_key()) as client:
        task_id = client.post("/api/v1/generate", json=acestep_body()).json()["data"]["taskId"]
        assert len(_done(client, task_id)["response"]["sunoData"]) == 2
    lines = log.read_text().splitlines()
    assert any(line.startswith("armed ") for line in lines), "the guard never ran in an engine process"
    assert not [line for line in lines if line.startswith("connect ")], lines
    # and the guard does refuse: a guarded process connecting to loopback fails, and the connect is logged
    probe = subprocess.run(
        [sys.executable, "-c", "import socket; socket.create_connection(('127.0.0.1', 9), timeout=5)"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert probe.returncode != 0 and "refused by the test guard" in probe.stderr, probe.stderr
    assert [line for line in log.read_text().splitlines() if line.startswith("connect ")]
