"""Mashup (kie): two recordings combined into one song in the requested style.

Input (filled by the runtime): `request.extra["uploads"]` = the two recordings, in the order of kie's
`uploadUrlList`, each {"clip_id", "wav" (44.1 kHz stereo WAV), "duration"}.

The rule (the choice, documented in docs/engines/outside-audio.md): **the melody of the first over the
harmony and groove of the second.**
- Both are read (ops/recording.py). The song has the second's tempo, bar grid, key, mode and chords, bar for
  bar, and its length (its whole bars, as a cover of it would be): "groove" is what the composer can take
  from a recording, its tempo and bar grid; the drums and every other part are played by the instruments of
  `request.style` (default "pop"), since nothing of either recording's sound is reused.
- The first's melody is moved onto that grid beat for beat (its bar 1 on the second's bar 1; repeated when it
  is shorter, cut where it is longer) and transposed into the second's key: by the interval between the
  tonics, to the relative tonic when the modes differ (a minor tune over a major song sings in its relative
  minor), the smaller way round (at most a tritone). The sung notes take its pitch as in upload-cover
  (ops/cover.py, octaves fitted to the voice); an instrumental mashup gives it to the lead instrument.
- Words: `request.lyrics` (custom mode), or the songwriter's from `request.description` (the recordings'
  words cannot be transcribed; plan.json `lyrics_rule` "new").
- Two takes. The clips keep their lossless master and stems (there is no single recording to rebuild from).
A recording under 2 s or silent is refused, as is a first recording with no melody to carry.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from tunesmith.engines.base import EngineError, EngineJob, ProgressSink
from tunesmith.engines.composer import mastering
from tunesmith.engines.composer.ops.cover import (
    PitchAt,
    follow_melody,
    octave_shift,
    render_takes,
    sung_over,
)
from tunesmith.engines.composer.ops.over_recording import grid_start
from tunesmith.engines.composer.ops.recording import Reading, read_recording
from tunesmith.engines.composer.ops.upload_extend import read_upload
from tunesmith.engines.composer.plan import Line, Note, SongPlan

SR = 44100
MIN_S = 2.0


def _read(item: Any, which: str) -> tuple[np.ndarray, Reading]:
    path = Path(str(item.get("wav") or "")) if isinstance(item, dict) else None
    if path is None or not path.is_file():
        raise EngineError(f"the {which} recording is missing", retryable=False)
    x = read_upload(path)
    if len(x) < MIN_S * SR:
        raise EngineError(f"the {which} recording is too short ({len(x) / SR:.2f} s)", retryable=False)
    if mastering.loudness(x) <= -60:
        raise EngineError(f"the {which} recording is silent", retryable=False)
    return x, read_recording(x, SR)


def transposition(melody: Reading, harmony: Reading) -> int:
    """Semitones that move the melody's key onto the harmony's (its relative when the modes differ), in
    -6..5; 0 when either key is unknown."""
    a, b = melody.analysis, harmony.analysis
    if a.key_confidence <= 0 or b.key_confidence <= 0:
        return 0
    target = b.key if a.mode == b.mode else (b.key + (9 if a.mode == "minor" else 3))
    return (target - a.key + 6) % 12 - 6


def melody_beats(melody: Reading) -> tuple[float, float, float]:
    """(time of its first bar line, seconds per beat, beats in its whole bars from there)."""
    a = melody.analysis
    g, spb = grid_start(melody), 60.0 / a.bpm
    beats = 4 * max(1, int((melody.duration_s - g) / (4 * spb) + 1e-6))
    return g, spb, float(beats)


def mapped_pitch(melody: Reading, shift: int) -> PitchAt:
    """The melody recording's pitch at the song's beats: beat b of the song is beat b (mod its length) of
    the melody from its first bar line, moved by `shift` semitones."""
    g, spb, beats = melody_beats(melody)

    def pitch_at(a: float, b: float) -> float | None:
        start = a % beats
        p = melody.melody.pitch_at(g + start * spb, g + (start + b - a) * spb)
        return None if p is None else p + shift

    return pitch_at


def melody_lead(plan: SongPlan, melody: Reading, shift: int) -> None:
    """An instrumental mashup: the first recording's melody notes on the song's beats, by the lead."""
    g, spb, beats = melody_beats(melody)
    total = plan.total_bars * plan.bar_beats
    octave = octave_shift([m.pitch + shift for m in melody.melody.notes], 60, 84)
    notes = []
    for k in range(int(np.ceil(total / beats))):
        for m in melody.melody.notes:
            start = (m.start_s - g) / spb
            if 0 <= start < beats and k * beats + start < total:
                dur = min((m.end_s - m.start_s) / spb, total - k * beats - start)
                notes.append(Note(m.pitch + shift + octave, k * beats + start, dur, 84))
    if notes:
        plan.sections[0].lines.append(len(plan.lines))
        plan.lines.append(Line(0, "", (), notes))


def run_mashup(job: EngineJob, sink: ProgressSink) -> None:
    req = job.request
    uploads = req.extra.get("uploads")
    if not isinstance(uploads, list) or len(uploads) != 2:
        raise EngineError("a mashup needs exactly two recordings", retryable=False)
    _, melody = _read(uploads[0], "first")
    harmony_audio, harmony = _read(uploads[1], "second")
    if not melody.melody.notes:
        raise EngineError("no melody was found in the first recording to carry", retryable=False)
    song = sung_over(job, sink, harmony)
    shift = transposition(melody, harmony)
    t0 = song.t0
    plans = song.plans(job, harmony)
    for plan in plans:
        if song.lyrics:
            moved = follow_melody(plan, melody, t0, mapped_pitch(melody, shift))
            plan.notes.append(f"{moved} sung notes follow the first recording's melody")
        else:
            melody_lead(plan, melody, shift)
    n = len(harmony_audio)
    history = [
        {
            "op": "mashup",
            "melody_from": uploads[0].get("clip_id"),
            "harmony_from": uploads[1].get("clip_id"),
            "transpose_semitones": shift,
            "grid_start_s": round(t0, 4),
            "readings": [melody.to_json(), harmony.to_json()],
        }
    ]
    render_takes(
        job,
        sink,
        plans,
        song.style,
        n=n,
        t0=t0,
        history=history,
        rule=song.rule,
        text=song.text,
        rebuildable=False,
    )
