"""The worker's log tells an operator what happened to each task: one line per attempt with its outcome and
how long it took, and lines for the worker's own start and stop."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest

from tests.support.harness import ServiceHarness, settings_for_tests
from tests.support.kie_client import poll_until_done, submit

LOGGER = "tunesmith.runtime.worker"


def test_each_attempt_logs_its_outcome_and_duration(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger=LOGGER)
    with ServiceHarness(settings_for_tests(tmp_path)) as service:
        token = service.new_key()
        good = submit(service, token, style="pop")
        bad = submit(service, token, style="pop test:fail")
        with service.client(token) as client:
            poll_until_done(client, good)
            poll_until_done(client, bad)
        worker_id = service.worker.worker_id if service.worker else ""
    lines = [record.getMessage() for record in caplog.records if record.name == LOGGER]
    assert any(re.fullmatch(rf"task {good}: attempt 1 succeeded after \d+\.\d s", line) for line in lines), (
        lines
    )
    failed = [line for line in lines if line.startswith(f"task {bad}: attempt 1 failed (")]
    assert len(failed) == 1 and re.search(r"\) after \d+\.\d s$", failed[0]), lines
    assert f"worker {worker_id}: started, 1 slot(s)" in lines
    # The failed task's status is stored before the worker finishes its bookkeeping, so the stop may still
    # find it in hand ("stopping, 1 task(s) get up to 2 s to finish") on a busy machine.
    assert any(
        re.fullmatch(rf"worker {worker_id}: stopping(, 1 task\(s\) get up to \d+ s to finish)?", line)
        for line in lines
    ), lines
    assert any(re.fullmatch(rf"worker {worker_id}: stopped in \d+\.\d s", line) for line in lines), lines
