"""write_song: from a one-line description to a title, style tags and rhymed, sectioned lyrics.

Everything is offline and seeded: the same description and seed give the same song, another seed another.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass

from .brief import Brief, read_brief
from .language import detect_language
from .song_en import topic_from_phrase, write_english
from .song_zh import write_chinese
from .tags import build_tags
from .textutil import MAX_INPUT, clean, has_cjk
from .themes import GENERIC, from_foreign, to_chinese, to_english
from .topic_en import TopicEn, read_topic_en
from .topic_zh import TopicZh, read_topic_zh

_WRITTEN = ("en", "zh")


@dataclass(frozen=True)
class WrittenSong:
    title: str
    tags: str  # comma-separated style tags, e.g. "dance pop, funky, 118 bpm, female vocals"
    lyrics: str  # with section headers ("" when instrumental)
    language: str  # ISO 639-1 code of the lyrics


def _rng(*parts: object) -> random.Random:
    """A generator seeded from the inputs: str hashes are salted per process, sha256 is not."""
    digest = hashlib.sha256("\x1f".join(map(str, parts)).encode("utf-8", "replace")).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


def _lyrics_language(description: str, language: str | None) -> str:
    """The language to write in: the one asked for, else the description's; English when we cannot."""
    code = (language or "").strip().lower().replace("_", "-").split("-")[0]
    if not code:
        code = detect_language(description)
    return code if code in _WRITTEN else "en"


def _topic_en(text: str, brief: Brief, rng: random.Random) -> TopicEn:
    source = detect_language(text)
    if source not in _WRITTEN:  # another language, sung in English: keep its theme if we know the word
        foreign = from_foreign(text)
        return topic_from_phrase(foreign or rng.choice(GENERIC[brief.mood])[0])
    topic = read_topic_en(text) if any(c.isascii() and c.isalpha() for c in text) else None
    if topic is None and has_cjk(text):
        zh = read_topic_zh(text)
        english = to_english(zh.phrase) if zh else None
        topic = topic_from_phrase(english) if english else None
    return topic or topic_from_phrase(rng.choice(GENERIC[brief.mood])[0])


def _topic_zh(text: str, brief: Brief, rng: random.Random) -> TopicZh:
    topic = read_topic_zh(text) if has_cjk(text) else None
    if topic is None:
        en = read_topic_en(text)
        chinese = to_chinese([*en.phrase.split()[::-1], *en.images]) if en else None
        topic = TopicZh(chinese) if chinese else None
    return topic or TopicZh(rng.choice(GENERIC[brief.mood])[1])


def write_song(
    description: str,
    *,
    instrumental: bool = False,
    seed: int = 0,
    style_hint: str = "",
    language: str | None = None,
) -> WrittenSong:
    """A title, tags and lyrics (in the description's language) for a one-line song idea."""
    text = clean(description)
    hint = clean(style_hint)[:MAX_INPUT]
    brief = read_brief(text, hint, raw=description[:MAX_INPUT])
    instrumental = instrumental or brief.instrumental
    lang = _lyrics_language(text, language)
    rng = _rng(seed, text, hint, lang, instrumental)
    if lang == "zh":
        title, lyrics = write_chinese(_topic_zh(text, brief, rng), brief.mood, rng, instrumental=instrumental)
    else:
        title, lyrics = write_english(_topic_en(text, brief, rng), brief.mood, rng, instrumental=instrumental)
    voice = brief.voice or rng.choice(("female vocals", "male vocals"))
    tags = build_tags(brief, style_hint=hint, instrumental=instrumental, voice=voice, rng=rng)
    return WrittenSong(title=title, tags=tags, lyrics=lyrics, language=lang)


def write_lyrics_variants(prompt: str, *, count: int = 2, seed: int = 0) -> list[WrittenSong]:
    """`count` (1–4) different lyric sheets for one prompt, each with its own title."""
    count = max(1, min(4, count))
    songs: list[WrittenSong] = []
    attempt = 0
    while len(songs) < count and attempt < count * 8:
        song = write_song(prompt[:MAX_INPUT], seed=seed * 1009 + attempt)
        attempt += 1
        if all(song.title != s.title and song.lyrics != s.lyrics for s in songs):
            songs.append(song)
    while len(songs) < count:  # a prompt so narrow that titles collide: keep the lyrics, number the title
        song = write_song(prompt[:MAX_INPUT], seed=seed * 1009 + attempt)
        attempt += 1
        songs.append(
            WrittenSong(f"{song.title} {len(songs) + 1}"[:79], song.tags, song.lyrics, song.language)
        )
    return songs
