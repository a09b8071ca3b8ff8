"""Scales and chords: roman numerals in a key -> pitch classes, and helpers to find chord tones.

The melody and every backing part read their notes from here, so they always agree on the harmony.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAJOR = (0, 2, 4, 5, 7, 9, 11)
MINOR = (0, 2, 3, 5, 7, 8, 10)
_NUMERALS = {"i": 0, "ii": 1, "iii": 2, "iv": 3, "v": 4, "vi": 5, "vii": 6}


@dataclass(frozen=True)
class Chord:
    symbol: str  # roman numeral as written in the plan
    root: int  # pitch class
    tones: tuple[int, ...]  # pitch classes, root first

    def name(self) -> str:
        from tunesmith.engines.composer.style import NOTE_NAMES

        third = (self.tones[1] - self.root) % 12
        suffix = "m" if third == 3 else ""
        if len(self.tones) > 3:
            suffix += "maj7" if (self.tones[3] - self.root) % 12 == 11 else "7"
        return NOTE_NAMES[self.root] + suffix


def scale(key: int, mode: str) -> tuple[int, ...]:
    return tuple((key + s) % 12 for s in (MINOR if mode == "minor" else MAJOR))


def chord(symbol: str, key: int, mode: str) -> Chord:
    """Diatonic chord on a roman numeral ("vi", "V7", "bVII", "Imaj7"), built from the mode's scale."""
    m = re.match(r"^(b?)([ivIV]+)(maj7|7)?$", symbol)
    if not m:
        raise ValueError(f"bad chord symbol {symbol!r}")
    flat, numeral, seventh = m.groups()
    degree = _NUMERALS[numeral.lower()]
    sc = MINOR if mode == "minor" else MAJOR
    if flat and mode == "major":  # borrowed chord: bVII = major triad a whole step below the tonic
        root = (key + sc[degree] - 1) % 12
        tones = [root, (root + 4) % 12, (root + 7) % 12]
        if seventh:
            tones.append((root + 10) % 12)
        return Chord(symbol, root, tuple(tones))
    idx = [degree, degree + 2, degree + 4] + ([degree + 6] if seventh else [])
    tones = [(key + sc[i % 7]) % 12 for i in idx]
    return Chord(symbol, tones[0], tuple(tones))


def degree_to_midi(degree: int, key: int, mode: str, tonic_midi: int) -> int:
    """Scale degree (0 = tonic, may be negative or > 6) -> MIDI note, relative to the tonic's MIDI note."""
    sc = MINOR if mode == "minor" else MAJOR
    octave, step = divmod(degree, 7)
    return tonic_midi + 12 * octave + sc[step]


def midi_to_degree(pitch: int, key: int, mode: str, tonic_midi: int) -> int:
    """The nearest scale degree at or below `pitch`."""
    sc = MINOR if mode == "minor" else MAJOR
    rel = pitch - tonic_midi
    octave, within = divmod(rel, 12)
    step = max(i for i, s in enumerate(sc) if s <= within)
    return octave * 7 + step
