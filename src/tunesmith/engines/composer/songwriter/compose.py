"""Rhyme-driven line writing, shared by both languages.

A line is a template whose inner slots are filled from the topic and the mood, and whose last slot is a
rhyme word of a given class. Lines that must rhyme are written together: pick their templates, then a rhyme
sound that every line's word class can end on with a different, unused word, then check each line's sung
length. The Lexicon says what rhymes and how length is counted in a language.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

SLOT = re.compile(r"\{(\w+)\}")
_ATTEMPTS = 60


@dataclass
class Lexicon:
    """A language's templates and words, with its idea of rhyme and of line length."""

    templates: dict[str, tuple[str, ...]]
    end_words: dict[str, tuple[str, ...]]  # word class -> words
    rhyme_key: Callable[[str], str | None]
    length: Callable[[str], int]
    span: tuple[int, int]  # the singable length range of a line
    finish: Callable[[str], str] = lambda line: line  # capitalisation, articles...
    tail: Callable[[str], str] = lambda word: word  # the part that carries the rhyme ("high" of "up high")
    by_key: dict[str, dict[str, list[str]]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for cls, words in self.end_words.items():
            index: dict[str, list[str]] = {}
            for word in dict.fromkeys(words):
                key = self.rhyme_key(word)
                if key:
                    index.setdefault(key, []).append(word)
            self.by_key[cls] = index


def end_class(template: str) -> str:
    return SLOT.findall(template)[-1]


def _fill_inner(template: str, slots: Mapping[str, Sequence[str]], rng: random.Random) -> str | None:
    """Fill every slot but the last; None when the template needs a slot this song cannot fill."""
    template = template.lstrip("^~")
    names = SLOT.findall(template)[:-1]
    picked: dict[str, str] = {}
    taken: set[str] = set()
    for name in names:
        if name in picked:
            continue
        options = [o for o in slots.get(name, ()) if o not in taken]
        if not options:
            return None
        picked[name] = rng.choice(options)
        taken.add(picked[name])
    last = SLOT.findall(template)[-1]
    head, _, _ = template.rpartition("{" + last + "}")
    return SLOT.sub(lambda m: picked[m.group(1)], head)


def usable(template: str, slots: Mapping[str, Sequence[str]], lexicon: Lexicon) -> bool:
    names = SLOT.findall(template)
    return bool(names) and names[-1] in lexicon.end_words and all(slots.get(n) for n in names[:-1])


@dataclass
class Writer:
    """Writes groups of rhyming lines for one song, remembering what it used so the song does not repeat."""

    lexicon: Lexicon
    slots: Mapping[str, Sequence[str]]
    rng: random.Random
    soft: bool = False  # a sad, calm or tender song: "^" templates are out, "~" templates are in
    used_templates: set[str] = field(default_factory=set)
    used_ends: set[str] = field(default_factory=set)

    def _fits_mood(self, template: str) -> bool:
        return not template.startswith("~" if not self.soft else "^")

    def _pool(self, role: str) -> list[str]:
        pool = [t for t in self.lexicon.templates[role] if self._fits_mood(t)]
        pool = [t for t in pool if usable(t, self.slots, self.lexicon)]
        fresh = [t for t in pool if t not in self.used_templates]
        return fresh or pool

    def _assign(self, heads: list[str], classes: list[str]) -> list[str] | None:
        """Rhyme words for the lines: one sound, a different unused word per line, none already in it."""
        keys = set.intersection(*(set(self.lexicon.by_key[c]) for c in classes))
        for key in self.rng.sample(sorted(keys), len(keys)):
            chosen: list[str] = []
            tails: set[str] = set()
            for head, cls in zip(heads, classes, strict=True):
                options = [
                    w
                    for w in self.lexicon.by_key[cls][key]
                    if self.lexicon.tail(w) not in tails
                    and w not in self.used_ends
                    and self.lexicon.tail(w).lower() not in head.lower()
                ]
                if not options:
                    break
                chosen.append(self.rng.choice(options))
                tails.add(self.lexicon.tail(chosen[-1]))
            else:
                return chosen
        return None

    def _misfit(self, line: str) -> int:
        low, high = self.lexicon.span
        n = self.lexicon.length(line)
        return max(0, low - n, n - high)

    def group(self, roles: Sequence[str]) -> list[str]:
        """Lines that rhyme together, one per role (e.g. ["hook", "chorus"])."""
        best: tuple[int, list[str], list[str], list[str]] | None = None
        for _ in range(_ATTEMPTS):
            templates: list[str] = []
            for role in roles:
                pool = [t for t in self._pool(role) if t not in templates]
                if not pool:
                    break
                templates.append(self.rng.choice(pool))
            if len(templates) < len(roles):
                continue
            heads = [_fill_inner(t, self.slots, self.rng) for t in templates]
            if any(h is None for h in heads):
                continue
            words = self._assign(heads, [end_class(t) for t in templates])  # type: ignore[arg-type]
            if words is None:
                continue
            lines = [self.lexicon.finish(h + w) for h, w in zip(heads, words, strict=True)]  # type: ignore[operator]
            score = sum(self._misfit(line) for line in lines)
            if best is None or score < best[0]:
                best = (score, lines, templates, words)
            if score == 0:
                break
        if best is None:
            raise ValueError(f"no rhyming lines for roles {list(roles)}")
        _, lines, templates, words = best
        self.used_templates.update(templates)
        self.used_ends.update(words)
        return lines
