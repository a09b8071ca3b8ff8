"""Style tags -> a Style: genre, tempo, key, meter, instrumentation, energy and voice.

Free-form styles ("pop, Bright, uptempo J-Pop groove at 150 BPM, female vocals, no drums") are read against
the vocabulary tables in vocab/: every genre, instrument, voice, tempo and mood phrase is found (longest
first, plurals included), negations take what they name out, and the named instruments are given roles in
the arrangement before the genre's own parts fill the rest. Every random choice comes from a generator
seeded by the request seed and the text, so the same request always gives the same Style.
"""

from __future__ import annotations

import random
import re
import unicodedata
import zlib
from dataclasses import dataclass, field

from tunesmith.engines.composer.genres import GENRES, Genre
from tunesmith.engines.composer.vocab.genres import GENRE_WORDS, SUFFIXES, GenreWord
from tunesmith.engines.composer.vocab.instruments import BY_NAME, GROUP_WORDS, INSTRUMENTS, Instrument
from tunesmith.engines.composer.vocab.match import find, split_negations
from tunesmith.engines.composer.vocab.read import read_key, read_meter, read_tempo
from tunesmith.engines.composer.vocab.words import MOOD_FAMILY, MOODS, NEGATED_VOICE, TEMPO_WORDS, VOICE_WORDS

