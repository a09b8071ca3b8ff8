"""Style tags -> a Style: genre, tempo, key, meter, instrumentation, energy and voice.

Free-form tags ("pop, Bright, uptempo J-Pop groove at 150 BPM, female vocals") are read with keyword rules:
unknown words are ignored, negative tags remove what they name, and every random choice comes from a
generator seeded by the request seed and the text, so the same request always gives the same Style.
"""

from __future__ import annotations

import random
import re
import zlib
from dataclasses import dataclass, field

from tunesmith.engines.composer.genres import ALIASES, GENRES, Genre

NOTE_NAMES = ("C", "C#", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B")
_PITCH = {"c": 0, "d": 2, "e": 4, "f": 5, "g": 7, "a": 9, "b": 11}

_MINOR_WORDS = (
    "sad",
    "dark",
    "melancholic",
    "melancholy",
    "emotional",
    "moody",
    "gloomy",
    "haunting",
    "minor",
    "lonely",
    "heartbreak",
    "somber",
    "angry",
    "epic",
    "mysterious",
    "tragic",
)
_MAJOR_WORDS = (
    "happy",
    "bright",
    "joyful",
    "cheerful",
    "sunny",
    "uplifting",
    "upbeat",
    "major",
    "fun",
    "hopeful",
)
_FAST_WORDS = ("uptempo", "fast", "energetic", "driving", "upbeat", "hyper", "aggressive", "intense", "dance")
_SLOW_WORDS = (
    "slow",
    "chill",
    "calm",
    "relaxed",
    "mellow",
    "soft",
    "gentle",
    "dreamy",
    "sleepy",
    "downtempo",
)

# Instrument words -> (role, GM program). Roles: chords, lead, bass.
_INSTRUMENTS: dict[str, tuple[str, int]] = {
    "piano": ("chords", 0),
    "electric piano": ("chords", 4),
    "rhodes": ("chords", 4),
    "organ": ("chords", 16),
    "acoustic guitar": ("chords", 25),
    "electric guitar": ("chords", 27),
    "guitar": ("chords", 25),
    "strings": ("pad", 48),
    "violin": ("lead", 40),
    "cello": ("lead", 42),
    "synth": ("lead", 81),
    "saxophone": ("lead", 65),
    "sax": ("lead", 65),
    "trumpet": ("lead", 56),
    "flute": ("lead", 73),
    "harp": ("chords", 46),
    "choir": ("pad", 52),
    "pad": ("pad", 89),
    "bells": ("lead", 14),
}
_GUITAR_PROGRAMS = set(range(24, 32))
_PIANO_PROGRAMS = set(range(0, 8))
_SYNTH_PROGRAMS = set(range(80, 104))


@dataclass(frozen=True)
class Style:
    genre: str
    bpm: float
    key: int  # tonic pitch class, 0 = C
    mode: str  # "major" | "minor"
    meter: int  # beats per bar (4, 3) ; 6/8 is written as meter 6 (two dotted-quarter beats)
    swing: float
    energy: float
    voice: str | None  # "female" | "male" | None (instrumental)
    drums: bool
    drum_kit: int
    bass: str | None  # bass style, None when removed
    bass_program: int
    parts: tuple[tuple[int, str], ...]  # (GM program, style) of the "other" stem
    lead: int | None
    notes: tuple[str, ...] = field(default_factory=tuple)  # what the parser decided and why

    @property
    def key_name(self) -> str:
        return f"{NOTE_NAMES[self.key]} {self.mode}"

    @property
    def genre_preset(self) -> Genre:
        return GENRES[self.genre]


def _stable_rng(*parts: object) -> random.Random:
    return random.Random(zlib.crc32("|".join(map(str, parts)).encode()))


def _has(text: str, phrase: str) -> bool:
    return re.search(rf"(?<![a-z0-9]){re.escape(phrase)}(?![a-z0-9])", text) is not None


def _find_genre(text: str) -> str | None:
    """The alias that appears first in the text wins (the leading tag is usually the main genre)."""
    best: tuple[int, int, str] | None = None
    for alias, genre in ALIASES.items():
        m = re.search(rf"(?<![a-z0-9]){re.escape(alias)}(?![a-z0-9])", text)
        if m:
            cand = (m.start(), -len(alias), genre)
            best = cand if best is None or cand < best else best
    if best and best[2] == "pop":  # "pop" is the vaguest tag: any other genre named beside it is more telling
        others = [g for a, g in ALIASES.items() if g != "pop" and _has(text, a)]
        if others:
            return others[0]
    return best[2] if best else None


_NEGATION = re.compile(r"\b(?:no|without|not|non|minus)[\s-]+([a-z]+)")


def _split_negations(text: str) -> tuple[str, list[str]]:
    """Negations in the style itself ("no drums, without bass") work like the negative style: the named
    thing is removed, and the words no longer count as asking for it ("no guitar" must not add a guitar)."""
    negated = _NEGATION.findall(text)
    return _NEGATION.sub(" ", text), negated


def parse_style(
    style: str,
    *,
    negative: str = "",
    seed: int = 0,
    vocal_gender: str | None = None,
    instrumental: bool = False,
) -> Style:
    """Read style tags into a Style. Deterministic for a given (style, negative, seed)."""
    text = " " + style.lower().replace("_", " ") + " "
    rng = _stable_rng(seed, text, negative.lower())
    text, negated = _split_negations(text)
    neg = " ".join([negative.lower(), *negated])
    notes: list[str] = []
    genre_name = _find_genre(text) or "pop"
    if _find_genre(text) is None:
        notes.append("no known genre in the style: pop")
    g = GENRES[genre_name]

    m = re.search(r"(\d{2,3}(?:\.\d+)?)\s*bpm", text)
    if m and 40 <= float(m.group(1)) <= 240:
        bpm = float(m.group(1))
    else:
        lo, hi = g.tempo
        if any(_has(text, w) for w in _FAST_WORDS):
            lo, hi = (lo + hi) // 2, hi + 10
        elif any(_has(text, w) for w in _SLOW_WORDS):
            lo, hi = lo - 8, (lo + hi) // 2
        bpm = float(rng.randint(lo, hi))

    km = re.search(r"(?<![a-z])([a-g])\s*(#|b|sharp|flat|♯|♭)?\s*(major|minor|maj|min)(?![a-z])", text)
    if km:
        key = (
            _PITCH[km.group(1)]
            + {"#": 1, "sharp": 1, "♯": 1, "b": -1, "flat": -1, "♭": -1}.get(km.group(2) or "", 0)
        ) % 12
        mode = "minor" if km.group(3).startswith("min") else "major"
    else:
        minor_p = g.minor_bias
        if any(_has(text, w) for w in _MINOR_WORDS):
            minor_p = 0.85
        if any(_has(text, w) for w in _MAJOR_WORDS):
            minor_p = 0.1
        mode = "minor" if rng.random() < minor_p else "major"
        key = rng.randrange(12)

    meter = g.meter
    if "6/8" in text:
        meter = 6
    elif "3/4" in text or _has(text, "waltz"):
        meter = 3
    swing = g.swing
    if _has(text, "swing") or _has(text, "shuffle"):
        swing = max(swing, 0.3)
    if _has(text, "straight"):
        swing = 0.0

    energy = g.energy
    if any(_has(text, w) for w in _FAST_WORDS):
        energy = min(1.0, energy + 0.2)
    if any(_has(text, w) for w in _SLOW_WORDS):
        energy = max(0.1, energy - 0.2)

    voice: str | None = "female" if rng.random() < 0.5 else "male"
    if re.search(r"(?<![a-z])(female|woman|women|girl|girls|diva|soprano)(?![a-z])", text):
        voice = "female"
    elif re.search(r"(?<![a-z])(male|man|men|boy|boys|baritone|tenor)(?![a-z])", text):
        voice = "male"
    if _has(neg, "female vocals") or _has(neg, "female"):
        voice = "male"
        notes.append("negative style removes female vocals: male voice")
    elif _has(neg, "male vocals") or _has(neg, "male"):
        voice = "female"
        notes.append("negative style removes male vocals: female voice")
    if vocal_gender in ("m", "f"):
        voice = "male" if vocal_gender == "m" else "female"
    if instrumental:
        voice = None

    parts = list(g.chords)
    lead: int | None = g.lead
    bass_program = g.bass_program
    for word, (role, program) in _INSTRUMENTS.items():
        if _has(text, word) and not _has(neg, word):
            if role == "lead":
                lead = program
            elif role == "pad":
                parts = [p for p in parts if p[1] != "pad"] + [(program, "pad")]
            elif not any(p[0] == program for p in parts):
                style_for = "strum" if program in _GUITAR_PROGRAMS else "arp" if program == 46 else "block"
                parts = [(program, style_for)] + [p for p in parts if p[1] == "pad"]
            notes.append(f"style names {word}")
            break

    drums = g.drums is not None and not any(_has(neg, w) for w in ("drums", "drum", "percussion", "beat"))
    if any(_has(text, w) for w in ("no drums", "without drums", "a cappella")):
        drums = False
    bass: str | None = g.bass
    if _has(neg, "bass"):
        bass = None
    removed = [
        ("guitar", _GUITAR_PROGRAMS, 0),
        ("piano", _PIANO_PROGRAMS, 48),
        ("synth", _SYNTH_PROGRAMS, 48),
        ("strings", set(range(40, 52)), 89),
        ("pad", set(range(88, 96)), 48),
    ]
    for word, programs, replacement in removed:
        if _has(neg, word):
            parts = [(replacement if p in programs else p, s) for p, s in parts]
            if lead in programs:
                lead = 73 if replacement != 73 else 0
            if bass_program in programs:
                bass_program = 33
            notes.append(f"negative style removes {word}")
    if any(_has(neg, w) for w in ("lead", "melody")):
        lead = None
    return Style(
        genre=genre_name,
        bpm=bpm,
        key=key,
        mode=mode,
        meter=meter,
        swing=swing,
        energy=energy,
        voice=voice,
        drums=drums,
        drum_kit=g.kit,
        bass=bass,
        bass_program=bass_program,
        parts=tuple(parts),
        lead=lead,
        notes=tuple(notes),
    )
