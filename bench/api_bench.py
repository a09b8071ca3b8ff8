"""record-info under concurrent polling of 1,000 tasks, side by side with a bare Starlette route that returns
the same JSON from memory; prints requests/second, latency percentiles and the ratio.

Usage: .venv/bin/python bench/api_bench.py [--seconds 10] [--connections 64] [--tasks 1000] [--rounds 3]
Needs `wrk` (Debian package `wrk`). Each server runs alone in its own uvicorn process (uvloop + httptools),
one at a time, against the same wrk load that spreads requests over every task id.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import textwrap
import time
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from tunesmith.dialects import kie  # noqa: E402
from tunesmith.domain.models import Clip, Task  # noqa: E402
from tunesmith.domain.operations import SongRequest  # noqa: E402
from tunesmith.domain.states import ClipState, QueueStatus, TaskState  # noqa: E402
from tunesmith.media.urls import PublicUrls  # noqa: E402
from tunesmith.services import build_services  # noqa: E402
from tunesmith.settings import Settings  # noqa: E402

TOKEN = "tsk_bench-key"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


IN_PROGRESS = (TaskState.PENDING, TaskState.TEXT_SUCCESS, TaskState.FIRST_SUCCESS)


def seed_tasks(settings: Settings, count: int, finished: bool = True) -> dict[str, dict]:
    """Store `count` two-clip tasks (finished, or spread over the in-progress states); return the record-info
    JSON of each (what the bare route serves)."""
    services = build_services(settings)
    key = services.keys.authenticate(f"Bearer {TOKEN}")
    now = datetime.now(UTC)
    urls = PublicUrls(settings.effective_public_url)
    bodies: dict[str, dict] = {}
    for i in range(count):
        task_id = f"{i + (0 if finished else 1 << 64):032x}"
        state = TaskState.SUCCESS if finished else IN_PROGRESS[i % 3]
        clip_state = ClipState.COMPLETE if finished else ClipState.STREAMING
        request = SongRequest(
            custom_mode=True,
            lyrics="[Verse]\nla la la\n[Chorus]\nhey",
            style="pop",
            title=f"Song {i}",
            model="V4_5",
        )
        clips = tuple(
            Clip(
                id=f"{task_id}-{n}",
                task_id=task_id,
                index=n,
                state=clip_state,
                title=f"Song {i}",
                tags="pop",
                lyrics=request.lyrics,
                model_name="chirp-v4-5",
                duration=181.5,
                audio_key=f"clips/{task_id}-{n}/audio.mp3",
                stream_key=f"clips/{task_id}-{n}/stream.mp3",
                image_key=f"clips/{task_id}-{n}/cover.png",
                created_at=now,
                updated_at=now,
            )
            for n in range(2)
        )
        task = Task(
            id=task_id,
            key_id=key.id,
            operation=request.kind,
            request=request,
            dialect="kie",
            raw_request=json.dumps({"customMode": True, "model": "V4_5"}),
            engine="composer",
            state=state,
            queue_status=QueueStatus.DONE if finished else QueueStatus.RUNNING,
            cost=0,
            created_at=now,
            updated_at=now,
            clips=clips,
        )
        stored = services.store.submit_task(task)
        bodies[task_id] = kie.render_record_info(stored, urls)
    services.close()
    return bodies


BARE_APP = textwrap.dedent("""
    import json, sys
    from starlette.applications import Starlette
    from starlette.responses import Response
    from starlette.routing import Route
    BODIES = {k: json.dumps(v).encode() for k, v in json.load(open(sys.argv[1])).items()}
    async def record_info(request):
        return Response(BODIES[request.query_params["taskId"]], media_type="application/json")
    app = Starlette(routes=[Route("/api/v1/generate/record-info", record_info)])
""")

OUR_APP = textwrap.dedent("""
    from tunesmith.api.app import create_app
    from tunesmith.services import build_services
    from tunesmith.settings import Settings
    app = create_app(build_services(Settings()))
