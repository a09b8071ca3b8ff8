"""Upload-cover melody benchmark: how closely a cover of a composer song sings the song's melody.

Renders short composer songs of different styles and seeds (one take each), covers each one's final mix
(audio.wav, what a client would upload) with ops/cover.py in another style and voice with other words, and
compares the two vocal stems by tests/support/cover_songs.py's figure: the median sung pitch per beat of the
source's grid (melody_track on each clean stem), the cover transposed by its median interval and each beat
folded by octaves to the source's, then Pearson's r over the beats where both sing. The upload-cover flow test
(tests/api/test_upload_cover_flow.py) asserts r >= 0.7 through the service on some of these songs.

With --upload mp3 the cover reads the song's audio.mp3 instead, decoded by ffmpeg to 44.1 kHz stereo 16-bit
as media/fetch.py decodes an upload (most uploads are MP3s; the composer's carry LAME's encoder delay, 1105
samples, untrimmed, so the reading sees the song 25 ms late).

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

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
from tests.support.cover_songs import (  # noqa: E402 - the repository root is put on the path just above
    COVER_STYLE,
    COVER_WORDS,
    SOURCES,
    beat_contour,
    contour_r,
    render_source,
)
from tests.support.sink import RecordingSinkForTests  # noqa: E402


def render_sources(n: int, cache: Path) -> list[Path]:
    from tunesmith.engines.composer.engine import ComposerEngine

    engine = ComposerEngine()
    dirs = [
        render_source(engine, cache / f"src-{seed:03d}", style, seed, words)
        for style, seed, words in SOURCES[:n]
    ]
    engine.close()
    return dirs


def decoded_mp3(src: Path, out: Path) -> Path:
    """`src/audio.mp3` decoded as an upload is (media/fetch.py: ffmpeg, 44.1 kHz stereo, 16-bit PCM)."""
    import subprocess

    out.mkdir(parents=True, exist_ok=True)
    wav = out / "upload.wav"
    command = ["ffmpeg", "-nostdin", "-loglevel", "error", "-i", str(src / "audio.mp3")]
    command += ["-ac", "2", "-ar", "44100", "-c:a", "pcm_s16le", "-y", str(wav)]
    subprocess.run(command, check=True)
    return wav


def cover(src: Path, out: Path, seed: int, upload: str = "wav") -> Path:
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
    wav = decoded_mp3(src, out.parent / f"{out.name}-upload") if upload == "mp3" else src / "audio.wav"
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


def stem_contour(path: Path, bpm: float, start: float, beats: int) -> Any:
    import soundfile as sf

    x, _ = sf.read(str(path), dtype="float32", always_2d=True)
    return beat_contour(x, bpm, start, beats)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--songs", type=int, default=len(SOURCES))
    ap.add_argument("--cache", type=Path, default=Path("/tmp/tunesmith-cover-bench"))
    ap.add_argument("--seeds", type=int, default=1, help="covers per song (cover seeds 1..N)")
    ap.add_argument("--upload", choices=("wav", "mp3"), default="wav", help="the file the cover reads")
    args = ap.parse_args()
    from tunesmith.engines.composer import pool

    sources = render_sources(args.songs, args.cache)
    rows = []
    t = time.monotonic()
    for src in sources:
        plan = json.loads((src / "plan.json").read_text())
        bpm, g = float(plan["tempo_bpm"]), float(plan.get("grid_offset_s", 0.0))
        beats = int((float(plan["duration_s"]) - g) * bpm / 60.0) - 1
        was = stem_contour(src / "stems" / "vocals.wav", bpm, g, beats)
        for s in range(1, args.seeds + 1):
            sung = cover(src, args.cache / f"cov-{src.name}-{s}", 1000 + s, args.upload)
            now = stem_contour(sung, bpm, g, beats)
            r, n = contour_r(was, now)
            rows.append(
                {"song": src.name, "genre": plan["genre"], "cover_seed": s, "r": round(r, 3), "beats": n}
            )
            line = f"{src.name} {plan['genre']:<10} {args.upload} cover seed {s}: r = {r:.3f} over {n} beats"
            print(line, flush=True)
    pool.shutdown()
    rs = [row["r"] for row in rows]
    print(
        f"\n{len(rs)} covers in {time.monotonic() - t:.0f} s: r min {min(rs):.3f}, "
        f"median {statistics.median(rs):.3f}, >= 0.7 on {sum(r >= 0.7 for r in rs)}/{len(rs)}"
    )


if __name__ == "__main__":
    main()
