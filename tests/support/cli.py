"""Runs the real `tunesmith` command as a subprocess, as an operator would, and finds any process it left.

Each run starts a new session, so every process the command starts (engine processes, process pools, the
forkserver) carries that session id; after the command exits, whatever still runs in the session was left
behind.

An operator's mistake (Mistake) is made with it by run_mistake, and assert_one_clear_line checks how it ends,
for the CLI's and the content policy's settings tests. Running is a long-lived `tunesmith` process (serve,
worker) whose output is read as it comes."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from tests.support.harness import TONE_ENGINE, free_port
from tests.support.processes import live_processes
from tunesmith.domain.operations import MODEL_NAMES

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
    return [f"{pid} {cmd.strip()[:120]}" for pid, fields, cmd in live_processes() if int(fields[3]) == sid]


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


# the environment that makes a `tunesmith` process render every model with the tone test double, polling fast
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
        self.close()
        return code

    def close(self) -> None:
        """After the exit: wait for the last output, then close the pipe (not left to the collector)."""
        self._reader.join(5)
        if not self._reader.is_alive() and self.proc.stdout is not None:
            self.proc.stdout.close()


@dataclass
class Mistake:
    """An operator's mistake: the command and its environment, and the words its one error line must say."""

    args: list[str]
    expected: list[str]  # words the one line must contain
    env: dict[str, str] = field(default_factory=dict)
    files: dict[str, str] = field(default_factory=dict)  # written into the working folder first


def run_mistake(mistake: Mistake, folder: Path) -> CliRun:
    """Make `mistake` in `folder`: write its files, then run the command there (a server on a free port)."""
    for name, text in mistake.files.items():
        (folder / name).write_text(text)
    args = [*mistake.args]
    if args[0] in ("serve", "worker", "migrate", "keys") and "--data-dir" not in args:
        args = [*args, "--data-dir", str(folder / "data")]
    if args[0] == "serve":
        args = [*args, "--port", str(free_port())]
    return run_cli(args, folder, clean_env(**mistake.env), timeout=30)


def assert_one_clear_line(run: CliRun, expected: list[str]) -> None:
    """Exit status 1, one `error: ` line on stderr with each of `expected`, no traceback, nothing left."""
    assert run.returncode == 1, (run.returncode, run.stderr)
    assert len(run.error_lines) == 1, run.stderr
    line = run.error_lines[0]
    assert line.startswith("error: "), line
    for words in expected:
        assert words in line, (words, line)
    assert "Traceback" not in run.stderr + run.stdout
    assert run.left_behind == [], run.left_behind
