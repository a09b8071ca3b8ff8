"""Finding vocabulary phrases in a style: whole words, plurals, longest phrase first, negations split off.

Every table (genre words, instruments, voices) is searched at once; a longer phrase claims its words before a
shorter one, so "drum and bass" is a genre and not two instruments, "baritone sax" an instrument and not a
voice, and "acoustic guitar" not the genre "acoustic". A negation ("no drums", "without guitar or bass",
"no female vocals", "drumless") takes the words up to the next comma, "but" or "with" out of the style and
returns them as negated phrases.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

_CJK = re.compile(r"[\u3400-\u9fff]")


@dataclass(frozen=True)
class Hit:
    table: str  # which table the phrase came from
    phrase: str  # the phrase as it is in the table
    start: int
    end: int


def _pattern(phrase: str) -> str:
    if _CJK.search(phrase):
        return re.escape(phrase)
    body = re.escape(phrase).replace(r"\ ", r"[\s_-]+").replace(r"\-", r"[\s_-]?")
    plural = "" if phrase.endswith("s") or not phrase[-1].isalnum() else "(?:e?s)?"
    return rf"(?<![a-z0-9]){body}{plural}(?![a-z0-9])"


_COMPILED: dict[str, re.Pattern[str]] = {}


def _compiled(phrase: str) -> re.Pattern[str]:
    pat = _COMPILED.get(phrase)
    if pat is None:
        pat = _COMPILED[phrase] = re.compile(_pattern(phrase))
    return pat


def find(text: str, tables: Mapping[str, Iterable[str]]) -> list[Hit]:
    """Non-overlapping hits of every table's phrases in `text` (lower case), in text order; where phrases
    overlap the longer one wins."""
    cands: list[Hit] = []
    for table, phrases in tables.items():
        for phrase in phrases:
            for m in _compiled(phrase).finditer(text):
                cands.append(Hit(table, phrase, m.start(), m.end()))
    cands.sort(key=lambda h: (-(h.end - h.start), h.start))
    taken = [False] * (len(text) + 1)
    out: list[Hit] = []
    for h in cands:
        if any(taken[h.start : h.end]):
            continue
        for i in range(h.start, h.end):
            taken[i] = True
        out.append(h)
    return sorted(out, key=lambda h: h.start)


_NEG = re.compile(
    r"(?<![a-z0-9])(?:no|without|w/o|minus|not|zero|except|excluding|free of|lacking|avoid)"
    r"(?:[\s-]+(?:any|the|a|an|heavy|loud|real|more))*[\s-]+"
    r"(?P<scope>[^,.;:!?()\[\]\n|]+?)"
    r"(?=\s+(?:but|with|and then|just|only|plus|featuring|feat|about|for|that|which|in|on|at|to|like"
    r"|where|when|because|so|please)\b|[,.;:!?()\[\]\n|]|$)"
)
_FREE = re.compile(
    r"(?<![a-z0-9])(drums?|vocals?|voice|guitars?|piano|bass|beats?|lyrics?|percussion|synths?)[\s-]?"
    r"(?:free|less)(?![a-z0-9])|(?<![a-z0-9])non[\s-]?(vocal)(?![a-z0-9])"
)
_SPLIT = re.compile(r"\s*(?:\band\b|\bor\b|\bnor\b|&|/|\+)\s*(?:no\s+|without\s+)?")


def split_negations(text: str) -> tuple[str, list[str]]:
    """(text without its negations, the negated phrases). "no drums or bass" negates "drums" and "bass"."""
    negated: list[str] = []

    def cut(m: re.Match[str]) -> str:
        scope = m.group("scope").strip()
        negated.extend(p.strip() for p in _SPLIT.split(scope) if p.strip())
        return " , "

    text = _NEG.sub(cut, text)

    def free(m: re.Match[str]) -> str:
        negated.append(m.group(1) or m.group(2))
        return " , "

    text = _FREE.sub(free, text)
    return text, negated
