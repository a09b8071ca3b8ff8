"""An English song: title, hook and lyrics from the topic and mood, rhymed by the CMU dictionary."""

from __future__ import annotations

import random
import re

from . import banks_en
from .compose import Lexicon, Writer
from .phonetics_en import known, last_word, rhyme_key, syllables
from .structure import SOFT_MOODS, write_lyrics
from .textutil import title_case
from .topic_en import TopicEn

_SPAN = (6, 10)
_KEEP_DET = {"my", "your", "our", "his", "her", "their"}


def _finish(line: str) -> str:
    """Tidy a filled template: spacing, a/an, capital first letter."""
    line = re.sub(r"\s+", " ", line).strip()
    line = re.sub(r"\s+([,.!?])", r"\1", line)
    line = re.sub(r"\b([Aa]) (?=[aeiouAEIOU])", r"\1n ", line)
    return line[:1].upper() + line[1:]


def _end_rhyme(word: str) -> str | None:
    last = last_word(word)
    return rhyme_key(last) if known(last) else None


_LEXICON: Lexicon | None = None


def lexicon() -> Lexicon:
    """Built once per process: indexing the rhyme words by sound needs the CMU dictionary loaded."""
    global _LEXICON
    if _LEXICON is None:
        templates = dict(banks_en.TEMPLATES)
        templates["verse_t"] = tuple(t for t in templates["verse"] if "{t}" in t or "{act}" in t)
        _LEXICON = Lexicon(templates, banks_en.END_WORDS, _end_rhyme, syllables, _SPAN, _finish, last_word)
    return _LEXICON


def topic_from_phrase(phrase: str) -> TopicEn:
    """A TopicEn for a ready-made theme such as "the open road"."""
    first, _, rest = phrase.partition(" ")
    if first in ("the", "a", "an", *_KEEP_DET) and rest:
        det = "the" if first in ("a", "an") else first
        return TopicEn(rest, det, rest.endswith("s"))
    return TopicEn(phrase, "", phrase.endswith("s") and not phrase.endswith("ss"))


def choose_title(topic: TopicEn, mood: str, rng: random.Random) -> tuple[str, str]:
    """(title, hook as sung): 2–5 words from the topic, short enough that the hook fits a line."""
    bare = topic.sung if topic.det in _KEEP_DET else topic.phrase
    adjectives = [a for a in banks_en.MOOD_WORDS[mood]["adj"] if " " not in a]
    options: list[str] = []
    for form in banks_en.TITLE_FORMS:
        if "{mod}" in form and not topic.modifier:
            continue
        if form == "{topic}" and len(bare.split()) < 2:
            continue
        hook = form.format(
            topic=topic.sung if form.startswith("Me and") else bare,
            adj=rng.choice(adjectives),
            mod=topic.modifier,
        )
        hook = hook[:1].lower() + hook[1:] if not hook.startswith(bare) else hook
        hook = " ".join(w if w == w.capitalize() and w in topic.phrase else w.lower() for w in hook.split())
        if 2 <= len(hook.split()) <= 5:
            options.append(hook)
    fitting = [h for h in options if syllables(h) <= 5] or sorted(options, key=syllables)[:1] or [bare]
    hook = rng.choice(fitting)
    return title_case(hook)[:79], hook


def slots(topic: TopicEn, hook: str, mood: str) -> dict[str, list[str]]:
    words = banks_en.MOOD_WORDS[mood]
    images = [w for w in topic.images if w.islower() and known(w)]
    return {
        "t": [topic.sung],
        "hook": [hook],
        "is": ["are" if topic.plural else "is"],
        "act": [topic.activity] if topic.activity else [],
        "adj": list(words["adj"]),
        "img": images + list(words["img"]),
        "verb": [v for v, _ in words["verb"]],
        "ving": [g for _, g in words["verb"]],
    }


def write_english(topic: TopicEn, mood: str, rng: random.Random, *, instrumental: bool) -> tuple[str, str]:
    """(title, lyrics); lyrics are empty for an instrumental."""
    title, hook = choose_title(topic, mood, rng)
    if instrumental:
        return title, ""
    writer = Writer(lexicon(), slots(topic, hook, mood), rng, soft=mood in SOFT_MOODS)
    return title, write_lyrics(writer, rng, couplets=True)
