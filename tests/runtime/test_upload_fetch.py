"""The worker fetches a task's outside audio (kie's upload-extend `uploadUrl`) before the engine starts and
hands it over as the job's source; a URL that cannot be fetched fails the task with code 451 and a refund.

Runs the real service and worker against a real HTTP file server on loopback (allowed by `upload_allow`).
The engine is :class:`UploadExtendEngineForTests`, a TEST DOUBLE defined here: the tone test double, taught
to take UPLOAD_EXTEND, that checks the source contract and renders the recording and a longer take of it.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from tests.support.harness import ServiceHarness, settings_for_tests, wait_for
from tests.support.kie_client import poll_until_done
from tests.support.recordings import FileServer, make_media
from tests.support.tone_engine import RATE, ToneEngineForTests
from tunesmith.domain.operations import MODEL_NAMES, OperationKind
from tunesmith.domain.states import FailureKind
from tunesmith.engines.base import ClipSlot, EngineError, EngineJob, ProgressSink

UPLOAD_ENGINE = "tests.runtime.test_upload_fetch:UploadExtendEngineForTests"
SONG_SECONDS = 3.0
TAIL_SECONDS = 2.0  # what the test double adds after the recording in its second take


class UploadExtendEngineForTests(ToneEngineForTests):
    """TEST DOUBLE: the tone engine plus UPLOAD_EXTEND. It refuses a job whose source breaks the worker's
    contract (clip id "upload-<task id>", `audio` and `wav` the same readable 44.1 kHz stereo WAV in
    `workdir`, `duration` its length); take 0 is the recording, take 1 the recording plus a tone tail."""

    name = "upload-extend-test-double"
    operations = ToneEngineForTests.operations | {OperationKind.UPLOAD_EXTEND}

    def run(self, job: EngineJob, sink: ProgressSink) -> None:
        if job.request.kind is OperationKind.UPLOAD_EXTEND:
            _check_source(job)
        super().run(job, sink)

    def _stems_for(self, job: EngineJob, slot: ClipSlot, freq: float, lyrics: str) -> dict[str, np.ndarray]:
        if job.request.kind is not OperationKind.UPLOAD_EXTEND:
            return super()._stems_for(job, slot, freq, lyrics)
        assert job.source is not None and job.source.wav is not None
        recording, _ = sf.read(str(job.source.wav), dtype="float32", always_2d=True)
        if slot.index == 0:
            return {"other": recording}
        t = np.arange(int(TAIL_SECONDS * RATE)) / RATE
        tail = (0.2 * np.sin(2 * np.pi * freq * t)).astype(np.float32)
        return {"other": np.concatenate([recording, np.stack([tail, tail], axis=1)])}


def _check_source(job: EngineJob) -> None:
    source = job.source
    problems = []
    if source is None or source.wav is None:
        raise EngineError("the upload reached the engine without a source WAV", code=500)
    if source.clip_id != f"upload-{job.task_id}":
        problems.append(f"clip_id {source.clip_id!r}")
    if source.audio != source.wav or source.wav.parent != source.workdir or not source.wav.is_file():
        problems.append(f"files audio={source.audio} wav={source.wav} workdir={source.workdir}")
    else:
        info = sf.info(str(source.wav))
        if (info.samplerate, info.channels, info.subtype) != (44100, 2, "PCM_16"):
            problems.append(f"format {info.samplerate} Hz x{info.channels} {info.subtype}")
        if abs(info.frames / info.samplerate - source.duration) > 0.01:
            problems.append(f"duration {source.duration} vs {info.frames / info.samplerate}")
    if abs(source.duration - SONG_SECONDS) > 0.1:
        problems.append(f"duration {source.duration}, expected {SONG_SECONDS}")
    if problems:
        raise EngineError("the upload source breaks the contract: " + "; ".join(problems), code=500)


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FileServer]:
    """Serves /song.mp3; /flaky.mp3 answers 503 once, then the song; anything else is 404."""
    song = ("audio/mpeg", make_media(tmp_path_factory.mktemp("media"))["/song.mp3"])
    with FileServer({"/song.mp3": song, "/flaky.mp3": song}, flaky={"/flaky.mp3"}) as server:
        yield server


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServiceHarness]:
    settings = settings_for_tests(
        tmp_path_factory.mktemp("svc"),
        models={m: UPLOAD_ENGINE for m in MODEL_NAMES},
        default_engine=UPLOAD_ENGINE,
        upload_allow=["127.0.0.1"],
        upload_timeout_seconds=10.0,
        max_attempts=2,
    )
    with ServiceHarness(settings) as harness:
        yield harness


def extend_body(upload_url: str) -> dict:
    return {
        "uploadUrl": upload_url,
        "defaultParamFlag": True,
        "model": "V4_5",
        "prompt": "[Chorus]\nmore of it",
        "style": "rock",
        "title": "Longer",
        "continueAt": 2.0,
    }


def submit(client, upload_url: str) -> str:  # type: ignore[no-untyped-def]
    reply = client.post("/api/v1/generate/upload-extend", json=extend_body(upload_url))
    assert reply.status_code == 200 and reply.json()["code"] == 200, reply.text
    return reply.json()["data"]["taskId"]


def test_the_upload_is_fetched_and_extended(service: ServiceHarness, files: FileServer) -> None:
    with service.client(service.new_key(credits=100)) as client:
        task_id = submit(client, files.url("/song.mp3"))
        final, _ = poll_until_done(client, task_id)
        data = final["data"]
        assert data["status"] == "SUCCESS", data
        assert data["operationType"] == "upload_extend"
        durations = [clip["duration"] for clip in data["response"]["sunoData"]]
        assert durations == pytest.approx([SONG_SECONDS, SONG_SECONDS + TAIL_SECONDS], abs=0.1)
        assert client.get("/api/v1/generate/credit").json()["data"] == 100 - service.settings.cost_of(
            "upload_extend"
        )
    # The engine's clips can be rebuilt, so the decoded recording they continue is kept, losslessly (FLAC);
    # the task's scratch folder (where it was fetched to) is gone.
    kept = [r for r in service.services.store.media_of(task_ids=[task_id]) if r.role == "upload"]
    assert [r.key for r in kept] == [f"tasks/{task_id}/upload.flac"] and not kept[0].public
    samples, rate = sf.read(io.BytesIO(service.services.media.read_bytes(kept[0].key)))
    assert rate == RATE and len(samples) / rate == pytest.approx(SONG_SECONDS, abs=0.05)
    scratch = service.settings.effective_scratch_dir / task_id
    wait_for(lambda: not scratch.exists(), timeout=10)  # removed once the worker has finished with the task


def test_an_upload_that_cannot_be_fetched_fails_with_451_and_a_refund(
    service: ServiceHarness, files: FileServer
) -> None:
    with service.client(service.new_key(credits=100)) as client:
        task_id = submit(client, files.url("/missing.mp3"))
        final, _ = poll_until_done(client, task_id)
        data = final["data"]
        assert data["status"] == "CREATE_TASK_FAILED", data
        assert data["errorMessage"] == "uploadUrl: 404 from 127.0.0.1"
        # The task's code is 451; record-info shows it once kie's record code table lists 451 (else 501).
        assert data["errorCode"] == 451
        assert data["response"]["sunoData"] == []
        assert client.get("/api/v1/generate/credit").json()["data"] == 100  # refunded
    task = service.services.store.get_task(task_id)
    assert task is not None and task.failure is not None
    assert (task.failure.kind, task.failure.code) == (FailureKind.CREATE_TASK_FAILED, 451)
    assert task.attempts == 1  # a 404 is not retried


def test_a_transient_fetch_failure_is_retried(service: ServiceHarness, files: FileServer) -> None:
    with service.client(service.new_key(credits=100)) as client:
        task_id = submit(client, files.url("/flaky.mp3"))
        final, _ = poll_until_done(client, task_id)
        assert final["data"]["status"] == "SUCCESS", final["data"]
    assert files.requests.count("/flaky.mp3") == 2  # 503, then the song on the second attempt
    task = service.services.store.get_task(task_id)
    assert task is not None and task.attempts == 2


def test_a_private_upload_url_is_refused_at_submit(tmp_path: Path, files: FileServer) -> None:
    """Without upload_allow, loopback is off limits: refused at submit (422, nothing charged or fetched);
    the fetcher refuses it again in the worker (tests/media/test_fetch.py)."""
    settings = settings_for_tests(
        tmp_path, models={m: UPLOAD_ENGINE for m in MODEL_NAMES}, default_engine=UPLOAD_ENGINE
    )
    before = len(files.requests)
    with ServiceHarness(settings) as harness, harness.client(harness.new_key(credits=100)) as client:
        reply = client.post("/api/v1/generate/upload-extend", json=extend_body(files.url("/song.mp3")))
        assert reply.status_code == 422 and reply.json()["code"] == 422, reply.text
        assert "uploadUrl" in reply.json()["msg"] and "loopback" in reply.json()["msg"], reply.text
        assert client.get("/api/v1/generate/credit").json()["data"] == 100
    assert len(files.requests) == before
