"""The worker runtime under trouble: restarts, kill -9, crashes, timeouts and shutdown."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.support.harness import TONE_ENGINE, ServiceHarness, settings_for_tests, wait_for
from tests.support.kie_client import poll_until_done, submit
from tunesmith.domain.operations import MODEL_NAMES
from tunesmith.domain.states import QueueStatus, TaskState

REPO = Path(__file__).resolve().parents[2]


def test_full_flow_on_each_backend(tmp_path: Path, backend_url: str) -> None:
    settings = settings_for_tests(tmp_path, database_url=backend_url, workers=2)
    with ServiceHarness(settings) as service:
        token = service.new_key()
        with service.client(token) as client:
            task_id = submit(service, token, style="pop")
            final, seen = poll_until_done(client, task_id)
        assert final["data"]["status"] == "SUCCESS" and len(final["data"]["response"]["sunoData"]) == 2


def test_restart_loses_nothing(tmp_path: Path) -> None:
    settings = settings_for_tests(tmp_path)
    with ServiceHarness(settings, with_worker=False) as first:
        token = first.new_key()
        queued = submit(first, token)
    with (
        ServiceHarness(settings_for_tests(tmp_path, port=settings.port)) as second,
        second.client(token) as client,
    ):
        final, _ = poll_until_done(client, queued)  # the task queued before the restart still runs
        assert final["data"]["status"] == "SUCCESS"
    with (
        ServiceHarness(settings_for_tests(tmp_path, port=settings.port), with_worker=False) as third,
        third.client(token) as client,
    ):
        again = client.get("/api/v1/generate/record-info", params={"taskId": queued}).json()
        assert again["data"] == final["data"]  # finished tasks still answer, unchanged
        assert client.get(again["data"]["response"]["sunoData"][0]["audioUrl"]).status_code == 200


def _worker_process(settings_dir: Path, database_url: str) -> subprocess.Popen:
    env = dict(os.environ)
    env.update(
        {
            "PYTHONPATH": f"{REPO / 'src'}{os.pathsep}{REPO}",
            "TUNESMITH_DATA_DIR": str(settings_dir),
            "TUNESMITH_DATABASE_URL": database_url,
            "TUNESMITH_MODELS": json.dumps({m: TONE_ENGINE for m in MODEL_NAMES}),
            "TUNESMITH_DEFAULT_ENGINE": TONE_ENGINE,
            "TUNESMITH_LEASE_SECONDS": "2",
            "TUNESMITH_POLL_INTERVAL_SECONDS": "0.05",
        }
    )
    return subprocess.Popen(
        [sys.executable, "-m", "tunesmith", "worker"],
        env=env,
        cwd=tmp_cwd(settings_dir),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def tmp_cwd(path: Path) -> str:
    return str(path)


def test_worker_killed_mid_task_is_recovered_by_another(tmp_path: Path) -> None:
    settings = settings_for_tests(tmp_path, lease_seconds=2.0)
    with ServiceHarness(settings, with_worker=False) as service:
        token = service.new_key()
        store = service.services.store
        victim = _worker_process(tmp_path, settings.effective_database_url)
        try:
            task_id = submit(service, token, style="pop, test:slow=2")
            held = wait_for(
                lambda: (t := store.get_task(task_id)) and t.state is TaskState.TEXT_SUCCESS and t, timeout=30
            )
            assert held.lease_owner and held.lease_owner.split(":")[1] == str(victim.pid)
            victim.send_signal(signal.SIGKILL)
            victim.wait(10)
        finally:
            if victim.poll() is None:
                victim.kill()
        rescuer = _worker_process(tmp_path, settings.effective_database_url)
        try:
            done = wait_for(lambda: (t := store.get_task(task_id)) and t.is_terminal and t, timeout=60)
        finally:
            rescuer.send_signal(signal.SIGTERM)
            rescuer.wait(30)
        assert done.state is TaskState.SUCCESS
        assert done.attempts == 2
        assert done.lease_owner is None and done.queue_status is QueueStatus.DONE


def test_engine_crash_is_retried(tmp_path: Path) -> None:
    with ServiceHarness(settings_for_tests(tmp_path)) as service:
        token = service.new_key()
        task_id = submit(service, token, style="test:crash-once")
        with service.client(token) as client:
            final, _ = poll_until_done(client, task_id)
        assert final["data"]["status"] == "SUCCESS"
        assert service.services.store.get_task(task_id).attempts == 2


def test_engine_that_always_crashes_fails_after_bounded_retries(tmp_path: Path) -> None:
    with ServiceHarness(settings_for_tests(tmp_path, max_attempts=2)) as service:
        token = service.new_key(credits=100)
        task_id = submit(service, token, style="test:crash")
        with service.client(token) as client:
            final, _ = poll_until_done(client, task_id)
            assert client.get("/api/v1/generate/credit").json()["data"] == 100  # refunded
        data = final["data"]
        assert data["status"] == "GENERATE_AUDIO_FAILED" and "after 2 attempts" in data["errorMessage"]


def test_task_timeout_fails_with_408_and_refunds(tmp_path: Path) -> None:
    with ServiceHarness(settings_for_tests(tmp_path, task_timeout_seconds=1.0)) as service:
        token = service.new_key(credits=100)
        task_id = submit(service, token, style="test:slow=4")
        with service.client(token) as client:
            final, _ = poll_until_done(client, task_id)
            assert client.get("/api/v1/generate/credit").json()["data"] == 100
        assert final["data"]["status"] == "GENERATE_AUDIO_FAILED" and final["data"]["errorCode"] == 408


def test_graceful_shutdown_releases_the_task_untouched(tmp_path: Path) -> None:
    service = ServiceHarness(settings_for_tests(tmp_path)).start()
    try:
        token = service.new_key()
        task_id = submit(service, token, style="test:slow=5")
        store = service.services.store
        wait_for(lambda: store.get_task(task_id).state is TaskState.TEXT_SUCCESS, timeout=30)
        started = time.monotonic()
        service.worker.stop(grace=0.5)
        assert time.monotonic() - started < 10
        task = store.get_task(task_id)
        assert task.queue_status is QueueStatus.QUEUED and task.lease_owner is None and task.attempts == 0
    finally:
        service.worker = None
        service.stop()


@pytest.mark.postgres
def test_kill_minus_nine_on_postgres(tmp_path: Path, pg_database_url: str) -> None:
    settings = settings_for_tests(tmp_path, database_url=pg_database_url, lease_seconds=2.0)
    with ServiceHarness(settings, with_worker=False) as service:
        token = service.new_key()
        victim = _worker_process(tmp_path, pg_database_url)
        try:
            task_id = submit(service, token, style="test:slow=2")
            store = service.services.store
            wait_for(lambda: store.get_task(task_id).state is TaskState.TEXT_SUCCESS, timeout=30)
            victim.send_signal(signal.SIGKILL)
            victim.wait(10)
        finally:
            if victim.poll() is None:
                victim.kill()
        rescuer = _worker_process(tmp_path, pg_database_url)
        try:
            done = wait_for(lambda: (t := store.get_task(task_id)) and t.is_terminal and t, timeout=60)
        finally:
            rescuer.send_signal(signal.SIGTERM)
            rescuer.wait(30)
        assert done.state is TaskState.SUCCESS and done.attempts == 2
