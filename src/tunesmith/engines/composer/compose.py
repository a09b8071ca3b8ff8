"""Style + lyrics -> a SongPlan: the form, chords per bar, and the melody of every sung or played line.

The song's length follows the lyrics (each line takes the bars its words need at the style's pace, see
melody/writer.py); instrumentals follow the requested duration. The melody writer gives each song and take its
own tunes, and a chorus that comes back with the same words comes back with the same melody.
"""

from __future__ import annotations

from tunesmith.engines.composer.harmony import chord
from tunesmith.engines.composer.lyrics import INSTRUMENTAL_KINDS, LyricSection, parse_lyrics, tokens
from tunesmith.engines.composer.melody import (
    MelodyWriter,
    Register,
    harmony_line,
    register_for,
    syllable_stress,
)
from tunesmith.engines.composer.plan import Line, Note, Section, SongPlan
from tunesmith.engines.composer.style import Style
from tunesmith.engines.composer.syllables import SpokenLine, speak_line, voice_for

MAX_SECONDS = 480.0  # kie's models make at most 8 minutes; so do we, however long the lyrics
OUTRO_ROOM_S = 30.0  # room kept under MAX_SECONDS for the outro (and the bars of a section that starts)
# The most distinct lines spoken ahead: a sung line takes at least two bars, about two seconds even at fast
# tempos, so no more fit in MAX_SECONDS (one that still does is spoken when it is laid out).
MAX_SUNG_LINES = 240
DEFAULT_INSTRUMENTAL_S = 150.0
_ENERGY = {
    "intro": 0.5,
    "verse": 0.65,
    "prechorus": 0.8,
    "chorus": 1.0,
    "bridge": 0.75,
    "outro": 0.55,
    "instrumental": 0.9,
    "break": 0.4,
}
_PROG = {
    "verse": "verse",
    "prechorus": "bridge",
    "chorus": "chorus",
    "bridge": "bridge",
    "intro": "chorus",
    "outro": "chorus",
    "instrumental": "chorus",
    "break": "verse",
}


