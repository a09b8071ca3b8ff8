"""The singer's register: which MIDI notes a voice can sing in the song's key, and the scale degrees in it.

Degrees count scale steps from the tonic inside the range (0 = tonic, 7 = its octave, -3 = the fifth below),
so melodies are written in degrees and become MIDI notes only here.
"""

from __future__ import annotations

from dataclasses import dataclass

from tunesmith.engines.composer.harmony import degree_to_midi, midi_to_degree

VOICE_RANGES = {"female": (57, 76), "male": (45, 64)}  # A3-E5, A2-E4


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

    def degree(self, pitch: int) -> int:
        """The nearest scale degree at or below `pitch`."""
        return midi_to_degree(pitch, self.key, self.mode, self.tonic)

    @property
    def lowest_degree(self) -> int:
        return next(d for d in range(-14, 14) if self.midi(d) >= self.low)

    @property
    def highest_degree(self) -> int:
        return max(d for d in range(-14, 21) if self.midi(d) <= self.high)


def register_for(voice: str | None, key: int, mode: str) -> Register:
    low, high = VOICE_RANGES["female" if voice == "female" else "male"]
    tonic = min((p for p in range(low, high) if p % 12 == key), key=lambda p: abs(p - (low + 6)))
    return Register(low, high, tonic, key, mode)


def harmony_line(pitches: list[int], reg: Register) -> list[int]:
    """A diatonic third above each note (below when above the range), for chorus backing vocals."""
    out = []
    for p in pitches:
        d = reg.degree(p)
        up = reg.midi(d + 2)
        out.append(up if up <= reg.high + 3 else reg.midi(d - 2))
    return out
