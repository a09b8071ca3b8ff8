"""What an ACE-Step song says and how it is described to the model: title, caption (tags), lyrics, language,
length, and bpm / key / time signature read from the style text (ACE-Step takes them as "metas").

Custom and description mode share the composer's song text: the request's own words, or in description mode
the operator's chat model, else the offline songwriter (tunesmith.engines.composer.engine._song_text).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tunesmith.domain.operations import SongRequest

INSTRUMENTAL_LYRICS = "[Instrumental]"  # upstream ACE-Step's convention for songs without vocals
MIN_SECONDS = 10.0
DEFAULT_MAX_SECONDS = 600.0
SECONDS_PER_LINE = 4.0  # a sung lyric line, section tags excluded
EXTRA_SECONDS = 20.0  # intro, breaks and outro around the sung lines
INSTRUMENTAL_SECONDS = 120.0
CONTINUATION_SECONDS = 30.0  # an instrumental extension without a requested duration

_BPM = re.compile(r"\b(\d{2,3})\s*(?:bpm|beats per minute)\b", re.IGNORECASE)
_KEY = re.compile(
    r"(?<![\w#])(?:key of\s+)?([A-Ga-g])\s*(#|♯|b|♭|sharp|flat)?\s*(major|minor|maj|min|m)\b(?!\w)",
    re.IGNORECASE,
)
_TIME = re.compile(r"\b([2-9]|1[0-2])\s*/\s*(4|8)\b(?:\s*time)?")
_WALTZ = re.compile(r"\bwaltz\b", re.IGNORECASE)


@dataclass(frozen=True, kw_only=True)
class Metas:
    """ACE-Step's metadata conditioning; None means "not given" (the model decides)."""

    bpm: int | None = None
    keyscale: str | None = None  # e.g. "F# minor"
    timesignature: str | None = None  # beats per bar, e.g. "3"


def metas_from_style(style: str) -> Metas:
    """bpm ("92 bpm"), key ("F# minor", "key of Bb major", "Am") and time signature ("3/4", "waltz")."""
    bpm = None
    if match := _BPM.search(style):
        value = int(match.group(1))
        bpm = value if 30 <= value <= 300 else None
    keyscale = None
    if match := _KEY.search(style):
        letter, accidental, mode = match.group(1).upper(), (match.group(2) or "").lower(), match.group(3)
        if mode == "m" and match.group(1).islower():
            mode = ""  # "am" is a word, not A minor; "Am" is
        if mode:
            sign = {"#": "#", "♯": "#", "sharp": "#", "b": "b", "♭": "b", "flat": "b"}.get(accidental, "")
            minor = mode.lower() in ("minor", "min") or mode == "m"
            keyscale = f"{letter}{sign} {'minor' if minor else 'major'}"
    timesignature = None
    if match := _TIME.search(style):
        timesignature = match.group(1)
    elif _WALTZ.search(style):
        timesignature = "3"
    return Metas(bpm=bpm, keyscale=keyscale, timesignature=timesignature)


def sung_lines(lyrics: str) -> list[str]:
    """The lyric lines that are sung (section tags like [Chorus] left out)."""
    return [line.strip() for line in lyrics.splitlines() if line.strip() and not _is_tag(line)]


def _is_tag(line: str) -> bool:
    return bool(re.fullmatch(r"\s*[\[(][^\])]*[\])]\s*", line))


def song_seconds(request: SongRequest, lyrics: str, max_seconds: float = DEFAULT_MAX_SECONDS) -> float:
    """The request's duration where its dialect has one, else estimated from the lyrics (an instrumental:
    two minutes), within [MIN_SECONDS, max_seconds]."""
    if request.duration is not None:
        seconds = float(request.duration)
    elif lyrics.strip():
        seconds = EXTRA_SECONDS + SECONDS_PER_LINE * len(sung_lines(lyrics))
    else:
        seconds = INSTRUMENTAL_SECONDS
    return round(max(min(MIN_SECONDS, max_seconds), min(seconds, max_seconds)), 2)


def continuation_seconds(
    request: SongRequest, lyrics: str, max_seconds: float = DEFAULT_MAX_SECONDS
) -> float:
    """How long an extension's new part is: the request's duration, else its lyrics' lines (plus a short
    tail), else CONTINUATION_SECONDS of instrumental, within [MIN_SECONDS, max_seconds]."""
    if request.duration is not None:
        seconds = float(request.duration)
    elif lyrics.strip():
        seconds = SECONDS_PER_LINE * (len(sung_lines(lyrics)) + 1)
    else:
        seconds = CONTINUATION_SECONDS
    return round(max(min(MIN_SECONDS, max_seconds), min(seconds, max_seconds)), 2)


def caption(tags: str, instrumental: bool, negative: str = "") -> str:
    """The caption ACE-Step is conditioned on: the style tags, marked instrumental when there are no
    vocals (the model has no negative prompt on turbo; what to avoid is said in words)."""
    parts = [tags.strip() or "song"]
    if instrumental and "instrumental" not in tags.lower():
        parts.append("instrumental")
    if negative.strip():
        parts.append(f"without {negative.strip()}")
    return ", ".join(parts)


def song_text(request: SongRequest, seed: int, options: dict) -> tuple[str, str, str, str]:
    """(title, tags, lyrics, language), as the composer decides them (see the module docstring)."""
    from tunesmith.engines.composer.engine import _song_text

    return _song_text(request, seed, options)
