"""Text folded the way the content policy compares it, so that the usual disguises of a word read as the word.

`fold` undoes what costs an evader nothing: letter case, Unicode width and compatibility forms (full-width
ｂａｄ, ligatures, circled letters), accents on Latin/Greek/Cyrillic letters, invisible characters inserted
between letters (zero-width spaces, soft hyphens), and Cyrillic/Greek look-alikes mixed into a Latin word
(`bаd` with a Cyrillic а). Each folded character remembers which input character it came from, so a match can
be cut out of the original text (artist names stripped from a style).

What `fold` leaves alone is handled by the patterns (tunesmith.policy.patterns): separators between letters,
repeated letters, digit and symbol swaps. `pinyin_line` spells Chinese characters in pinyin for matching
Chinese terms by sound.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

# Scripts written without spaces between words: a term in them matches anywhere, without word boundaries.
_SPACELESS = (
    (0x3040, 0x30FF),  # hiragana, katakana
    (0x3400, 0x4DBF),  # CJK extension A
    (0x4E00, 0x9FFF),  # CJK unified ideographs
    (0xF900, 0xFAFF),  # CJK compatibility ideographs
    (0x0E00, 0x0E7F),  # Thai
    (0x20000, 0x2FFFF),  # CJK extensions B..
)
_HAN = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0x20000, 0x2FFFF))

# Cyrillic and Greek letters that look like Latin ones, read as Latin inside a word that also has Latin
# letters (a word wholly in Cyrillic or Greek keeps its own letters, so terms in those scripts still match).
# fmt: off
CONFUSABLES: dict[str, str] = {
    "а": "a", "в": "b", "е": "e", "ё": "e", "к": "k", "м": "m", "н": "h", "о": "o", "р": "p", "с": "c",
    "т": "t", "у": "y", "х": "x", "ѕ": "s", "і": "i", "ї": "i", "ј": "j", "ԁ": "d", "ԛ": "q", "ԝ": "w",
    "α": "a", "β": "b", "ε": "e", "η": "n", "ι": "i", "κ": "k", "ν": "v", "ο": "o", "ρ": "p", "τ": "t",
    "υ": "u", "χ": "x", "ω": "w", "γ": "y",
}
# fmt: on


def in_ranges(ch: str, ranges: tuple[tuple[int, int], ...]) -> bool:
    code = ord(ch)
    return any(lo <= code <= hi for lo, hi in ranges)


def is_spaceless(ch: str) -> bool:
    """True for a character of a script written without spaces (Chinese, Japanese kana, Thai)."""
    return in_ranges(ch, _SPACELESS)


HAN = re.compile("[" + "".join(f"{chr(lo)}-{chr(hi)}" for lo, hi in _HAN) + "]")


def is_han(ch: str) -> bool:
    return HAN.match(ch) is not None


def has_han(text: str) -> bool:
    return HAN.search(text) is not None


def _is_latin_letter(ch: str) -> bool:
    return ch.isascii() and ch.isalpha()


@dataclass(frozen=True)
class Folded:
    """Folded text, and for each of its characters the index of the input character it came from."""

    text: str
    origin: Sequence[int]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The input span a folded span [start, end) came from."""
        return self.origin[start], self.origin[end - 1] + 1


@lru_cache(maxsize=4096)
def _fold_char(ch: str) -> str:
    """One input character folded: compatibility form, case, accents and invisible characters removed."""
    out = []
    for c in unicodedata.normalize("NFKC", ch).casefold():
        if unicodedata.category(c) == "Cf":  # zero-width space/joiners, soft hyphen, BOM...
            continue
        for d in unicodedata.normalize("NFD", c):
            # accents go on letters whose scripts spell words with them; kana voicing marks stay
            if unicodedata.category(d) == "Mn" and ord(c) < 0x0530:
                continue
            out.append(d)
    return unicodedata.normalize("NFC", "".join(out))


def fold(text: str) -> Folded:
    """`text` as the policy compares it (see the module docstring)."""
    if text.isascii():  # nothing to fold but case: the common case, kept fast
        return Folded(text.lower(), range(len(text)))
    chars: list[str] = []
    origin: list[int] = []
    for i, ch in enumerate(text):
        for c in _fold_char(ch):
            chars.append(c)
            origin.append(i)
    _unmask_lookalikes(chars)
    return Folded("".join(chars), origin)


def _unmask_lookalikes(chars: list[str]) -> None:
    """Within each word that mixes Latin letters with Cyrillic/Greek look-alikes, read the look-alikes as
    Latin (in place)."""
    start = 0
    n = len(chars)
    while start < n:
        if not chars[start].isalnum():
            start += 1
            continue
        end = start
        while end < n and (chars[end].isalnum() or chars[end] in "$@!|+"):
            end += 1
        word = chars[start:end]
        if any(_is_latin_letter(c) for c in word) and any(c in CONFUSABLES for c in word):
            for k in range(start, end):
                chars[k] = CONFUSABLES.get(chars[k], chars[k])
        start = end


@lru_cache(maxsize=32768)
def _syllable(ch: str) -> str:
    """A Chinese character's most common reading, toneless (ü as v)."""
    from pypinyin import Style, lazy_pinyin

    return "".join(lazy_pinyin(ch, style=Style.NORMAL, errors="ignore"))


def pinyin_line(text: str) -> tuple[str, list[bool]]:
    """Folded text with each Chinese character spelt in pinyin (its most common reading, toneless, ü as v),
    a space either side, everything else kept (你是坏dan → ` ni  shi  huai dan`); and for each character of
    that line, whether it spells a Chinese character."""
    parts: list[str] = []
    spelt: list[bool] = []
    cursor = 0
    for m in HAN.finditer(text):
        if m.start() > cursor:
            parts.append(text[cursor : m.start()])
            spelt += [False] * (m.start() - cursor)
        syllable = f" {_syllable(m.group())} "
        parts.append(syllable)
        spelt += [True] * len(syllable)
        cursor = m.end()
    parts.append(text[cursor:])
    spelt += [False] * (len(text) - cursor)
    return "".join(parts), spelt


@lru_cache(maxsize=4096)
def is_english_word(word: str) -> bool:
    """True when `word` is in the CMU pronouncing dictionary: Latin letters that read as English, not as
    pinyin ("made" is not 妈的)."""
    import pronouncing

    return bool(pronouncing.phones_for_word(word))


def term_pinyin(term: str) -> list[list[str]]:
    """For each character of a term wholly in Chinese characters, its toneless readings (ü as v): the one
    the term as a phrase implies, and the character's most common one (what `pinyin_line` writes)."""
    from pypinyin import Style, lazy_pinyin

    usual = lazy_pinyin(term, style=Style.NORMAL, errors="ignore")
    return [list(dict.fromkeys([reading, _syllable(ch)])) for reading, ch in zip(usual, term, strict=True)]
