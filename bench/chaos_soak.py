"""Chaos soak: many real songs through the real composer while worker processes are killed (kill -9) and
restarted and the API is restarted, then a check that nothing was lost, charged twice or left half-done.

Usage: .venv/bin/python bench/chaos_soak.py [--tasks 24] [--workers 2] [--kill-every 6] [--database-url URL]

One `tunesmith serve --workers 0` API and N `tunesmith worker` processes share a database (SQLite in a temp
dir by default, or PostgreSQL with --database-url) and a media dir. Tasks are short songs (sung and
instrumental, through kie and new-api). Every `--kill-every` seconds one worker is killed with SIGKILL and a
new one started; halfway through, the API process is restarted. At the end it prints what happened and
checks, for every task: a final state (SUCCESS, or FAILED with its credits refunded), both clips' MP3s
decode with the reported duration (± 0.5 s), and the key's balance equals its ledger. Exit status 1 if any
check fails.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import soundfile as sf

REPO = Path(__file__).resolve().parents[1]
TOKEN = "tsk_chaos-soak"
CREDITS = 100_000


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [str(REPO / ".venv/bin/tunesmith"), *args],
        env=env,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group: a kill takes the engine children too
    )


def kill_group(proc: subprocess.Popen, sig: int = signal.SIGKILL) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, sig)
    proc.wait(30)


def wait_http(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            httpx.get(url, timeout=2)
            return
        except httpx.HTTPError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer")


def submit(client: httpx.Client, i: int) -> tuple[str, str]:
    """Task i: alternately a sung kie song, a kie instrumental and a new-api song. Returns (dialect, id)."""
    if i % 3 == 0:
        body = {
            "customMode": True,
            "instrumental": False,
            "model": "V4_5",
            "style": "pop, female vocals",
            "title": f"Soak {i}",
            "prompt": "[Verse]\nLights on the water\n[Chorus]\nWe sing it again",
        }
        return "kie", client.post("/api/v1/generate", json=body).json()["data"]["taskId"]
    if i % 3 == 1:
        body = {
            "customMode": True,
            "instrumental": True,
            "model": "V5_5",
            "style": random.choice(["techno", "lofi hip hop", "ambient", "rock"]),
            "title": f"Soak {i}",
            "duration": 20,
        }
        return "kie", client.post("/api/v1/generate", json=body).json()["data"]["taskId"]
    body = {"prompt": "[Verse]\nOne more time\n[Chorus]\nHey hey", "tags": "rock", "title": f"Soak {i}"}
    return "newapi", client.post("/suno/submit/music", json=body).json()["data"]


def read_store(env: dict[str, str]):  # noqa: ANN201 - SqlStore, imported late
    """The shared store, read directly: states, attempts, refunds and costs are not all in any dialect."""
    sys.path.insert(0, str(REPO / "src"))
    os.environ.update({k: v for k, v in env.items() if k.startswith("TUNESMITH_")})
    from tunesmith.settings import Settings
    from tunesmith.store.sql import SqlStore

    return SqlStore(Settings().effective_database_url)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=24)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--kill-every", type=float, default=6.0)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--timeout", type=float, default=900.0)
    args = parser.parse_args()
    random.seed(7)
    work = Path(tempfile.mkdtemp(prefix="tunesmith-soak-"))
    port = free_port()
    env = dict(
        os.environ,
        TUNESMITH_DATA_DIR=str(work / "data"),
        TUNESMITH_API_KEYS="",
        TUNESMITH_PUBLIC_URL=f"http://127.0.0.1:{port}",
        TUNESMITH_LEASE_SECONDS="6",
        TUNESMITH_SUBMIT_LIMIT="1000",
        TUNESMITH_MAX_ATTEMPTS="5",
    )
    if args.database_url:
        env["TUNESMITH_DATABASE_URL"] = args.database_url
    subprocess.run([str(REPO / ".venv/bin/tunesmith"), "migrate"], env=env, check=True, capture_output=True)
    created = subprocess.run(
        [str(REPO / ".venv/bin/tunesmith"), "keys", "create", "--credits", str(CREDITS), "--name", "soak"],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    token = created.stdout.strip().splitlines()[-1].strip()
    log = work / "processes.log"
    api = start(["serve", "--port", str(port), "--workers", "0"], env, log)
    wait_http(f"http://127.0.0.1:{port}/openapi.json")
    workers = [start(["worker", "--workers", "1"], env, log) for _ in range(args.workers)]
    client = httpx.Client(
        base_url=f"http://127.0.0.1:{port}", headers={"Authorization": f"Bearer {token}"}, timeout=30
    )
    started = time.monotonic()
    tasks = [submit(client, i) for i in range(args.tasks)]
    print(f"{len(tasks)} tasks submitted; {args.workers} workers; kill -9 one every {args.kill_every:g} s")
    kills = api_restarts = 0
    last_kill = time.monotonic()
    restarted_api = False
    store = read_store(env)
    states: dict[str, str] = {}
    while time.monotonic() - started < args.timeout:
        states = {t: store.get_task(t).state.value for _, t in tasks}
        done = sum(s in ("SUCCESS", "FAILED") for s in states.values())
        if done == len(tasks):
            break
        if time.monotonic() - last_kill >= args.kill_every and done < len(tasks) - 1:
            victim = random.randrange(len(workers))
            kill_group(workers[victim])
            workers[victim] = start(["worker", "--workers", "1"], env, log)
            kills += 1
            last_kill = time.monotonic()
        if not restarted_api and done >= len(tasks) // 2:
            kill_group(api, signal.SIGTERM)
            api = start(["serve", "--port", str(port), "--workers", "0"], env, log)
            wait_http(f"http://127.0.0.1:{port}/openapi.json")
            restarted_api, api_restarts = True, 1
        time.sleep(0.5)
    elapsed = time.monotonic() - started

    problems: list[str] = []
    attempts: list[int] = []
    charged = 0
    for _, task_id in tasks:
        task = store.get_task(task_id)
        attempts.append(task.attempts)
        if task.state.value not in ("SUCCESS", "FAILED"):
            problems.append(f"{task_id}: not finished ({task.state.value})")
            continue
        if task.state.value == "FAILED":
            if not task.refunded:
                problems.append(f"{task_id}: failed without a refund")
            continue
        charged += task.cost
        if len(task.clips) != 2:
            problems.append(f"{task_id}: {len(task.clips)} clips")
        for clip in task.clips:
            audio = client.get(f"/media/{clip.audio_key}")
            if audio.status_code != 200:
                problems.append(f"{clip.id}: audio {audio.status_code}")
                continue
            data, rate = sf.read(io.BytesIO(audio.content))
            if abs(len(data) / rate - (clip.duration or 0)) > 0.5:
                problems.append(f"{clip.id}: decodes to {len(data) / rate:.1f} s, says {clip.duration}")
    balance = client.get("/api/v1/generate/credit").json()["data"]
    if balance != CREDITS - charged:
        problems.append(f"balance {balance} != {CREDITS} - {charged} charged for successful tasks")
    for proc in [*workers, api]:
        kill_group(proc, signal.SIGTERM)

    finished = sum(s == "SUCCESS" for s in states.values())
    print(
        f"{finished}/{len(tasks)} SUCCESS, {sum(s == 'FAILED' for s in states.values())} FAILED in "
        f"{elapsed:.0f} s; {kills} workers killed (kill -9), {api_restarts} API restart; attempts per task: "
        f"max {max(attempts)}, {sum(a > 1 for a in attempts)} tasks retried; balance {balance} "
        f"= {CREDITS} - {charged}"
    )
    for problem in problems:
        print("PROBLEM", problem)
    print("all checks passed" if not problems else f"{len(problems)} problem(s); logs in {log}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
