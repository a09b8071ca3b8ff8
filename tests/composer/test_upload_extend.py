"""Upload-extend end to end: the composer continues a recording it did not make.

The "uploads" are plain 44.1 kHz stereo PCM_16 WAVs with no plan or artifacts, handed over as the runtime
does (SourceClip(clip_id="upload-<task>", duration, workdir, audio=wav=<path>)): a song the composer rendered
earlier in another style (only its audio is kept) and a synthesized band. Each clip is checked the way a
listener would hear it: the upload untouched up to the join, no click there, the beat running on across it,
the continuation as loud as the upload, and the files a client gets.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from checks import assert_take
from signals import band, write_wav
from tests.support.composer_jobs import render_take
from tests.support.sink import RecordingSinkForTests

from tunesmith.domain.errors import InvalidRequest
from tunesmith.domain.operations import OperationKind, SongRequest
from tunesmith.engines.base import ClipSlot, EngineError, EngineJob, SourceClip
from tunesmith.engines.composer.ops.analysis import analyse

SR = 44100
CONTINUE_AT = 12.3
MORE = "[Verse 2]\nthe morning comes to wake the town\nwe never let the music down\n"


def upload_source(path: Path) -> SourceClip:
    return SourceClip(
        clip_id=f"upload-{path.parent.name}",
        duration=round(sf.info(str(path)).duration, 3),
        workdir=path.parent,
        audio=path,
        wav=path,
    )


def read16(path: Path) -> np.ndarray:
    return sf.read(str(path), dtype="int16", always_2d=True)[0].astype(np.float64) / 32767.0


def run_upload_extend(engine, tmp: Path, request: SongRequest, source: SourceClip | None, seed: int = 5):
    slots = tuple(ClipSlot(clip_id=f"{tmp.name}-{i}", index=i, workdir=tmp / f"clip{i}") for i in range(2))
    job = EngineJob(task_id=tmp.name, request=request, clips=slots, seed=seed, source=source)
    engine.check(request)
    sink = RecordingSinkForTests()
    engine.run(job, sink)
    kinds = sink.kinds()
    assert kinds[0] == "text" and kinds.count("complete") == 2
    return slots, sink.clips


def request(**kw) -> SongRequest:
    base = {
        "kind": OperationKind.UPLOAD_EXTEND,
        "custom_mode": True,
        "style": "rock, electric guitar",
        "extra": {"upload_url": "https://example.com/song.wav", "default_params": True},
    }
    return SongRequest(**{**base, **kw})


@pytest.fixture(scope="module")
def composer_upload(engine, tmp_path_factory) -> tuple[Path, dict]:
    """A 20 s song the composer made in another style; only its WAV is kept, as if a client uploaded it."""
    tmp = tmp_path_factory.mktemp("made")
    req = SongRequest(custom_mode=True, instrumental=True, style="pop, 112 bpm, A minor, piano", duration=20)
    wd, res, plan = render_take(engine, tmp, req, seed=3)
    up = tmp_path_factory.mktemp("upload") / "upload.wav"
    shutil.copy(wd / res.wav, up)
    info = sf.info(str(up))
    assert (info.samplerate, info.channels, info.subtype) == (SR, 2, "PCM_16")
    return up, plan


@pytest.fixture(scope="module")
def extended(engine, composer_upload, tmp_path_factory):
    up, plan = composer_upload
    req = request(instrumental=True, continue_at=CONTINUE_AT, duration=15.0, title="Further")
    slots, res = run_upload_extend(engine, tmp_path_factory.mktemp("ue"), req, upload_source(up))
    return up, plan, slots, res


def test_two_complete_clips_that_remember_the_upload(extended):
    up, made, slots, res = extended
    for slot in slots:
        r = res[slot.index]
        plan = assert_take(slot.workdir, r, vocals=False)
        assert r.title == "Further" and r.tags == "rock, electric guitar" and r.lyrics == ""
        (hist,) = plan["history"]
        assert hist["op"] == "upload_extend" and hist["source_clip_id"] == f"upload-{up.parent.name}"
        assert hist["continue_at"] == CONTINUE_AT
        assert abs(hist["upload_duration_s"] - sf.info(str(up)).duration) < 1e-3
        a = hist["analysis"]
        # the continuation is in the recording's tempo and key, with the requested instruments
        assert abs(a["bpm"] / made["tempo_bpm"] - 1) < 0.02 and a["key_name"] == made["key"]
        assert plan["tempo_bpm"] == a["bpm"] and plan["key"] == made["key"] and plan["meter"] == 4
        assert plan["genre"] == "rock"
        assert plan["sections"][0]["kind"] == "upload" and plan["sections"][0]["end_s"] == CONTINUE_AT
        assert plan["sections"][1]["start_s"] == CONTINUE_AT


def test_clip_is_the_upload_up_to_continue_at_then_the_continuation(extended):
    up, _, slots, res = extended
    upload = read16(up)
    n = int((CONTINUE_AT - 0.1) * SR)
    for slot in slots:
        r = res[slot.index]
        x = read16(slot.workdir / r.wav)
        plan = json.loads((slot.workdir / "plan.json").read_text())
        hist = plan["history"][0]
        # render length: from the bar line before the join, whole bars of the continuation plus its tail
        last = plan["sections"][-1]
        bars = last["start_bar"] + last["bars"]
        rendered = bars * 240.0 / plan["tempo_bpm"] + plan["tail_s"]
        continuation = rendered - (CONTINUE_AT - hist["render_start_s"])
        assert abs(len(x) / SR - (CONTINUE_AT + continuation)) <= 0.5
        assert abs(len(x) / SR - r.duration) < 1e-3
        assert continuation >= 15.0 - 0.5  # at least what was asked for
        assert np.abs(x[:n] - upload[:n]).max() <= 10 ** (-60 / 20)
        # after the join the upload's own continuation is gone: this is new music
        j = int(CONTINUE_AT * SR)
        tail = min(len(upload), len(x)) - j
        assert np.sqrt(np.mean((x[j : j + tail] - upload[j : j + tail]) ** 2)) > 0.01


def test_no_click_at_the_join_and_the_continuation_is_as_loud(extended):
    import pyloudnorm

    up, _, slots, res = extended
    upload = read16(up)
    meter = pyloudnorm.Meter(SR)
    j = int(round(CONTINUE_AT * SR))
    before = meter.integrated_loudness(upload[:j])
    for slot in slots:
        x = read16(slot.workdir / res[slot.index].wav)
        steps = np.abs(np.diff(x, axis=0)).max(axis=1)
        near = np.zeros(len(steps), bool)
        near[j - 2205 : j + 2205] = True
        assert steps[near].max() <= steps[~near].max()
        after = meter.integrated_loudness(x[j:])
        assert abs(after - before) < 1.5, (before, after)
        assert np.abs(x).max() <= 1.0


def test_the_beat_runs_on_across_the_join(extended):
    """The continuation's bar grid is the upload's, and its audio plays on that grid."""
    _, made, slots, res = extended
    beat = 60.0 / made["tempo_bpm"]
    bar = 4 * beat
    for slot in slots:
        plan = json.loads((slot.workdir / "plan.json").read_text())
        g = plan["grid_offset_s"]  # a bar line of the continuation, in clip time
        assert abs((g - made["grid_offset_s"] + bar / 2) % bar - bar / 2) < 0.03
        x = sf.read(str(slot.workdir / res[slot.index].wav), dtype="float32")[0]
        j = int(round(CONTINUE_AT * SR))
        a = analyse(x[j:], at=6.0)  # the continuation alone, as a listener's beat tracker hears it
        found = a.downbeat_s + CONTINUE_AT
        assert abs((found - g + beat / 2) % beat - beat / 2) < 0.03


def test_the_takes_differ(extended):
    _, _, slots, res = extended
    a, b = (read16(s.workdir / res[s.index].wav) for s in slots)
    j = int(CONTINUE_AT * SR)
    n = min(len(a), len(b))
    assert np.abs(a[j:n] - b[j:n]).max() > 0.05


def test_stems_midi_and_words_describe_the_clip(extended):
    import pretty_midi

    up, _, slots, res = extended
    upload = read16(up)
    j = int(round((CONTINUE_AT - 0.06) * SR))
    for slot in slots:
        r = res[slot.index]
        wd = slot.workdir
        plan = json.loads((wd / "plan.json").read_text())
        stems = {
            k[5:]: sf.read(str(wd / v), always_2d=True)[0] for k, v in r.artifacts.items() if k[:5] == "stem."
        }
        assert set(stems) == {"drums", "bass", "other"}
        x = read16(wd / r.wav)
        for s in stems.values():
            assert len(s) == len(x)
        # the upload cannot be separated: before the join it is all "other", at the stems' pre-master scale
        gain = plan["master_gain"]
        assert np.abs(stems["other"][:j] * gain - upload[:j]).max() < 1e-3
        assert np.abs(stems["drums"][:j]).max() == 0 and np.abs(stems["bass"][:j]).max() == 0
        assert np.abs(stems["drums"][j + SR :]).max() > 0.01
        notes = [n for i in pretty_midi.PrettyMIDI(str(wd / "song.mid")).instruments for n in i.notes]
        assert notes and min(n.start for n in notes) >= CONTINUE_AT - 1e-3
        assert max(n.start for n in notes) <= r.duration
        assert json.loads((wd / "words.json").read_text()) == []


@pytest.fixture(scope="module")
def sung(engine, tmp_path_factory):
    """A synthesized band (drums and Am-F-C-G, 100 bpm, first bar line at 0.4 s), continued from its end."""
    tmp = tmp_path_factory.mktemp("band")
    up = tmp / "band.wav"
    write_wav(up, band(100.0, 16.0, 0.4, [(57, True), (53, False), (48, False), (55, False)]) * 0.8)
    req = request(lyrics=MORE, style="pop, female vocals", vocal_gender="f")
    slots, res = run_upload_extend(engine, tmp_path_factory.mktemp("ue-sung"), req, upload_source(up), seed=9)
    return up, slots, res


def test_a_sung_continuation_starts_singing_after_the_join(sung):
    up, slots, res = sung
    duration = sf.info(str(up)).duration
    upload = read16(up)
    n = int((duration - 0.1) * SR)
    for slot in slots:
        r = res[slot.index]
        plan = assert_take(slot.workdir, r, vocals=True)
        assert r.lyrics == MORE
        assert plan["history"][0]["continue_at"] == round(duration, 3)  # no continue_at: from the end
        a = plan["history"][0]["analysis"]
        assert abs(a["bpm"] - 100.0) < 2.0 and a["key_name"] == "A minor"
        assert plan["voice"] == "female"
        words = json.loads((slot.workdir / "words.json").read_text())
        sung = " ".join(w["word"] for w in words)
        assert sung == "the morning comes to wake the town we never let the music down"
        assert min(w["start_s"] for w in words) >= duration
        assert max(w["end_s"] for w in words) <= r.duration
        x = read16(slot.workdir / r.wav)
        assert np.abs(x[:n] - upload[:n]).max() <= 10 ** (-60 / 20)
        vocals = sf.read(str(slot.workdir / r.artifacts["stem.vocals"]), always_2d=True)[0]
        assert np.abs(vocals[: int((duration - 0.06) * SR)]).max() == 0


def test_continue_at_past_the_upload_is_a_final_engine_error(engine, composer_upload, tmp_path):
    up, _ = composer_upload
    for c in (sf.info(str(up)).duration + 0.5, 60.0):
        job = EngineJob(
            task_id="bad",
            request=request(continue_at=c),
            seed=1,
            source=upload_source(up),
            clips=(ClipSlot(clip_id="b", index=0, workdir=tmp_path / "b"),),
        )
        sink = RecordingSinkForTests()
        with pytest.raises(EngineError) as err:
            engine.run(job, sink)
        assert "continue_at must satisfy" in err.value.message and not err.value.retryable
        assert sink.kinds() == []


def test_a_missing_upload_is_an_engine_error(engine, tmp_path):
    gone = tmp_path / "gone.wav"
    missing = SourceClip(clip_id="upload-x", duration=9.0, workdir=tmp_path, audio=gone, wav=gone)
    for source in (None, missing):
        job = EngineJob(
            task_id="bad",
            request=request(),
            seed=1,
            source=source,
            clips=(ClipSlot(clip_id="b", index=0, workdir=tmp_path / "b"),),
        )
        with pytest.raises(EngineError) as err:
            engine.run(job, RecordingSinkForTests())
        assert not err.value.retryable


@pytest.mark.parametrize(
    ("req", "field"),
    [
        (request(continue_at=-3.0), "continue_at"),
        (request(continue_at=0.0), "continue_at"),
        (request(continue_at=float("nan")), "continue_at"),
        (request(continue_at=float("inf")), "continue_at"),
        (request(duration=-5.0), "duration"),
        (SongRequest(kind=OperationKind.STEMS, style="pop"), "kind"),  # a studio-engine operation
        (SongRequest(kind=OperationKind.UPLOAD_COVER, style="pop", custom_mode=True), "lyrics"),
    ],
)
def test_check_refuses_bad_upload_requests(req, field):
    from tunesmith.engines.composer.engine import ComposerEngine

    with pytest.raises(InvalidRequest) as err:
        ComposerEngine().check(req)
    assert err.value.field == field and err.value.message


def test_check_accepts_an_upload_extend_without_a_clip_id():
    from tunesmith.engines.composer.engine import ComposerEngine

    eng = ComposerEngine()
    assert {OperationKind.UPLOAD_EXTEND, OperationKind.UPLOAD_COVER} <= eng.operations
    eng.check(request())
    eng.check(request(continue_at=12.5, lyrics=MORE))
