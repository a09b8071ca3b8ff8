"""Two hosts that share no disk: an API-only process (`tunesmith serve --workers 0`) and a worker-only
process (`tunesmith worker`), each with its own --data-dir, one PostgreSQL, and media in an S3-compatible
bucket (moto's standalone server on loopback). A kie client submits, polls, plays the live stream during
FIRST_SUCCESS and downloads the final MP3 — all through the API process, which never saw the worker's
files except through the bucket."""

from __future__ import annotations

import io
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import soundfile as sf

from tests.support.harness import free_port, wait_for
from tests.support.processes import start_tunesmith, stopped_at_exit, tone_env, wait_healthy
from tests.support.s3server import new_bucket
from tunesmith.media.s3 import S3MediaStore

pytestmark = pytest.mark.postgres
TOKEN = "tsk_two-hosts-test-key"
RECORD = "/api/v1/generate/record-info"
SLOW = 3.0  # seconds the tone test double waits between stages: a FIRST_SUCCESS window to listen in


@pytest.fixture
def hosts(tmp_path: Path, pg_database_url: str, s3_endpoint: str) -> Iterator[dict]:
    bucket = new_bucket(s3_endpoint)
    port = free_port()
    env = tone_env(
        TOKEN,
        {
            "TUNESMITH_DATABASE_URL": pg_database_url,
            "TUNESMITH_MEDIA_URL": f"s3://{bucket}/media",
            "TUNESMITH_S3_ENDPOINT_URL": s3_endpoint,
            "TUNESMITH_PUBLIC_URL": f"http://127.0.0.1:{port}",
        },
    )
    api_dir, worker_dir = tmp_path / "api-host", tmp_path / "worker-host"
    api_dir.mkdir()
    worker_dir.mkdir()
    procs = [
        start_tunesmith(
            ["serve", "--workers", "0", "--port", str(port), "--data-dir", str(api_dir)], env, api_dir
        ),
        start_tunesmith(["worker", "--data-dir", str(worker_dir)], env, worker_dir),
    ]
    base = f"http://127.0.0.1:{port}"
    with stopped_at_exit(procs):
        wait_healthy(base)
        yield {
            "base": base,
            "api_dir": api_dir,
            "worker_dir": worker_dir,
            "bucket": S3MediaStore(f"s3://{bucket}/media", endpoint_url=s3_endpoint),
        }


def _files(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file() and p.suffix in (".mp3", ".wav", ".png", ".flac")]


def test_a_kie_client_is_served_by_an_api_host_that_shares_no_disk(hosts: dict) -> None:
    auth = {"Authorization": f"Bearer {TOKEN}"}
    with httpx.Client(base_url=hosts["base"], headers=auth, timeout=30) as client:
        body = {
            "customMode": True,
            "instrumental": False,
            "model": "V4_5",
            "style": f"pop, test:slow={SLOW}, test:seconds=6",
            "title": "Across Hosts",
            "prompt": "[Verse]\nFar away and still right here\n[Chorus]\nOne song, two hosts",
        }
        task_id = client.post("/api/v1/generate", json=body).json()["data"]["taskId"]

        def first_success() -> dict | None:
            data = client.get(RECORD, params={"taskId": task_id}).json()["data"]
            return data if data["status"] == "FIRST_SUCCESS" else None

        playing = wait_for(first_success, timeout=60, interval=0.4)
        stream_url = playing["response"]["sunoData"][0]["streamAudioUrl"]
        assert stream_url.startswith(hosts["base"] + "/stream/")
        heard = b""
        first_sound = None
        with httpx.Client(timeout=60) as listener, listener.stream("GET", stream_url) as live:
            assert live.status_code == 200 and live.headers["content-type"] == "audio/mpeg"
            for chunk in live.iter_bytes():
                first_sound = first_sound or time.monotonic()
                heard += chunk
        samples, rate = sf.read(io.BytesIO(heard))
        assert len(samples) / rate == pytest.approx(6.0, abs=0.2)  # the whole take, both halves

        def success() -> dict | None:
            data = client.get(RECORD, params={"taskId": task_id}).json()["data"]
            return data if data["status"] == "SUCCESS" else None

        done = wait_for(success, timeout=60, interval=0.4)
        # the first sound came while the song was still rendering: the second take alone takes 2 x SLOW
        assert first_sound is not None and time.monotonic() - first_sound > SLOW
        for clip in done["response"]["sunoData"]:
            assert clip["audioUrl"].startswith(hosts["base"] + "/media/pub/")
            with httpx.Client(timeout=30) as stranger:
                final = stranger.get(clip["audioUrl"])
                assert final.status_code == 200 and final.headers["content-type"] == "audio/mpeg"
                part = stranger.get(clip["audioUrl"], headers={"Range": "bytes=0-999"})
                assert part.status_code == 206 and part.content == final.content[:1000]
            samples, rate = sf.read(io.BytesIO(final.content))
            assert len(samples) / rate == pytest.approx(clip["duration"], abs=0.1)
    # the files live in the bucket; neither host keeps media on its own disk
    assert hosts["bucket"].stat(clip["audioUrl"].split("/media/", 1)[1]) is not None
    assert _files(hosts["api_dir"]) == []
    wait_for(lambda: _files(hosts["worker_dir"]) == [], timeout=10)  # scratch goes once the task is over
    hosts["bucket"].close()
