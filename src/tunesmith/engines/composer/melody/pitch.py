"""The pitches of one line: a contour and a motif, fitted to the chords.

A line has a shape (where it sits, which way it moves, how far) and a head motif (the first notes' steps,
which is what makes lines of a section sound related). Notes on strong beats, long notes and the last note
take chord tones near the shape; the notes between move by step, so non-chord tones are passing or
neighbour tones. A leap is followed by a step back, no leap exceeds the style's limit, and the last note
cadences: on the tonic (closed), on the second or fifth (open, asking for more), or on any chord tone.
Rapped and spoken lines stay on a few pitches around one chord tone and fall at the end.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from tunesmith.engines.composer.harmony import Chord
from tunesmith.engines.composer.melody.register import Register
from tunesmith.engines.composer.melody.rhythm import Meter, metric_weight


@dataclass(frozen=True)
class LineShape:
    base: float  # scale degree the line centres on
    contour: str  # arch | valley | rise | fall | wave | level
    amplitude: float  # scale steps from the contour's lowest to its highest point
    peak: float  # where an arch or valley turns, 0..1
    head: tuple[int, ...]  # the motif: steps of the first notes from the line's first note
    cadence: str  # closed | open | free
    leap: int  # largest leap, in scale steps
    lo: int  # lowest degree the line may use
    hi: int  # highest degree
    delivery: str = "sung"  # sung | rap | spoken
    sequence: tuple[int, ...] = ()  # the motif again, moved by these steps, after its first statement


def contour_at(shape: LineShape, x: float) -> float:
    a, p = shape.amplitude, min(0.9, max(0.1, shape.peak))
    if shape.contour == "arch":
        return a * (1.0 - ((x - p) / max(p, 1.0 - p)) ** 2) - a / 2
    if shape.contour == "valley":
        return -(a * (1.0 - ((x - p) / max(p, 1.0 - p)) ** 2) - a / 2)
    if shape.contour == "rise":
        return a * (x - 0.5)
    if shape.contour == "fall":
        return a * (0.5 - x)
    if shape.contour == "wave":
        return a / 2 * math.sin(2 * math.pi * (1.25 * x + p))
    return 0.0


def _chord_degrees(ch: Chord, reg: Register, lo: int, hi: int) -> list[int]:
    return [d for d in range(lo, hi + 1) if reg.pc(d) in ch.tones]


AWKWARD = frozenset({6, 10, 11})  # tritone and sevenths: hard to sing, never leapt


def _singable(reg: Register, a: int | None, b: int, limit: int) -> bool:
    if a is None:
        return True
    semis = abs(reg.midi(b) - reg.midi(a))
    return abs(b - a) <= limit and semis not in AWKWARD and semis <= 9


def _cadence_pick(tones: list[int], cadence: str, near: float) -> int:
    if cadence == "closed":
        pool = [d for d in tones if d % 7 == 0] or [d for d in tones if d % 7 == 2] or tones
    elif cadence == "open":
        pool = [d for d in tones if d % 7 in (1, 4)] or [d for d in tones if d % 7 != 0] or tones
    else:
        pool = tones
    return min(pool, key=lambda d: (abs(d - near), d))


def line_pitches(
    timing: Sequence[tuple[float, float]],
    stress: Sequence[float],
    shape: LineShape,
    chords: Sequence[Chord],
    reg: Register,
    meter: Meter,
) -> list[int]:
    """One MIDI pitch per note of `timing` ((start beat, length) from the line's first bar)."""
    n = len(timing)
    if n == 0:
        return []
    lo, hi = shape.lo, shape.hi
    first, last_t = timing[0][0], timing[-1][0]
    span = max(last_t - first, 1e-6)
    speech = shape.delivery in ("rap", "spoken")
    head_base = shape.base + contour_at(shape, 0.0)
    out: list[int] = []
    prev: int | None = None
    prev_leap = 0
    for k, (beat, dur) in enumerate(timing):
        bar = min(max(int(beat // meter.bar_beats), 0), len(chords) - 1)
        ch = chords[bar]
        x = (beat - first) / span
        w = metric_weight(beat, meter)
        last = k == n - 1
        if speech:
            target = (
                shape.base
                + (0.6 if stress[k] >= 0.8 else 0.0)
                - (1.5 * x**3 if shape.contour == "fall" else 0)
            )
        elif k < len(shape.head) * (1 + len(shape.sequence)):
            r, j = divmod(k, len(shape.head))
            target = head_base + (shape.sequence[r - 1] if r else 0) + shape.head[j]
        else:
            target = shape.base + contour_at(shape, x)
        if prev is not None and abs(prev_leap) >= 2 and (target - prev) * prev_leap > 0:
            # a leap is answered by a step back (or at most a step on, after a third)
            target = (
                prev - (1 if prev_leap > 0 else -1)
                if abs(prev_leap) > 2
                else prev + (1 if prev_leap > 0 else -1)
            )
        strong = last or w >= 0.6 or dur >= 1.0 or (stress[k] >= 0.8 and w >= 0.35) or prev is None
        tones = _chord_degrees(ch, reg, lo, hi)
        if last and tones:
            deg = _cadence_pick(
                [d for d in tones if _singable(reg, prev, d, shape.leap)] or tones,
                shape.cadence,
                target if prev is None else (target + prev) / 2,
            )
        elif strong and tones:
            limit = shape.leap if not speech else 2
            ok = [d for d in tones if _singable(reg, prev, d, limit)] or tones
            deg = min(
                ok, key=lambda d: (abs(d - target) + 0.25 * (abs(d - prev) if prev is not None else 0), d)
            )
        else:
            deg = int(round(target))
            if prev is not None:
                step = 1 if speech else 2
                if 0 < k < len(shape.head) * (1 + len(shape.sequence)) and not speech:
                    j = k % len(shape.head)
                    step = max(step, abs(shape.head[j] - shape.head[j - 1]) if j else 2)
                deg = max(prev - step, min(prev + step, deg))
        deg = max(lo, min(hi, deg))
        if not speech and prev is not None and len(out) >= 2 and deg == prev and reg.degree(out[-2]) == prev:
            # no more than two notes in a row on one pitch: a strong note takes the next chord tone
            others = [d for d in tones if d != prev and _singable(reg, prev, d, shape.leap)] if strong else []
            if others:
                deg = min(others, key=lambda d: (abs(d - target), d))
            else:
                up = prev + 1 <= hi and (target >= prev or prev - 1 < lo)
                deg = prev + 1 if up else prev - 1
        while prev is not None and deg != prev and not _singable(reg, prev, deg, max(shape.leap, 2)):
            deg += 1 if deg < prev else -1
        if prev is not None:
            prev_leap = deg - prev
        prev = deg
        out.append(reg.midi(deg))
    return out
