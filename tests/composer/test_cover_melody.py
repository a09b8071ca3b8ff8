"""upload-cover sings the recording's tune whatever its seed: on a song whose sung line is known (a band and a
voice-like line, tests/support/recordings.py), each take's sung notes (song.mid) start on the line's notes
and keep their pitches up to one transposition, for several seeds; and the cover plays the requested style's
instruments. (Through the service: tests/api/test_add_parts_flow.py; on composer songs, where the melody
track is less sure, the figures are bench/cover_contour_bench.py's.)"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from pathlib import Path

import pretty_midi
import pytest
from tests.support.composer_jobs import make_job
from tests.support.recordings import LINE, band, sung_line, wav_bytes
from tests.support.sink import RecordingSinkForTests

from tunesmith.domain.operations import OperationKind, SongRequest
from tunesmith.engines.base import SourceClip

BPM, SECONDS = 96.0, 20.0
WORDS = "[Verse]\nI walk along the empty street\nthe city sleeps beneath my feet\n[Chorus]\nWe are shining"


def _line_notes() -> list[tuple[int, float]]:
    """(pitch, start seconds) of every note of the recording's sung line."""
    beat, out, t, i = 60.0 / BPM, [], 0.0, 0
    while t < SECONDS - 0.5:
        pitch, beats = LINE[i % len(LINE)]
        out.append((pitch, t))
        t, i = t + beats * beat, i + 1
    return out


@pytest.mark.parametrize("seed", [3, 11, 29])
def test_the_cover_sings_the_recordings_line_for_every_seed(engine, tmp_path: Path, seed: int) -> None:  # type: ignore[no-untyped-def]  # noqa: E501
    wav = tmp_path / "song.wav"
    wav.write_bytes(wav_bytes(0.6 * band(BPM, SECONDS) + 0.6 * sung_line(BPM, SECONDS)))
    req = SongRequest(
        kind=OperationKind.UPLOAD_COVER,
        custom_mode=True,
        lyrics=WORDS,
        style="jazz, piano, male vocals",
        title="Covered",
    )
    source = SourceClip(clip_id="up", duration=SECONDS, workdir=tmp_path, wav=wav)
    job = replace(make_job(tmp_path / "out", req, seed=seed, clips=1), source=source)
    engine.run(job, RecordingSinkForTests())
    midi = pretty_midi.PrettyMIDI(str(tmp_path / "out" / "clip0" / "song.mid"))
    sung = sorted((n.start, n.pitch) for i in midi.instruments if i.name == "vocals" for n in i.notes)
    assert len(sung) >= 12, sung
    line = _line_notes()
    on_a_note, intervals = 0, Counter()
    for start, pitch in sung:
        src = min(line, key=lambda n: abs(n[1] - start))
        on_a_note += abs(src[1] - start) <= 0.08
        sounding = max((n for n in line if n[1] <= start + 0.08), key=lambda n: n[1])
        intervals[(pitch - sounding[0]) % 12] += 1
    assert on_a_note >= 0.8 * len(sung), (sung, line)  # the line's rhythm
    assert intervals.most_common(1)[0][1] >= 0.8 * len(sung), intervals  # its pitches, one transposition
    programs = {i.program for i in midi.instruments if not i.is_drum and i.name != "vocals"}
    assert programs & set(range(8)), programs  # a piano (GM 0-7) plays the jazz cover
