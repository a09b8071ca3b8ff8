"""`tunesmith serve` and `tunesmith worker` as an operator runs them: a quiet start (the schema in one line),
`keys` from another folder finding the server's database, one log line per task with its outcome and
duration, and a stop on Ctrl-C or SIGTERM that logs itself and leaves no process behind."""

from __future__ import annotations

import signal
import time
from pathlib import Path

import httpx
import pytest

from tests.support.cli import TONE_ENV, Running, clean_env, run_cli, survivors
from tests.support.harness import free_port


def test_serve_starts_quietly_logs_each_task_and_stops_cleanly(tmp_path: Path) -> None:
    server_dir, elsewhere = tmp_path / "server", tmp_path / "elsewhere"
    server_dir.mkdir()
    elsewhere.mkdir()
    port = free_port()
    server = Running(["serve", "--port", str(port)], server_dir, clean_env(**TONE_ENV))
    try:
        server.wait_for(f"listening on 127.0.0.1:{port}")
        logged = [line for line in server.lines if " INFO " in line or " WARNING " in line]
        schema = [line for line in logged if "schema" in line]
        assert len(schema) == 1 and "(created)" in schema[0], server.output
        assert "alembic" not in server.output and "Uvicorn running" not in server.output
        assert len(logged) <= 5, server.output  # schema, engines, worker started, listening

        # `keys` from another folder, pointed at the server's data: the same database, said so on stderr.
        data = server_dir / "data"
        created = run_cli(["keys", "create", "--name", "ops", "--data-dir", str(data)], elsewhere)
        assert created.returncode == 0, created.stderr
        assert created.error_lines == [f"database: sqlite:///{(data / 'tunesmith.db').resolve()}"]
        key = created.stdout.strip()
        assert not (elsewhere / "data").exists()

        base = f"http://127.0.0.1:{port}"
        headers = {"Authorization": f"Bearer {key}"}
        body = {"customMode": False, "instrumental": True, "model": "V4_5", "prompt": "a calm piano track"}
        with httpx.Client(base_url=base, headers=headers, timeout=30) as client:
            submitted = client.post("/api/v1/generate", json=body)
            assert submitted.status_code == 200, submitted.text  # the key `keys` made works on the server
            task_id = submitted.json()["data"]["taskId"]
            line = server.wait_for(f"task {task_id}: attempt 1 succeeded after")
            assert line.rstrip().endswith(" s")
            status = client.get("/api/v1/generate/record-info", params={"taskId": task_id}).json()
            assert status["data"]["status"] == "SUCCESS"
    finally:
        code = server.stop(signal.SIGINT)
    assert code == 0, server.output
    server.wait_for("API stopped")
    server.wait_for("stopping")
    server.wait_for("stopped in")
    assert "Traceback" not in server.output
    assert survivors(server.proc.pid) == []


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_idle_worker_stops_on_a_signal_and_leaves_nothing(sig: int, tmp_path: Path) -> None:
    worker = Running(["worker", "--data-dir", str(tmp_path / "data")], tmp_path, clean_env(**TONE_ENV))
    worker.wait_for("started, 1 slot(s)")
    time.sleep(0.5)  # let the engine process start and warm up
    code = worker.stop(sig)
    assert code == 0, worker.output
    worker.wait_for("stopped in")
    assert "Traceback" not in worker.output
    assert survivors(worker.proc.pid) == []
