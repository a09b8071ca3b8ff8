"""What a description asks for musically: genres, mood, instruments, voice, tempo, instrumental or not.

The topic (what the words are about) is read separately per language, in topic_en / topic_zh.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .styles import (
    FEMALE_WORDS,
    GENRES,
    INSTRUMENTAL_WORDS,
    INSTRUMENTS,
    MALE_WORDS,
    MOOD_EXTRA_TAGS,
    MOODS,
    Genre,
)
from .textutil import contains_word

_BPM = re.compile(r"(\d{2,3})\s*(?:bpm|beats per minute)")


@dataclass(frozen=True)
class Brief:
    genres: tuple[Genre, ...]
    mood: str  # a key of MOODS
    mood_words: tuple[str, ...]  # the mood words the client used (English ones become tags)
    instruments: tuple[str, ...]
    voice: str | None  # "female vocals" / "male vocals" when the client said so
    bpm: int | None  # when the client gave one
    instrumental: bool  # the description itself asks for no vocals


def _find_genres(text: str) -> tuple[Genre, ...]:
    found: list[Genre] = []
    taken: list[str] = []
    for genre in GENRES:
        for word in genre.words:
            # a word inside one already matched ("pop" in "j-pop") does not count again
            if contains_word(text, word) and not any(word in t for t in taken):
                found.append(genre)
                taken.append(word)
                break
    return tuple(found)


def _find_mood(text: str, genres: tuple[Genre, ...]) -> tuple[str, tuple[str, ...]]:
    best, best_words = "", ()
    for mood, words in MOODS.items():
        hits = tuple(w for w in words if contains_word(text, w))
        if len(hits) > len(best_words):
            best, best_words = mood, hits
    if not best:
        best = genres[0].mood if genres else "happy"
    return best, best_words


def read_brief(description: str, style_hint: str = "") -> Brief:
    """Read the musical intent from the style hint and the description together."""
    text = f"{style_hint} {description}".lower()
    genres = _find_genres(text)
    mood, mood_words = _find_mood(text, genres)
    instruments = tuple(
        name for name, words in INSTRUMENTS.items() if any(contains_word(text, w) for w in words)
    )
    female = any(contains_word(text, w) for w in FEMALE_WORDS)
    male = any(contains_word(text, w) for w in MALE_WORDS)
    voice = "female vocals" if female and not male else "male vocals" if male and not female else None
    match = _BPM.search(text)
    bpm = int(match.group(1)) if match and 40 <= int(match.group(1)) <= 220 else None
    instrumental = any(contains_word(description.lower(), w) for w in INSTRUMENTAL_WORDS)
    return Brief(genres, mood, mood_words, instruments, voice, bpm, instrumental)


def mood_tags(brief: Brief) -> list[str]:
    """English words for the mood, as tags: the client's own words where it used English ones."""
    words = [w for w in brief.mood_words if w.isascii()]
    tags = words[:2] or [MOODS[brief.mood][0]]
    for word in words[:2]:
        tags.extend(MOOD_EXTRA_TAGS.get(word, ()))
    return tags
