"""The comma-separated style tags of a song: the client's style first, then genre, mood, tempo and voice."""

from __future__ import annotations

import random
import re

from .brief import Brief, mood_tags

# Where in a genre's tempo range a mood sits: calm and sad songs sit low, energetic ones high.
_MOOD_TEMPO = {
    "sad": 0.15,
    "calm": 0.2,
    "romantic": 0.35,
    "dark": 0.45,
    "nostalgic": 0.45,
    "happy": 0.7,
    "energetic": 0.85,
}
# Without a genre, the mood alone sets the range.
_MOOD_RANGE = {
    "sad": (64, 88),
    "calm": (60, 84),
    "romantic": (68, 96),
    "dark": (80, 110),
    "nostalgic": (80, 108),
    "happy": (100, 124),
    "energetic": (118, 140),
}
_MAX_TAGS_CHARS = 200


def _split(style: str) -> list[str]:
    return [part.strip() for part in re.split(r"[,，、;\n]+", style) if part.strip()]


def tempo(brief: Brief, rng: random.Random) -> int:
    """A BPM that fits the genre and mood, varied a little by seed; the client's own BPM wins."""
    if brief.bpm:
        return brief.bpm
    low, high = (
        brief.genres[0].bpm if brief.genres else _vocab_range(brief) or _MOOD_RANGE.get(brief.mood, (96, 124))
    )
    place = _MOOD_TEMPO.get(brief.mood, 0.5) + rng.uniform(-0.12, 0.12)
    return int(round(low + min(1.0, max(0.0, place)) * (high - low)))


def _vocab_range(brief: Brief) -> tuple[int, int] | None:
    """The tempo range of the first genre word of the composer's vocabulary the client used."""
    from tunesmith.engines.composer.genres import GENRES
    from tunesmith.engines.composer.vocab.genres import GENRE_WORDS

    for word in brief.style_words:
        found = GENRE_WORDS.get(word.replace("-", " ")) or GENRE_WORDS.get(word)
        if found:
            return found.tempo or GENRES[found.family].tempo
    return None


def genre_tags(brief: Brief, instrumental: bool) -> list[str]:
    names = [g.tag for g in brief.genres]
    names += [w for w in brief.style_words if not any(w in n or n in w for n in names)]
    if names == ["dance"]:
        names = ["dance pop"]
    if not names:
        if instrumental:
            names = ["ambient"] if brief.mood in ("calm", "sad", "dark") else ["cinematic"]
        else:
            names = ["pop"]
    return names[:3]


def build_tags(brief: Brief, *, style_hint: str, instrumental: bool, voice: str, rng: random.Random) -> str:
    """Merge the client's style with what the description implies; each tag once, case-insensitively."""
    hint = _split(style_hint)
    hint_text = " ".join(hint).lower()
    negations = [f"no {phrase}" for phrase in brief.negations if phrase not in hint_text]
    tags = (
        hint
        + negations
        + list(brief.music)
        + genre_tags(brief, instrumental)
        + mood_tags(brief)
        + list(brief.instruments[:4])
    )
    if "bpm" not in hint_text:
        tags.append(f"{tempo(brief, rng)} bpm")
    if instrumental:
        tags.append("instrumental")
    elif "vocal" not in hint_text and "voice" not in hint_text:
        tags.append(voice)

    seen: set[str] = set()
    out: list[str] = []
    for tag in tags:
        key = tag.lower()
        if key in seen:
            continue
        if len(", ".join([*out, tag])) > _MAX_TAGS_CHARS and len(out) >= len(hint):
            break
        seen.add(key)
        out.append(tag)
    return ", ".join(out)
