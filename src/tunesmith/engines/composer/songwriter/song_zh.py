"""A Chinese song: title, hook and lyrics from the topic and mood, rhymed by pinyin finals."""

from __future__ import annotations

import random
import re

from . import banks_zh
from .compose import Lexicon, Writer
from .phonetics_zh import rhyme_class, sung_length
from .structure import write_lyrics
from .topic_zh import TopicZh

_SPAN = (5, 9)


def _finish(line: str) -> str:
    return re.sub(r"\s+", " ", line).strip()


_LEXICON: Lexicon | None = None


def lexicon() -> Lexicon:
    """Built once per process (pypinyin sorts every rhyme word into its class)."""
    global _LEXICON
    if _LEXICON is None:
        templates = dict(banks_zh.TEMPLATES)
        templates["verse_t"] = tuple(t for t in templates["verse"] if "{t}" in t)
        _LEXICON = Lexicon(
            templates, banks_zh.END_WORDS, rhyme_class, sung_length, _SPAN, _finish, lambda word: word[-1:]
        )
    return _LEXICON


def choose_title(topic: TopicZh, rng: random.Random) -> str:
    """2–8 characters around the topic; short ones preferred so the hook fits in a line."""
    options = []
    for form in banks_zh.TITLE_FORMS:
        title = form.format(topic=topic.phrase, noun=rng.choice(banks_zh.TITLE_NOUNS))
        if 2 <= sung_length(title) <= 8:
            options.append(title)
    fitting = [t for t in options if sung_length(t) <= 5] or options or [topic.phrase + "之歌"]
    return rng.choice(fitting)


def slots(topic: TopicZh, hook: str, mood: str) -> dict[str, list[str]]:
    words = banks_zh.MOOD_WORDS[mood]
    return {
        "t": [topic.phrase],
        "hook": [hook],
        "adj": list(words["adj"]),
        "img": [i for i in topic.images if len(i) <= 3] + list(words["img"]),
        "verb": list(words["verb"]),
        "place": list(banks_zh.END_WORDS["P"]),
    }


def write_chinese(topic: TopicZh, mood: str, rng: random.Random, *, instrumental: bool) -> tuple[str, str]:
    """(title, lyrics); lyrics are empty for an instrumental."""
    title = choose_title(topic, rng)
    if instrumental:
        return title, ""
    writer = Writer(lexicon(), slots(topic, title, mood), rng)
    return title, write_lyrics(writer, rng, couplets=False)
