"""Which language a text is written in, from its characters and common words (offline, no models)."""

from __future__ import annotations

import re

_RANGES: tuple[tuple[str, str], ...] = (
    ("ja", r"[\u3040-\u30ff]"),  # kana first: Japanese text also holds CJK ideographs
    ("ko", r"[\uac00-\ud7af\u1100-\u11ff]"),
    ("zh", r"[\u4e00-\u9fff\u3400-\u4dbf]"),
    ("ru", r"[\u0400-\u04ff]"),
    ("el", r"[\u0370-\u03ff]"),
    ("ar", r"[\u0600-\u06ff]"),
    ("he", r"[\u0590-\u05ff]"),
    ("th", r"[\u0e00-\u0e7f]"),
    ("hi", r"[\u0900-\u097f]"),
)

# Short, frequent function words that mostly belong to one Latin-script language. Words shared by several
# (e.g. "a", "de", "la") are left out, so one hit is already a fair sign.
_STOP_WORDS: dict[str, frozenset[str]] = {
    "en": frozenset(
        [
            "the",
            "and",
            "of",
            "about",
            "with",
            "for",
            "song",
            "is",
            "my",
            "your",
            "this",
            "that",
            "to",
            "in",
            "on",
            "it",
        ]
    ),
    "es": frozenset(
        [
            "el",
            "los",
            "las",
            "una",
            "canción",
            "sobre",
            "con",
            "para",
            "mi",
            "por",
            "del",
            "que",
            "muy",
            "es",
            "y",
            "amor",
        ]
    ),
    "fr": frozenset(
        [
            "le",
            "les",
            "une",
            "chanson",
            "sur",
            "avec",
            "pour",
            "mon",
            "est",
            "et",
            "du",
            "des",
            "au",
            "qui",
            "très",
            "amour",
        ]
    ),
    "de": frozenset(
        [
            "der",
            "die",
            "das",
            "ein",
            "eine",
            "lied",
            "über",
            "mit",
            "für",
            "und",
            "ist",
            "ich",
            "nicht",
            "von",
            "zu",
            "auf",
            "mein",
        ]
    ),
    "it": frozenset(
        [
            "il",
            "gli",
            "una",
            "canzone",
            "sulla",
            "sul",
            "con",
            "per",
            "mio",
            "è",
            "di",
            "che",
            "della",
            "amore",
        ]
    ),
    "pt": frozenset(
        [
            "o",
            "os",
            "uma",
            "canção",
            "sobre",
            "com",
            "para",
            "meu",
            "é",
            "e",
            "do",
            "da",
            "que",
            "muito",
            "amor",
        ]
    ),
}
_LATIN_WORD = re.compile(r"[a-zà-öø-ÿ]+")


def _latin_language(text: str) -> str:
    """The Latin-script language whose stop words occur most; English wins ties and empty texts."""
    words = _LATIN_WORD.findall(text.lower())
    scores = {code: sum(word in stops for word in words) for code, stops in _STOP_WORDS.items()}
    best = max(scores, key=lambda code: (scores[code], code == "en"))
    return best if scores[best] > scores["en"] else "en"


def detect_language(text: str) -> str:
    """An ISO 639-1 code: the script with the most letters wins; Latin script is told apart by stop words."""
    counts = {code: len(re.findall(pattern, text)) for code, pattern in _RANGES}
    code, count = max(counts.items(), key=lambda item: item[1])
    latin = len(re.findall(r"[A-Za-zÀ-ÖØ-öø-ÿ]", text))
    if count == 0 or latin > 3 * count:
        return _latin_language(text)
    return code
