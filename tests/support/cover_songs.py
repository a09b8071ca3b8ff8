"""Composer songs to cover and how a cover's tune is compared with theirs (the upload-cover flow test and
bench/cover_contour_bench.py share it).

The figure: the median sung pitch per beat of the source's bar grid (melody_track on each clean vocal stem),
the cover moved by its median interval to the source (transposition) and each beat by whole octaves to the
source's (a sung octave, or the tracker's octave slip, is the same tune), then Pearson's r over the beats
where both sing. The upload-cover test asserts r >= 0.7.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from tests.support.sink import RecordingSinkForTests
from tunesmith.domain.operations import SongRequest
from tunesmith.engines.base import ClipSlot, EngineJob
from tunesmith.engines.composer.ops import melody_track

if TYPE_CHECKING:
    from tunesmith.engines.composer.engine import ComposerEngine

# (style, seed, words) of short composer songs (an intro, a two-line verse, an outro: 22-36 s)
SOURCES = (
    ("pop, female vocals", 11, "[Verse]\nI walk along the empty street\nthe city sleeps beneath my feet"),
    ("rock, male vocals", 23, "[Verse]\nthunder rolling down the line\nwe keep running out of time"),
    ("folk, acoustic guitar, female vocals", 37, "[Verse]\nmy grandmother kept a garden\nroses by the door"),
    ("r&b, smooth, male vocals", 41, "[Verse]\nrain on a sunday morning\nstay a little longer"),
    ("country, male vocals", 53, "[Verse]\ndusty highway in the summer\nradio playing low"),
    ("synthwave, female vocals", 67, "[Verse]\nneon lights on the highway\ndriving through the night"),
    ("soul, female vocals", 79, "[Verse]\nyou held my hand the first time\nand the world stood still"),
    ("reggae, male vocals", 97, "[Verse]\nisland breeze is calling\nsun upon the sea"),
)
COVER_WORDS = "\n".join(
    [
        "[Verse]",
        "I carry every word you said",
        "across the river in my head",
        "the morning light is turning gold",
        "and every story must be told",
        "[Chorus]",
        "hold on hold on to me",
        "we are the waves upon the sea",
        "hold on hold on tonight",
        "until the dark becomes the light",
    ]
)
COVER_STYLE = "jazz, piano, male vocals"


def render_source(engine: ComposerEngine, workdir: Path, style: str, seed: int, words: str) -> Path:
    """One take of a song in `style` singing `words` with `seed` into `workdir` (ComposerEngine.run); the
    folder (audio.wav, audio.mp3, plan.json, stems/vocals.wav, song.mid). Kept when already rendered."""
    if not ((workdir / "plan.json").is_file() and (workdir / "stems" / "vocals.wav").is_file()):
        req = SongRequest(custom_mode=True, lyrics=words, style=style, title="Source")
        slot = ClipSlot(clip_id=workdir.name, index=0, workdir=workdir)
        job = EngineJob(task_id=workdir.name, request=req, clips=(slot,), seed=seed)
        engine.run(job, RecordingSinkForTests())
    return workdir


def beat_contour(x: np.ndarray, bpm: float, start: float, beats: int) -> np.ndarray:
    """Median sung pitch (fractional MIDI) per beat of a vocal stem ((n,) or (n, channels) at 44.1 kHz), from
    `start` seconds; nan where less than 50 ms of a beat has a pitch."""
    mono = x.mean(axis=1) if x.ndim == 2 else x
    track = melody_track.track(mono)
    spb, out = 60.0 / bpm, []
    for k in range(beats):
        seg = track.pitch[int((start + k * spb) * 100) : int((start + (k + 1) * spb) * 100)]
        seg = seg[np.isfinite(seg)]
        out.append(float(np.median(seg)) if len(seg) > 5 else np.nan)
    return np.array(out)


def contour_r(was: np.ndarray, now: np.ndarray) -> tuple[float, int]:
    """(Pearson's r, beats compared) of two beat contours after transposition and per-beat octave folding
    (nan when fewer than 3 beats have both)."""
    both = np.isfinite(was) & np.isfinite(now)
    if both.sum() < 3:
        return float("nan"), int(both.sum())
    shift = float(np.median(now[both] - was[both]))
    moved = now[both] - shift
    moved -= 12 * np.round((moved - was[both]) / 12)
    return float(np.corrcoef(was[both], moved)[0, 1]), int(both.sum())