class _Builder:
    def __init__(
        self,
        style: Style,
        take: int,
        seed: int,
        language: str,
        spoken: dict[str, SpokenLine] | None = None,
        signature: str = "",
        others: dict[str, dict[str, SpokenLine]] | None = None,
    ) -> None:
        self.spoken = spoken or {}
        self.others = others or {}  # gender -> text -> the line spoken by the song's second voice
        self.style, self.take, self.seed, self.language = style, take, seed, language
        self.bar_beats = 4 if style.meter == 4 else 3
        self.harmonic_rhythm = 2 if style.bpm >= 140 else 1
        self.reg: Register = register_for(style.voice, style.key, style.mode)
        self.writer = MelodyWriter(style, take, seed, self.bar_beats, self.reg, signature)
        self.sections: list[Section] = []
        self.lines: list[Line] = []
        self.bar = 0
        self.sung_until = 0.0  # beat where the last sung note ends
        self.fade_s = 0.0  # a [Fade Out] ending: seconds the song fades over

    def seconds_so_far(self) -> float:
        return self.bar * self.bar_beats * 60.0 / self.style.bpm

    def chords_for(self, kind: str, bars: int, final: bool = False) -> list:
        prog = self.style.genre_preset.progressions[_PROG.get(kind, "verse")]
        out = [
            chord(prog[(b // self.harmonic_rhythm) % len(prog)], self.style.key, self.style.mode)
            for b in range(bars)
        ]
        if final and out:
            out[-1] = chord("I", self.style.key, self.style.mode)
        return out

    def add_section(self, kind: str, label: str, bars: int, final: bool = False) -> Section:
        sec = Section(
            kind,
            label,
            self.bar,
            bars,
            self.chords_for(kind, bars, final),
            round(_ENERGY.get(kind, 0.7) * (0.5 + 0.5 * self.style.energy), 3),
        )
        self.sections.append(sec)
        self.bar += bars
        return sec

    def estimate_bars(self, sec_in: LyricSection, voice: str) -> int:
        """The bars a sung section will take (as `sung_section` lays it out), without writing its melody."""
        delivery = self.writer.delivery(sec_in.kind, f"{sec_in.label} {sec_in.delivery}")
        bars = 0
        for text in sec_in.lines:
            line = self.spoken.get(text) or speak_line(text, self.language, voice)
            self.spoken[text] = line
            bars += self.writer.bars_for(sec_in.kind, delivery, len(line.syllables))
        return bars + bars % 2

    def singers_for(self, sec_in: LyricSection, occurrence: int) -> tuple[str, ...]:
        """Who sings a section: a vocal tag on it decides; else a duet gives alternate verses to each voice
        and sings the rest together, a choir sings everything together, a solo voice sings alone."""
        lead = self.style.voice or "female"
        other = "male" if lead == "female" else "female"
        tagged = getattr(sec_in, "voices", ())
        if tagged:
            named = tuple(
                lead if v == "lead" else other if v == "other" else v for v in tagged if v != "choir"
            )
            return named or (lead,)
        if self.style.ensemble == "choir":
            return (lead, other)
        if self.style.ensemble == "duet":
            if sec_in.kind in ("verse", "prechorus", "bridge"):
                return (lead,) if (occurrence + (sec_in.kind == "bridge")) % 2 == 0 else (other,)
            return (lead, other)
        return (lead,)

    def spoken_by(self, singer: str, text: str, fallback: SpokenLine) -> SpokenLine:
        """The line as `singer` speaks it; the lead's reading where the other voice's syllables differ (its
        notes follow the lead's syllables)."""
        if singer == (self.style.voice or "female"):
            return fallback
        sp = self.others.get(singer, {}).get(text)
        if sp is None:
            sp = speak_line(text, self.language, voice_for(self.language, singer)[0])
            self.others.setdefault(singer, {})[text] = sp
        return sp if len(sp.syllables) == len(fallback.syllables) else fallback

    def sung_section(self, sec_in: LyricSection, voice: str) -> bool:
        """Lay out a sung section; only the lines that end before the 8-minute limit (less room for an
        outro) are sung, and each is spoken only once it is known to fit. False when lines were left out."""
        delivery = self.writer.delivery(sec_in.kind, f"{sec_in.label} {sec_in.delivery}")
        room = (
            int((MAX_SECONDS - OUTRO_ROOM_S - self.seconds_so_far()) * self.style.bpm / 60.0)
            // self.bar_beats
        )
        spoken: list[SpokenLine] = []
        layout: list[int] = []
        for text in sec_in.lines:
            line = self.spoken.get(text) or speak_line(text, self.language, voice)
            bars = self.writer.bars_for(sec_in.kind, delivery, len(line.syllables))
            if sum(layout) + bars > room:
                break
            spoken.append(line)
            layout.append(bars)
        if not spoken:
            return False
        occurrence = self.writer.begin_section(sec_in.kind)
        bars = sum(layout)
        sec = self.add_section(sec_in.kind, sec_in.label, bars + (bars % 2))
        sec.singers = self.singers_for(sec_in, occurrence)
        sec.energy = round(min(1.0, sec.energy * sec_in.energy), 3)
        lead = self.style.voice or "female"
        bar = sec.start_bar
        breath = max(0.5, 0.3 / (60.0 / self.style.bpm))  # beats of silence before a pickup
        for i, (sp, lb) in enumerate(zip(spoken, layout, strict=True)):
            chords = sec.chords[bar - sec.start_bar : bar - sec.start_bar + lb]
            notes: list[Note] = []
            base = bar * self.bar_beats
            if sp.syllables:
                mel = self.writer.sung_line(
                    kind=sec.kind,
                    delivery=delivery,
                    occurrence=occurrence,
                    index=i,
                    count=len(spoken),
                    text=sp.text,
                    stress=syllable_stress(sp, self.language),
                    bars=lb,
                    chords=chords,
                    pickup_beats=min(2.0, max(0.0, base - self.sung_until - breath)) if i else 0.0,
                )
                notes = [Note(p, base + b, d, 96, k) for k, (b, d, p) in enumerate(mel)]
                self.sung_until = max(n.start + n.dur for n in notes)
            choir = self.style.ensemble == "choir" or "choir" in sec_in.voices
            backing = sec_in.is_backing(i)
            harm = (
                harmony_line([n.pitch for n in notes], self.reg)
                if (sec.kind == "chorus" or choir or backing) and notes
                else None
            )
            for k, singer in enumerate(sec.singers):
                shift = 0 if singer == lead else (-12 if singer == "male" else 12)
                line_notes = [Note(n.pitch + shift, n.start, n.dur, n.velocity, n.syllable) for n in notes]
                sec.lines.append(len(self.lines))
                self.lines.append(
                    Line(
                        len(self.sections) - 1,
                        sp.text,
                        sp.words,
                        line_notes,
                        [p + shift for p in harm] if harm and (k == 0 or choir) else None,
                        self.spoken_by(singer, sp.text, sp),
                        singer=singer,
                        doubled=k > 0,
                        backing=backing,
                    )
                )
            bar += lb
        return len(spoken) == len(sec_in.lines)

    def plan(self, title: str, voice: str | None, notes: list[str]) -> SongPlan:
        """The SongPlan of everything laid out so far (a new song or a continuation of one)."""
        return SongPlan(
            title=title,
            style=self.style,
            take=self.take,
            seed=self.seed,
            language=self.language,
            voice=voice,
            vocal_range=(self.reg.low, self.reg.high),
            sections=self.sections,
            lines=self.lines,
            bar_beats=self.bar_beats,
            notes=notes,
        )

    def lead_lines(self, sec: Section, program: int | None = None) -> None:
        """An instrumental hook for the lead instrument (or the featured `program` of a solo), in 4-bar
        phrases."""
        if (self.style.lead is None and program is None) or sec.bars < 2:
            return
        for k, start in enumerate(range(sec.start_bar, sec.start_bar + sec.bars - 1, 4)):
            lb = min(4, sec.start_bar + sec.bars - start)
            chords = sec.chords[start - sec.start_bar : start - sec.start_bar + lb]
            mel = self.writer.instrumental_line(k, lb, chords, resolve=start + lb >= sec.start_bar + sec.bars)
            base = start * self.bar_beats
            notes = [Note(p + 12, base + b, d, 84) for b, d, p in mel]
            sec.lines.append(len(self.lines))
            self.lines.append(Line(len(self.sections) - 1, "", (), notes, program=program))


SHORT_PIECE_BARS = 12  # below this many bars, an instrumental takes the short form


def build_plan(
    *,
    style: Style,
    lyrics: str,
    title: str,
    take: int,
    seed: int,
    language: str,
    instrumental: bool,
    duration: float | None,
    spoken: dict[str, SpokenLine] | None = None,
    others: dict[str, dict[str, SpokenLine]] | None = None,
) -> SongPlan:
    """Lay out one take of a song. `spoken` holds lines already spoken by the song's voice (see `speak_all`),
    `others` those spoken by a second voice (duets, choirs, vocal tags), by gender."""
    b = _Builder(style, take, seed, language, spoken, signature=lyrics, others=others)
    notes: list[str] = []
    sections = [] if instrumental or style.voice is None else parse_lyrics(lyrics)
    sung = [s for s in sections if s.lines and any(tokens(t) for t in s.lines)]
    voice: str | None = None
    intro_bars = 2 if style.bpm < 80 else 4
    if sung:
        voice, note = voice_for(language, style.voice)
        if note:
            notes.append(note)
        from tunesmith.engines.composer.songform import lay_out_sung

        lay_out_sung(b, sections, voice, duration, notes)
    else:
        target = min(MAX_SECONDS, max(10.0, duration or DEFAULT_INSTRUMENTAL_S))
        bar_s = b.bar_beats * 60.0 / style.bpm
        _instrumental_form(b, target, bar_s, intro_bars)
        if instrumental or style.voice is None:
            notes.append("instrumental")
    plan = b.plan(title, voice, notes)
    plan.fade_s = b.fade_s
    return plan


def _instrumental_form(b: _Builder, target: float, bar_s: float, intro_bars: int) -> None:
    """Lay out the bars that fit the requested length (the release tail counts toward it): an intro, sections
    of the form, an outro. The last section takes what is left over, so the piece ends within half a bar of
    the request at any tempo. A piece of only a few bars (10-20 s at a slow tempo) takes a short form, one bar
    in and one or two out, instead of being padded to the usual intro and outro."""
    total = max(3, round((target - SongPlan.tail_s) / bar_s))
    if total < SHORT_PIECE_BARS:
        intro, outro, sec_bars = 1, (1 if total < 6 else 2), 4
    else:
        # short requests get short sections, so a 30 s request is not padded to two 8-bar sections
        sec_bars = 8 if total >= 24 else 4
        intro = intro_bars if total >= 16 else min(intro_bars, 2)
        outro = 4 if total >= 24 else 2
    b.lead_lines(b.add_section("intro", "Intro", intro))
    body = total - intro - outro
    form = ("verse", "chorus", "verse", "chorus", "bridge", "chorus")
    i = 0
    while body > 0:
        bars = body if body < 2 * sec_bars else sec_bars
        kind = form[i % len(form)]
        # no voice to leave room for: the lead instrument carries the tune in every section
        b.lead_lines(b.add_section(kind, kind.capitalize(), bars))
        body -= bars
        i += 1
    b.add_section("outro", "Outro", outro, final=True)


def second_voice(style: Style, lyrics: str) -> str | None:
    """The other voice a song needs spoken besides its own (a duet, a choir, a [Male Vocal] tag), if any."""
    if style.voice is None:
        return None
    other = "male" if style.voice == "female" else "female"
    if style.ensemble != "solo":
        return other
    for sec in parse_lyrics(lyrics):
        if any(v not in ("lead", style.voice) for v in getattr(sec, "voices", ())):
            return other
    return None


def sung_texts(lyrics: str) -> list[str]:
    """Every distinct line the singer may speak, in order (those that could fit in MAX_SECONDS)."""
    out: list[str] = []
    seen: set[str] = set()
    for sec in parse_lyrics(lyrics):
        for t in sec.lines:
            if t not in seen and tokens(t):
                seen.add(t)
                out.append(t)
                if len(out) == MAX_SUNG_LINES:
                    return out
    return out


def speak_all(
    texts: list[str], language: str, voice: str, counts: dict[str, int] | None = None
) -> dict[str, SpokenLine]:
    """Speak every line in this process (used inside a fresh process: espeak-ng keeps jitter state between
    utterances, so only a fresh library gives the same audio for the same request). `counts`: the English
    words' syllable counts, made by the caller (see syllables.english_counts)."""
    return {t: speak_line(t, language, voice, counts=counts) for t in texts}


__all__ = ["build_plan", "INSTRUMENTAL_KINDS"]
