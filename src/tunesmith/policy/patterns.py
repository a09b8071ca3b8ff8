"""One term of a word list as regular expressions over folded text (tunesmith.policy.normalize.fold).

A term's letters match themselves repeated (baaad), any of the digits and symbols commonly swapped for them
(b4d, $hit, he11), and with separators between them: punctuation inside a word (b.a.d, b-a-d, b*a*d), or a
separator between every letter (b a d, b . a . d). A run of spaces alone never joins two ordinary words
("he ll" is not "hell"), and an apostrophe is never a separator ("he'll" is not "hell").

Terms in spaced scripts (Latin, Cyrillic, Greek, Hangul...) match whole words only: "ass" does not match
"class" or "assassin". `*` at the start or end of a term lifts that boundary ("fuck*" also matches
"fucking"). Terms in scripts written without spaces (Chinese, kana, Thai) match anywhere, with any
separators between their characters; a Chinese term of two or more characters also matches by sound, in
pinyin (huaidan, huai-dan, Huài Dàn, 坏dan, and homophones written with other characters).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tunesmith.policy.normalize import fold, is_han, is_spaceless, term_pinyin

# Letters evaders swap for digits and symbols: a term's letter also matches these.
SWAPS: dict[str, str] = {
    "a": "4@",
    "b": "8",
    "e": "3",
    "g": "9",
    "i": "1!|",
    "l": "1|",
    "o": "0",
    "s": "5$",
    "t": "7+",
    "z": "2",
}
_STANDINS = "$@!|+"  # symbols that stand for letters: never separators
_SPACELESS_CLASS = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u0e00-\u0e7f"
# A separator inside a word (punctuation), and one that may also be a space.
TIGHT = r"(?:[^\w\s$@!|+'’]|_)"
ANY = r"(?:[^\w$@!|+'’]|_)"
# Word boundaries: no letter or digit of a spaced script on that side (Chinese next to a word is a boundary).
BEFORE = rf"(?<![^\W_{_SPACELESS_CLASS}])"
AFTER = rf"(?![^\W_{_SPACELESS_CLASS}])"
MIN_SOUND_CHARS = 2  # one Chinese character by sound would match every homophone


@dataclass(frozen=True)
class TermPatterns:
    """A term's regular expressions (as pattern text, combined later): over folded text, and over its
    pinyin line (None unless the term is Chinese of two or more characters). `bounded`: the text pattern
    must start at a word boundary (BEFORE, left for the caller to put in front of all such terms at once:
    most positions in a text are inside a word, and one failed look-behind skips them). Sound patterns
    are always bounded."""

    text: str
    sound: str | None = None
    bounded: bool = False


def _letter(ch: str) -> str:
    swaps = SWAPS.get(ch, "")
    return f"[{re.escape(ch + swaps)}]" if swaps else re.escape(ch)


def _word_units(word: str) -> list[str]:
    """A term word's letters (separators and stand-in symbols inside a term are dropped: the patterns
    allow separators anyway)."""
    return [c for c in word if c.isalnum() or c in "&"]


def _tight(words: list[list[str]]) -> str:
    parts = [f"{TIGHT}*".join(f"{_letter(c)}+" for c in word) for word in words]
    return f"{ANY}*".join(parts)


def _spaced(letters: list[str]) -> str:
    return f"{ANY}+".join(f"{_letter(c)}(?:{ANY}+{_letter(c)})*" for c in letters)


def compile_term(term: str) -> TermPatterns | None:
    """The patterns for one term as written in a list (None when nothing matchable is left)."""
    raw = term.strip()
    open_start, open_end = raw.startswith("*"), raw.endswith("*")
    folded = fold(raw.strip("*").strip()).text
    words = [units for w in folded.split() if (units := _word_units(w))]
    letters = [c for w in words for c in w]
    if not letters:
        return None
    if any(is_spaceless(c) for c in letters):
        body = f"{ANY}*".join(f"{_letter(c)}+" for c in letters)
        sound = None
        if all(is_han(c) for c in letters) and len(letters) >= MIN_SOUND_CHARS:
            readings = term_pinyin("".join(letters))
            if readings and all(r.isascii() and r.isalpha() for rs in readings for r in rs):
                spoken = f"{ANY}*".join(
                    "(?:" + "|".join(r.replace("v", "[vu]") for r in rs) + ")[1-5]?" for rs in readings
                )
                sound = f"{spoken}{AFTER}"
        return TermPatterns(text=body, sound=sound)
    body = _tight(words) if len(letters) == 1 else f"(?:{_tight(words)}|{_spaced(letters)})"
    return TermPatterns(text=body + ("" if open_end else AFTER), bounded=not open_start)
