"""Upload-cover melody benchmark: how closely a cover of a composer song sings the song's melody.

Renders short composer songs of different styles and seeds (one take each), covers each one's final mix
(audio.wav, what a client would upload) with ops/cover.py in another style and voice with other words, and
compares the two vocal stems: the median sung pitch per beat of the source's grid (melody_track on each clean
stem), the cover moved by its median interval (transposition) and each beat by whole octaves to the source's
(a sung octave is the same tune), then Pearson's r over the beats where both sing. The upload-cover test
(tests/api/test_add_parts_flow.py) asserts r >= 0.7 through the service.

Prints r per song, the beats compared, and the minimum and median over all songs. Renders are cached in
--cache (default /tmp/tunesmith-cover-bench); covers are made again on every run.

Run: PYTHONPATH=src .venv/bin/python bench/cover_contour_bench.py [--songs 8] [--cache DIR]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

SOURCES = (
    ("pop, female vocals", 11, "[Verse]\nI walk along the empty street\nthe city sleeps beneath my feet"),
    ("rock, male vocals", 23, "[Verse]\nthunder rolling down the line\nwe keep running out of time"),
    ("folk, acoustic guitar, female vocals", 37, "[Verse]\nmy grandmother kept a garden\nroses by the door"),
    ("r&b, smooth, male vocals", 41, "[Verse]\nrain on a sunday morning\nstay a little longer"),
    ("country, male vocals", 53, "[Verse]\ndusty highway in the summer\nradio playing low"),
    ("synthwave, female vocals", 67, "[Verse]\nneon lights on the highway\ndriving through the night"),
    ("soul, female vocals", 79, "[Verse]\nyou held my hand the first time\nand the world stood still"),
    ("reggae, male vocals", 97, "[Verse]\nisland breeze is calling\nsun upon the sea"),
)
COVER_WORDS = "\n".join(
    [
        "[Verse]",
        "I carry every word you said",
        "across the river in my head",
        "the morning light is turning gold",
        "and every story must be told",
        "[Chorus]",
        "hold on hold on to me",
        "we are the waves upon the sea",
        "hold on hold on tonight",
        "until the dark becomes the light",
    ]
)
COVER_STYLE = "jazz, piano, male vocals"


def render_sources(n: int, cache: Path) -> list[Path]:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the repository: tests.support
    from tests.support.sink import RecordingSinkForTests

    from tunesmith.domain.operations import SongRequest
    from tunesmith.engines.base import ClipSlot, EngineJob
    from tunesmith.engines.composer.engine import ComposerEngine

    engine = None
    dirs = []
    for style, seed, lyrics in SOURCES[:n]:
        wd = cache / f"src-{seed:03d}"
        dirs.append(wd)
        if (wd / "plan.json").is_file() and (wd / "stems" / "vocals.wav").is_file():
            continue
        if engine is None:
            engine = ComposerEngine()
            engine.warm_up()
        req = SongRequest(custom_mode=True, lyrics=lyrics, style=style, title="Source")
        job = EngineJob(
            task_id=wd.name, request=req, clips=(ClipSlot(clip_id=wd.name, index=0, workdir=wd),), seed=seed
        )
        engine.run(job, RecordingSinkForTests())
    if engine is not None:
        engine.close()
    return dirs


def cover(src: Path, out: Path, seed: int) -> Path:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the repository: tests.support
    from tests.support.sink import RecordingSinkForTests

    from tunesmith.domain.operations import OperationKind, SongRequest
    from tunesmith.engines.base import ClipSlot, EngineJob, SourceClip
    from tunesmith.engines.composer.ops.cover import run_upload_cover

    req = SongRequest(
        kind=OperationKind.UPLOAD_COVER,
        custom_mode=True,
        lyrics=COVER_WORDS,
        style=COVER_STYLE,
        title="Cover",
    )
    wav = src / "audio.wav"
    source = SourceClip(clip_id=src.name, duration=0.0, workdir=src, audio=wav, wav=wav)
    job = EngineJob(
        task_id=out.name,
        request=req,
        clips=(ClipSlot(clip_id=out.name, index=0, workdir=out),),
        seed=seed,
        source=source,
    )
    run_upload_cover(job, RecordingSinkForTests())
    return out / "stems" / "vocals.wav"


def beat_contour(path: Path, bpm: float, start: float, beats: int) -> Any:
    import numpy as np
    import soundfile as sf

    from tunesmith.engines.composer.ops import melody_track

    x, _ = sf.read(str(path), dtype="float32", always_2d=True)
    track = melody_track.track(x.mean(axis=1))
    spb, out = 60.0 / bpm, []
    for k in range(beats):
        seg = track.pitch[int((start + k * spb) * 100) : int((start + (k + 1) * spb) * 100)]
        seg = seg[np.isfinite(seg)]
        out.append(float(np.median(seg)) if len(seg) > 5 else np.nan)
    return np.array(out)


def contour_r(was: Any, now: Any) -> tuple[float, int]:
    """The upload-cover test's figure: r after transposition and per-beat octave folding."""
    import numpy as np

    both = np.isfinite(was) & np.isfinite(now)
    if both.sum() < 3:
        return float("nan"), int(both.sum())
    shift = float(np.median(now[both] - was[both]))
    moved = now[both] - shift
    moved -= 12 * np.round((moved - was[both]) / 12)
    return float(np.corrcoef(was[both], moved)[0, 1]), int(both.sum())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--songs", type=int, default=len(SOURCES))
    ap.add_argument("--cache", type=Path, default=Path("/tmp/tunesmith-cover-bench"))
    ap.add_argument("--seeds", type=int, default=1, help="covers per song (cover seeds 1..N)")
    args = ap.parse_args()
    from tunesmith.engines.composer import pool

    sources = render_sources(args.songs, args.cache)
    rows = []
    t = time.monotonic()
    for src in sources:
        plan = json.loads((src / "plan.json").read_text())
        bpm, g = float(plan["tempo_bpm"]), float(plan.get("grid_offset_s", 0.0))
        beats = int((float(plan["duration_s"]) - g) * bpm / 60.0) - 1
        was = beat_contour(src / "stems" / "vocals.wav", bpm, g, beats)
        for s in range(1, args.seeds + 1):
            now = beat_contour(cover(src, args.cache / f"cov-{src.name}-{s}", 1000 + s), bpm, g, beats)
            r, n = contour_r(was, now)
            rows.append(
                {"song": src.name, "genre": plan["genre"], "cover_seed": s, "r": round(r, 3), "beats": n}
            )
            print(f"{src.name} {plan['genre']:<10} cover seed {s}: r = {r:.3f} over {n} beats", flush=True)
    pool.shutdown()
    rs = [row["r"] for row in rows]
    print(
        f"\n{len(rs)} covers in {time.monotonic() - t:.0f} s: r min {min(rs):.3f}, "
        f"median {statistics.median(rs):.3f}, >= 0.7 on {sum(r >= 0.7 for r in rs)}/{len(rs)}"
    )


if __name__ == "__main__":
    main()