NOTE_NAMES = ("C", "C#", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B")
MAX_PARTS = 4  # harmony parts (the "other" stem has 5 MIDI channels; the lead takes the fifth)

_PHRASES: dict[str, str] = {w: i.name for i in INSTRUMENTS for w in i.words}
_TABLES = {
    "voice": tuple(VOICE_WORDS),
    "genre": tuple(GENRE_WORDS),
    "inst": tuple(_PHRASES),
    "tempo": tuple(TEMPO_WORDS),
    "mood": tuple(MOODS),
}
_PLAY_BY_FAMILY = {  # how a generic piano or guitar plays in a family
    "piano": {"ballad": "arp", "classical": "alberti", "jazz": "comp", "rnb": "comp", "lofi": "comp"},
    "guitar": {"rock": "power", "punk": "power", "metal": "power", "jazz": "comp", "rnb": "stabs"},
}
# what takes a removed part's place, by the removed group: (program, style)
_SUBSTITUTE = {"guitar": (0, "block"), "piano": (48, "pad"), "synth": (48, "pad"), "strings": (89, "pad")}
_LEAD_FALLBACKS = (73, 0, 11, 71, 40)
_ACAPPELLA = re.compile(r"(?<![a-z])(a[\s-]?cappella|a[\s-]?capella|acapella|unaccompanied)(?![a-z])")


@dataclass(frozen=True)
class Style:
    genre: str
    bpm: float
    key: int  # tonic pitch class, 0 = C
    mode: str  # "major" | "minor"
    meter: int  # beats per bar (4, 3) ; 6/8 is written as meter 6 (two dotted-quarter beats)
    swing: float
    energy: float
    voice: str | None  # "female" | "male" | None (instrumental): the lead voice
    drums: bool
    drum_kit: int
    bass: str | None  # bass style, None when removed
    bass_program: int
    parts: tuple[tuple[int, str], ...]  # (GM program, style) of the "other" stem
    lead: int | None
    notes: tuple[str, ...] = field(default_factory=tuple)  # what the parser decided and why
    ensemble: str = "solo"  # solo | duet (a second voice of the other gender) | choir (voices in harmony)
    instruments: tuple[str, ...] = ()  # the instruments the style named, canonical names (vocab/instruments)
    perc: tuple[str, ...] = ()  # percussion played on the drum channel (canonical names)

    @property
    def key_name(self) -> str:
        return f"{NOTE_NAMES[self.key]} {self.mode}"

    @property
    def genre_preset(self) -> Genre:
        return GENRES[self.genre]


def _stable_rng(*parts: object) -> random.Random:
    return random.Random(zlib.crc32("|".join(map(str, parts)).encode()))


def _program(inst: Instrument, family: str) -> int:
    return inst.by_family.get(family, inst.program)


def _suffix_family(text: str) -> str | None:
    for token in re.findall(r"[a-z][a-z'-]+", text):
        for suffix, family in SUFFIXES:
            if token.endswith(suffix) and len(token) > len(suffix) + 1:
                return family
    return None


def _family_from_words(names: list[str], moods: list[str]) -> str | None:
    """The nearest family when no genre is named: the one the named instruments and moods point to most."""
    score: dict[str, float] = {}
    for k, name in enumerate(names):
        fam = BY_NAME[name].family
        if fam:
            score[fam] = score.get(fam, 0.0) + 1.0 + 0.1 * (len(names) - k)
    for word in moods:
        mood_fam = MOOD_FAMILY.get(word)
        if mood_fam:
            score[mood_fam] = score.get(mood_fam, 0.0) + 0.8
    return max(score, key=lambda f: score[f]) if score else None


@dataclass
class _Read:
    """What the text says, before the arrangement is decided."""

    family: str
    word: GenreWord | None
    named: list[str]
    moods: list[str]
    tempo_words: list[str]
    voice: tuple[str | None, str] | None
    negated: list[str]
    notes: list[str]


def _read(text: str, negative: str) -> _Read:
    text, negated = split_negations(text)
    for part in re.split(r"[,;\n]+", negative.lower()):
        part = re.sub(r"^\s*(?:no|without|not)\s+", "", part).strip()
        if part:
            negated.append(part)
    hits = find(text, _TABLES)
    genres = [h.phrase for h in hits if h.table == "genre"]
    named = list(dict.fromkeys(_PHRASES[h.phrase] for h in hits if h.table == "inst"))
    moods = [h.phrase for h in hits if h.table == "mood"] + [g for g in genres if g in MOODS]
    voices = [VOICE_WORDS[h.phrase] for h in hits if h.table == "voice"]
    notes: list[str] = []
    # "pop" is the vaguest word: any other genre named beside it is more telling
    genre = next((g for g in genres if g != "pop"), genres[0] if genres else None)
    word = GENRE_WORDS[genre] if genre else None
    family = word.family if word else _suffix_family(text)
    if family is None:
        family = _family_from_words(named, moods)
        notes.append(f"no genre named: {family} (nearest by instruments and mood)" if family else "")
    if family is None:
        family = "pop"
        notes.append("no genre, instrument or mood named: pop")
    voice: tuple[str | None, str] | None = voices[0] if voices else None
    if voice and voice[0] is not None:
        for v in voices:
            if v[1] != "solo":
                voice = (voice[0] if voices[0][1] == "solo" and v[1] == "choir" else v[0], v[1])
                break
    if voice and voice[1] == "choir" and "choir" not in named and "choir pad" not in named:
        named.append("choir")
    return _Read(
        family,
        word,
        named,
        moods,
        [h.phrase for h in hits if h.table == "tempo"],
        voice,
        negated,
        [n for n in notes if n],
    )


def _negations(negated: list[str]) -> tuple[set[str], set[str], set[str], bool, bool, str | None, bool]:
    """(instrument names removed, groups removed, raw words, drums off, bass off, voice change, no voice)."""
    names: set[str] = set()
    groups: set[str] = set()
    drums_off = bass_off = no_voice = False
    voice_to: str | None = None
    words: set[str] = set()
    for phrase in negated:
        tokens = re.findall(r"[a-z0-9'&-]+|[\u3400-\u9fff]+", phrase)
        words.update(tokens)
        gender = next((NEGATED_VOICE[t] for t in tokens if t in NEGATED_VOICE and NEGATED_VOICE[t]), None)
        if (
            gender
            and any(t in ("vocals", "vocal", "voice", "voices", "singer", "singers") for t in tokens)
            or gender
            and len(tokens) == 1
        ):
            voice_to = gender
        elif any(t in NEGATED_VOICE for t in tokens) and not gender:
            no_voice = True
        for h in find(phrase, {"inst": tuple(_PHRASES)}):
            inst = BY_NAME[_PHRASES[h.phrase]]
            stem = h.phrase.rstrip("s")
            if inst.role == "kit" or inst.group == "drums":
                drums_off = True
            elif h.phrase in GROUP_WORDS or stem in GROUP_WORDS:
                groups.add(GROUP_WORDS.get(h.phrase) or GROUP_WORDS[stem])
            else:
                names.add(inst.name)
        if "bass" in groups:
            bass_off = True
        if any(t in ("drums", "drum", "percussion", "beat", "beats") for t in tokens):
            drums_off = True
    return names, groups, words, drums_off, bass_off, voice_to, no_voice


def _group_programs(group: str) -> set[int]:
    out: set[int] = set()
    for inst in INSTRUMENTS:
        if inst.group == group and inst.role not in ("perc", "kit"):
            out.add(inst.program)
            out.update(inst.by_family.values())
    return out


def parse_style(
    style: str,
    *,
    negative: str = "",
    seed: int = 0,
    vocal_gender: str | None = None,
    instrumental: bool = False,
) -> Style:
    """Read style tags into a Style. Deterministic for a given (style, negative, seed)."""
    text = " " + unicodedata.normalize("NFKC", style).lower().replace("_", " ") + " "
    rng = _stable_rng(seed, text, negative.lower())
    acappella = bool(_ACAPPELLA.search(text))
    r = _read(text, negative)
    notes = list(r.notes)
    g = GENRES[r.family]
    gw = r.word or GenreWord(r.family)
    mood_rows = [MOODS[m] for m in r.moods]
    removed, groups, neg_words, drums_off, bass_off, voice_to, no_voice = _negations(r.negated)
    notes += [f"style names {n}" for n in r.named if n not in removed]

    bpm, note = read_tempo(text)
    if note:
        notes.append(note)
    if bpm is None:
        lo, hi = TEMPO_WORDS[r.tempo_words[0]] if r.tempo_words else (gw.tempo or g.tempo)
        lean = sum(m.tempo for m in mood_rows) / len(mood_rows) if mood_rows and not r.tempo_words else 0.0
        if lean >= 0.45:  # fast words: the upper half of the range and a little beyond
            lo, hi = (lo + hi) // 2, hi + 10
        elif lean <= -0.45:  # slow words: the lower half and a little below
            lo, hi = lo - 8, (lo + hi) // 2
        bpm = min(240.0, max(40.0, float(rng.randint(lo, hi))))

    key, mode = read_key(text)
    minor_p = gw.minor if gw.minor is not None else g.minor_bias
    leaning = [m.minor for m in mood_rows if m.minor is not None]
    if leaning:
        minor_p = max(leaning, key=lambda p: abs(p - 0.5))
    if mode is None:
        mode = "minor" if rng.random() < minor_p else "major"
    if key is None:
        key = rng.randrange(12)

    meter_read, swing_read, note = read_meter(text)
    if note:
        notes.append(note)
    meter = meter_read or gw.meter or g.meter
    swing = gw.swing if gw.swing is not None else g.swing
    if swing_read is not None:
        swing = swing_read
    if re.search(r"(?<![a-z])(swing|swung|shuffle|shuffled|swingy)(?![a-z])", text):
        swing = max(swing, 0.3)
    if re.search(r"(?<![a-z])straight(?![a-z])", text):
        swing = 0.0

    energy = gw.energy if gw.energy is not None else g.energy
    # subtle words ("bright", "smooth", "warm") colour the key and tempo, not the energy
    energy = min(1.0, max(0.1, energy + sum(m.energy for m in mood_rows if abs(m.energy) >= 0.15)))

    voice, ensemble = _voice(r, rng, voice_to, no_voice, neg_words, notes)
    if vocal_gender in ("m", "f"):
        voice = "male" if vocal_gender == "m" else "female"
    if instrumental or voice is None:
        voice, ensemble = None, "solo"

    arr = _Arrangement(r.family, g, removed, groups, notes)
    for name in r.named:
        arr.add(BY_NAME[name], named=True)
    for name in gw.instruments:
        arr.add(BY_NAME[name], named=False)
    arr.fill(acappella)
    drums = g.drums is not None and not drums_off and not acappella
    if (arr.kit is not None or arr.drums_named) and not drums_off and not acappella:
        drums = True  # a named kit ("drum machine") plays even in a genre without drums
    bass = None if bass_off or acappella else (arr.bass_style or g.bass)
    if acappella:
        notes.append("a cappella: voices only")
    return Style(
        genre=r.family,
        bpm=bpm,
        key=key,
        mode=mode,
        meter=meter,
        swing=swing,
        energy=round(energy, 3),
        voice=voice,
        drums=drums,
        drum_kit=arr.kit if arr.kit is not None else g.kit,
        bass=bass,
        bass_program=arr.bass_program,
        parts=tuple(arr.parts),
        lead=None if acappella else arr.lead,
        notes=tuple(notes),
        ensemble=ensemble,
        instruments=tuple(arr.played),
        perc=tuple(arr.perc),
    )


def _voice(
    r: _Read, rng: random.Random, voice_to: str | None, no_voice: bool, neg_words: set[str], notes: list[str]
) -> tuple[str | None, str]:
    voice: str | None = "female" if rng.random() < 0.5 else "male"
    ensemble = "solo"
    if r.voice is not None:
        voice, ensemble = r.voice
        if voice is None:
            notes.append("the style asks for an instrumental")
    if voice_to is not None:
        voice = voice_to
        notes.append(f"the style removes the other voice: {voice} voice")
        if ensemble == "duet":
            ensemble = "solo"
    if no_voice:
        voice = None
        notes.append("the style removes the vocals: instrumental")
    if ensemble == "duet" and ("duet" in neg_words or "duets" in neg_words):
        ensemble = "solo"
    if ensemble == "choir" and "choir" in neg_words:
        ensemble = "solo"
    return voice, ensemble


class _Arrangement:
    """Named instruments first, each in its role; the genre's own parts fill what is left."""

    def __init__(self, family: str, g: Genre, removed: set[str], groups: set[str], notes: list[str]) -> None:
        self.family, self.g, self.notes = family, g, notes
        self.removed, self.groups = removed, groups
        self.gone = set().union(*(_group_programs(x) for x in groups)) if groups else set()
        self.parts: list[tuple[int, str]] = []
        self.lead: int | None = None
        self.bass_program = g.bass_program
        self.bass_style: str | None = None
        self.kit: int | None = None
        self.drums_named = False
        self.perc: list[str] = []
        self.played: list[str] = []

    def allowed(self, inst: Instrument) -> bool:
        return inst.name not in self.removed and inst.group not in self.groups

    def add(self, inst: Instrument, named: bool) -> None:
        if not self.allowed(inst):
            if named:
                self.notes.append(f"{inst.name} is both named and negated: left out")
            return
        program = _program(inst, self.family)
        role = inst.role
        if role == "bass":
            self.bass_program, self.bass_style = program, inst.play or None
            if inst.kit is not None:
                self.kit = inst.kit
        elif role == "kit":
            self.drums_named = True
            self.kit = program if inst.name != "drums" else self.kit
        elif role == "perc":
            self.perc.append(inst.name)
        elif role == "lead" and self.lead is None:
            self.lead = program
        elif len(self.parts) >= MAX_PARTS:
            self.notes.append(f"more than {MAX_PARTS + 1} melodic instruments: {inst.name} left out")
            return
        else:
            play = "line" if role == "lead" else "pad" if role == "pad" else inst.play
            if not play:
                play = _PLAY_BY_FAMILY.get(inst.group, {}).get(
                    self.family, "strum" if inst.group else "block"
                )
                if inst.group == "piano" and play == "strum":
                    play = "block"
            if any(p == program for p, _ in self.parts):
                return
            self.parts.append((program, play))
        if inst.name not in self.played:
            self.played.append(inst.name)

    def fill(self, acappella: bool) -> None:
        if acappella:
            self.parts = [(52, "pad")]
            return
        for program, play in self.g.chords:
            if len(self.parts) >= MAX_PARTS or any(p == program for p, _ in self.parts):
                continue
            if program in self.gone:
                group = next((x for x in self.groups if program in _group_programs(x)), "")
                sub = _SUBSTITUTE.get(group)
                if sub and sub[0] not in self.gone and all(p != sub[0] for p, _ in self.parts):
                    self.parts.append(sub)
                    self.notes.append(f"the style removes {group}: program {sub[0]} instead")
                continue
            self.parts.append((program, play))
        if not self.parts:
            self.parts.append(next((s for s in _SUBSTITUTE.values() if s[0] not in self.gone), (48, "pad")))
        if self.lead is None:
            lead = self.g.lead
            if lead in self.gone:
                lead = next(p for p in _LEAD_FALLBACKS if p not in self.gone)
            self.lead = lead
        if self.bass_program in self.gone:
            self.bass_program = 33
