"""MelodyWriter: the composer's one entry point for the sung line and the instrumental hook of a song.

The plan builder asks it how many bars a line needs (`bars_for`) and then for the notes of each line
(`sung_line`), section by section in song order, and for the lead instrument's phrases (`instrumental_line`).
It keeps the song's themes (theme.py), counts how often each section kind has come back, and remembers
chorus lines so a chorus returns note for note. Everything is seeded by the request seed, the take, the style
and the song's words: the same request gives the same melody, the other take or another song a different one.
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from dataclasses import replace

from tunesmith.engines.composer.harmony import Chord
from tunesmith.engines.composer.melody.feel import MIN_NOTE_S, MIN_RAP_NOTE_S, feel_for, grid_for
from tunesmith.engines.composer.melody.pitch import line_pitches
from tunesmith.engines.composer.melody.register import Register
from tunesmith.engines.composer.melody.rhythm import LineRhythm, Meter, gap_slots, place
from tunesmith.engines.composer.melody.theme import SectionTheme, SongThemes
from tunesmith.engines.composer.style import Style

Timed = list[tuple[float, float, int]]  # (start beat from the line's first bar, length in beats, MIDI pitch)
BAR_CHOICES = (2, 4, 8)
# longest held note at a line's end, and inside a line: longer, the synthetic voice's vibrato gives it away
MAX_HOLD_S = 1.9
MAX_INNER_S = 1.4


class MelodyWriter:
    def __init__(
        self, style: Style, take: int, seed: int, bar_beats: int, reg: Register, signature: str = ""
    ) -> None:
        rng = random.Random(
            f"melody|{seed}|{take}|{style.genre}|{style.bpm}|{style.key}|{style.mode}|{style.meter}|{signature}"
        )
        self.style, self.reg = style, reg
        self.spb = 60.0 / style.bpm
        self.meter = Meter(bar_beats, style.meter == 6)
        self.feel = feel_for(style, rng)
        self.themes = SongThemes(
            rng, self.feel, self.meter, reg.lowest_degree, reg.highest_degree, style.bpm, style.mode
        )
        self.seen: dict[str, int] = {}
        self.cache: dict[tuple[object, ...], Timed] = {}

    def delivery(self, kind: str, label: str) -> str:
        """sung, rap or spoken: a [Rap] or [Spoken Word] tag asks for it; rap styles rap their verses."""
        tag = label.lower()
        if re.search(r"\b(spoken|narrat\w*|speech)\b", tag):
            return "spoken"
        if re.search(r"\b(rap|rapped|rapping|mc)\b", tag):
            return "rap"
        if self.feel.rap and kind in ("verse", "bridge"):
            return "rap"
        return "sung"

    def begin_section(self, kind: str) -> int:
        """Count a new section of `kind`; returns how many came before it."""
        n = self.seen.get(kind, 0)
        self.seen[kind] = n + 1
        return n

    def _rate(self, theme: SectionTheme) -> float:
        """Syllables per beat in this section; a rapped section of a sung style goes half as fast again."""
        rate = self.feel.rate * theme.pace
        return rate * 1.5 if theme.delivery == "rap" and not self.feel.rap else rate

    def _grid(self, theme: SectionTheme, n: int, bars: int) -> float:
        grid = grid_for(self.feel, self.style.bpm, self._rate(theme))
        while grid > 0.25 and n * self._min_gap(theme, grid) > bars * self.meter.bar_beats / grid - 2:
            grid /= 2
        return grid

    def _min_gap(self, theme: SectionTheme, grid: float) -> int:
        shortest = MIN_RAP_NOTE_S if theme.delivery != "sung" else MIN_NOTE_S
        return gap_slots(shortest, grid, self.spb)

    def bars_for(self, kind: str, delivery: str, n: int) -> int:
        """Bars a line of n syllables takes in this section (2, 4 or 8): the fewest in which it can be sung
        at up to `cram` times the style's pace (and at most 5 syllables a second) with a held last note and a
        breath, and that last at least the style's `line_s` (at fast tempos a line is sung, then played)."""
        theme = self.themes.theme(kind, delivery)
        most = min(self._rate(theme) * self.feel.cram, self.spb / 0.2)
        tail = min(self.feel.hold, 1.0) + max(0.5, 0.3 / self.spb)
        for bars in BAR_CHOICES:
            beats = bars * self.meter.bar_beats
            grid = self._grid(theme, n, bars)
            fits = n * self._min_gap(theme, grid) <= beats / grid - max(1, round(0.5 / grid)) - 1
            if fits and n <= (beats - tail) * most and beats * self.spb >= self.feel.line_s:
                return bars
        return BAR_CHOICES[-1]

    def _pace(self, theme: SectionTheme, usable: float, n: int) -> float:
        """Beats per syllable: the line spreads over its window (minus most of the held last note), but no
        faster or much slower than the style's pace: a short line is sung at pace, then held and rested."""
        rate = self._rate(theme)
        spread = (usable - 0.7 * self.feel.hold) / max(n, 1)
        slowest = 1.15 if theme.delivery == "rap" else 1.3
        return min(max(spread, 0.8 / rate), slowest / rate)

    def _spec(self, theme: SectionTheme, n: int, bars: int, pickup_beats: float) -> LineRhythm:
        grid = self._grid(theme, n, bars)
        slots = int(round(bars * self.meter.bar_beats / grid))
        breath = gap_slots(max(0.3, 0.5 * self.spb), grid, self.spb)
        usable = (slots - breath) * grid
        return LineRhythm(
            slots=slots,
            grid=grid,
            pickup=int(pickup_beats / grid) if theme.pickup else 0,
            breath=breath,
            min_gap=self._min_gap(theme, grid),
            target_gap=max(1.0, self._pace(theme, usable, n) / grid),
            hold=min(self.feel.hold * (1.3 if theme.kind == "chorus" else 1.0), MAX_HOLD_S / self.spb),
            max_hold=min(max(2.0, self.feel.hold), MAX_INNER_S / self.spb),
            syncopation=self.feel.syncopation if theme.delivery != "spoken" else 0.0,
            legato=self.feel.legato if theme.delivery == "sung" else 0.8,
            swing=self.feel.swing if grid >= 0.5 or theme.delivery != "sung" else 0.0,
            steady=1.6 if theme.delivery == "rap" or self.style.bpm >= 140 else 0.8,
        )

    def sung_line(
        self,
        *,
        kind: str,
        delivery: str,
        occurrence: int,
        index: int,
        count: int,
        text: str,
        stress: Sequence[float],
        bars: int,
        chords: Sequence[Chord],
        pickup_beats: float = 0.0,
    ) -> Timed:
        """The notes of one sung line, one per syllable. `pickup_beats` is the silence before the line's
        first bar the line may start in (0 for the first line of a section)."""
        theme = self.themes.theme(kind, delivery)
        key: tuple[object, ...] = (
            kind,
            delivery,
            index,
            text,
            bars,
            round(pickup_beats, 3),
            occurrence if theme.kind != "chorus" else 0,
        )
        if key not in self.cache:
            spec = self._spec(theme, len(stress), bars, pickup_beats if index > 0 else 0.0)
            timing = place(stress, spec, self.meter, theme.cell, theme.cell_beats)
            shape = self.themes.shape(theme, index, count, occurrence)
            pitches = line_pitches(timing, stress, shape, chords, self.reg, self.meter)
            self.cache[key] = [(b, d, p) for (b, d), p in zip(timing, pitches, strict=True)]
        return self.cache[key]

    def instrumental_line(self, index: int, bars: int, chords: Sequence[Chord], resolve: bool) -> Timed:
        """A phrase for the lead instrument in an intro, break or solo: the chorus's hook and rhythm cell."""
        theme = self.themes.theme("chorus", "sung")
        key: tuple[object, ...] = ("lead", index % 2, bars, tuple(c.symbol for c in chords), resolve)
        if key not in self.cache:
            size = len(theme.motif)
            n = max(size + 1, min(4 * size, round(len(theme.cell) * bars * 4 / theme.cell_beats * 0.6)))
            stress = [0.9 if k % size == 0 else 0.5 if k % size == size - 1 else 0.3 for k in range(n)]
            spec = self._spec(theme, n, bars, 0.0)
            timing = place(stress, spec, self.meter, theme.cell, theme.cell_beats)
            # the hook stated, then moved in sequence (up, up, back down) over the phrase
            shape = replace(self.themes.shape(theme, index % 2 * 2, 4, 0), sequence=(theme.seq_step, 2, 0))
            if resolve:
                shape = replace(shape, cadence="closed")
            pitches = line_pitches(timing, stress, shape, chords, self.reg, self.meter)
            self.cache[key] = [(b, d, p) for (b, d), p in zip(timing, pitches, strict=True)]
        return self.cache[key]
