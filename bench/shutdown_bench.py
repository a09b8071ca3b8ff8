"""How fast `tunesmith worker` and `tunesmith serve` stop on Ctrl-C when idle (target: within 2 s), with the
built-in composer warmed up, as an operator runs them. Prints each round and the median.

Run: .venv/bin/python bench/shutdown_bench.py [--rounds N]
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TUNESMITH = str(Path(sys.executable).parent / "tunesmith")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def one_round(command: list[str], folder: Path) -> tuple[float, float]:
    """(seconds until the engine was warm, seconds from SIGINT to the process's exit)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TUNESMITH_")}
    log = folder / "log.txt"
    started = time.monotonic()
    with log.open("w") as out:
        proc = subprocess.Popen(
            [TUNESMITH, *command],
            cwd=folder,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        while "ready in" not in log.read_text():
            if proc.poll() is not None or time.monotonic() - started > 120:
                raise SystemExit(f"{command[0]} did not warm up:\n{log.read_text()}")
            time.sleep(0.05)
        warm = time.monotonic() - started
        time.sleep(1.0)  # idle
        signalled = time.monotonic()
        proc.send_signal(signal.SIGINT)
        proc.wait(60)
        return warm, time.monotonic() - signalled


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=5)
    rounds = parser.parse_args().rounds
    print(f"load average before: {os.getloadavg()[0]:.2f}")
    for name in ("worker", "serve"):
        stops = []
        for i in range(rounds):
            with tempfile.TemporaryDirectory() as tmp:
                command = [name, "--data-dir", str(Path(tmp) / "data")]
                if name == "serve":
                    command += ["--port", str(free_port())]
                warm, stop = one_round(command, Path(tmp))
            stops.append(stop)
            print(f"{name:6} round {i + 1}: warm in {warm:5.2f} s, stopped {stop:5.2f} s after Ctrl-C")
        print(f"{name:6} idle stop: median {statistics.median(stops):.2f} s, max {max(stops):.2f} s")


if __name__ == "__main__":
    main()
