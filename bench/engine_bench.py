"""Composer engine benchmark: prints wall time, real-time factor, first playable audio, peak memory, stages.

Issue 14's targets (2 cores, idle machine): a 3-minute sung song >= 25x real time; a 2-clip task of two
2.5-minute songs at SUCCESS (last clip complete) in <= 15 s; first playable audio <= 0.5 s; peak memory no
higher than 1.3 GB (engine process). Every figure is printed with the load average it was measured under and
the CPU time (user+sys) of the engine process and of the singer processes, which load disturbs less than wall
time, also split at the first audio and at the last section mixed (what follows is the master and the files).

Run: PYTHONPATH=src .venv/bin/python bench/engine_bench.py [--quick] [--runs N]
"""

from __future__ import annotations

import os
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the repository: tests.support

VERSE = (
    "I walk along the empty street\nthe city sleeps beneath my feet\n"
    "the neon hums a quiet tune\nbeneath a pale and silver moon\n"
)
CHORUS = "We are shining tonight\nwe are burning so bright\nhold on and never let go\nwe are the fire below\n"


OUTRO = "so let the morning find us here\nwith every star still shining clear\n"


def lyrics(repeats: int, outro: int = 0) -> str:
    """`repeats` verse+chorus pairs, a bridge, a last chorus, then `outro` extra outro sections (to reach the
    target lengths: 3 minutes and 2.5 minutes at the style's tempo, see `main`)."""
    parts = []
    for i in range(repeats):
        parts += [f"[Verse {i + 1}]\n{VERSE}", f"[Chorus]\n{CHORUS}"]
    return "\n".join(
        parts
        + [
            "[Bridge]\nand if the night should fall apart\nI hold the light inside my heart\n",
            f"[Chorus]\n{CHORUS}",
        ]
        + [f"[Outro]\n{OUTRO}"] * outro
    )


def _proc(pid: int, reaped: bool = False) -> tuple[float, float]:
    """(CPU seconds user+sys, peak RSS MB) of a live process, from /proc; with `reaped`, the CPU time of the
    children it has waited for instead (the forkserver's: every fresh speaker process)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        with open(f"/proc/{pid}/status") as f:
            hwm = next((int(ln.split()[1]) for ln in f if ln.startswith("VmHWM:")), 0)
    except OSError:
        return 0.0, 0.0
    at = 13 if reaped else 11
    return (int(fields[at]) + int(fields[at + 1])) / os.sysconf("SC_CLK_TCK"), hwm / 1024


def _forkserver_pid() -> int | None:
    from multiprocessing import forkserver

    return getattr(forkserver._forkserver, "_forkserver_pid", None)  # noqa: SLF001


def singer_pids() -> list[int]:
    from tunesmith.engines.composer import pool

    return list(pool.get_pool()._processes)  # noqa: SLF001 - the bench reads the workers' own accounting


def peak_mb() -> tuple[float, float]:
    """Peak RSS of this process and of the largest singer (pool worker or reaped speaker process), in MB."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return own, max([kids] + [_proc(p)[1] for p in singer_pids()])


