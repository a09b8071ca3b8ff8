"""Composer engine benchmark: prints wall time, real-time factor, first playable audio, peak memory, stages.

Run: PYTHONPATH=src .venv/bin/python bench/engine_bench.py [--quick]
"""

from __future__ import annotations

import os
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "composer"))

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


def peak_mb() -> tuple[float, float]:
    """Peak RSS of this process and of the largest reaped child (the singer pool), in MB."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return own / 1024, kids / 1024


def load() -> str:
    return "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg()) + f" on {os.cpu_count()} cores"


def run(engine, clips: int, repeats: int, label: str, outro: int = 0) -> None:  # noqa: ANN001
    from sink import RecordingSink

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
    sink = RecordingSink()
    t0 = time.perf_counter()
    engine.run(job, sink)
    wall = time.perf_counter() - t0
    res = sink.results()
    dur = sum(r.duration for r in res.values())
    first = min(t for t, k, _ in sink.events if k == "streaming")
    done = max(t for t, k, _ in sink.events if k == "complete")
    print(
        f"{label}: {clips} clip(s), {dur:.1f} s of audio in {wall:.1f} s -> {dur / wall:.1f}x real time; "
        f"first playable audio {first:.2f} s; SUCCESS (last clip complete) at {done:.1f} s"
    )
    for i, r in sorted(res.items()):
        print(f"   clip {i}: {r.duration:.1f} s")


def main() -> None:
    from tunesmith.engines.composer import pool
    from tunesmith.engines.composer import render as render_mod
    from tunesmith.engines.composer.engine import ComposerEngine

    t = time.perf_counter()
    engine = ComposerEngine()
    engine.warm_up()
    print(f"warm_up: {time.perf_counter() - t:.2f} s")
    stages: list[dict] = []
    orig = render_mod.render_take

    def timed(*a, **kw):  # noqa: ANN002, ANN003, ANN202
        out = orig(*a, **kw)
        stages.append(out.timings)
        return out

    render_mod.render_take = timed
    import tunesmith.engines.composer.engine as eng_mod  # noqa: F401 - run() imports render_take lazily

    try:
        quick = "--quick" in sys.argv
        print(load())
        # lyrics sized so the songs last ~3 and ~2.5 minutes with the song form's padding (songform.py):
        # 2 verse+chorus pairs (187 s) and 1 pair + an outro (159 s) at this style's tempo
        runs = [(1, 1, "one song", 0)] if quick else [(1, 2, "3-minute song", 0)]
        if not quick:
            runs.append((2, 1, "2-clip task of 2.5-minute songs", 1))
        for clips, repeats, label, outro in runs:
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
