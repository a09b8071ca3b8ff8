"""Runs the real `tunesmith` command as a subprocess, as an operator would, and finds any process it left.

Each run starts a new session, so every process the command starts (engine processes, process pools, the
forkserver) carries that session id; after the command exits, whatever still runs in the session was left
behind."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def tunesmith_command() -> list[str]:
    """The installed `tunesmith` script next to this interpreter, as the README runs it."""
    script = Path(sys.executable).parent / "tunesmith"
    return [str(script)] if script.exists() else [sys.executable, "-m", "tunesmith.cli"]


def clean_env(**extra: str) -> dict[str, str]:
    """This environment without any TUNESMITH_* setting, the test's own on top; tests/ importable."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TUNESMITH_")}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH", "")]))
    env["COLUMNS"] = "200"  # rich wraps long lines at the terminal width; one line must stay one line
    env.update(extra)
    return env


def session_processes(sid: int) -> list[str]:
    """'pid command' of every live process in session `sid` (zombies excluded: they are already gone)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        state, session = fields[0], int(fields[3])
        if session == sid and state != "Z":
            found.append(f"{entry.name} {cmdline.strip()[:120]}")
    return found


def survivors(sid: int, wait_s: float = 3.0) -> list[str]:
    """The processes still in session `sid` after up to `wait_s` (then killed, so no test leaks them)."""
    deadline = time.monotonic() + wait_s
    left = session_processes(sid)
    while left and time.monotonic() < deadline:
        time.sleep(0.1)
        left = session_processes(sid)
    for line in left:
        with contextlib.suppress(ProcessLookupError):
            os.kill(int(line.split()[0]), signal.SIGKILL)
    return left


@dataclass
class CliRun:
    returncode: int
    stdout: str
    stderr: str
    left_behind: list[str]

    @property
    def error_lines(self) -> list[str]:
        return [line for line in self.stderr.splitlines() if line.strip()]


def run_cli(args: list[str], cwd: Path, env: dict[str, str] | None = None, timeout: float = 60) -> CliRun:
    """Run `tunesmith ARGS` to completion in `cwd` with no standard input."""
    proc = subprocess.Popen(
        [*tunesmith_command(), *args],
        cwd=cwd,
        env=env or clean_env(),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        stdout, stderr = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        stdout, stderr = proc.communicate()
        raise AssertionError(f"tunesmith {' '.join(args)} did not finish in {timeout} s:\n{stderr}") from None
    return CliRun(proc.returncode, stdout, stderr, survivors(proc.pid))
