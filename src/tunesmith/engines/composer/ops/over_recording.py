"""New composer material laid over a recording's bar grid and chords (the outside-audio operations share it).

A plan whose bar 0 is the recording's first bar line (`Reading.analysis.downbeat_s`, the pickup before it is
left to the recording) and whose chords are the recording's, bar for bar (`RecordingBuilder.chords_for`),
cycled when the plan runs longer than the recording. The melody writer writes sung lines on those chords,
so a vocal added to an instrumental sings its harmony; the arranger plays them, so a backing added to an a
cappella follows the chords its melody implies.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np

from tunesmith.engines.base import EngineJob
from tunesmith.engines.composer.compose import _Builder
from tunesmith.engines.composer.harmony import Chord
from tunesmith.engines.composer.lyrics import parse_lyrics, tokens
from tunesmith.engines.composer.ops.continuation import take_seed
from tunesmith.engines.composer.ops.recording import Reading
from tunesmith.engines.composer.plan import SongPlan
from tunesmith.engines.composer.style import NOTE_NAMES, Style, parse_style
from tunesmith.engines.composer.syllables import SpokenLine, voice_for

SR = 44100
DEFAULT_STYLE = "pop"


def grid_start(reading: Reading) -> float:
    """Clip time of the plan's bar 0: the recording's first bar line."""
    a = reading.analysis
    return a.downbeat_s if a.tempo_confidence > 0 else 0.0


def bar_chords(reading: Reading, shift: int = 0) -> list[Chord]:
    """The recording's chords from its first bar line, one per bar, as composer chords (moved `shift`
    semitones); a bar without a chord keeps the one before (the tonic at the start)."""
    a = reading.analysis
    first = grid_start(reading)
    out: list[Chord] = []
    last = _chord((a.key + shift) % 12, a.mode == "minor")
    for c in reading.chords:
        if c.start_s < first - 1e-3:
            continue
        if c.quality != "none":
            last = _chord((c.root + shift) % 12, c.quality == "min")
        out.append(last)
    return out or [last]


def _chord(root: int, minor: bool) -> Chord:
    third = 3 if minor else 4
    return Chord(
        NOTE_NAMES[root] + ("m" if minor else ""), root, (root, (root + third) % 12, (root + 7) % 12)
    )


class RecordingBuilder(_Builder):
    """The composer's plan builder with the recording's chords in place of the genre's progressions."""

    def __init__(self, chords: list[Chord], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.recording_chords = chords

    def chords_for(self, kind: str, bars: int, final: bool = False) -> list:
        rc = self.recording_chords
        return [rc[(self.bar + b) % len(rc)] for b in range(bars)]


def style_over(req: Any, reading: Reading, seed: int, *, instrumental: bool, lead: bool = True) -> Style:
    """The request's style (instruments, genre, voice) in the recording's tempo, key and mode, in 4/4;
    without the lead instrument when `lead` is False (it would play over the recording's own melody)."""
    a = reading.analysis
    base = parse_style(
        req.style.strip() or DEFAULT_STYLE,
        negative=req.negative_style,
        seed=seed,
        vocal_gender=req.vocal_gender,
        instrumental=instrumental,
    )
    notes = list(base.notes)
    changes: dict[str, Any] = {"meter": 4}
    if a.tempo_confidence > 0:
        changes["bpm"] = a.bpm
        notes.append(f"tempo {a.bpm:g} bpm and bar grid from the recording")
    if a.key_confidence > 0:
        changes.update(key=a.key, mode=a.mode)
        notes.append(f"key from the recording: {NOTE_NAMES[a.key]} {a.mode}")
    if not lead:
        changes["lead"] = None
    return replace(base, notes=tuple(notes), **changes)


def plan_over(
    *,
    reading: Reading,
    style: Style,
    lyrics: str,
    title: str,
    take: int,
    seed: int,
    language: str,
    spoken: dict[str, SpokenLine] | None,
    chords: list[Chord] | None = None,
) -> SongPlan:
    """Sung sections of `lyrics` (none when empty) on the recording's chords, then backing to the end of the
    recording (whole bars); no lead-instrument lines (the recording has its own melody)."""
    chords = chords or bar_chords(reading)
    b = RecordingBuilder(chords, style, take, seed, language, spoken)
    bar_s = b.bar_beats * 60.0 / style.bpm
    total = max(1, int(np.ceil((reading.duration_s - grid_start(reading)) / bar_s - 1e-6)))
    notes: list[str] = []
    voice = None
    sung = [s for s in parse_lyrics(lyrics) if s.lines and any(tokens(t) for t in s.lines)]
    if sung and style.voice is not None:
        voice, note = voice_for(language, style.voice)
        if note:
            notes.append(note)
        if total > 4:
            b.add_section("intro", "Intro", min(2, total // 4))
        for sec in sung:
            if b.bar >= total:
                notes.append("the words run past the recording's end: the rest is left out")
                break
            b.sung_section(sec, voice)
    while b.bar < total:
        b.add_section("verse" if voice is None else "outro", "Backing", min(4, total - b.bar))
    plan = b.plan(title, voice, notes)
    plan.tail_s = 0.0
    return plan


def plans_over(
    job: EngineJob,
    reading: Reading,
    style: Style,
    *,
    lyrics: str,
    title: str,
    language: str,
    spoken: dict[str, SpokenLine] | None,
) -> list[SongPlan]:
    """One `plan_over` per take of the job, each take with its own seed."""
    return [
        plan_over(
            reading=reading,
            style=style,
            lyrics=lyrics,
            title=title,
            take=slot.index,
            seed=take_seed(job, slot.index),
            language=language,
            spoken=spoken,
        )
        for slot in job.clips
    ]


def place(x: np.ndarray, at: float, n: int) -> np.ndarray:
    """`x` placed at clip time `at` (seconds) in a clip of n samples (cut or padded)."""
    out = np.zeros((n, *x.shape[1:]), np.float32)
    i = int(round(at * SR))
    m = max(0, min(len(x), n - i))
    out[i : i + m] = x[:m]
    return out
