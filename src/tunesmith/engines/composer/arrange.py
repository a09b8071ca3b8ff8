"""SongPlan -> backing tracks: drums, bass, harmony parts and the instrumental lead, as timed notes.

Each track names its stem ("drums", "bass", "other") and a MIDI channel chosen so FluidSynth can route the
stem groups to separate outputs in one pass (channel % 3 = 0 drums, 1 bass, 2 other).
"""

from __future__ import annotations

import random
import zlib
from dataclasses import dataclass, field

from tunesmith.engines.composer.genres import BALLAD, SIX_EIGHT, WALTZ
from tunesmith.engines.composer.harmony import Chord
from tunesmith.engines.composer.plan import SongPlan
from tunesmith.engines.composer.vocab.instruments import BY_NAME

STEMS = ("drums", "bass", "other")
_OTHER_CHANNELS = (2, 5, 8, 11, 14)


@dataclass
class Track:
    name: str
    stem: str
    program: int
    channel: int
    volume: int = 100
    pan: int = 64
    is_drum: bool = False
    notes: list[tuple[int, float, float, int]] = field(
        default_factory=list
    )  # pitch, start s, end s, velocity
    changes: list[tuple[float, int]] = field(default_factory=list)  # (time s, program): a solo's instrument


def _voicing(ch: Chord, low: int = 52) -> list[int]:
    root = low + (ch.root - low) % 12
    out = [root]
    for pc in ch.tones[1:]:
        p = out[-1] + (pc - out[-1]) % 12
        out.append(p if p != out[-1] else p + 12)
    return out


