"""The composer can rebuild any take it made, bit for bit: what lets the media layer keep no lossless master
or stems (runtime.sources re-runs the take's job when an operation needs them).

Re-running one take of a job alone — in a fresh engine process, as the runtime does — gives the same MP3
bytes, the same master and the same stems, for a generated song (with the words handed back as replay notes,
so a language model is never asked again) and for an edit of it.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from tests.support.composer_jobs import LYRICS
from tests.support.sink import RecordingSinkForTests

from tunesmith.domain.operations import OperationKind, SongRequest
from tunesmith.engines.base import ClipResult, ClipSlot, EngineJob, SourceClip

pytestmark = pytest.mark.slow


def _render(job: EngineJob) -> dict[int, ClipResult]:
    """Run `job` the way the runtime rebuilds a clip: in a fresh engine process (runtime.executor)."""
    from tunesmith.runtime.executor import EngineProcess

    slot = EngineProcess("test-rebuild")
    done: dict[int, ClipResult] = {}
    try:
        slot.start_job("composer", job)
        while True:
            event = slot.next_event(300)
            assert event is not None, "the engine process said nothing for 5 minutes"
            if event[0] == "complete":
                done[event[1]] = event[2]
            elif event[0] == "error":
                raise AssertionError(event[2])
            elif event[0] == "done":
                return done
    finally:
        slot.close()


def _same_files(first: Path, again: Path, result: ClipResult) -> None:
    assert (first / result.audio).read_bytes() == (again / result.audio).read_bytes()
    wavs = [result.wav] + [f for n, f in result.artifacts.items() if n.startswith("stem.")]
    assert len(wavs) >= 5  # the master, four stems and the dry lead
    for name in wavs:
        a = sf.read(str(first / name), dtype="float32", always_2d=True)[0]
        b = sf.read(str(again / name), dtype="float32", always_2d=True)[0]
        assert a.shape == b.shape and np.array_equal(a, b), name


def test_one_take_rebuilt_alone_is_identical(engine, tmp_path: Path) -> None:  # noqa: ANN001
    request = SongRequest(custom_mode=True, lyrics=LYRICS, style="pop, bright, female vocals", title="Again")
    slots = tuple(ClipSlot(clip_id=f"c{i}", index=i, workdir=tmp_path / f"first{i}") for i in range(2))
    sink = RecordingSinkForTests()
    engine.run(EngineJob(task_id="t", request=request, clips=slots, seed=11), sink)
    first = sink.clips
    assert all(r.rebuildable for r in first.values())
    notes = first[1].replay
    assert notes["lyrics"] == LYRICS and notes["title"] == "Again"

    # the second take, alone, in a fresh process, told what the first run decided
    replay = SongRequest(**{**request.__dict__, "extra": {"replay": notes}})
    again_dir = tmp_path / "again1"
    again = _render(
        EngineJob(
            task_id="t", request=replay, clips=(ClipSlot(clip_id="c1", index=1, workdir=again_dir),), seed=11
        )
    )
    _same_files(slots[1].workdir, again_dir, again[1])

    # an edit of it rebuilds the same way, from the same source
    source_dir = slots[0].workdir
    res = first[0]
    source = SourceClip(
        clip_id="c0",
        duration=res.duration,
        workdir=source_dir,
        audio=source_dir / res.audio,
        wav=source_dir / res.wav,
        artifacts={k: source_dir / v for k, v in res.artifacts.items()},
    )
    edit = SongRequest(
        kind=OperationKind.EXTEND,
        custom_mode=True,
        lyrics="[Verse 2]\nthe morning comes to wake the town\n",
        source_clip_id="c0",
        continue_at=round(res.duration * 0.5, 2),
    )
    edit_slots = tuple(ClipSlot(clip_id=f"e{i}", index=i, workdir=tmp_path / f"edit{i}") for i in range(2))
    edit_sink = RecordingSinkForTests()
    engine.run(EngineJob(task_id="e", request=edit, clips=edit_slots, seed=5, source=source), edit_sink)
    edited = edit_sink.clips
    assert edited[1].rebuildable
    redo_dir = tmp_path / "redo1"
    redo = _render(
        EngineJob(
            task_id="e",
            request=edit,
            clips=(ClipSlot(clip_id="e1", index=1, workdir=redo_dir),),
            seed=5,
            source=source,
        )
    )
    _same_files(edit_slots[1].workdir, redo_dir, redo[1])


def test_description_songs_rebuild_from_their_replay_notes(engine, tmp_path: Path) -> None:  # noqa: ANN001
    """Whatever wrote the words the first time, a rebuild sings the ones in the notes."""
    from tunesmith.engines.composer.engine import _song_text

    request = SongRequest(description="a song about the sea", extra={})
    notes = {"title": "Salt", "tags": "folk, male vocals", "lyrics": "[Verse]\nwaves\n", "language": "en"}
    replayed = SongRequest(description="a song about the sea", extra={"replay": notes})
    assert _song_text(replayed, 3) == ("Salt", "folk, male vocals", "[Verse]\nwaves\n", "en")
    assert _song_text(request, 3) != _song_text(replayed, 3)
