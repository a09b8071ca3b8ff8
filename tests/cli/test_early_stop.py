"""A Ctrl-C or SIGTERM sent to `tunesmith serve` while it is still starting stops it: at every step of the
start-up (right after it is spawned, while the database is prepared, once the worker runs, right as uvicorn
starts), the process exits, with status 0 once the command has begun (its first log line), and leaves no
process behind. Before the fix, a signal between the start of the workers and uvicorn's own handlers did
nothing and the server kept running."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from tests.support.cli import TONE_ENV, Running, clean_env, survivors
from tests.support.harness import free_port

STOP_WITHIN_S = 30.0

# (what to wait for: a log line, or seconds after the spawn; then how long to wait more; the signal)
CASES = [
    ("", 0.3, signal.SIGINT),
    ("", 1.0, signal.SIGTERM),
    ("", 2.0, signal.SIGINT),
    ("schema", 0.0, signal.SIGINT),
    ("engines:", 0.0, signal.SIGTERM),
    (": started, ", 0.0, signal.SIGINT),
    ("listening on", 0.0, signal.SIGINT),
    ("listening on", 0.0, signal.SIGTERM),
    ("listening on", 0.01, signal.SIGINT),
    ("listening on", 0.1, signal.SIGINT),
]


def _send_when(server: Running, line: str, wait: float, sig: int) -> bool:
    """Send `sig` `wait` seconds after `line` was logged (after the spawn when `line` is empty); True when
    the command had logged anything by then (its own handlers are in place from its first line)."""
    if line:
        deadline = time.monotonic() + 60
        while not any(line in seen for seen in server.lines):
            assert server.proc.poll() is None and time.monotonic() < deadline, server.output
            time.sleep(0.002)
    time.sleep(wait)
    begun = bool(server.lines)
    server.proc.send_signal(sig)
    return begun


@pytest.mark.parametrize(("line", "wait", "sig"), CASES)
def test_a_stop_signal_during_start_up_stops_serve(tmp_path: Path, line: str, wait: float, sig: int) -> None:
    port = free_port()
    env = clean_env(**TONE_ENV, TUNESMITH_WORKERS="1")
    server = Running(["serve", "--port", str(port)], tmp_path, env)
    try:
        begun = _send_when(server, line, wait, sig)
        code = server.proc.wait(STOP_WITHIN_S)
    except subprocess.TimeoutExpired:
        os.killpg(server.proc.pid, signal.SIGKILL)
        still = f"still running {STOP_WITHIN_S:g} s after the signal"
        raise AssertionError(f"{still}:\n{server.output}") from None
    server.close()
    assert survivors(server.proc.pid) == [], server.output
    if begun or line:
        assert code == 0, server.output
        assert "Traceback" not in server.output
    else:  # the signal came while Python was still importing the command: its default action stopped it
        assert code in (0, 130, -sig), server.output  # 130: Typer's status for a KeyboardInterrupt
