"""The media store is unreachable when a worker publishes: the task fails after its attempts (refunded), and
its message names no internal address (the operator's log has the details)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.harness import ServiceHarness, free_port, settings_for_tests, wait_for
from tests.support.kie_client import custom_body, poll_until_done


@pytest.fixture
def service(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[ServiceHarness]:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "tunesmith-test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "tunesmith-test-secret")
    dead = f"http://127.0.0.1:{free_port()}"  # nothing listens here
    settings = settings_for_tests(
        tmp_path, media_url="s3://no-bucket/media", s3_endpoint_url=dead, max_attempts=1
    )
    with ServiceHarness(settings) as harness:
        yield harness


def test_an_unreachable_store_fails_the_task_cleanly(
    service: ServiceHarness, caplog: pytest.LogCaptureFixture
) -> None:
    with service.client(service.new_key(credits=100)) as client:
        task_id = client.post("/api/v1/generate", json=custom_body(style="pop")).json()["data"]["taskId"]
        final, _ = poll_until_done(client, task_id, timeout=120)
        data = final["data"]
        assert data["status"] == "GENERATE_AUDIO_FAILED", data
        assert "internal error storing the results" in data["errorMessage"]
        assert "127.0.0.1" not in data["errorMessage"] and "no-bucket" not in data["errorMessage"]
        assert client.get("/api/v1/generate/credit").json()["data"] == 100  # refunded
    scratch = service.settings.effective_scratch_dir / task_id
    wait_for(lambda: not scratch.exists(), timeout=10)  # removed once the worker has finished with the task
    assert "EndpointConnectionError" in caplog.text  # the operator's log says what happened
