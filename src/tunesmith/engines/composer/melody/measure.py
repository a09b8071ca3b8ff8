"""How alike two sung lines are, and how a song's own melody behaves: the figures of bench/melody_bench.py.

A song's sung part is its lead-vocal notes in order (exactly the `vocals` track of song.mid). Two songs are
compared by their pitch contours aligned by proportion of the sung part: each sequence is resampled to the
same number of points by note index, so the first 10% of one song's notes meets the first 10% of the
other's, whatever their lengths. A Pearson correlation near 1 means one tune with different words.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from tunesmith.engines.composer.plan import SongPlan

POINTS = 240


@dataclass(frozen=True)
class SungSection:
    kind: str
    label: str
    lines: tuple[tuple[str, tuple[int, ...]], ...]  # (text, pitches) per sung line

    @property
    def pitches(self) -> list[int]:
        return [p for _, ps in self.lines for p in ps]


def sung_sections(plan: SongPlan) -> list[SungSection]:
    """The sung sections of a plan, each with the pitches of its lines in order."""
    out: list[SungSection] = []
    for sec in plan.sections:
        lines = tuple(
            (plan.lines[i].text, tuple(n.pitch for n in plan.lines[i].notes))
            for i in sec.lines
            if plan.lines[i].sung and plan.lines[i].notes
        )
        if lines:
            out.append(SungSection(sec.kind, sec.label, lines))
    return out


def sung_pitches(plan: SongPlan) -> list[int]:
    """Every lead-vocal pitch of the plan, in song order."""
    return [p for sec in sung_sections(plan) for p in sec.pitches]


def contour(pitches: Sequence[int], points: int = POINTS) -> np.ndarray:
    """The pitch sequence resampled by note index to `points` values (each point takes the note sounding at
    that share of the sequence)."""
    p = np.asarray(pitches, dtype=np.float64)
    if len(p) == 0:
        return np.zeros(points)
    idx = np.minimum((np.arange(points) + 0.5) / points * len(p), len(p) - 1).astype(np.int64)
    return p[idx]


def correlation(a: Sequence[int], b: Sequence[int], points: int = POINTS) -> float:
    """Pearson correlation of two pitch sequences aligned by proportion; 0 where either is flat."""
    x, y = contour(a, points), contour(b, points)
    if x.std() < 1e-9 or y.std() < 1e-9:
        return 0.0
    return float(np.corrcoef(x, y)[0, 1])


def intervals(pitches: Sequence[int]) -> list[int]:
    return [b - a for a, b in zip(pitches, pitches[1:], strict=False)]


def shared_intervals(a: Sequence[int], b: Sequence[int]) -> float:
    """Share of melodic intervals that are identical when the two interval sequences are aligned by
    proportion (index i of the shorter meets the proportional index of the longer)."""
    ia, ib = intervals(a), intervals(b)
    if not ia or not ib:
        return 0.0
    if len(ia) > len(ib):
        ia, ib = ib, ia
    scale = (len(ib) - 1) / max(1, len(ia) - 1)
    same = sum(1 for i, v in enumerate(ia) if ib[int(round(i * scale))] == v)
    return same / len(ia)


def hook_returns(plan: SongPlan) -> list[float]:
    """Correlation of each later chorus with the song's first chorus (aligned by proportion)."""
    choruses = [s for s in sung_sections(plan) if s.kind == "chorus"]
    if len(choruses) < 2:
        return []
    first = choruses[0].pitches
    return [correlation(first, later.pitches) for later in choruses[1:]]


def largest_leap(plan: SongPlan) -> int:
    """The largest interval, in semitones, between consecutive notes of one sung line."""
    leaps = [abs(v) for sec in sung_sections(plan) for _, ps in sec.lines for v in intervals(ps)]
    return max(leaps, default=0)


def words_sung(plan: SongPlan) -> tuple[int, int]:
    """(words that get at least one note, words in the sung lines): every word is sung when equal.
    A word espeak left silent (no syllable) is counted as unsung."""
    total = sung = 0
    for line in plan.lines:
        if not line.sung or line.spoken is None:
            continue
        total += len(line.words)
        sung += len({line.spoken.syllables[n.syllable].token for n in line.notes})
    return sung, total


def pairwise(values: Sequence[Sequence[int]], measure: str = "correlation") -> list[float]:
    """`correlation` or `shared_intervals` for every pair of sequences."""
    fn = correlation if measure == "correlation" else shared_intervals
    return [fn(values[i], values[j]) for i in range(len(values)) for j in range(i + 1, len(values))]
