"""Song edits end to end: generate -> extend -> extend -> concat, replace section, crop, and the refusals.

One short song is rendered once per module; every edit works on real files, checked the way a client
would hear them: lengths, joins without clicks, audio untouched outside a replaced span.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from checks import assert_take
from tests.support.composer_jobs import LYRICS, render_take
from tests.support.sink import RecordingSinkForTests
from tests.support.studio_ops import source_of

from tunesmith.domain.errors import InvalidRequest
from tunesmith.domain.operations import OperationKind, SongRequest
from tunesmith.engines.base import ClipSlot, EngineError, EngineJob, SourceClip

SR = 44100
MORE = "[Verse 2]\nthe morning comes to wake the town\nwe never let the music down\n"
NEW = "[Bridge]\nand if the night should fall apart\nI hold the light inside my heart\n"


def run_op(engine, tmp: Path, request: SongRequest, source: SourceClip | None, clips: int, seed: int = 5):
    slots = tuple(
        ClipSlot(clip_id=f"{tmp.name}-{i}", index=i, workdir=tmp / f"clip{i}") for i in range(clips)
    )
    job = EngineJob(task_id=tmp.name, request=request, clips=slots, seed=seed, source=source)
    engine.check(request)
    sink = RecordingSinkForTests()
    engine.run(job, sink)
    kinds = sink.kinds()
    assert kinds[0] == "text" and kinds.count("complete") == clips
    res = sink.clips
    return [source_of(slots[i].workdir, res[i], slots[i].clip_id) for i in range(clips)], res


def wav(src: SourceClip) -> np.ndarray:
    return sf.read(str(src.wav), dtype="int16", always_2d=True)[0].astype(np.float64) / 32767.0


@pytest.fixture(scope="module")
def chain(engine, tmp_path_factory):
    """generate (1 take) -> extend (2 takes, new lyrics) -> extend (inherit: continue the lyrics)."""
    tmp = tmp_path_factory.mktemp("ops")
    gen = SongRequest(custom_mode=True, lyrics=LYRICS, style="pop, bright, female vocals", title="Shining")
    wd, res, _ = render_take(engine, tmp / "gen", gen, seed=3)
    song = source_of(wd, res, "gen")
    c1 = round(song.duration * 0.6, 2)
    ext1_req = SongRequest(
        kind=OperationKind.EXTEND, custom_mode=True, lyrics=MORE, source_clip_id="gen", continue_at=c1
    )
    ext1, res1 = run_op(engine, tmp / "ext1", ext1_req, song, clips=2)
    c2 = round(ext1[0].duration * 0.5, 2)
    ext2_req = SongRequest(
        kind=OperationKind.EXTEND,
        source_clip_id=ext1[0].clip_id,
        continue_at=c2,
        extra={"default_params": False},
    )
    ext2, res2 = run_op(engine, tmp / "ext2", ext2_req, ext1[0], clips=1)
    return tmp, song, (c1, ext1, res1), (c2, ext2, res2)


@pytest.fixture(scope="module")
def concat(engine, chain):
    tmp, song, (c1, ext1, _), (c2, ext2, _) = chain
    items = [
        {
            "clip_id": p.clip_id,
            "audio": str(p.audio),
            "wav": str(p.wav),
            "continue_at": c,
            "duration": p.duration,
            "artifacts": {k: str(v) for k, v in p.artifacts.items()},
        }
        for p, c in ((song, None), (ext1[0], c1), (ext2[0], c2))
    ]
    req = SongRequest(kind=OperationKind.CONCAT, source_clip_id=ext2[0].clip_id, extra={"chain": items})
    out, res = run_op(engine, tmp / "concat", req, ext2[0], clips=1)
    return out[0], res[0], c1 + c2 + ext2[0].duration


def test_extend_takes_are_complete_and_remember_their_parent(chain):
    _, song, (c1, ext1, res1), (c2, ext2, res2) = chain
    gen_plan = json.loads(song.artifacts["plan"].read_text())
    for src, res in [*zip(ext1, res1.values(), strict=True), (ext2[0], res2[0])]:
        plan = assert_take(src.workdir, res, vocals=True)
        assert (plan["key"], plan["tempo_bpm"], plan["instruments"], plan["voice"]) == (
            gen_plan["key"],
            gen_plan["tempo_bpm"],
            gen_plan["instruments"],
            gen_plan["voice"],
        )
        assert plan["history"][-1]["op"] == "extend"
    assert json.loads(ext1[0].artifacts["plan"].read_text())["history"][-1] == {
        "op": "extend",
        "parent_clip_id": "gen",
        "continue_at": c1,
        "parent_duration_s": round(song.duration, 3),
    }
    sung = [w["word"] for w in json.loads(ext1[0].artifacts["timings"].read_text())]
    assert " ".join(sung) == "the morning comes to wake the town we never let the music down"
    # the inheriting extension continues the parent's lyrics (its section after the cut, or its chorus again)
    assert json.loads(ext2[0].artifacts["timings"].read_text())
    assert json.loads(ext2[0].artifacts["plan"].read_text())["history"][-2]["parent_clip_id"] == "gen"


def test_the_two_extend_takes_differ(chain):
    _, _, (_, ext1, _), _ = chain
    a, b = wav(ext1[0]), wav(ext1[1])
    n = min(len(a), len(b))
    assert np.abs(a[:n] - b[:n]).max() > 0.05


def test_concat_is_one_song_of_the_used_spans(concat, chain):
    out, res, expected = concat
    plan = assert_take(out.workdir, res, vocals=True)
    assert abs(res.duration - expected) <= 0.5
    assert [h["clip_id"] for h in plan["concat_history"]] == [
        "gen",
        chain[2][1][0].clip_id,
        chain[3][1][0].clip_id,
    ]
    words = json.loads(out.artifacts["timings"].read_text())
    assert all(a["start_s"] <= b["start_s"] for a, b in zip(words, words[1:], strict=False))
    assert words[-1]["end_s"] <= res.duration
    import pretty_midi

    notes = [n for i in pretty_midi.PrettyMIDI(str(out.artifacts["midi"])).instruments for n in i.notes]
    assert max(n.start for n in notes) > chain[2][0] + chain[3][0]  # the last part's notes, moved


def test_concat_is_mastered_and_has_no_click_at_the_joins(concat, chain):
    import pyloudnorm

    out, _, _ = concat
    x = wav(out)
    assert -15.0 <= pyloudnorm.Meter(SR).integrated_loudness(x) <= -13.0
    assert np.abs(x).max() <= 10 ** (-1 / 20)
    steps = np.abs(np.diff(x, axis=0)).max(axis=1)
    c1, c2 = chain[2][0], chain[3][0]
    for t in (c1, c1 + c2):
        j = int(round(t * SR))
        near = np.zeros(len(steps), bool)
        near[max(0, j - 2205) : j + 2205] = True
        assert steps[near].max() <= steps[~near].max()


@pytest.fixture(scope="module")
def replaced(engine, concat, tmp_path_factory):
    song = concat[0]
    span = (round(song.duration * 0.3, 2), round(song.duration * 0.3 + 11.0, 2))
    req = SongRequest(kind=OperationKind.REPLACE_SECTION, source_clip_id=song.clip_id, span=span, lyrics=NEW)
    out, res = run_op(engine, tmp_path_factory.mktemp("replace"), req, song, clips=2)
    return song, span, out, res


def test_replace_section_changes_only_the_span(replaced):
    import pyloudnorm

    song, (s, e), out, res = replaced
    before = wav(song)
    for take, r in zip(out, res.values(), strict=True):
        assert_take(take.workdir, r, vocals=True)
        after = wav(take)
        assert len(after) == len(before)
        outside = np.ones(len(before), bool)
        outside[int((s - 0.5) * SR) : int((e + 0.5) * SR)] = False
        assert np.abs(after[outside] - before[outside]).max() <= 10 ** (-60 / 20)
        inside = slice(int(s * SR), int(e * SR))
        assert np.sqrt(np.mean((after[inside] - before[inside]) ** 2)) > 0.01
        meter = pyloudnorm.Meter(SR)  # the new part is levelled like the song around it
        assert abs(meter.integrated_loudness(after[inside]) - meter.integrated_loudness(before[inside])) < 3.0
        words = json.loads(take.artifacts["timings"].read_text())
        assert {"heart", "apart"} <= {w["word"] for w in words if s <= w["start_s"] < e}
        assert json.loads(take.artifacts["plan"].read_text())["history"][-1]["op"] == "replace_section"


def test_crop_holds_only_the_span(engine, chain, tmp_path_factory):
    _, song, _, _ = chain
    span = (2.0, round(song.duration - 3.0, 2))
    req = SongRequest(kind=OperationKind.CROP, source_clip_id="gen", span=span)
    out, res = run_op(engine, tmp_path_factory.mktemp("crop"), req, song, clips=1)
    plan = assert_take(out[0].workdir, res[0], vocals=True)
    assert abs(res[0].duration - (span[1] - span[0])) <= 0.05
    a, b = wav(song), wav(out[0])
    mid = slice(int(1.0 * SR), int(2.0 * SR))
    assert np.abs(a[int(span[0] * SR) :][mid] - b[mid]).max() < 1e-4
    words = json.loads(out[0].artifacts["timings"].read_text())
    src_words = json.loads(song.artifacts["timings"].read_text())
    assert [w["word"] for w in words] == [w["word"] for w in src_words if span[0] <= w["start_s"] < span[1]]
    assert plan["history"][-1] == {"op": "crop", "parent_clip_id": "gen", "span": list(span)}


@pytest.mark.parametrize(
    ("request_", "field"),
    [
        (SongRequest(kind=OperationKind.EXTEND, source_clip_id="x"), "continue_at"),
        (SongRequest(kind=OperationKind.EXTEND, source_clip_id="x", continue_at=0.0), "continue_at"),
        (SongRequest(kind=OperationKind.EXTEND, source_clip_id="x", continue_at=-3.0), "continue_at"),
        (SongRequest(kind=OperationKind.EXTEND, continue_at=3.0), "source_clip_id"),
        (SongRequest(kind=OperationKind.REPLACE_SECTION, source_clip_id="x", span=(5.0, 12.0)), "span"),
        (SongRequest(kind=OperationKind.REPLACE_SECTION, source_clip_id="x", span=(-1.0, 20.0)), "span"),
        (SongRequest(kind=OperationKind.REPLACE_SECTION, source_clip_id="x"), "span"),
        (SongRequest(kind=OperationKind.CROP, source_clip_id="x", span=(8.0, 4.0)), "span"),
    ],
)
def test_check_refuses_bad_edits(request_, field):
    from tunesmith.engines.composer.engine import ComposerEngine

    with pytest.raises(InvalidRequest) as err:
        ComposerEngine().check(request_)
    assert err.value.field == field and err.value.message


def test_run_refuses_what_needs_the_source(engine, chain, tmp_path):
    _, song, _, _ = chain
    d = song.duration
    bad = {
        "continue_at must satisfy 0 < continue_at": SongRequest(
            kind=OperationKind.EXTEND, source_clip_id="gen", continue_at=d + 1.0
        ),
        "at most 50%": SongRequest(
            kind=OperationKind.REPLACE_SECTION, source_clip_id="gen", span=(0.0, 0.5 * d + 2.0)
        ),
        "must end inside the clip": SongRequest(
            kind=OperationKind.CROP, source_clip_id="gen", span=(1.0, d + 5.0)
        ),
    }
    for text, req in bad.items():
        job = EngineJob(
            task_id="bad",
            request=req,
            seed=1,
            source=song,
            clips=(ClipSlot(clip_id="b", index=0, workdir=tmp_path / "b"),),
        )
        with pytest.raises(EngineError) as err:
            engine.run(job, RecordingSinkForTests())
        assert text in err.value.message and not err.value.retryable
