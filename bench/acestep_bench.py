"""acestep engine benchmark: a 2-take generate, timed in the engine (stages, peak memory) and through the
service (submit -> TEXT_SUCCESS -> FIRST_SUCCESS -> SUCCESS over real HTTP, kie dialect).

Usage (PYTHONPATH=src .venv/bin/python bench/acestep_bench.py ...):
  CHECKPOINT                      an operator's checkpoint folder (diffusers layout): engine and service
  --tiny                          a tiny random checkpoint built now (CPU figures; noise, not music)
  --random-full-size [--xl]       the published turbo architecture (2B; XL 4B) with random weights at full
                                  size, in memory: engine figures only (GPU speed without the weights)
  --seconds 180 --takes 2 --runs 3 --device auto --dtype auto --no-service

Prints seconds per take, the real-time factor (wall / audio seconds), peak memory (GPU: torch's peak
allocation; CPU: peak RSS) and the seconds of each stage (text+diffusion, decode, encode+write). The first
run of each shape is a warm-up (kernel selection, allocator) and is reported apart.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO))

from tunesmith.domain.operations import SongRequest  # noqa: E402
from tunesmith.engines.base import ClipResult, ClipSlot, EngineJob, ProgressSink, SongText  # noqa: E402

LYRICS = "\n".join(
    ["[Verse]", "city lights are calling me home", "every road I walk I walk alone"] * 3
    + ["[Chorus]", "hold on, hold on, we are the fire", "higher and higher, never tire"] * 3
)
STYLE = "synth pop, female vocals, 110 bpm, A minor, 4/4"


class TimingSink(ProgressSink):
    def __init__(self) -> None:
        self.t0 = time.perf_counter()
        self.marks: dict[str, float] = {}

    def _mark(self, name: str) -> None:
        self.marks.setdefault(name, time.perf_counter() - self.t0)

    def text(self, text: SongText) -> None:
        self._mark("text")

    def streaming(self, index: int, filename: str) -> None:
        self._mark("first stream")

    def complete(self, index: int, result: ClipResult) -> None:
        self._mark(f"take {index} complete")


def peak_memory(device: str) -> str:
    if device.startswith("cuda"):
        import torch

        return f"{torch.cuda.max_memory_allocated() / 2**30:.2f} GiB GPU (peak allocated)"
    return f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20:.2f} GiB RSS (CPU)"


def runner_for(args: argparse.Namespace, checkpoint: Path | None) -> Any:
    from tunesmith.engines.acestep.config import AceStepConfig, CheckpointInfo
    from tunesmith.engines.acestep.loading import Loaded, import_libraries
    from tunesmith.engines.acestep.operations import Runner

    config = AceStepConfig(
        checkpoint=str(checkpoint or ""), device=args.device, dtype=args.dtype, max_seconds=600.0
    )
    runner = Runner(config)
    if checkpoint is not None:
        runner.loaded  # noqa: B018 - load now, timed apart
        return runner
    import_libraries()
    from tunesmith.engines.acestep.devices import resolve_device, resolve_dtype
    from tunesmith.engines.acestep.random_checkpoint import build_full

    device = resolve_device(args.device)
    dtype = resolve_dtype(args.dtype, device)
    started = time.perf_counter()
    pipe = build_full(xl=args.xl, dtype=dtype, device=device)
    pipe.vae.enable_tiling()
    pipe.set_progress_bar_config(disable=True)
    seconds = time.perf_counter() - started
    params = sum(p.numel() for p in pipe.transformer.parameters()) / 1e9
    print(f"random full-size {'XL ' if args.xl else ''}turbo built in {seconds:.1f} s (DiT {params:.2f} B)")
    info = CheckpointInfo(path=Path("random-full-size"), turbo=True, can_cover=True, model_version="turbo")
    runner._loaded = Loaded(pipe=pipe, device=device, dtype=dtype, info=info, steps=8, seconds=seconds)
    return runner


def engine_runs(args: argparse.Namespace, checkpoint: Path | None) -> None:
    runner = runner_for(args, checkpoint)
    loaded = runner.loaded
    print(f"engine: {loaded.device}, {loaded.dtype}, {loaded.steps} steps, loaded in {loaded.seconds:.1f} s")
    request = SongRequest(custom_mode=True, lyrics=LYRICS, style=STYLE, title="Bench", duration=args.seconds)
    totals = []
    with tempfile.TemporaryDirectory() as tmp:
        for run in range(args.runs + 1):
            slots = tuple(
                ClipSlot(clip_id=f"c{i}", index=i, workdir=Path(tmp) / f"r{run}" / f"c{i}")
                for i in range(args.takes)
            )
            job = EngineJob(task_id="bench", request=request, clips=slots, seed=1234 + run)
            if loaded.device.startswith("cuda"):
                import torch

                torch.cuda.reset_peak_memory_stats()
            sink = TimingSink()
            runner.run(job, sink)
            wall = time.perf_counter() - sink.t0
            label = "warm-up" if run == 0 else f"run {run}"
            stages = ", ".join(f"{k} {v:.2f} s" for k, v in runner.last.items() if k != "total")
            marks = ", ".join(f"{k} {v:.2f} s" for k, v in sink.marks.items())
            print(
                f"  {label}: {wall:.2f} s for {args.takes} x {args.seconds:g} s = "
                f"{wall / args.takes:.2f} s per take, RTF {wall / (args.takes * args.seconds):.4f} "
                f"({args.takes * args.seconds / wall:.1f}x real time); {peak_memory(loaded.device)}\n"
                f"    stages: {stages}\n    events: {marks}"
            )
            if run:
                totals.append(wall)
    if totals:
        print(
            f"engine median of {len(totals)}: {statistics.median(totals):.2f} s "
            f"({statistics.median(totals) / args.takes:.2f} s per take)"
        )


def service_runs(args: argparse.Namespace, checkpoint: Path) -> None:
    from tests.support.harness import ServiceHarness, settings_for_tests

    from tunesmith.domain.operations import MODEL_NAMES

    models = {m: "tests.support.tone_engine:ToneEngineForTests" for m in MODEL_NAMES} | {"V5_5": "acestep"}
    with tempfile.TemporaryDirectory() as tmp:
        settings = settings_for_tests(
            Path(tmp),
            models=models,
            acestep_checkpoint=str(checkpoint),
            acestep_device=args.device,
            acestep_dtype=args.dtype,
            lease_seconds=60.0,
            poll_interval_seconds=0.02,
        )
        with ServiceHarness(settings) as harness, harness.client(harness.new_key(100000)) as client:
            body = {
                "customMode": True,
                "instrumental": False,
                "model": "V5_5",
                "title": "Bench",
                "style": STYLE,
                "prompt": LYRICS,
                "duration": args.seconds,
            }
            totals = []
            for run in range(args.runs + 1):
                t0 = time.perf_counter()
                task_id = client.post("/api/v1/generate", json=body).json()["data"]["taskId"]
                seen: dict[str, float] = {}
                while "SUCCESS" not in seen:
                    reply = client.get("/api/v1/generate/record-info", params={"taskId": task_id})
                    if reply.status_code == 429:
                        time.sleep(0.05)
                        continue
                    status = reply.json()["data"]["status"]
                    seen.setdefault(status, time.perf_counter() - t0)
                    if status.endswith("FAILED"):
                        raise SystemExit(f"task failed: {reply.json()['data'].get('errorMessage')}")
                    time.sleep(0.05)
                label = "warm-up (engine process start + load)" if run == 0 else f"run {run}"
                marks = ", ".join(f"{k} {v:.2f} s" for k, v in seen.items())
                print(f"  service {label}: submit -> {marks}")
                if run:
                    totals.append(seen["SUCCESS"])
            if totals:
                print(f"service median submit -> SUCCESS of {len(totals)}: {statistics.median(totals):.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("checkpoint", nargs="?", type=Path)
    parser.add_argument("--tiny", action="store_true")
    parser.add_argument("--random-full-size", action="store_true")
    parser.add_argument("--xl", action="store_true")
    parser.add_argument("--seconds", type=float, default=180.0)
    parser.add_argument("--takes", type=int, default=2)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--device", default="auto")
    parser.add_argument("--dtype", default="auto")
    parser.add_argument("--no-service", action="store_true")
    args = parser.parse_args()
    if sum(bool(x) for x in (args.checkpoint, args.tiny, args.random_full_size)) != 1:
        parser.error("give a checkpoint folder, --tiny or --random-full-size")
    if args.random_full_size:
        engine_runs(args, None)
        return
    with tempfile.TemporaryDirectory() as tmp:
        checkpoint = args.checkpoint
        if args.tiny:
            from tunesmith.engines.acestep.random_checkpoint import build_tiny

            checkpoint = build_tiny(Path(tmp) / "tiny")
            print(f"tiny random checkpoint (8 kHz VAE) built in {tmp}")
        engine_runs(args, checkpoint)
        if not args.no_service:
            service_runs(args, checkpoint)


if __name__ == "__main__":
    main()
