"""Sections of a recording from repetition: which phrases come back (a chorus), which do not.

Why phrases of PHRASE_BARS bars: songs (the composer's included) build sections from 4-bar phrases on the
bar grid, so comparing phrases, not single bars, tells a returning chorus from a verse that happens to share
its first chord.

Each phrase is described by its chords (one per bar), its melody (median transcribed pitch per beat, as
pitch classes) and its loudness. Two phrases are the same material when at least 3 of 4 bars have the same
chord and at least MELODY_SAME of the beats where both have a melody agree on the pitch class. Phrases are
labelled in order of first appearance (A, B, C...); consecutive phrases with one label form a section. The
kinds: the label that returns most (ties: the louder) is the chorus; a label before it that also returns is
the verse; a phrase that never returns is an intro at the start, an outro at the end, else a bridge; a
returning label without a role is a "section". Without a beat or a melody this still labels by chords.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from tunesmith.engines.composer.ops.chords import BarChord

PHRASE_BARS = 4
CHORDS_SAME = 3
MELODY_SAME = 0.6


@dataclass(frozen=True)
class SectionSpan:
    label: str  # "A", "B", ... (same letter = same material)
    kind: str  # "intro" | "verse" | "chorus" | "bridge" | "outro" | "section"
    start_s: float
    end_s: float
    first_bar: int
    bars: int

    def to_json(self) -> dict[str, object]:
        return {
            "label": self.label,
            "kind": self.kind,
            "start_s": round(self.start_s, 3),
            "end_s": round(self.end_s, 3),
            "first_bar": self.first_bar,
            "bars": self.bars,
        }


@dataclass(frozen=True)
class _Phrase:
    first: int  # index into the bar list
    chords: tuple[str, ...]
    melody: tuple[int, ...]  # pitch class per beat, -1 where none
    loudness: float


def _same(a: _Phrase, b: _Phrase) -> bool:
    n = min(len(a.chords), len(b.chords))
    if n == 0 or sum(x == y for x, y in zip(a.chords, b.chords, strict=False)) < min(CHORDS_SAME, n):
        return False
    both = [(x, y) for x, y in zip(a.melody, b.melody, strict=False) if x >= 0 and y >= 0]
    if len(both) < 4:
        return True  # no melody to compare (an instrumental part): the chords decide
    return sum(x == y for x, y in both) / len(both) >= MELODY_SAME


def sections(
    bars: list[BarChord],
    bar_s: float,
    duration_s: float,
    melody_at: Callable[[float, float], float | None],  # (start_s, end_s) -> median MIDI pitch or None
    loudness_at: Callable[[float, float], float],  # (start_s, end_s) -> RMS
) -> list[SectionSpan]:
    """Sections over `bars` (the chords.bar_chords list): see the module docstring."""
    if not bars:
        return []
    lead = 1 if bars[0].start_s <= 0 and len(bars) > 1 and bars[1].start_s < bar_s - 0.05 else 0
    phrases: list[_Phrase] = []
    for first in range(lead, len(bars), PHRASE_BARS):
        group = bars[first : first + PHRASE_BARS]
        beat = bar_s / 4
        mel = []
        for b in group:
            for k in range(4):
                p = melody_at(b.start_s + k * beat, b.start_s + (k + 1) * beat)
                mel.append(int(round(p)) % 12 if p is not None else -1)
        start = group[0].start_s
        end = min(duration_s, group[-1].start_s + bar_s)
        phrases.append(
            _Phrase(first, tuple(b.name() for b in group), tuple(mel), float(loudness_at(start, end)))
        )
    labels: list[int] = []
    for i, ph in enumerate(phrases):
        match = next((labels[j] for j in range(i) if _same(phrases[j], ph)), None)
        labels.append(match if match is not None else (max(labels) + 1 if labels else 0))
    kinds = _kinds(labels, [p.loudness for p in phrases])
    out: list[SectionSpan] = []
    if lead:
        out.append(SectionSpan("-", "pickup", 0.0, bars[1].start_s, 0, 1))
    for i, ph in enumerate(phrases):
        start = bars[ph.first].start_s
        n = min(PHRASE_BARS, len(bars) - ph.first)
        end = duration_s if i == len(phrases) - 1 else bars[phrases[i + 1].first].start_s
        letter = chr(ord("A") + labels[i] % 26)
        if out and out[-1].label == letter and out[-1].kind == kinds[i]:
            last = out[-1]
            out[-1] = SectionSpan(last.label, last.kind, last.start_s, end, last.first_bar, last.bars + n)
        else:
            out.append(SectionSpan(letter, kinds[i], start, end, ph.first, n))
    return out


def _kinds(labels: list[int], loudness: list[float]) -> list[str]:
    counts = Counter(labels)
    louder = {
        lab: float(np.mean([v for v, x in zip(loudness, labels, strict=True) if x == lab])) for lab in counts
    }
    repeated = [lab for lab, c in counts.items() if c > 1]
    chorus = max(repeated, key=lambda lab: (counts[lab], louder[lab])) if repeated else None
    first_chorus = labels.index(chorus) if chorus is not None else len(labels)
    verse = next((lab for lab in labels[:first_chorus] if counts[lab] > 1), None)
    out = []
    for i, lab in enumerate(labels):
        if lab == chorus:
            out.append("chorus")
        elif lab == verse:
            out.append("verse")
        elif counts[lab] > 1:
            out.append("section")
        elif i == 0:
            out.append("intro")
        elif i == len(labels) - 1:
            out.append("outro")
        else:
            out.append("bridge")
    return out
