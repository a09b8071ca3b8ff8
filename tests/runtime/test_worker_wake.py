"""A task submitted in the process that runs the worker (`tunesmith serve`) is claimed at once, not at the
worker's next poll: the poll's wait came before the first audio of every song."""

from __future__ import annotations

import time
from pathlib import Path

from tests.support.harness import settings_for_tests
from tests.support.inprocess import InProcessService
from tests.support.kie_client import custom_body
from tunesmith.domain.states import TaskState

POLL = 60.0  # far longer than the test waits: only a wake-up can start the task in time


def test_a_submitted_task_wakes_the_idle_worker(tmp_path: Path) -> None:
    with InProcessService(settings_for_tests(tmp_path, poll_interval_seconds=POLL)) as service:
        client = service.client(service.new_key())
        time.sleep(0.5)  # the slots have looked for work once and now wait for the next poll
        task_id = client.post("/api/v1/generate", json=custom_body()).json()["data"]["taskId"]
        deadline = time.monotonic() + POLL / 3
        while service.services.store.get_task(task_id).state is TaskState.PENDING:
            assert time.monotonic() < deadline, "the worker waited for its next poll"
            time.sleep(0.05)
        client.close()


def test_a_stopping_worker_is_not_held_by_its_poll(tmp_path: Path) -> None:
    service = InProcessService(settings_for_tests(tmp_path, poll_interval_seconds=POLL)).start()
    time.sleep(0.5)
    started = time.monotonic()
    service.stop()
    assert time.monotonic() - started < POLL / 3
