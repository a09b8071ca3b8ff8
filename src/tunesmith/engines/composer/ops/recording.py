"""Everything the composer reads from a recording it did not make, in one object.

The operations on outside audio (upload-cover, add-vocals, add-instrumental, mashup) need more than
upload-extend's tempo and key: the chords of every bar (a new part must fit them), the sung melody as notes
(a cover re-sings it), the sections (which phrases return) and whether anyone sings at all. Each part lives
in its own module: analysis.py (tempo, bar grid, key, loudness), chords.py, melody_track.py, structure.py.
The key is read twice: from the whole-file chroma (analysis.py), then from the bar chords and that chroma
together (chords.chord_key), and the chords are read again in that key. Accuracy on composer renders is
measured by bench/analysis_bench.py.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from tunesmith.engines.composer.ops.analysis import PITCHES, Analysis, analyse, key_scores
from tunesmith.engines.composer.ops.chords import BarChord, bar_chords, chord_key, note_matrix
from tunesmith.engines.composer.ops.melody_track import MelodyTrack, track
from tunesmith.engines.composer.ops.structure import SectionSpan, sections


@dataclass(frozen=True)
class Reading:
    analysis: Analysis
    duration_s: float
    chords: list[BarChord]
    melody: MelodyTrack
    sections: list[SectionSpan]

    @property
    def vocals(self) -> bool:
        return self.melody.vocals

    def to_json(self) -> dict[str, Any]:
        """The reading as plan.json's history keeps it (the melody as [pitch, start_s, end_s] notes)."""
        return {
            **self.analysis.to_json(),
            "duration_s": round(self.duration_s, 3),
            "chords": [c.name() for c in self.chords],
            "chord_starts_s": [c.start_s for c in self.chords],
            "melody": [n.to_json() for n in self.melody.notes],
            "vocals": self.vocals,
            "vocal_share": self.melody.vocal_share,
            "sections": [s.to_json() for s in self.sections],
        }


def read_recording(mix: np.ndarray, sr: int = 44100) -> Reading:
    """Tempo, grid, key, chords per bar, melody, sections and vocals of `mix` ((n, 2) or (n,) float)."""
    x = np.asarray(mix, dtype=np.float32)
    mono = x.mean(axis=1) if x.ndim == 2 else x
    duration = len(mono) / sr
    a = analyse(x, sr)
    notes, fps = note_matrix(mono, sr)
    chords = bar_chords(notes, fps, a, duration)
    if a.key_confidence > 0:  # the key again, from the chords too; then the chords in that key
        pcs = (np.arange(notes.shape[1]) + PITCHES[0]) % 12
        chroma = np.bincount(pcs, notes.sum(axis=0), minlength=12)
        key, mode, margin = chord_key(chords, key_scores(chroma))
        a = replace(a, key=key, mode=mode, key_confidence=max(margin, 1e-4))
        chords = bar_chords(notes, fps, a, duration)
    melody = track(mono, sr)
    hop = sr // 100
    rms = (
        np.sqrt(np.convolve(mono**2, np.ones(hop) / hop, mode="valid")[::hop] + 1e-12)
        if len(mono) > hop
        else None
    )

    def loudness_at(start: float, end: float) -> float:
        if rms is None:
            return 0.0
        seg = rms[int(start * 100) : max(int(start * 100) + 1, int(end * 100))]
        return float(seg.mean()) if len(seg) else 0.0

    secs = sections(chords, a.bar_s, duration, melody.pitch_at, loudness_at)
    return Reading(analysis=a, duration_s=duration, chords=chords, melody=melody, sections=secs)
