"""Song-operation benchmark: the time of each operation on a 3-minute song.

Renders one 3-minute take (engine_bench's lyrics), then times the composer's edits — extend (2 takes), concat
(song + extension), crop (60 s), replace section (20 s, 2 takes) — and the studio's derived operations — WAV,
stems (both kinds), MIDI, music video, cover art, lyrics and timestamped lyrics — printing the wall time, the
clip lengths and the machine's load. Run: PYTHONPATH=src .venv/bin/python bench/ops_bench.py [--quick]
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the repository: tests.support

NEW_VERSE = (
    "[Verse 4]\nthe river runs beneath the bridge\nwe talk until the morning light\n"
    "[Chorus]\nWe are shining tonight\nwe are burning so bright\n"
)
BRIDGE = "[Bridge]\nand if the night should fall apart\nI hold the light inside my heart\n"


def main() -> None:
    from engine_bench import load, lyrics
    from tests.support.sink import RecordingSinkForTests
    from tests.support.studio_ops import source_of

    from tunesmith.domain.operations import OperationKind, SongRequest
    from tunesmith.engines.base import ClipSlot, EngineJob, SourceClip
    from tunesmith.engines.composer import pool
    from tunesmith.engines.composer.engine import ComposerEngine

    quick = "--quick" in sys.argv
    tmp = Path(tempfile.mkdtemp(prefix="ops_bench_"))
    engine = ComposerEngine()
    engine.warm_up()
    print(load())

    def op(name: str, req: SongRequest, source: SourceClip | None, clips: int) -> list[SourceClip]:
        slots = tuple(
            ClipSlot(clip_id=f"{name}{i}", index=i, workdir=tmp / name / str(i)) for i in range(clips)
        )
        job = EngineJob(task_id=name, request=req, clips=slots, seed=11, source=source)
        sink = RecordingSinkForTests()
        t0 = time.perf_counter()
        engine.check(req)
        engine.run(job, sink)
        wall = time.perf_counter() - t0
        out = [source_of(slots[i].workdir, r, slots[i].clip_id) for i, r in sorted(sink.clips.items())]
        lens = ", ".join(f"{c.duration:.1f} s" for c in out)
        print(f"{name:<16} {wall:6.1f} s  ({clips} clip(s): {lens})")
        return out

    gen = SongRequest(
        custom_mode=True,
        lyrics=lyrics(1 if quick else 3, 0 if quick else 2),
        style="pop, bright, female vocals",
        title="Bench",
    )
    song = op("generate", gen, None, 1)[0]
    d = song.duration
    c = round(d - 30.0, 2)
    ext = op(
        "extend",
        SongRequest(
            kind=OperationKind.EXTEND,
            custom_mode=True,
            lyrics=NEW_VERSE,
            source_clip_id=song.clip_id,
            continue_at=c,
        ),
        song,
        2,
    )
    chain = [
        {
            "clip_id": p.clip_id,
            "audio": str(p.audio),
            "wav": str(p.wav),
            "continue_at": at,
            "duration": p.duration,
            "artifacts": {k: str(v) for k, v in p.artifacts.items()},
        }
        for p, at in ((song, None), (ext[0], c))
    ]
    op(
        "concat",
        SongRequest(kind=OperationKind.CONCAT, source_clip_id=ext[0].clip_id, extra={"chain": chain}),
        ext[0],
        1,
    )
    op(
        "crop",
        SongRequest(kind=OperationKind.CROP, source_clip_id=song.clip_id, span=(30.0, min(90.0, d - 1))),
        song,
        1,
    )
    s = round(d * 0.4, 2)
    op(
        "replace_section",
        SongRequest(
            kind=OperationKind.REPLACE_SECTION, source_clip_id=song.clip_id, span=(s, s + 20.0), lyrics=BRIDGE
        ),
        song,
        2,
    )
    studio(song, tmp)
    print(load())
    pool.shutdown()


def studio(song, tmp: Path) -> None:  # noqa: ANN001 - a SourceClip
    """The derived operations on the same song, through the studio engine."""
    from tests.support.sink import RecordingSinkForTests

    from tunesmith.domain.operations import OperationKind, SongRequest
    from tunesmith.engines.base import EngineJob
    from tunesmith.engines.studio.engine import StudioEngine
    from tunesmith.engines.studio.sync import aligned_words

    engine = StudioEngine()
    runs = [
        ("wav", OperationKind.WAV, {}),
        ("stems (2)", OperationKind.STEMS, {"type": "separate_vocal"}),
        ("stems (all)", OperationKind.STEMS, {"type": "split_stem"}),
        ("midi", OperationKind.MIDI, {}),
        ("video", OperationKind.VIDEO, {"author": "Bench"}),
        ("cover_art", OperationKind.COVER_ART, {}),
        ("lyrics", OperationKind.LYRICS, {}),
    ]
    for name, kind, extra in runs:
        workdir = tmp / "studio" / name.split()[0] / str(len(extra))
        workdir.mkdir(parents=True, exist_ok=True)
        request = SongRequest(
            kind=kind,
            source_clip_id=song.clip_id,
            title=song.title,
            style=song.tags,
            description="a song about the sea at night",
            extra=extra,
        )
        job = EngineJob(task_id=name, request=request, clips=(), seed=5, source=song, workdir=workdir)
        t0 = time.perf_counter()
        engine.run(job, RecordingSinkForTests())
        print(f"{name:<16} {time.perf_counter() - t0:6.1f} s")
    t0 = time.perf_counter()
    aligned = aligned_words(song.artifacts["timings"], song.wav)
    print(f"{'timestamped':<16} {time.perf_counter() - t0:6.1f} s  ({len(aligned['alignedWords'])} words)")


if __name__ == "__main__":
    main()
