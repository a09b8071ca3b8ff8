"""The rhythm of one sung line: where each syllable starts and how long it lasts.

Every syllable is placed on a grid by dynamic programming over all onset positions of the line, scoring
- stress against the meter: stressed syllables on strong beats, light ones off them;
- the section's rhythm cell: onsets the section keeps returning to (its rhythmic identity);
- the pace the style asks for, stressed syllables held longer than light ones;
- syncopation: a stressed syllable may anticipate a strong beat and be held across it;
- a held last note and a breath before the next line.
The best-scoring path is exact (not greedy), so the same words in the same section always get the same rhythm.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

NEG = -1e9


@dataclass(frozen=True)
class Meter:
    bar_beats: int
    compound: bool  # 6/8: two dotted-quarter pulses per bar of three quarter beats


def metric_weight(beat: float, meter: Meter) -> float:
    """How strong a position is (1 = downbeat), from its place in the bar."""
    b = beat % meter.bar_beats
    if abs(b) < 1e-6:
        return 1.0
    if meter.compound:
        if abs(b - 1.5) < 1e-6:
            return 0.75
        return 0.35 if abs(b * 2 - round(b * 2)) < 1e-6 else 0.12
    if abs(b - round(b)) < 1e-6:
        if meter.bar_beats == 4:
            return 0.8 if round(b) == 2 else 0.6
        return 0.5
    return 0.35 if abs(b * 2 - round(b * 2)) < 1e-6 else 0.12


@dataclass(frozen=True)
class LineRhythm:
    """What the dynamic program needs to know about one line."""

    slots: int  # grid positions in the line's window
    grid: float  # beats per slot
    pickup: int  # slots before the window the first syllables may take
    breath: int  # slots kept silent at the end of the window
    min_gap: int  # shortest note, in slots
    target_gap: float  # slots per syllable the pace asks for
    hold: float  # beats the last note wants
    max_hold: float  # longest a note sounds before a rest, in beats
    syncopation: float
    legato: float
    swing: float
    steady: float = 0.8  # how strongly the pace holds against the pull of strong beats and the cell


def place(
    stress: Sequence[float], spec: LineRhythm, meter: Meter, cell: frozenset[float], cell_beats: float
) -> list[tuple[float, float]]:
    """(start beat, length in beats) of every syllable, relative to the line's first bar."""
    n = len(stress)
    lo, end = -spec.pickup, spec.slots - spec.breath
    positions = np.arange(lo, end)
    m = len(positions)
    if n == 0:
        return []
    if n * spec.min_gap > m - 1:
        return _even(n, spec)
    beats = positions * spec.grid
    weight = np.array([metric_weight(b, meter) for b in beats])
    in_cell = np.array(
        [1.0 if round((b % cell_beats) * 4) / 4 in cell and b >= 0 else 0.0 for b in beats], dtype=float
    )
    # an off-beat position whose next grid step is a strong beat: a syncopated note held across it
    nxt = np.array([metric_weight(b + spec.grid, meter) for b in beats])
    anticipates = (weight < 0.5) & (nxt >= 0.6)
    stress_a = np.asarray(stress, dtype=float)
    max_gap = max(spec.min_gap + 1, int(round(max(3.0, spec.max_hold * 1.5) / spec.grid)))
    gaps = np.arange(spec.min_gap, max_gap + 1)
    log_pace = np.log2(gaps / max(spec.target_gap, spec.min_gap))

    def node(i: int) -> np.ndarray:
        s = stress_a[i]
        score = 2.2 * (s - 0.45) * weight + 0.9 * in_cell
        if spec.pickup:  # light syllables lead into the line; a stressed one waits for the downbeat
            score = np.where(beats < 0, score + 1.2 * (0.5 - s) - (0.0 if i < 3 else 4.0), score)
        return score

    score = node(0) - 0.08 * np.maximum(positions, 0)
    back = np.zeros((n, m), dtype=np.int64)
    for i in range(1, n):
        prev_s = stress_a[i - 1]
        best = np.full(m, NEG)
        arg = np.zeros(m, dtype=np.int64)
        for k, g in enumerate(gaps):
            if g >= m:
                break
            # previous syllable at index j-g: pace, longer when stressed, syncopation across a strong beat
            cand = score[:-g] - spec.steady * abs(log_pace[k]) + 0.9 * (prev_s - 0.5) * log_pace[k]
            if g >= 2:
                cand = cand + 1.4 * spec.syncopation * prev_s * anticipates[:-g]
            if g * spec.grid > spec.max_hold:
                cand = cand - 0.6
            better = cand > best[g:]
            best[g:] = np.where(better, cand, best[g:])
            arg[g:] = np.where(better, g, arg[g:])
        score = best + node(i)
        back[i] = arg
    # the last syllable: on a strong position, held long enough, a breath after it
    room = (end - positions) * spec.grid
    final = score + 4.0 * np.minimum(1.0, room / max(spec.hold, spec.grid)) + 0.8 * weight
    final = np.where(room >= spec.min_gap * spec.grid, final, NEG)
    j = int(np.argmax(final))
    if final[j] <= NEG / 2:
        return _even(n, spec)
    onsets = [j]
    for i in range(n - 1, 0, -1):
        j -= int(back[i][j])
        onsets.append(j)
    onsets.reverse()
    return _timed([int(positions[o]) for o in onsets], end, spec)


def _timed(starts: list[int], end: int, spec: LineRhythm) -> list[tuple[float, float]]:
    """Slot onsets -> (beat, length): legato to the next syllable up to `max_hold`, swing on off-beat
    eighths (as the backing swings them)."""
    out: list[tuple[float, float]] = []
    beats = [_swung(s * spec.grid, spec.swing) for s in starts]
    for k, b in enumerate(beats):
        if k + 1 < len(beats):
            gap = beats[k + 1] - b
            dur = min(gap * spec.legato if gap * spec.legato >= 0.2 else gap * 0.97, spec.max_hold)
        else:
            dur = min((end * spec.grid) - b, max(spec.hold, 1.0))
        out.append((round(b, 4), round(max(dur, spec.grid * 0.5), 4)))
    return out


def _swung(beat: float, swing: float) -> float:
    frac = beat % 1.0
    return beat + swing * 0.5 if swing and abs(frac - 0.5) < 1e-6 else beat


def _even(n: int, spec: LineRhythm) -> list[tuple[float, float]]:
    """Too many syllables for the grid: spread them evenly over the window (a last resort)."""
    span = (spec.slots - spec.breath) * spec.grid
    step = span / (n + 1)
    return [(round(k * step, 4), round(step * (2.0 if k == n - 1 else 0.95), 4)) for k in range(n)]


def gap_slots(seconds: float, grid: float, spb: float) -> int:
    return max(1, math.ceil(seconds / (grid * spb) - 1e-9))
