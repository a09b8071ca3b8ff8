"""What stands before a song's first playable audio: speaking the words in fresh processes, and the stream's
first piece (how soon it is written, and that it is the final song's start)."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest
import soundfile as sf
from tests.support.composer_jobs import LYRICS, make_job
from tests.support.sink import RecordingSinkForTests

from tunesmith.domain.operations import SongRequest
from tunesmith.engines.base import EngineJob
from tunesmith.engines.composer.render import FIRST_PIECE_S, SR
from tunesmith.engines.composer.syllables import english_counts

TEXTS = ["I walk along the empty street", "Flibberjab sang 21 times", "don't stop, the night is young"]


def _speak_fresh(counts: dict[str, int] | None) -> tuple[str, bool]:
    """Speak TEXTS in a fresh process, as a speaker does (espeak-ng carries state between utterances):
    (syllables and audio digest, whether the CMU dictionary was loaded)."""
    code = (
        "import hashlib, sys\n"
        "from tunesmith.engines.composer.compose import speak_all\n"
        f"spoken = speak_all({TEXTS!r}, 'en', 'en-us+f3', {counts!r})\n"
        "print(repr([(s.syllables, hashlib.sha1(s.audio.tobytes()).hexdigest()) for s in spoken.values()]))\n"
        "print('pronouncing' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    spoken, loaded = out.splitlines()
    return spoken, loaded == "True"


def test_counts_give_the_dictionarys_syllables() -> None:
    counts = english_counts(TEXTS)
    assert (counts["walk"], counts["along"], counts["empty"], counts["don't"]) == (1, 2, 2, 1)
    assert counts["21"] == 2  # a number: a syllable per digit, as without counts
    assert counts["Flibberjab"] == 3  # not in the dictionary: its vowel groups


def test_a_speaker_with_counts_speaks_alike_without_the_dictionary() -> None:
    """A fresh speaker process is started for every request: loading the CMU dictionary there took ~0.5 s
    before any audio could be made. With the counts handed over it is never loaded, and the words are cut
    into the same syllables."""
    plain, loaded = _speak_fresh(None)
    assert loaded
    handed, loaded = _speak_fresh(english_counts(TEXTS))
    assert not loaded
    assert handed == plain
    assert "Syllable(" in handed


FADING = LYRICS + "[Fade Out]\n"


class _StreamWatch(RecordingSinkForTests):
    """Records, at each streaming event, how many bytes the take's stream file held then."""

    def __init__(self, job: EngineJob) -> None:
        super().__init__()
        self.job = job
        self.held: dict[int, bytes] = {}

    def streaming(self, index: int, filename: str) -> None:
        self.held[index] = (self.job.clips[index].workdir / filename).read_bytes()
        super().streaming(index, filename)


@pytest.fixture(scope="module")
def fading_song(engine, tmp_path_factory):
    request = SongRequest(custom_mode=True, lyrics=FADING, style="pop, bright, female vocals", title="Fade")
    job = make_job(tmp_path_factory.mktemp("fading"), request, clips=1)
    sink = _StreamWatch(job)
    engine.run(job, sink)
    return job, sink


def _decode(data: bytes) -> np.ndarray:
    raw = subprocess.run(
        [
            "ffmpeg",
            "-v",
            "error",
            "-f",
            "mp3",
            "-i",
            "pipe:0",
            "-f",
            "f32le",
            "-ac",
            "2",
            "-ar",
            "44100",
            "-",
        ],
        input=data,
        capture_output=True,
        check=True,
    ).stdout
    return np.frombuffer(raw, np.float32).reshape(-1, 2)


def test_the_stream_is_announced_with_its_first_seconds_alone(fading_song) -> None:
    """The first audio is the song's first FIRST_PIECE_S seconds, written before the rest of the first
    section (and every sung line) is rendered."""
    job, sink = fading_song
    plan = json.loads((job.clips[0].workdir / "plan.json").read_text())
    first = plan["sections"][0]
    assert first["kind"] == "intro" and first["end_s"] > FIRST_PIECE_S + 4
    announced = _decode(sink.held[0])
    assert 1.0 * SR < len(announced) <= (FIRST_PIECE_S + 0.1) * SR  # LAME holds a few frames back
    kinds = sink.kinds()
    assert kinds.index("streaming") < kinds.index("complete")


def _lag(stream: np.ndarray, final: np.ndarray) -> int:
    """The decoder's delay: where the stream's first piece lines up with the final song."""
    a, b = stream[: 2 * SR, 0], final[: 2 * SR - 3000, 0]
    return int(np.argmax([np.dot(a[k : k + len(b)], b) for k in range(3000)]))


def test_the_stream_is_the_final_song(fading_song) -> None:
    """Chunk for chunk the stream is the final song's audio (before their different gains): it starts alike,
    joins its pieces without a break, fades where the song fades, lasts as long, and sits near its level."""
    import pyloudnorm

    job, sink = fading_song
    wd = job.clips[0].workdir
    final, sr = sf.read(wd / "audio.wav", dtype="float32")
    stream = _decode((wd / "stream.mp3").read_bytes())
    lag = _lag(stream, final)
    assert lag < 2000
    stream = stream[lag:]
    assert abs(len(stream) - len(final)) <= 0.1 * SR
    n = min(len(stream), len(final))
    for a in range(0, n - SR, SR):  # every second, the first piece's and the joins included
        x, y = stream[a : a + SR, 0], final[a : a + SR, 0]
        if np.sqrt(np.mean(y**2)) > 1e-3:
            assert np.corrcoef(x, y)[0, 1] > 0.9, f"second {a // SR}"
    meter = pyloudnorm.Meter(sr)
    intro = int(json.loads((wd / "plan.json").read_text())["sections"][0]["end_s"] * sr)
    assert abs(meter.integrated_loudness(stream[:intro]) - meter.integrated_loudness(final[:intro])) < 3.0
    tail = np.sqrt(np.mean(stream[n - SR : n] ** 2))
    assert tail < 0.01 * np.sqrt(np.mean(stream[: n // 2] ** 2))  # faded out, as the song is
