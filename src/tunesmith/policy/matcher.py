"""Finding a list's terms in a field of text (see tunesmith.policy.patterns for what a term matches).

Each field is folded once, and every term that applies to the field is tried in one combined expression;
the pinyin line is built only when the list has Chinese terms and the text has Chinese characters.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace

from tunesmith.policy.normalize import Folded, fold, has_han, is_english_word, pinyin_line
from tunesmith.policy.patterns import BEFORE, TermPatterns, compile_term

FIELDS = ("lyrics", "style", "title", "description")
# Fields judged by another field's terms: a negative style is a style (but names no artist to sound like).
ALIASES = {"negative_style": "style"}
# What an allowed phrase is overwritten with before matching: a letter no term has, so it neither matches
# nor separates (U+3007 IDEOGRAPHIC NUMBER ZERO).
MASK = "\u3007"


@dataclass(frozen=True)
class Term:
    """A term as the operator wrote it, and the fields it applies to (empty: every field)."""

    text: str
    fields: frozenset[str] = frozenset()

    def applies_to(self, field: str) -> bool:
        return not self.fields or field in self.fields


@dataclass(frozen=True)
class Hit:
    """Where a term was found: `span` in the original text (None when found by sound, in pinyin)."""

    term: str
    field: str
    span: tuple[int, int] | None
    by_sound: bool = False


class _Compiled:
    """The combined expressions for the terms of one field."""

    def __init__(self, terms: list[tuple[Term, TermPatterns]]) -> None:
        self.terms = [t for t, _ in terms]
        bounded = [f"(?P<t{i}>{p.text})" for i, (_, p) in enumerate(terms) if p.bounded]
        free = [f"(?P<t{i}>{p.text})" for i, (_, p) in enumerate(terms) if not p.bounded]
        sound = [f"(?P<t{i}>{p.sound})" for i, (_, p) in enumerate(terms) if p.sound]
        text = ([f"{BEFORE}(?:{'|'.join(bounded)})"] if bounded else []) + free
        self.text = re.compile("|".join(text)) if text else None
        self.sound = re.compile(f"{BEFORE}(?:{'|'.join(sound)})") if sound else None

    def term_of(self, match: re.Match[str]) -> Term:
        assert match.lastgroup is not None
        return self.terms[int(match.lastgroup[1:])]


class Matcher:
    """A compiled word list."""

    def __init__(self, terms: Iterable[Term], *, allowed: Iterable[str] = (), by_sound: bool = True) -> None:
        compiled: list[tuple[Term, TermPatterns]] = []
        for term in terms:
            patterns = compile_term(term.text)
            if patterns is not None:
                compiled.append((term, patterns if by_sound else replace(patterns, sound=None)))
        self.size = len(compiled)
        self._fields = {field: _Compiled([c for c in compiled if c[0].applies_to(field)]) for field in FIELDS}
        self._other = _Compiled([c for c in compiled if not c[0].fields])
        allow = [p for phrase in allowed if (p := compile_term(phrase)) is not None]
        self._allowed = (
            re.compile("|".join(f"{BEFORE}{p.text}" if p.bounded else p.text for p in allow))
            if allow
            else None
        )

    def __len__(self) -> int:
        return self.size

    def _for(self, field: str) -> _Compiled:
        return self._fields.get(ALIASES.get(field, field), self._other)

    def find(self, text: str, field: str) -> Hit | None:
        """The first term found in `text` (a value of `field`), or None."""
        return next(self.find_all(text, field, first=True), None)

    def find_all(self, text: str, field: str, *, first: bool = False) -> Iterator[Hit]:
        """Every non-overlapping term found, in order (by sound after the written ones). Text inside an
        allowed phrase is never a hit."""
        if not text or not self.size:
            return
        compiled = self._for(field)
        folded: Folded = fold(text)
        line = self._mask_allowed(folded.text)
        if compiled.text is not None:
            for m in compiled.text.finditer(line):
                yield Hit(term=compiled.term_of(m).text, field=field, span=folded.span(*m.span()))
                if first:
                    return
        if compiled.sound is not None:
            if has_han(line):
                spoken, spelt = pinyin_line(line)
            else:
                spoken, spelt = line, [False] * len(line)
            for m in compiled.sound.finditer(spoken):
                if not any(spelt[m.start() : m.end()]) and _reads_as_english(m.group()):
                    continue
                yield Hit(term=compiled.term_of(m).text, field=field, span=None, by_sound=True)
                return

    def _mask_allowed(self, line: str) -> str:
        """`line` with every allowed phrase overwritten by MASK (same length, so spans still map)."""
        if self._allowed is None:
            return line
        return self._allowed.sub(lambda m: MASK * len(m.group()), line)


def _reads_as_english(spelling: str) -> bool:
    """A pinyin match made of Latin letters alone that is one English word ("made" for 妈的)."""
    return spelling.isalpha() and is_english_word(spelling)
