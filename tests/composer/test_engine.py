"""End-to-end: one short two-take song through ComposerEngine.run, checked like a listener's tools would."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest
import soundfile as sf
from tests.support.composer_jobs import LYRICS, make_job
from tests.support.ffprobe import media_seconds
from tests.support.sink import RecordingSinkForTests

from tunesmith.domain.errors import InvalidRequest
from tunesmith.domain.operations import SongRequest

REQUEST = SongRequest(custom_mode=True, lyrics=LYRICS, style="pop, bright, female vocals", title="Shining")


@pytest.fixture(scope="module")
def song(engine, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("song")
    sink = RecordingSinkForTests()
    job = make_job(tmp, REQUEST)
    engine.run(job, sink)
    return job, sink


def test_import_is_cheap():
    code = (
        "import sys, tunesmith.engines.composer.engine; "
        "print('numpy' in sys.modules, 'pyworld' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False False"


def test_check_refuses_empty_lyrics():
    from tunesmith.engines.composer.engine import ComposerEngine

    with pytest.raises(InvalidRequest) as err:
        ComposerEngine().check(SongRequest(custom_mode=True, lyrics="  \n ", style="pop"))
    assert err.value.field == "lyrics"
    ComposerEngine().check(SongRequest(custom_mode=True, instrumental=True, style="pop"))


def test_events_in_order(song):
    job, sink = song
    kinds = sink.kinds()
    assert kinds[0] == "text"
    for i in range(2):
        assert kinds.index("streaming") < kinds.index("complete")
        assert (job.clips[i].workdir / "stream.mp3").stat().st_size > 0
    assert set(sink.clips) == {0, 1}


def test_artifacts_exist(song):
    job, sink = song
    for i, res in sink.clips.items():
        wd = job.clips[i].workdir
        for rel in [res.audio, res.wav, res.image, *res.artifacts.values()]:
            assert (wd / rel).is_file(), rel
        for key in ("midi", "plan", "timings", "stem.vocals", "stem.drums", "stem.bass", "stem.other"):
            assert key in res.artifacts
        from PIL import Image

        with Image.open(wd / res.image) as cover:
            assert cover.size == (1024, 1024)


def test_master_loudness_and_peaks(song):
    import pyloudnorm
    from scipy.signal import resample_poly

    job, sink = song
    for i, res in sink.clips.items():
        audio, sr = sf.read(job.clips[i].workdir / res.wav)
        assert sr == 44100 and audio.shape[1] == 2
        lufs = pyloudnorm.Meter(sr).integrated_loudness(audio)
        assert -15.0 <= lufs <= -13.0
        tp = 20 * np.log10(np.abs(resample_poly(audio, 4, 1, axis=0)).max())
        assert tp <= -1.0
        assert np.sum(np.abs(audio) >= 32767 / 32768) == 0


def test_stems_sum_to_mix(song):
    job, sink = song
    wd = job.clips[0].workdir
    stems = [sf.read(wd / "stems" / f"{n}.wav")[0] for n in ("vocals", "drums", "bass", "other")]
    mix = sum(stems)
    master = sf.read(wd / "audio.wav")[0]
    n = min(len(mix), len(master))
    corr = np.corrcoef(mix[:n, 0], master[:n, 0])[0, 1]
    assert corr > 0.95


def test_mp3_duration_matches(song):
    job, sink = song
    for i, res in sink.clips.items():
        assert abs(media_seconds(job.clips[i].workdir / res.audio) - res.duration) <= 0.1


def test_takes_differ(song):
    job, sink = song
    a = sf.read(job.clips[0].workdir / "audio.wav")[0]
    b = sf.read(job.clips[1].workdir / "audio.wav")[0]
    n = min(len(a), len(b))
    assert len(a) != len(b) or not np.allclose(a[:n], b[:n], atol=1e-3)


def test_word_timings_cover_lyrics(song):
    from tunesmith.engines.composer.lyrics import clean_line, tokens

    job, sink = song
    expected = [
        w for line in LYRICS.splitlines() if not line.startswith("[") for w in tokens(clean_line(line))
    ]
    for i in range(2):
        wd = job.clips[i].workdir
        words = json.loads((wd / "words.json").read_text())
        assert [w["word"] for w in words] == expected
        plan = json.loads((wd / "plan.json").read_text())
        spans = {s["label"]: (s["start_s"], s["end_s"]) for s in plan["sections"]}
        starts = [w["start_s"] for w in words]
        assert starts == sorted(starts)
        for w in words:
            lo, hi = spans[w["section"]]
            assert lo - 1e-3 <= w["start_s"] <= w["end_s"] <= hi + 1e-3


def test_same_seed_same_audio(engine, song, tmp_path):
    job, sink = song
    again = make_job(tmp_path, REQUEST, clips=1)
    engine.run(again, RecordingSinkForTests())
    first = (job.clips[0].workdir / "audio.wav").read_bytes()
    assert (again.clips[0].workdir / "audio.wav").read_bytes() == first
