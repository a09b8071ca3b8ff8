"""English syllables and rhymes from the CMU pronouncing dictionary, with a spelling fallback.

Lines are judged by how they are sung, so syllables and rhymes come from pronunciations, not spelling.
The fallback only counts syllables; a word the dictionary lacks never ends a line, so rhymes stay real.
"""

from __future__ import annotations

import re
from functools import lru_cache

import pronouncing

_WORD = re.compile(r"[A-Za-z0-9']+")
_VOWEL_GROUP = re.compile(r"[aeiouy]+")


@lru_cache(maxsize=8192)
def _phones(word: str) -> tuple[str, ...]:
    return tuple(pronouncing.phones_for_word(word.lower().strip("'")))


def known(word: str) -> bool:
    """Whether the CMU dictionary knows the word (only known words may carry a rhyme)."""
    return bool(_phones(word))


def rhyme_key(word: str) -> str | None:
    """The sound from the last stressed vowel to the end (e.g. 'AY1 T' for night/light), or None."""
    phones = _phones(word)
    return pronouncing.rhyming_part(phones[0]) if phones else None


def rhymes(a: str, b: str) -> bool:
    """Two different words rhyme when any of their pronunciations share the rhyming part."""
    if a.lower() == b.lower():
        return False
    keys_a = {pronouncing.rhyming_part(p) for p in _phones(a)}
    return any(pronouncing.rhyming_part(p) in keys_a for p in _phones(b))


def _guess_syllables(word: str) -> int:
    """Spelling heuristic for words the dictionary lacks: vowel groups, minus a silent final e."""
    w = word.lower().strip("'")
    if w.isdigit():
        return max(1, len(w))
    count = len(_VOWEL_GROUP.findall(w))
    if w.endswith("e") and not w.endswith(("le", "ee", "ye")) and count > 1:
        count -= 1
    return max(1, count)


@lru_cache(maxsize=8192)
def word_syllables(word: str) -> int:
    phones = _phones(word)
    return pronouncing.syllable_count(phones[0]) if phones else _guess_syllables(word)


def syllables(text: str) -> int:
    """Sung syllables in a line; hyphenated words count part by part."""
    return sum(word_syllables(w) for w in _WORD.findall(text.replace("-", " ")))


def last_word(line: str) -> str:
    words = _WORD.findall(line)
    return words[-1] if words else ""
