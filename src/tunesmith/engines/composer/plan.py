"""The song plan: every decision about one take, in seconds and beats, before any audio exists.

The arrangement, the singer, the mixer and the artifacts (plan.json, words.json) all read this one object,
so what the files say is exactly what was rendered.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from tunesmith.engines.composer.harmony import Chord
from tunesmith.engines.composer.style import Style
from tunesmith.engines.composer.syllables import SpokenLine


def style_json(st: Style) -> dict[str, Any]:
    """The whole Style as JSON (tuples become lists)."""
    data = asdict(st)
    data["parts"] = [list(p) for p in st.parts]
    data["notes"] = list(st.notes)
    return data


@dataclass(frozen=True)
class Note:
    pitch: int
    start: float  # beats from the song start
    dur: float  # beats
    velocity: int = 90
    syllable: int = -1  # index into the line's syllables (sung notes only)


@dataclass
class Line:
    """A phrase of melody: sung (with `spoken`) or played by the lead instrument."""

    section: int
    text: str
    words: tuple[str, ...]
    notes: list[Note]
    harmony: list[int] | None = None  # a second voice, one pitch per note
    spoken: SpokenLine | None = None
    singer: str | None = None  # "female" | "male": who sings it (None: the song's voice)
    doubled: bool = False  # the same words as the line before, sung at the same time by another voice
    backing: bool = False  # a backing-vocal line ("(ooh ooh)" in the lyrics)
    program: int | None = None  # a played line's instrument when it is not the style's lead (a solo)

    @property
    def sung(self) -> bool:
        return self.spoken is not None


@dataclass
class Section:
    kind: str
    label: str
    start_bar: int
    bars: int
    chords: list[Chord]  # one per bar
    energy: float
    lines: list[int] = field(default_factory=list)  # indices into SongPlan.lines
    singers: tuple[str, ...] = ()  # the voices singing this section (a duet alternates and joins)


@dataclass
class SongPlan:
    title: str
    style: Style
    take: int
    seed: int
    language: str
    voice: str | None  # espeak voice, None for instrumentals
    vocal_range: tuple[int, int]
    sections: list[Section]
    lines: list[Line]
    bar_beats: int
    notes: list[str] = field(default_factory=list)
    tail_s: float = 2.0  # release tail after the last bar
    fade_s: float = 0.0  # the song fades out over its last fade_s seconds (a [Fade Out] tag)
    # Edits (extend, replace section, ...): where this plan came from, oldest first, as written to plan.json.
    history: list[dict[str, Any]] = field(default_factory=list)

    @property
    def spb(self) -> float:
        """Seconds per beat."""
        return 60.0 / self.style.bpm

    def seconds(self, beat: float) -> float:
        return beat * self.spb

    @property
    def total_bars(self) -> int:
        last = self.sections[-1]
        return last.start_bar + last.bars

    @property
    def duration(self) -> float:
        return self.seconds(self.total_bars * self.bar_beats) + self.tail_s

    def section_span(self, i: int) -> tuple[float, float]:
        s = self.sections[i]
        start = self.seconds(s.start_bar * self.bar_beats)
        end = self.seconds((s.start_bar + s.bars) * self.bar_beats)
        return start, (self.duration if i == len(self.sections) - 1 else end)

    def to_json(self) -> dict[str, Any]:
        st = self.style
        return {
            "title": self.title,
            "take": self.take,
            "seed": self.seed,
            "duration_s": round(self.duration, 3),
            "genre": st.genre,
            "tempo_bpm": st.bpm,
            "key": st.key_name,
            "meter": st.meter,
            "swing": st.swing,
            "energy": st.energy,
            "voice": st.voice,
            "ensemble": st.ensemble,
            "espeak_voice": self.voice,
            "language": self.language,
            "vocal_range_midi": list(self.vocal_range),
            "instruments": {
                "drums": {"kit_program": st.drum_kit} if st.drums else None,
                "bass": {"program": st.bass_program, "style": st.bass} if st.bass else None,
                "other": [{"program": p, "style": s} for p, s in st.parts],
                "lead": st.lead,
            },
            "notes": list(st.notes) + self.notes,
            # Everything an edit needs to continue this song in the same key, tempo, instruments and voice
            # (ops/source.py reads it back into a Style); the bar grid starts at `grid_offset_s`.
            "style": style_json(st),
            "bar_beats": self.bar_beats,
            "tail_s": self.tail_s,
            "fade_s": self.fade_s,
            "grid_offset_s": 0.0,
            "history": list(self.history),
            "sections": [
                {
                    "kind": s.kind,
                    "label": s.label,
                    "start_s": round(self.section_span(i)[0], 3),
                    "end_s": round(self.section_span(i)[1], 3),
                    "start_bar": s.start_bar,
                    "bars": s.bars,
                    "key": st.key_name,
                    "tempo_bpm": st.bpm,
                    "chords": [c.name() for c in s.chords],
                    "energy": s.energy,
                    "lines": [
                        self.lines[j].text
                        for j in s.lines
                        if self.lines[j].sung and not self.lines[j].doubled
                    ],
                    "singers": list(s.singers),
                }
                for i, s in enumerate(self.sections)
            ],
        }
