"""One melodic phrase: a rhythm on a grid and scale degrees that land on chord tones.

Strong beats take chord tones near an arched contour, weak positions move by step, a phrase ends on a chord
tone (the tonic at the end of a section) and leaves a breath before the next line. The same inputs and seed
give the same phrase, which is how repeated choruses keep their tune.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from tunesmith.engines.composer.harmony import Chord, degree_to_midi


@dataclass(frozen=True)
class Register:
    low: int
    high: int
    tonic: int  # MIDI note of the tonic inside the range
    key: int
    mode: str

    def midi(self, degree: int) -> int:
        return degree_to_midi(degree, self.key, self.mode, self.tonic)

    def pc(self, degree: int) -> int:
        return self.midi(degree) % 12


def register_for(voice: str | None, key: int, mode: str) -> Register:
    low, high = (57, 76) if voice == "female" else (45, 64)
    tonic = min((p for p in range(low, high) if p % 12 == key), key=lambda p: abs(p - (low + 6)))
    return Register(low, high, tonic, key, mode)


def rhythm(n: int, slots: int, rng: random.Random) -> list[tuple[int, int]]:
    """(start slot, length in slots) for n notes in `slots`, keeping at least 2 slots of breath at the end."""
    n = max(1, n)
    room = slots - 2
    offset = 1 if n <= room - 3 and rng.random() < 0.35 else 0
    lengths = [1] * n
    extra = max(0, room - offset - n)
    lengths[-1] += min(extra, 3)
    extra -= min(extra, 3)
    candidates = list(range(n - 1))
    while extra > 0 and candidates:
        i = rng.choice(candidates)
        lengths[i] += 1
        extra -= 1
        if lengths[i] >= 3:
            candidates.remove(i)
    out, pos = [], offset
    for length in lengths:
        out.append((pos, length))
        pos += length
    return out


def _chord_degrees(ch: Chord, reg: Register, lo: int, hi: int) -> list[int]:
    return [d for d in range(lo, hi + 1) if reg.pc(d) in ch.tones]


def phrase(
    n: int,
    *,
    slots: int,
    unit: float,
    bar_beats: int,
    chords: list[Chord],
    reg: Register,
    center: int,
    rng: random.Random,
    resolve: bool,
) -> list[tuple[float, float, int]]:
    """(start beat, length in beats, MIDI pitch) for n syllables over len(chords) bars."""
    lo_deg = next(d for d in range(-14, 14) if reg.midi(d) >= reg.low)
    hi_deg = max(d for d in range(-14, 21) if reg.midi(d) <= reg.high)
    times = rhythm(n, slots, rng)
    out: list[tuple[float, float, int]] = []
    prev = center
    peak_at = rng.uniform(0.4, 0.7)
    for i, (slot, length) in enumerate(times):
        beat = slot * unit
        bar = min(int(beat // bar_beats), len(chords) - 1)
        ch = chords[bar]
        x = i / max(1, n - 1)
        target = center + round(2.5 * (1 - ((x - peak_at) / max(peak_at, 1 - peak_at)) ** 2)) - 1
        last = i == n - 1
        strong = abs(beat - round(beat)) < 1e-6 and (round(beat) % 2 == 0 or unit >= 1.0)
        if last or strong or i == 0:
            tones = _chord_degrees(ch, reg, lo_deg, hi_deg)
            if last and resolve:
                tonic_degs = [d for d in tones if d % 7 == 0]
                tones = tonic_degs or tones
            goal = prev if last else target
            deg = min(tones, key=lambda d: (abs(d - goal) + 0.6 * abs(d - prev), d)) if tones else prev
        else:
            step = 0 if target == prev else (1 if target > prev else -1)
            if rng.random() < 0.25:
                step = rng.choice((-1, 0, 1))
            deg = prev + step
        if abs(deg - prev) > 4:
            deg = prev + (4 if deg > prev else -4)
        deg = min(max(deg, lo_deg), hi_deg)
        out.append((beat, length * unit, reg.midi(deg)))
        prev = deg
    return out


def harmony_line(pitches: list[int], reg: Register) -> list[int]:
    """A diatonic third above each note (below when above the range), for chorus backing vocals."""
    from tunesmith.engines.composer.harmony import midi_to_degree

    out = []
    for p in pitches:
        d = midi_to_degree(p, reg.key, reg.mode, reg.tonic)
        up = reg.midi(d + 2)
        out.append(up if up <= reg.high + 3 else reg.midi(d - 2))
    return out