def cpu_s() -> tuple[float, float]:
    """CPU seconds (user+sys) so far of this process and of the singer and speaker processes (the live pool,
    and the fresh speaker processes the forkserver has reaped)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    server = _forkserver_pid()
    spoken = _proc(server, reaped=True)[0] if server else 0.0
    singers = sum(_proc(p)[0] for p in singer_pids())
    return own.ru_utime + own.ru_stime, kids.ru_utime + kids.ru_stime + spoken + singers


def load() -> str:
    return "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg()) + f" on {os.cpu_count()} cores"


def run(engine, clips: int, repeats: int, label: str, outro: int = 0) -> None:  # noqa: ANN001
    from tests.support.sink import RecordingSinkForTests

    from tunesmith.domain.operations import SongRequest
    from tunesmith.engines.base import ClipSlot, EngineJob

    tmp = Path(tempfile.mkdtemp())
    req = SongRequest(
        custom_mode=True, lyrics=lyrics(repeats, outro), style="pop, bright, female vocals", title="Bench"
    )
    job = EngineJob(
        task_id="b",
        request=req,
        seed=1,
        clips=tuple(ClipSlot(clip_id=f"c{i}", index=i, workdir=tmp / f"c{i}") for i in range(clips)),
    )

    class CpuSink(RecordingSinkForTests):
        """Also takes the CPU times at every event: the bench splits them at the first audio and at the last
        section mixed (the last progress report before the files), so each phase has its CPU time."""

        def __init__(self) -> None:
            super().__init__()
            self.cpu: list[tuple[float, float]] = []

        def _event(self, kind: str, value: object) -> None:
            super()._event(kind, value)
            self.cpu.append(cpu_s())

    sink = CpuSink()
    la = os.getloadavg()[0]
    c0 = cpu_s()
    t0 = time.perf_counter()
    engine.run(job, sink)
    wall = time.perf_counter() - t0
    c1 = cpu_s()
    res = sink.clips
    dur = sum(r.duration for r in res.values())
    first = min(t for t, k, _ in sink.events if k == "streaming")
    done = max(t for t, k, _ in sink.events if k == "complete")
    print(
        f"{label}: {clips} clip(s), {dur:.1f} s of audio in {wall:.1f} s -> {dur / wall:.1f}x real time; "
        f"first playable audio {first:.2f} s; SUCCESS (last clip complete) at {done:.1f} s\n"
        f"   CPU time (user+sys): engine process {c1[0] - c0[0]:.1f} s, singers {c1[1] - c0[1]:.1f} s; "
        f"1-minute load average {la:.2f} before, {os.getloadavg()[0]:.2f} after"
    )
    for i, r in sorted(res.items()):
        print(f"   clip {i}: {r.duration:.1f} s")
    kinds = [k for _, k, _ in sink.events]
    at_first = sink.cpu[kinds.index("streaming")]
    progress = [(v, j) for j, (_, k, v) in enumerate(sink.events) if k == "progress"]
    at_last = sink.cpu[max(progress)[1]] if progress else at_first
    names = ("to first audio", "render", "after the last section")
    phases = zip(names, [(at_first, c0), (at_last, at_first), (c1, at_last)], strict=True)
    print(
        "   CPU time by phase (engine + singers): "
        + ", ".join(f"{name} {a[0] - b[0]:.1f} + {a[1] - b[1]:.1f} s" for name, (a, b) in phases)
    )


def main() -> None:
    from tunesmith.engines.composer import pool
    from tunesmith.engines.composer import render as render_mod
    from tunesmith.engines.composer.engine import ComposerEngine

    t = time.perf_counter()
    engine = ComposerEngine()
    engine.warm_up()
    print(f"warm_up: {time.perf_counter() - t:.2f} s")
    stages: list[dict] = []
    orig = render_mod.start_take

    def timed(*a, **kw):  # noqa: ANN002, ANN003, ANN202
        fut = orig(*a, **kw)
        fut.add_done_callback(lambda f: None if f.exception() else stages.append(f.result().timings))
        return fut

    render_mod.start_take = timed  # run() imports start_take lazily, so it finds this one

    try:
        quick = "--quick" in sys.argv
        runs_each = int(sys.argv[sys.argv.index("--runs") + 1]) if "--runs" in sys.argv else 1
        print(load())
        # lyrics sized so the songs last ~3 and ~2.5 minutes with the song form's padding (songform.py):
        # 2 verse+chorus pairs (187 s) and 1 pair + an outro (159 s) at this style's tempo
        runs = [(1, 1, "one song", 0)] if quick else [(1, 2, "3-minute song", 0)]
        if not quick:
            runs.append((2, 1, "2-clip task of 2.5-minute songs", 1))
        for clips, repeats, label, outro in [r for r in runs for _ in range(runs_each)]:
            del stages[:]
            run(engine, clips, repeats, label, outro)
            for i, st in enumerate(stages):
                print(f"   clip {i} stages: " + ", ".join(f"{k} {v:.2f} s" for k, v in st.items()))
            own, kids = peak_mb()
            print(f"   peak RSS so far: engine process {own:.0f} MB, largest singer process {kids:.0f} MB")
        print(load())
    finally:
        pool.shutdown()


if __name__ == "__main__":
    main()
