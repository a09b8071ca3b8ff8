"""What a description asks for musically: genres, mood, instruments, voice, tempo, instrumental or not.

The topic (what the words are about) is read separately per language, in topic_en / topic_zh.
"""

from __future__ import annotations

from dataclasses import dataclass

from .styles import (
    CHOIR_WORDS,
    DUET_WORDS,
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


@dataclass(frozen=True)
class Brief:
    genres: tuple[Genre, ...]
    mood: str  # a key of MOODS
    mood_words: tuple[str, ...]  # the mood words the client used (English ones become tags)
    instruments: tuple[str, ...]
    voice: str | None  # "female vocals" / "male vocals" / "duet" / "choir" when the client said so
    bpm: int | None  # when the client gave one
    instrumental: bool  # the description itself asks for no vocals
    negations: tuple[str, ...] = ()  # what the client asked not to have ("drums", "female vocals")
    music: tuple[str, ...] = ()  # key and meter as tags ("D minor", "3/4 time") when the client gave them
    style_words: tuple[str, ...] = ()  # genre words of the composer's vocabulary ("sea shanty", "afrobeats")


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
    best, best_words = "", tuple[str, ...]()
    for mood, words in MOODS.items():
        hits = tuple(w for w in words if contains_word(text, w))
        if len(hits) > len(best_words):
            best, best_words = mood, hits
    if not best:
        best = genres[0].mood if genres else "happy"
    return best, best_words


def read_brief(description: str, style_hint: str = "", raw: str = "") -> Brief:
    """Read the musical intent from the style hint and the description together (`raw`: the description before
    cleaning, where "3/4" still has its slash)."""
    from tunesmith.engines.composer.vocab.match import split_negations
    from tunesmith.engines.composer.vocab.read import read_key, read_meter, read_tempo

    text, negated = split_negations(
        f"{style_hint} {description}".lower()
    )  # "no female vocals" must not ask for a female voice
    genres = _find_genres(text)
    mood, mood_words = _find_mood(text, genres)
    instruments = tuple(
        name for name, words in INSTRUMENTS.items() if any(contains_word(text, w) for w in words)
    )
    vocab = _vocab_words(text)
    instruments += tuple(w for w in vocab["inst"] if w not in instruments)
    female = any(contains_word(text, w) for w in FEMALE_WORDS)
    male = any(contains_word(text, w) for w in MALE_WORDS)
    voice = "female vocals" if female and not male else "male vocals" if male and not female else None
    if any(contains_word(text, w) for w in DUET_WORDS) or (female and male):
        voice = "duet"
    elif any(contains_word(text, w) for w in CHOIR_WORDS):
        voice = "choir"
    for phrase in negated:  # "no female vocals": the other voice
        if any(contains_word(phrase, w) for w in ("female", "woman", "women", "girls")):
            voice = "male vocals"
        elif any(contains_word(phrase, w) for w in ("male", "man", "men", "guys", "boys")):
            voice = "female vocals"
    found = read_tempo(text)[0]
    bpm = int(found) if found and 40 <= found <= 220 else None
    said, unsaid = split_negations(description.lower())  # the description's own words decide instrumental
    instrumental = any(contains_word(said, w) for w in INSTRUMENTAL_WORDS)
    no_voice = {"vocals", "vocal", "voice", "singing", "lyrics", "words", "vocalist", "singer"}
    if any(phrase.strip() in no_voice for phrase in unsaid):
        instrumental = True
    music: list[str] = []
    tonic, mode = read_key(text)
    if tonic is not None:
        names = ("C", "C#", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B")
        music.append(f"{names[tonic]} {mode or 'major'}")
    meter = read_meter(f"{text} {raw.lower()}")[0]
    if meter in (3, 6):
        music.append("3/4 time" if meter == 3 else "6/8 time")
    return Brief(
        genres,
        mood,
        mood_words,
        instruments,
        voice,
        bpm,
        instrumental,
        tuple(negated),
        tuple(music),
        tuple(vocab["genre"]),
    )


def _vocab_words(text: str) -> dict[str, list[str]]:
    """Genre and instrument phrases of the composer's style vocabulary found in `text`, as written there."""
    from tunesmith.engines.composer.vocab.genres import GENRE_WORDS
    from tunesmith.engines.composer.vocab.instruments import INSTRUMENTS as VOCAB_INSTRUMENTS
    from tunesmith.engines.composer.vocab.match import find

    phrases = [w for i in VOCAB_INSTRUMENTS if i.role != "kit" for w in i.words]
    out: dict[str, list[str]] = {"genre": [], "inst": []}
    for hit in find(text, {"genre": tuple(GENRE_WORDS), "inst": tuple(phrases)}):
        written = text[hit.start : hit.end]
        if written not in out[hit.table]:
            out[hit.table].append(written)
    return out


def mood_tags(brief: Brief) -> list[str]:
    """English words for the mood, as tags: the client's own words where it used English ones."""
    words = [w for w in brief.mood_words if w.isascii()]
    tags = words[:2] or [MOODS[brief.mood][0]]
    for word in words[:2]:
        tags.extend(MOOD_EXTRA_TAGS.get(word, ()))
    return tags
