"""The melodic plan of a song: where each section sits, its rhythm cell, its motif and how its lines develop.

Every choice is drawn from a generator seeded by the song (request seed, take, style and words), so a song
keeps its tunes and another song, or the other take, gets its own:
- a window of the voice's range the song uses, and where verse, pre-chorus, chorus and bridge sit in it
  (usually the chorus lifts, sometimes it settles lower and broader; the bridge goes somewhere new);
- per section kind: a rhythm cell (the onsets its lines return to), a pace, a motif (the steps its lines
  open with) and a form: the role of each line, e.g. "ABAC" = statement, contrast, statement, cadence;
  "HBHC" for a chorus whose hook line comes back; "R" lines of a pre-chorus climb in sequence;
- per role: a contour (arch, rise, fall, valley, wave; minor keys lean to falling ones, major to rising),
  its size and the line's offset from the centre.
A verse that comes back keeps its cell and motif but varies its contours; a chorus comes back unchanged.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from tunesmith.engines.composer.melody.feel import Feel
from tunesmith.engines.composer.melody.pitch import LineShape
from tunesmith.engines.composer.melody.rhythm import Meter, metric_weight

# where each section kind sits in the song's window (0 = its bottom, 1 = its top), one plan per song
REGISTER_PLANS: tuple[tuple[float, dict[str, float]], ...] = (
    (2.0, {"verse": 0.3, "prechorus": 0.5, "chorus": 0.7, "bridge": 0.6}),  # the classic lift
    (1.5, {"verse": 0.45, "prechorus": 0.3, "chorus": 0.7, "bridge": 0.8}),  # the pre-chorus dips first
    (1.0, {"verse": 0.25, "prechorus": 0.45, "chorus": 0.75, "bridge": 0.45}),  # a wide climb
    (1.5, {"verse": 0.55, "prechorus": 0.65, "chorus": 0.4, "bridge": 0.8}),  # chorus broad and lower
    (1.5, {"verse": 0.6, "prechorus": 0.45, "chorus": 0.55, "bridge": 0.25}),  # bridge drops away
    (1.5, {"verse": 0.45, "prechorus": 0.6, "chorus": 0.45, "bridge": 0.7}),  # one register, rhythm contrasts
)
FORMS = {
    "verse": ("ABAC", "AABC", "ABAB", "AA'BC", "ABCD", "AAB"),
    "chorus": ("HBHC", "HHBC", "HBHB", "HH'BC", "HBCH"),
    "prechorus": ("RR'R\"", "RRC", "R'RC"),
    "bridge": ("ABCD", "AA'B", "ABAC"),
    "outro": ("AC", "HC", "ABC"),
    "intro": ("AB",),
}
# line contours and how often each is drawn: minor keys sigh downward, major keys and bright songs rise
CONTOURS = ("arch", "rise", "fall", "valley", "wave")
CONTOUR_WEIGHTS = {
    "major": (3.0, 2.5, 1.5, 1.0, 1.5),
    "minor": (2.5, 1.0, 3.0, 2.0, 1.5),
}
# motif steps: first notes of a line relative to its first; the chorus's lean to a leap (the hook)
MOTIFS: dict[str, tuple[tuple[int, ...], ...]] = {
    "plain": ((0, 1, 2), (0, 0, 1), (0, -1, -2), (0, 2, 1), (0, 1, 0, -1), (0, 0, -1), (0, -1, 0, 2)),
    "hook": ((0, 2, 4), (0, 0, 3), (0, 4, 3), (0, -1, 2), (0, 3, 2, 1), (0, 5, 4), (0, 0, 2, 4), (0, -2, 2)),
}
_SECTION_PACE = {"verse": 1.1, "prechorus": 1.0, "chorus": 0.85, "bridge": 0.95, "outro": 0.8, "intro": 0.9}


@dataclass(frozen=True)
class SectionTheme:
    kind: str
    delivery: str
    center: float  # scale degree the section sits on
    pace: float  # multiplies the feel's syllables per beat
    cell: frozenset[float]  # onset positions (beats) the lines return to, within `cell_beats`
    cell_beats: float
    motif: tuple[int, ...]
    answer: tuple[int, ...]  # the motif of contrasting (B) lines
    form: tuple[str, ...]
    roles: dict[str, tuple[str, float, float, float]] = field(
        default_factory=dict
    )  # contour, amp, peak, offset
    seq_step: int = 1
    cadence: str = "closed"  # the section's last line
    pickup: bool = False


def _weighted(rng: random.Random, items: tuple[tuple[float, dict[str, float]], ...]) -> dict[str, float]:
    return rng.choices([p for _, p in items], weights=[w for w, _ in items])[0]


def _form(text: str) -> tuple[str, ...]:
    """ "AA'BC" -> ("A", "A'", "B", "C")."""
    out: list[str] = []
    for ch in text:
        if ch in "'\"" and out:
            out[-1] += ch
        else:
            out.append(ch)
    return tuple(out)


def _cell(
    rng: random.Random, meter: Meter, feel: Feel, per_bar: float, bars: int, slow: bool
) -> frozenset[float]:
    """About `per_bar` onsets a bar over `bars` bars, drawn by metric weight: strong positions most often,
    the eighth before a strong beat more often the more the style syncopates."""
    step = 0.25 if feel.sixteenths else 0.5
    if slow and per_bar < 0.9 * meter.bar_beats and not meter.compound:
        step = 1.0  # slow songs phrased slowly: the cell moves in quarter notes
    positions = [k * step for k in range(int(round(bars * meter.bar_beats / step)))]
    weights = []
    for pos in positions:
        w = metric_weight(pos, meter)
        score = w**1.5 + 0.04
        if w < 0.5 and metric_weight(pos + 0.5, meter) >= 0.6 and abs(pos % 0.5) < 1e-6:
            score += 0.6 * feel.syncopation
        weights.append(score)
    count = max(2, min(len(positions), round(per_bar * bars)))
    chosen: set[float] = set()
    while len(chosen) < count:
        pick = rng.choices(positions, weights=weights)[0]
        chosen.add(round(pick, 2))
    return frozenset(chosen)


class SongThemes:
    """The song's melodic decisions, made once per song and take and handed out per section kind."""

    def __init__(
        self, rng: random.Random, feel: Feel, meter: Meter, lo: int, hi: int, bpm: float, mode: str
    ) -> None:
        self.rng, self.feel, self.meter, self.mode = rng, feel, meter, mode if mode == "minor" else "major"
        self.slow = bpm <= 85
        self.voice_lo, self.voice_hi = lo, hi
        span = max(4, min(hi - lo, round(feel.span * 7 / 12)))
        # energetic styles sit in the upper part of the voice, gentle ones lower
        lift = min(1.0, max(0.0, feel.energy_lift + rng.uniform(-0.3, 0.3)))
        bottom = lo + round(lift * max(0, hi - lo - span))
        self.lo, self.hi = bottom, min(hi, bottom + span)
        self.plan = dict(_weighted(rng, REGISTER_PLANS))
        for k in self.plan:
            self.plan[k] = min(0.85, max(0.15, self.plan[k] + rng.uniform(-0.12, 0.12)))
        self.themes: dict[tuple[str, str], SectionTheme] = {}
        self.hook = rng.choice(MOTIFS["hook"])
        self.seed = rng.random()

    def _contour(self, rng: random.Random) -> str:
        return rng.choices(CONTOURS, weights=CONTOUR_WEIGHTS[self.mode])[0]

    def theme(self, kind: str, delivery: str) -> SectionTheme:
        key = (kind, delivery)
        if key not in self.themes:
            self.themes[key] = self._make(kind, delivery)
        return self.themes[key]

    def _make(self, kind: str, delivery: str) -> SectionTheme:
        rng = random.Random(f"{self.seed}|{kind}|{delivery}")
        family = kind if kind in FORMS else "verse"
        pos = self.plan.get(family, self.plan["verse"] if family != "outro" else self.plan["verse"] - 0.05)
        center = self.lo + pos * (self.hi - self.lo)
        pace = _SECTION_PACE.get(family, 1.0) * rng.uniform(0.85, 1.15)
        cell_bars = rng.choice((1, 2))
        per_bar = self.feel.rate * pace * self.meter.bar_beats * rng.uniform(0.45, 0.75)
        cell = _cell(rng, self.meter, self.feel, per_bar, cell_bars, self.slow)
        motif: tuple[int, ...]
        if family == "chorus":
            motif = self.hook
        else:
            motif = rng.choice(MOTIFS["plain"] if rng.random() < 0.7 else MOTIFS["hook"])
            if rng.random() < 0.4:
                motif = tuple(-m for m in motif)
        # the contrasting line answers with the motif upside down, or with another one
        answer = tuple(-m for m in motif) if rng.random() < 0.5 else rng.choice(MOTIFS["plain"])
        roles: dict[str, tuple[str, float, float, float]] = {}
        form = _form(rng.choice(FORMS[family]))
        offsets = {
            "A": 0.0,
            "H": 0.0,
            "B": rng.choice((-2.0, -1.0, 1.0, 2.0)),
            "C": rng.choice((0.0, 1.0, -1.0)),
        }
        offsets["D"] = rng.choice((-1.0, 1.0))
        offsets["R"] = -1.0
        for role in dict.fromkeys(r[0] for r in form):
            amp = rng.uniform(2.0, 4.5) if family != "prechorus" else rng.uniform(2.5, 4.0)
            contour = self._contour(rng) if role != "R" else "rise"
            roles[role] = (contour, round(amp, 2), round(rng.uniform(0.3, 0.7), 2), offsets.get(role, 0.0))
        cadence = {"chorus": "closed", "outro": "closed", "prechorus": "open"}.get(family)
        if cadence is None:
            cadence = rng.choice(("open", "closed", "free"))
        return SectionTheme(
            kind=family,
            delivery=delivery,
            center=center,
            pace=pace,
            cell=cell,
            cell_beats=float(cell_bars * self.meter.bar_beats),
            motif=motif,
            answer=answer,
            form=form,
            roles=roles,
            seq_step=rng.choice((1, 1, 2, -1)),
            cadence=cadence,
            pickup=rng.random() < self.feel.pickup,
        )

    @staticmethod
    def climax_line(theme: SectionTheme, count: int) -> int:
        """The bridge line that reaches the song's climax: its cadence (C) line, else its next-to-last."""
        roles = [theme.form[i % len(theme.form)][0] for i in range(count)]
        return roles.index("C") if "C" in roles else max(0, count - 2)

    def shape(self, theme: SectionTheme, index: int, count: int, occurrence: int) -> LineShape:
        """The shape of line `index` of `count` in the `occurrence`-th section of this kind."""
        role = theme.form[index % len(theme.form)]
        climax = (
            theme.kind == "bridge" and theme.delivery == "sung" and index == self.climax_line(theme, count)
        )
        contour, amp, peak, offset = theme.roles[role[0]]
        base = theme.center + offset
        if role.endswith("'"):
            base += theme.seq_step * role.count("'")
        if role.endswith('"'):
            base += theme.seq_step * 2
        if role[0] == "R":
            base += index * abs(theme.seq_step)  # the pre-chorus climbs line by line
        head = theme.answer if role[0] == "B" else theme.motif
        if occurrence > 0 and theme.kind != "chorus":  # a returning verse varies its lines
            vr = random.Random(f"{theme.center}|{index}|{occurrence}")
            contour = self._contour(vr)
            if len(head) > 2 and vr.random() < 0.5:
                head = head[:-1] + (head[-1] + vr.choice((-1, 1)),)
        last = index == count - 1
        cadence = theme.cadence if last else ("open" if index % 2 == 0 else "free")
        if climax:  # the bridge's high point: the top of the song's range and a little past it
            base, contour, amp, peak = max(base + 1.0, self.hi - amp / 2), "arch", amp + 1.0, 0.6
        leap = self.feel.leap + (1 if theme.kind == "chorus" else 0)
        delivery = theme.delivery
        if delivery != "sung":
            contour, amp, leap = "fall" if last or index % 2 else "level", 1.0, 2
        return LineShape(
            base=base,
            contour=contour,
            amplitude=amp,
            peak=peak,
            head=head if delivery == "sung" else (),
            cadence=cadence,
            leap=leap,
            lo=self.lo,
            hi=min(self.hi + (2 if climax else 1), self.voice_hi),
            delivery=delivery,
        )
