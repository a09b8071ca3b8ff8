"""Numbers and symbols in a style: tempo in every common form, the meter, the key and its mode."""

from __future__ import annotations

import re

_TEMPO_FORMS = (
    re.compile(r"(?<![\d.])(\d{2,3}(?:\.\d+)?)\s*(?:-|–|to)\s*(\d{2,3})\s*(?:bpm|b\.p\.m\.?)"),  # 120-128 bpm
    re.compile(
        r"(?<![\d.])(\d{2,3}(?:\.\d+)?)\s*(?:bpm|b\.p\.m\.?|beats?\s*(?:per|a|/)\s*min(?:ute)?|beats/min)"
    ),
    re.compile(
        r"(?:bpm|tempo|speed|速度)\s*(?:of|at|is|around|about|~|≈|:|=|：)?\s*(\d{2,3}(?:\.\d+)?)(?!\d)"
    ),
    re.compile(r"(?:♩|q|quarter\s*note)\s*=\s*(\d{2,3})(?!\d)"),
    re.compile(r"(?<![\d.])(\d{2,3})\s*(?:拍每分钟|拍/分钟|拍)"),
)
MIN_BPM, MAX_BPM = 40.0, 240.0


def read_tempo(text: str) -> tuple[float | None, str | None]:
    """(BPM, note) from "128 bpm", "BPM: 128", "tempo 128", "128 beats per minute", "♩=128", "120-128 bpm".
    A figure outside 40-240 is clamped into it, and the note says so."""
    for form in _TEMPO_FORMS:
        m = form.search(text)
        if not m:
            continue
        nums = [float(g) for g in m.groups() if g]
        bpm = sum(nums) / len(nums)
        if bpm < MIN_BPM or bpm > MAX_BPM:
            clamped = min(MAX_BPM, max(MIN_BPM, bpm))
            if bpm < 20 or bpm > 400:
                continue
            return clamped, f"tempo {bpm:g} bpm is outside {MIN_BPM:g}-{MAX_BPM:g}: {clamped:g}"
        return round(bpm, 2), None
    return None, None


_METER = re.compile(r"(?<![\d/])(\d{1,2})\s*/\s*(4|8|2)(?![\d/])")
_TRIPLE = re.compile(
    r"(?<![a-z])(triple meter|triple time|three[- ]four|in three|3-4 time|three beats)(?![a-z])"
)
_COMPOUND = re.compile(r"(?<![a-z])(six[- ]eight|compound (?:meter|time)|jig)(?![a-z])")


def read_meter(text: str) -> tuple[int | None, float | None, str | None]:
    """(meter, swing, note): 3/4 -> 3, 6/8 -> 6, 12/8 -> 4 with a triplet swing; others noted as 4/4."""
    m = _METER.search(text)
    if m:
        num, den = int(m.group(1)), int(m.group(2))
        if (num, den) in ((3, 4), (3, 8)):
            return 3, None, None
        if (num, den) in ((6, 8), (9, 8), (6, 4)):
            return 6, None, None
        if (num, den) == (12, 8):
            return 4, 0.33, None
        if (num, den) in ((4, 4), (2, 4), (2, 2), (4, 8)):
            return 4, None, None
        return 4, None, f"meter {num}/{den} is played in 4/4"
    if _TRIPLE.search(text):
        return 3, None, None
    if _COMPOUND.search(text):
        return 6, None, None
    return None, None, None


_PITCH = {"c": 0, "d": 2, "e": 4, "f": 5, "g": 7, "a": 9, "b": 11}
_ACC = {"#": 1, "♯": 1, "sharp": 1, "b": -1, "♭": -1, "flat": -1}
_MODES = {
    "major": "major",
    "maj": "major",
    "ionian": "major",
    "lydian": "major",
    "mixolydian": "major",
    "minor": "minor",
    "min": "minor",
    "m": "minor",
    "aeolian": "minor",
    "dorian": "minor",
    "phrygian": "minor",
}
_KEY = re.compile(
    r"(?<![a-z])([a-g])\s*(#|♯|♭|b(?=\s*(?:major|minor|maj|min|m)\b)|sharp|flat)?[\s-]*"
    r"(major|minor|maj|min|ionian|lydian|mixolydian|aeolian|dorian|phrygian)(?![a-z])"
)
_KEY_OF = re.compile(
    r"(?:key(?:\s+of)?|key\s*[:=]|in the key of|tonality)\s*[:=]?\s*([a-g])\s*(#|♯|♭|b|sharp|flat)?"
    r"\s*(m(?![a-z])|major|minor|maj|min)?"
)
_SHORT = re.compile(r"(?<![a-z0-9])in\s+([a-g])(#|♯|♭|b)?(m)?(?=\s*(?:[,.;)]|$))")


def read_key(text: str) -> tuple[int | None, str | None]:
    """(tonic pitch class, mode) from "in D minor", "key of Eb", "key: F#m", "A dorian", "in Am"."""
    for form in (_KEY, _KEY_OF, _SHORT):
        m = form.search(text)
        if not m:
            continue
        tonic = (_PITCH[m.group(1)] + _ACC.get(m.group(2) or "", 0)) % 12
        mode = _MODES.get(m.group(3) or "")
        return tonic, mode
    return None, None