class _Arranger:
    def __init__(self, plan: SongPlan) -> None:
        self.plan = plan
        self.st = plan.style
        self.rng = random.Random(zlib.crc32(f"arr|{plan.seed}|{plan.take}".encode()))
        self.bb = plan.bar_beats
        self.steps = self.bb * 4
        self.perc_notes = {BY_NAME[n].program for n in self.st.perc}

    def t(self, beat: float, jitter: float = 0.004) -> float:
        """Beat -> seconds, with swing on off-beat eighths and a little human timing."""
        frac = beat % 1.0
        if self.st.swing and abs(frac - 0.5) < 1e-6:
            beat += self.st.swing * 0.5
        return max(0.0, self.plan.seconds(beat) + self.rng.uniform(-jitter, jitter))

    def vel(self, base: float, energy: float) -> int:
        return int(max(25, min(127, base * (0.7 + 0.35 * energy) + self.rng.uniform(-6, 6))))

    def drums(self) -> Track | None:
        g = self.st.genre_preset
        if not self.st.drums and not self.st.perc:
            return None
        if not self.st.drums:
            pattern = {}
        elif self.st.meter == 4:
            pattern = dict(g.drums or BALLAD)  # a kit named in a genre without drums plays a soft pattern
        else:
            pattern = dict(SIX_EIGHT if self.st.meter == 6 else WALTZ)
        for name in self.st.perc:  # named percussion: its row, on the drum channel
            inst = BY_NAME[name]
            row = inst.play if self.st.meter == 4 else inst.play[: self.steps]
            pattern.setdefault(inst.program, row)
        tr = Track("drums", "drums", self.st.drum_kit, 9, 110, 64, True)
        n_secs = len(self.plan.sections)
        for si, sec in enumerate(self.plan.sections):
            soft = sec.energy < 0.45 or sec.kind in ("intro", "break")
            for bar in range(sec.start_bar, sec.start_bar + sec.bars):
                last_bar = bar == sec.start_bar + sec.bars - 1
                if sec.kind == "outro" and last_bar:
                    tr.notes.append(
                        (49, self.t(bar * self.bb), self.t(bar * self.bb) + 2.0, self.vel(100, 1))
                    )
                    tr.notes.append(
                        (36, self.t(bar * self.bb), self.t(bar * self.bb) + 0.3, self.vel(100, 1))
                    )
                    continue
                fill = last_bar and si + 1 < n_secs and self.plan.sections[si + 1].kind == "chorus"
                for note, row in pattern.items():
                    if soft and note not in (36, 37, 42, 51, 44, 82) and note not in self.perc_notes:
                        continue
                    if self.plan.take == 1 and note == 42 and sec.kind == "chorus":
                        note = 46 if self.st.genre not in ("jazz", "lofi") else note
                    for step, c in enumerate(row[: self.steps]):
                        if c == "-" or (fill and step >= self.steps - 4):
                            continue
                        beat = bar * self.bb + step / 4
                        v = {"x": 110, "o": 88, "g": 50}[c]
                        tr.notes.append((note, self.t(beat), self.t(beat) + 0.12, self.vel(v, sec.energy)))
                if fill:
                    for k in range(4):
                        beat = bar * self.bb + (self.steps - 4 + k) / 4
                        tr.notes.append(
                            (
                                38 if k % 2 == 0 else 45,
                                self.t(beat),
                                self.t(beat) + 0.1,
                                self.vel(80 + 8 * k, sec.energy),
                            )
                        )
                if bar == sec.start_bar and sec.kind in ("chorus", "instrumental") and not soft:
                    tr.notes.append(
                        (49, self.t(bar * self.bb), self.t(bar * self.bb) + 1.5, self.vel(105, 1))
                    )
        return tr

    def bass(self) -> Track | None:
        style = self.st.bass
        if style is None:
            return None
        tr = Track("bass", "bass", self.st.bass_program, 1, 100, 64)
        for sec in self.plan.sections:
            for bar in range(sec.start_bar, sec.start_bar + sec.bars):
                ch = sec.chords[bar - sec.start_bar]
                root = 36 + (ch.root - 36) % 12
                fifth = root + 7
                b0 = bar * self.bb
                final = sec.kind == "outro" and bar == sec.start_bar + sec.bars - 1
                hits: list[tuple[float, float, int]]  # (beat offset, beats held, pitch)
                if final or style == "pedal" or (sec.kind in ("intro", "break") and style != "sub"):
                    hits = [(0.0, self.bb, root)]
                elif style == "root8":
                    hits = [(k * 0.5, 0.45, root) for k in range(self.bb * 2)]
                elif style == "rootfifth":
                    hits = (
                        [(0.0, 1.5, root), (2.0, 1.0, fifth)]
                        if self.bb == 4
                        else [(0.0, 2.0, root), (2.0, 1.0, fifth)]
                    )
                elif style == "walking":
                    tones = [
                        root,
                        root + (ch.tones[1] - ch.root) % 12,
                        fifth,
                        root + 10 if self.bb == 4 else fifth,
                    ]
                    hits = [(k, 0.9, tones[k % len(tones)]) for k in range(self.bb)]
                elif style == "offbeat":
                    hits = [(k + 0.5, 0.4, root + 12 * (k % 2)) for k in range(self.bb)]
                else:  # sub
                    hits = [(0.0, 1.4, root), (1.5, 1.0, root), (self.bb - 0.5, 0.4, fifth)]
                for off, dur, p in hits:
                    s = self.t(b0 + off)
                    end = self.plan.seconds(b0 + off + dur) + (1.5 if final else 0.0)
                    tr.notes.append((p, s, end, self.vel(92, sec.energy)))
        return tr

    def part(self, program: int, style: str, channel: int, variant: int) -> Track:
        pad = style == "pad"
        tr = Track(
            f"{style}-{program}", "other", program, channel, 70 if pad else 92, 40 + 48 * (variant % 2)
        )
        for sec in self.plan.sections:
            if pad and sec.energy < 0.5 and sec.kind not in ("intro", "outro", "break"):
                continue
            for bar in range(sec.start_bar, sec.start_bar + sec.bars):
                ch = sec.chords[bar - sec.start_bar]
                v = _voicing(ch, 55 if not pad else 60)
                b0 = bar * self.bb
                final = sec.kind == "outro" and bar == sec.start_bar + sec.bars - 1
                if final or pad or sec.kind == "break":
                    hits = [(0.0, float(self.bb), v)]
                elif style == "pulse8":
                    hits = [(k * 0.5, 0.4, v) for k in range(self.bb * 2)]
                elif style == "arp":
                    seq = v + [v[1] + 12] if len(v) == 3 else v
                    hits = [
                        (k * 0.5, 0.5, [seq[k % len(seq)] + (12 if k >= 4 else 0)])
                        for k in range(self.bb * 2)
                    ]
                elif style == "alberti":
                    seq = [v[0], v[2], v[1], v[2]]
                    hits = [(k * 0.5, 0.5, [seq[k % 4]]) for k in range(self.bb * 2)]
                elif style == "strum":
                    pat = (0.0, 1.0, 1.5, 2.5, 3.0, 3.5) if self.bb == 4 else (0.0, 1.0, 2.0)
                    hits = [(o, 0.5 if o % 1 else 0.9, v + [v[0] + 12]) for o in pat]
                elif style == "power":
                    r = 40 + (ch.root - 40) % 12
                    hits = [(k * 0.5, 0.45, [r, r + 7, r + 12]) for k in range(self.bb * 2)]
                elif style == "stabs":
                    hits = [(k + 0.5, 0.25, v) for k in range(self.bb)]
                elif style == "line":  # a counter-line: one chord tone per half bar, moving by step
                    hits = [
                        (0.0, self.bb / 2, [self.line_note(ch, 0)]),
                        (self.bb / 2, self.bb / 2, [self.line_note(ch, 1)]),
                    ]
                elif style == "hits":  # low accents on the downbeat (timpani, taiko)
                    r = 43 + (ch.root - 43) % 12
                    hits = [(0.0, 1.0, [r]), (self.bb - 1.0, 0.5, [r])]
                elif style == "comp":
                    hits = [(1.0, 0.6, v), (2.5, 0.4, v)] + ([(3.0, 0.6, v)] if self.bb == 4 else [])
                else:  # block
                    hits = [(0.0, self.bb / 2, v), (self.bb / 2, self.bb / 2, v)]
                for off, dur, pitches in hits:
                    for j, p in enumerate(pitches):
                        s = self.t(b0 + off) + (0.012 * j if style == "strum" else 0.0)
                        end = self.plan.seconds(b0 + off + dur) + (2.0 if final else 0.0)
                        tr.notes.append((p, s, end, self.vel(72 if pad else 80, sec.energy)))
        return tr

    def line_note(self, ch: Chord, half: int) -> int:
        """The chord tone nearest the counter-line's last note (around G4), the second half a step off it."""
        prev = getattr(self, "_line_prev", 67)
        cands = [p for p in range(58, 82) if p % 12 in ch.tones]
        p = min(cands, key=lambda q: (abs(q - prev) + (2 if half and q == prev else 0), q))
        self._line_prev = p
        return p

    def lead(self, channel: int) -> Track | None:
        """The lead instrument's phrases; a solo featuring another instrument switches the channel's program
        for its lines and back after them."""
        played = [ln for ln in self.plan.lines if not ln.sung and ln.notes]
        programs = [ln.program if ln.program is not None else self.st.lead for ln in played]
        if not played or all(p is None for p in programs):
            return None
        base = self.st.lead if self.st.lead is not None else next(p for p in programs if p is not None)
        tr = Track("lead", "other", base, channel, 88, 70)
        current = base
        for line, program in zip(played, programs, strict=True):
            if program is None:
                continue
            if program != current:
                tr.changes.append((max(0.0, self.plan.seconds(line.notes[0].start) - 0.05), program))
                current = program
            for n in line.notes:
                tr.notes.append(
                    (
                        n.pitch,
                        self.t(n.start),
                        self.plan.seconds(n.start + n.dur) - 0.02,
                        self.vel(n.velocity, 0.8),
                    )
                )
        return tr if tr.notes else None


def arrange(plan: SongPlan) -> list[Track]:
    """The backing tracks of one take. The second take swaps to the genre's alternative instrumentation."""
    a = _Arranger(plan)
    g = plan.style.genre_preset
    parts = list(plan.style.parts)
    if plan.take == 1 and g.alt_chords and list(g.chords) == parts:
        parts = list(g.alt_chords)
    tracks = [t for t in (a.drums(), a.bass()) if t is not None]
    for i, (program, style) in enumerate(parts[: len(_OTHER_CHANNELS) - 1]):
        tracks.append(a.part(program, style, _OTHER_CHANNELS[i], i))
    lead = a.lead(_OTHER_CHANNELS[len(_OTHER_CHANNELS) - 1])
    if lead:
        tracks.append(lead)
    for tr in tracks:
        tr.notes.sort(key=lambda n: n[1])
    return tracks