""")

WRK_SCRIPT = textwrap.dedent(
    """
    local ids = {}
    for line in io.lines(os.getenv("BENCH_IDS")) do ids[#ids + 1] = line end
    local n = 0
    request = function()
      n = n + 1
      local id = ids[(n % #ids) + 1]
      return wrk.format("GET", "/api/v1/generate/record-info?taskId=" .. id,
                        {["Authorization"] = "Bearer TOKEN"})
    end
    done = function(summary, latency, requests)
      io.write(string.format("RESULT %d %f %f %f %f %d\\n", summary.requests, summary.duration,
        latency:percentile(50), latency:percentile(99), latency.max, summary.errors.status))
    end
""".replace("TOKEN", TOKEN)
)


def serve(app_file: Path, app_args: list[str], env: dict[str, str], port: int) -> subprocess.Popen:
    code = (
        f"import sys; sys.argv = [{str(app_file)!r}] + {app_args!r}; "
        f"exec(open({str(app_file)!r}).read()); import uvicorn; "
        f"uvicorn.run(app, host='127.0.0.1', port={port}, log_level='warning', access_log=False, "
        f"loop='uvloop', http='httptools')"
    )
    proc = subprocess.Popen([sys.executable, "-c", code], env=env)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return proc
        time.sleep(0.1)
    proc.kill()
    raise RuntimeError("server did not start")


def run_wrk(port: int, ids_file: Path, script: Path, seconds: int, connections: int) -> dict[str, float]:
    env = dict(os.environ, BENCH_IDS=str(ids_file))
    subprocess.run(
        ["wrk", "-t1", f"-c{connections}", "-d2s", "-s", str(script), f"http://127.0.0.1:{port}"],
        env=env,
        capture_output=True,
        check=True,
    )  # warm-up
    out = subprocess.run(
        [
            "wrk",
            "-t1",
            f"-c{connections}",
            f"-d{seconds}s",
            "--latency",
            "-s",
            str(script),
            f"http://127.0.0.1:{port}",
        ],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    match = re.search(r"RESULT (\d+) ([\d.]+) ([\d.]+) ([\d.]+) ([\d.]+) (\d+)", out)
    assert match, out
    requests, duration_us, p50, p99, worst, bad = (float(g) for g in match.groups())
    return {
        "rps": requests / (duration_us / 1e6),
        "p50_ms": p50 / 1000,
        "p99_ms": p99 / 1000,
        "max_ms": worst / 1000,
        "non_2xx": bad,
        "requests": requests,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--tasks", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds; the median is reported")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is needed: scripts/install.sh --dev (or apt-get install wrk)")
    work = Path(tempfile.mkdtemp(prefix="tunesmith-bench-"))
    port = free_port()
    env = dict(
        os.environ,
        PYTHONPATH=str(REPO / "src"),
        TUNESMITH_DATA_DIR=str(work / "data"),
        TUNESMITH_API_KEYS=TOKEN,
        TUNESMITH_QUERY_LIMIT_PER_TASK="100000",
        TUNESMITH_PUBLIC_URL=f"http://127.0.0.1:{port}",
    )
    os.environ.update({k: v for k, v in env.items() if k.startswith("TUNESMITH_")})
    settings = Settings()
    print(f"seeding {args.tasks} finished tasks into {settings.effective_database_url} ...")
    bodies = seed_tasks(settings, args.tasks, finished=True)
    running = seed_tasks(settings, args.tasks, finished=False)
    (work / "bodies.json").write_text(json.dumps(bodies | running))
    (work / "ids.txt").write_text("\n".join(bodies) + "\n")
    (work / "running.txt").write_text("\n".join(running) + "\n")
    (work / "bare.py").write_text(BARE_APP)
    (work / "ours.py").write_text(OUR_APP)
    (work / "poll.lua").write_text(WRK_SCRIPT)
    runs = (
        ("bare Starlette (memory)", work / "bare.py", [str(work / "bodies.json")], "ids.txt"),
        ("Tunesmith, finished tasks", work / "ours.py", [], "ids.txt"),
        ("Tunesmith, tasks rendering", work / "ours.py", [], "running.txt"),
    )
    # Rounds alternate the servers, so a slow moment of a shared machine does not land on one server only;
    # each server's figures are its median round (by requests/second).
    samples: dict[str, list[dict[str, float]]] = {name: [] for name, *_ in runs}
    for _ in range(args.rounds):
        for name, app_file, app_args, ids in runs:
            proc = serve(app_file, app_args, env, port)
            try:
                row = run_wrk(port, work / ids, work / "poll.lua", args.seconds, args.connections)
                samples[name].append(row)
            finally:
                proc.terminate()
                proc.wait(10)
    results = {name: sorted(rows, key=lambda r: r["rps"])[len(rows) // 2] for name, rows in samples.items()}
    print(
        f"\n{args.tasks} tasks, {args.connections} connections, {args.seconds} s x {args.rounds} alternating "
        f"rounds (median shown), 1 server process each, {os.cpu_count()} cores"
    )
    for name, rows in samples.items():
        print(f"  {name}: " + ", ".join(f"{r['rps']:.0f}" for r in rows) + " req/s")
    print()
    print(f"{'server':28} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8} {'non-2xx':>8}")
    for name, r in results.items():
        print(
            f"{name:28} {r['rps']:9.0f} {r['p50_ms']:8.2f} {r['p99_ms']:8.2f} {r['max_ms']:8.2f} "
            f"{r['non_2xx']:8.0f}"
        )
    bare = results["bare Starlette (memory)"]
    print()
    for name in ("Tunesmith, finished tasks", "Tunesmith, tasks rendering"):
        print(f"throughput ratio {name} / bare: {results[name]['rps'] / bare['rps']:.1%} (target >= 50%)")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
