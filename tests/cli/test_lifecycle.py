"""`tunesmith serve` and `tunesmith worker` as an operator runs them: a quiet start (the schema in one line),
`keys` from another folder finding the server's database, one log line per task with its outcome and
duration, and a stop on Ctrl-C or SIGTERM that logs itself and leaves no process behind."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import threading
import time
from pathlib import Path

import httpx
import pytest

from tests.support.cli import clean_env, run_cli, survivors, tunesmith_command
from tests.support.harness import TONE_ENGINE, free_port
from tunesmith.domain.operations import MODEL_NAMES

TONE_ENV = {
    "TUNESMITH_DEFAULT_ENGINE": TONE_ENGINE,
    "TUNESMITH_MODELS": json.dumps({model: TONE_ENGINE for model in MODEL_NAMES}),
    "TUNESMITH_POLL_INTERVAL_SECONDS": "0.05",
}


class Running:
    """A `tunesmith` process in its own session, its output collected line by line as it comes."""

    def __init__(self, args: list[str], cwd: Path, env: dict[str, str]) -> None:
        self.proc = subprocess.Popen(
            [*tunesmith_command(), *args],
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.append(line.rstrip("\n"))

    @property
    def output(self) -> str:
        return "\n".join(self.lines)

    def wait_for(self, words: str, timeout: float = 60) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = next((line for line in self.lines if words in line), None)
            if found is not None:
                return found
            if self.proc.poll() is not None:
                break
            time.sleep(0.05)
        raise AssertionError(f"{words!r} never logged; output:\n{self.output}")

    def stop(self, sig: int = signal.SIGINT, timeout: float = 30) -> int:
        """Send `sig`, wait for the exit; the exit status."""
        self.proc.send_signal(sig)
        try:
            code = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            raise AssertionError(f"did not stop within {timeout} s:\n{self.output}") from None
        self._reader.join(5)
        return code


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
