"""kie upload-cover, add-instrumental and add-vocals end to end with the real composer, over real HTTP: the
recordings are served by a loopback file server (allow-listed), fetched by the worker, and the results read
back through kie's own routes (record-info, vocal-removal split_stem, get-timestamped-lyrics). Bad uploads
fail in kie's envelope and are refunded once; what is refused at submit is never charged."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator

import numpy as np
import pytest
import soundfile as sf

from tests.support.harness import ServiceHarness
from tests.support.kie_client import poll_until_done, split_stems
from tests.support.recordings import A_MINOR, FileServer, band, sung_line, wav_bytes
from tests.support.uploads import refused_uploads, upload_settings
from tunesmith.engines.composer.ops.recording import read_recording

pytestmark = pytest.mark.slow

BPM, SECONDS = 96.0, 20.0
WORDS = "[Verse]\nsing me home tonight\nover the silver sea"


@pytest.fixture(scope="module")
def files() -> Iterator[FileServer]:
    with FileServer(
        {
            "/acappella.wav": ("audio/wav", wav_bytes(sung_line(BPM, SECONDS))),
            "/band.wav": ("audio/wav", wav_bytes(band(BPM, SECONDS))),
            **refused_uploads(BPM),
        }
    ) as server:
        yield server


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServiceHarness]:
    with ServiceHarness(upload_settings(tmp_path_factory.mktemp("parts"))) as harness:
        yield harness


def _submit(client, path: str, body: dict) -> dict:  # type: ignore[no-untyped-def]
    reply = client.post(f"/api/v1/generate/{path}".rstrip("/"), json=body)
    assert reply.status_code == 200 and reply.json()["code"] == 200, reply.text
    final, _ = poll_until_done(client, reply.json()["data"]["taskId"], timeout=300)
    return final["data"]


def test_add_instrumental_keeps_the_vocal_and_backs_it_in_its_key(service: ServiceHarness, files) -> None:  # type: ignore[no-untyped-def]
    upload, _ = sf.read(io.BytesIO(files.files["/acappella.wav"][1]), dtype="float32", always_2d=True)
    with service.client(service.new_key(credits=100)) as client:
        body = {"uploadUrl": files.url("/acappella.wav"), "title": "Backed", "tags": "pop, piano, drums"}
        data = _submit(client, "add-instrumental", body | {"negativeTags": "", "callBackUrl": None})
        assert data["status"] == "SUCCESS", data
        assert (data["operationType"], data["type"]) == ("upload_cover", "ADD_INSTRUMENTAL")  # kie's enum
        clips = data["response"]["sunoData"]
        assert len(clips) == 2 and clips[0]["id"] != clips[1]["id"]
        assert all(abs(c["duration"] - SECONDS) < 0.05 for c in clips)
        stems = split_stems(client, data["taskId"], clips[0]["id"])
        # the vocal stem is the upload (to the 16-bit rounding of the served stem)
        assert len(stems["vocals"]) == len(upload)
        assert np.abs(stems["vocals"] - upload).max() <= 2.0 / 32767
        backing = sum(v for k, v in stems.items() if k != "vocals")
        assert float(np.sqrt(np.mean(backing**2))) > 0.01  # a backing was added
        reading = read_recording(backing)
        assert reading.analysis.key in (9, 0), reading.analysis  # A minor (or its relative C major)
        played = [c.root for c in reading.chords if c.quality != "none"]
        assert sum(r in A_MINOR for r in played) >= 0.8 * len(played)
        cost = service.settings.cost_of("add_instrumental") + service.settings.cost_of("stems")
        assert client.get("/api/v1/generate/credit").json()["data"] == 100 - cost


def test_add_vocals_keeps_the_instrumental_and_sings_the_words_in_its_key(
    service: ServiceHarness, files
) -> None:  # type: ignore[no-untyped-def]
    upload, _ = sf.read(io.BytesIO(files.files["/band.wav"][1]), dtype="float32", always_2d=True)
    with service.client(service.new_key(credits=100)) as client:
        body = {
            "uploadUrl": files.url("/band.wav"),
            "prompt": WORDS,
            "title": "Sung",
            "style": "pop, female vocals",
        }
        data = _submit(client, "add-vocals", body)
        assert data["status"] == "SUCCESS", data
        assert (data["operationType"], data["type"]) == ("upload_cover", "ADD_VOCALS")
        clip = data["response"]["sunoData"][0]
        stems = split_stems(client, data["taskId"], clip["id"])
        instrumental = sum(v for k, v in stems.items() if k != "vocals")
        assert np.abs(instrumental - upload).max() <= 4.0 / 32767  # the upload, untouched
        vocal = stems["vocals"]
        notes = read_recording(vocal).melody.notes
        assert len(notes) >= 6
        assert sum(n.pitch % 12 in A_MINOR for n in notes) >= 0.8 * len(notes), [n.pitch for n in notes]
        reply = client.post(
            "/api/v1/generate/get-timestamped-lyrics", json={"taskId": data["taskId"], "audioId": clip["id"]}
        )
        words = reply.json()["data"]["alignedWords"]
        sung = [w for line in WORDS.splitlines() if not line.startswith("[") for w in line.split()]
        assert [w["word"] for w in words] == sung
        starts = [w["startS"] for w in words]
        assert starts == sorted(starts) and starts[-1] < SECONDS


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/page.html", "uploadUrl"),  # not audio
        ("/missing.wav", "404"),  # unreachable
        ("/long.wav", "45"),  # longer than upload_max_seconds
        ("/big.wav", "6 MB"),  # larger than upload_max_bytes
        ("/silent.wav", "silent"),
    ],
)
def test_bad_uploads_fail_in_kie_envelope_and_are_refunded_once(
    service: ServiceHarness,
    files,  # type: ignore[no-untyped-def]
    path: str,
    message: str,
) -> None:
    with service.client(service.new_key(credits=100)) as client:
        body = {"uploadUrl": files.url(path), "title": "x", "tags": "rock"}
        data = _submit(client, "add-instrumental", body)
        assert data["status"] in ("CREATE_TASK_FAILED", "GENERATE_AUDIO_FAILED"), data
        assert message in data["errorMessage"], data
        assert data["response"]["sunoData"] == []
        assert client.get("/api/v1/generate/credit").json()["data"] == 100  # refunded, once


def test_refused_at_submit_is_not_charged(service: ServiceHarness, files) -> None:  # type: ignore[no-untyped-def]
    with service.client(service.new_key(credits=100)) as client:
        for path, body, words in (
            (
                "add-instrumental",
                {"uploadUrl": "http://10.1.2.3/a.wav", "title": "x", "tags": "rock"},
                "uploadUrl",
            ),
            (
                "add-instrumental",
                {"uploadUrl": files.url("/acappella.wav"), "title": "x", "tags": " "},
                "tags",
            ),
            ("add-vocals", {"uploadUrl": files.url("/band.wav"), "prompt": ""}, "prompt"),
            ("add-vocals", {"uploadUrl": "file:///etc/passwd", "prompt": "la"}, "uploadUrl"),
        ):
            reply = client.post(f"/api/v1/generate/{path}", json=body)
            answer = reply.json()
            assert reply.status_code == 422 and answer["code"] == 422 and words in answer["msg"], reply.text
        assert client.get("/api/v1/generate/credit").json()["data"] == 100
    assert json.dumps(files.requests)  # nothing above was fetched
    assert not any("10.1.2.3" in r for r in files.requests)
