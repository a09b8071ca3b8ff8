"""Real `tunesmith` processes for the deployment tests (scale-out, two hosts): the environment that runs them
on the tone test double, starting one, waiting until an API answers its health check, and stopping them all
at the end (SIGTERM, then a kill for any that outlives the grace). live_processes lists what runs on this
machine, for the tests that look for processes left behind."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from tests.support.harness import TONE_ENGINE, wait_for
from tunesmith.domain.operations import MODEL_NAMES

REPO = Path(__file__).resolve().parents[2]


def tone_env(token: str, settings: dict[str, str]) -> dict[str, str]:
    """This environment with src/ and tests/ importable, `token` the one API key, every model on the tone
    test double and fast polling; `settings` (TUNESMITH_* names) on top."""
    env = dict(os.environ)
    env.update(
        {
            "PYTHONPATH": f"{REPO / 'src'}{os.pathsep}{REPO}",
            "TUNESMITH_API_KEYS": token,
            "TUNESMITH_MODELS": json.dumps({m: TONE_ENGINE for m in MODEL_NAMES}),
            "TUNESMITH_DEFAULT_ENGINE": TONE_ENGINE,
            "TUNESMITH_POLL_INTERVAL_SECONDS": "0.05",
        }
    )
    env.update(settings)
    return env


def start_tunesmith(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.Popen[bytes]:
    """`python -m tunesmith ARGS` in `cwd`, its output discarded."""
    return subprocess.Popen(
        [sys.executable, "-m", "tunesmith", *args],
        env=env,
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


@contextmanager
def stopped_at_exit(procs: list[subprocess.Popen[bytes]], grace: float = 30.0) -> Iterator[None]:
    """Run the block, then SIGTERM every process and kill any still running `grace` seconds later."""
    try:
        yield
    finally:
        for proc in procs:
            proc.send_signal(signal.SIGTERM)
        for proc in procs:
            try:
                proc.wait(grace)
            except subprocess.TimeoutExpired:
                proc.kill()


def wait_healthy(base: str, timeout: float = 60.0) -> None:
    """Until the API at `base` answers its health check with 200."""

    def healthy() -> bool:
        try:
            return httpx.get(f"{base}/tunesmith/v1/health", timeout=2).status_code == 200
        except httpx.HTTPError:
            return False

    wait_for(healthy, timeout=timeout, interval=0.2)


def live_processes() -> Iterator[tuple[int, list[str], str]]:
    """Every process in /proc but zombies (already gone): its pid, the fields of its stat after the command
    name (state, ppid, pgrp, session, ...) and its command line, arguments joined by spaces."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        if fields[0] != "Z":
            yield int(entry.name), fields, cmdline
