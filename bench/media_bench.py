"""Media benchmark: stored MB per minute of audio, and first playable audio through the API (local disk and
S3).

1. Storage. The composer renders one 2.5-minute take with every artifact (MP3, WAV master, stream, stems,
   dry lead, MIDI, plan, word timings, cover). "before" is what the previous layout stored: every file the
   engine wrote, as written. "after" is what the runtime's publisher stores now (runtime.publisher): with the
   default TUNESMITH_MEDIA_LOSSLESS=rebuild, and with =keep (FLAC; what a clip of an engine that cannot
   rebuild costs). The results of ordering WAV, stems (split) and MIDI are listed apart: they are stored when
   a client orders them (16-bit WAVs as FLAC, served as the same WAV bytes).
2. First playable audio. `tunesmith serve` (subprocess, real composer) is asked for a short song over the
   kie API (after a first song that warms the engine); the time from the submit to the first audio bytes
   on its streamAudioUrl is measured, several rounds (a fresh service each), median. Paths: `local`
   (embedded: one process, media on local disk) and `s3` (an API-only process and a worker process, media
   in a bucket of moto's S3 server on loopback). `--src DIR` runs the
   service from another checkout's src/ (e.g. main before this change) for the "before" figure.

Run: PYTHONPATH=src .venv/bin/python bench/media_bench.py [--rounds N] [--skip-storage] [--skip-stream]
     [--paths local,s3] [--src DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "bench"))
sys.path.insert(0, str(REPO))

from engine_bench import load  # noqa: E402 - the bench dir is put on the path just above

SHORT_LYRICS = (
    "[Verse]\nLittle light across the water\nCarry me back home\n[Chorus]\nHome, home, carry me home"
)


# ── 1. storage ────────────────────────────────────────────────────────────────────────────────────────
def storage() -> None:
    from datetime import UTC, datetime

    from engine_bench import lyrics
    from tests.support.sink import RecordingSinkForTests

    from tunesmith.domain.models import Clip, Task
    from tunesmith.domain.operations import OperationKind, SongRequest
    from tunesmith.engines.base import ClipSlot, EngineJob, SourceClip
    from tunesmith.engines.composer import pool
    from tunesmith.engines.composer.engine import ComposerEngine
    from tunesmith.engines.studio.engine import StudioEngine
    from tunesmith.media.local import LocalMediaStore
    from tunesmith.runtime.publisher import Publisher

    tmp = Path(tempfile.mkdtemp(prefix="media_bench_"))
    engine = ComposerEngine()
    engine.warm_up()
    request = SongRequest(
        custom_mode=True, lyrics=lyrics(2, 3), style="pop, bright, female vocals", title="Bench"
    )
    slot = ClipSlot(clip_id="clip", index=0, workdir=tmp / "scratch")
    sink = RecordingSinkForTests()
    engine.run(EngineJob(task_id="bench", request=request, clips=(slot,), seed=1), sink)
    result = sink.clips[0]
    minutes = result.duration / 60
    before = sum(p.stat().st_size for p in slot.workdir.rglob("*") if p.is_file())
    now = datetime.now(UTC)
    clip = Clip(id="clip", task_id="bench", index=0, created_at=now, updated_at=now)
    task = Task(
        id="bench",
        key_id="k",
        operation=OperationKind.GENERATE,
        request=request,
        dialect="kie",
        raw_request="{}",
        engine="composer",
        created_at=now,
        updated_at=now,
        clips=(clip,),
    )
    print(f"song: {result.duration:.1f} s ({minutes:.2f} min); {load()}")
    print(f"  before (every file the engine wrote, as the old layout kept them): {_row(before, minutes)}")
    for mode in ("rebuild", "keep"):
        store = LocalMediaStore(tmp / f"store-{mode}")
        published = Publisher(store, keep_lossless=mode == "keep").clip(task, clip, result, slot.workdir)
        stored = sum(r.size for r in published.records)
        print(f"  after, TUNESMITH_MEDIA_LOSSLESS={mode:<8}: {_row(stored, minutes)}")
        for record in sorted(published.records, key=lambda r: -r.size)[:4]:
            print(f"      {record.role:<10} {record.size / 1e6:7.2f} MB  {'public' if record.public else ''}")
    source = SourceClip(
        clip_id="clip",
        duration=result.duration,
        workdir=slot.workdir,
        audio=slot.workdir / result.audio,
        wav=slot.workdir / result.wav if result.wav else None,
        artifacts={k: slot.workdir / v for k, v in result.artifacts.items()},
    )
    studio = StudioEngine()
    for kind, extra in (
        (OperationKind.WAV, {}),
        (OperationKind.STEMS, {"type": "split_stem"}),
        (OperationKind.MIDI, {}),
    ):
        work = tmp / f"op-{kind.value}"
        work.mkdir()
        op_sink = RecordingSinkForTests()
        job = EngineJob(
            task_id=kind.value,
            request=SongRequest(kind=kind, source_clip_id="clip", extra=extra),
            clips=(),
            seed=1,
            source=source,
            workdir=work,
        )
        studio.run(job, op_sink)
        files = next(p[0] for _, kind_, p in op_sink.events if kind_ == "result")  # name -> file name
        delivered = sum((work / f).stat().st_size for f in files.values())
        store = LocalMediaStore(tmp / f"store-{kind.value}")
        _keys, records = Publisher(store).result(task, files, work)
        stored = sum(r.size for r in records)
        print(
            f"  ordered {kind.value:<6} result: delivered {delivered / 1e6:7.2f} MB, "
            f"stored {_row(stored, minutes)}"
        )
    pool.shutdown()


def _row(size: int, minutes: float) -> str:
    return f"{size / 1e6:8.2f} MB = {size / 1e6 / minutes:7.2f} MB per minute of audio"


# ── 2. first playable audio ───────────────────────────────────────────────────────────────────────────
def first_audio(path: str, rounds: int, src: Path) -> list[float]:
    import httpx
    from tests.support.harness import free_port
    from tests.support.s3server import S3_ENV, new_bucket, s3_server

    times: list[float] = []
    for _ in range(rounds):
        with tempfile.TemporaryDirectory(prefix="media_bench_stream_") as folder:
            port = free_port()
            env = os.environ | {
                "PYTHONPATH": f"{src}{os.pathsep}{REPO}",
                "TUNESMITH_API_KEYS": "tsk_bench",
                "TUNESMITH_PUBLIC_URL": f"http://127.0.0.1:{port}",
                "TUNESMITH_POLL_INTERVAL_SECONDS": "0.05",
            }
            if path == "s3":
                server = s3_server()
                endpoint = server.__enter__()
                env |= S3_ENV | {"TUNESMITH_S3_ENDPOINT_URL": endpoint}
                os.environ.update(S3_ENV)
                env["TUNESMITH_MEDIA_URL"] = f"s3://{new_bucket(endpoint)}/media"
                commands = [["serve", "--workers", "0"], ["worker"]]
            else:
                server = None
                commands = [["serve"]]
            procs = [
                subprocess.Popen(
                    [sys.executable, "-m", "tunesmith", *cmd, "--data-dir", folder]
                    + (["--port", str(port)] if cmd[0] == "serve" else []),
                    env=env,
                    cwd=folder,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
                for cmd in commands
            ]
            try:
                _one_song(httpx, f"http://127.0.0.1:{port}")  # warms the engine, as a running service is
                times.append(_one_song(httpx, f"http://127.0.0.1:{port}"))
            finally:
                for proc in procs:
                    proc.send_signal(signal.SIGTERM)
                for proc in procs:
                    try:
                        proc.wait(60)
                    except subprocess.TimeoutExpired:
                        proc.kill()
                if server is not None:
                    server.__exit__(None, None, None)
    return times


def _one_song(httpx, base: str) -> float:  # noqa: ANN001
    """Submit a short song; seconds from the submit to its first audio bytes on the stream URL. Waits for
    the whole task to finish so rounds do not overlap."""
    client = httpx.Client(base_url=base, headers={"Authorization": "Bearer tsk_bench"}, timeout=60)
    deadline = time.monotonic() + 120
    while True:
        try:
            if client.get("/tunesmith/v1/health").status_code == 200:
                break
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError("the service did not start")
        time.sleep(0.2)
    body = {
        "customMode": True,
        "instrumental": False,
        "model": "V4_5",
        "title": "Little Light",
        "style": "pop, 110 bpm, female vocals",
        "prompt": SHORT_LYRICS,
    }
    t0 = time.monotonic()
    task_id = client.post("/api/v1/generate", json=body).json()["data"]["taskId"]
    clip_id = None
    while clip_id is None:
        data = client.get("/api/v1/generate/record-info", params={"taskId": task_id}).json().get("data") or {}
        clips = ((data.get("response") or {}).get("sunoData")) or []
        clip_id = clips[0]["id"] if clips else None
        time.sleep(0.05)  # a client polling closely: the figure is the service's, not the poll's
    first = None
    while first is None:
        with client.stream("GET", f"/stream/{clip_id}") as reply:
            if reply.status_code == 200:
                for chunk in reply.iter_bytes():
                    if chunk:
                        first = time.monotonic() - t0
                        break
        if first is None:
            time.sleep(0.05)
    while True:
        data = client.get("/api/v1/generate/record-info", params={"taskId": task_id}).json().get("data") or {}
        if data.get("status") in ("SUCCESS", "GENERATE_AUDIO_FAILED", "CREATE_TASK_FAILED"):
            break
        time.sleep(0.5)
    client.close()
    return first


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--skip-storage", action="store_true")
    parser.add_argument("--skip-stream", action="store_true")
    parser.add_argument("--paths", default="local,s3")
    parser.add_argument(
        "--src", type=Path, default=REPO / "src", help="the src/ folder to run the service from"
    )
    args = parser.parse_args()
    print(load())
    if not args.skip_storage:
        storage()
    if not args.skip_stream:
        for path in args.paths.split(","):
            times = first_audio(path, args.rounds, args.src.resolve())
            rounds = ", ".join(f"{t:.2f}" for t in times)
            print(
                f"first playable audio, {path} path ({args.src}): median {statistics.median(times):.2f} s "
                f"from submit (rounds: {rounds}); {load()}"
            )
    print(json.dumps({"done": True}))


if __name__ == "__main__":
    main()
