"""What the per-request metrics and log context cost on the fast lane: record-info answered in-process (no
sockets) through the whole app, against the same fast-lane route called bare. Prints CPU microseconds per
request (the minimum of several runs, CPU time so that other load on the machine counts less).

Usage: .venv/bin/python bench/metrics_overhead_bench.py [--requests 5000] [--runs 8]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "src"))

from bench.api_bench import TOKEN, seed_tasks  # noqa: E402

from tunesmith.api.app import create_app  # noqa: E402
from tunesmith.services import build_services  # noqa: E402
from tunesmith.settings import Settings  # noqa: E402


def cpu_us_per_request(finished: bool, whole_app: bool, requests: int, runs: int) -> float:
    settings = Settings(data_dir=Path(tempfile.mkdtemp()), api_keys=[TOKEN], query_limit_per_task=10**9)
    ids = list(seed_tasks(settings, 200, finished=finished))
    app: Any = create_app(build_services(settings))

    async def lane_only(scope: Any, receive: Any, send: Any) -> None:
        scope["app"] = app
        await app.fast_lane.find(scope)(scope, receive, send)

    call = app if whole_app else lane_only

    async def receive() -> dict:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict) -> None:
        pass

    async def one_run() -> float:
        started = time.process_time()
        for i in range(requests):
            scope = {
                "type": "http",
                "method": "GET",
                "path": "/api/v1/generate/record-info",
                "query_string": f"taskId={ids[i % len(ids)]}".encode(),
                "headers": [(b"authorization", f"Bearer {TOKEN}".encode())],
            }
            await call(scope, receive, send)
        return (time.process_time() - started) / requests * 1e6

    return min(asyncio.run(one_run()) for _ in range(runs))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=8)
    args = parser.parse_args()
    print(f"{'tasks':<12}{'fast lane alone':>18}{'through the app':>18}{'overhead':>12}   (CPU us/request)")
    for finished in (True, False):
        bare = cpu_us_per_request(finished, False, args.requests, args.runs)
        whole = cpu_us_per_request(finished, True, args.requests, args.runs)
        label = "finished" if finished else "rendering"
        print(f"{label:<12}{bare:>18.1f}{whole:>18.1f}{whole - bare:>12.1f}")


if __name__ == "__main__":
    main()
