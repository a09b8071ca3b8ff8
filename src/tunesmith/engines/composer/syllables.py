"""A lyric line -> spoken audio cut into syllables, each tied to the lyric word it belongs to.

One syllable = one vowel nucleus from espeak's phoneme events, with its onset consonants before it and its
coda after. Chinese is converted to tone-numbered pinyin first (the `cmn-latn-pinyin` voice reads it one
syllable per character); languages espeak-ng lacks are spoken by the closest voice, and the choice is noted.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

import numpy as np

from tunesmith.engines.composer.lyrics import tokens
from tunesmith.engines.composer.speech import SAMPLE_RATE, Utterance, speak

_VOWEL_START = set("aeiouyAEIOUVY@3&0269")
VOICES = {
    "en": "en-us",
    "zh": "cmn-latn-pinyin",
    "ja": "ja",
    "ko": "ko",
    "ru": "ru",
    "el": "el",
    "ar": "ar",
    "he": "he",
    "hi": "hi",
    "th": "th",
    "fr": "fr",
    "de": "de",
    "es": "es",
    "it": "it",
    "pt": "pt",
}


@dataclass(frozen=True)
class Syllable:
    token: int  # index of the lyric word
    start: int  # first sample of the onset consonants
    v0: int  # vowel start
    v1: int  # vowel end
    end: int  # last sample of the coda


@dataclass(frozen=True)
class SpokenLine:
    text: str
    words: tuple[str, ...]
    audio: np.ndarray
    syllables: tuple[Syllable, ...]


TUNED = ("en", "zh")  # languages whose syllables, melody fitting and pitch were measured


def voice_for(language: str, gender: str | None) -> tuple[str, str | None]:
    """The espeak voice for a language and gender, and a note when the language had no voice of its own."""
    base = VOICES.get(language)
    note = None
    if base is None:
        base = "en-us"
        note = f"espeak-ng has no voice for '{language}': sung with the English voice"
    elif language == "ja":
        note = "Japanese: sung with espeak-ng voice 'ja' (reads kana, kanji poorly; untuned)"
    elif language not in TUNED:
        note = f"language '{language}': sung with the closest espeak-ng voice '{base}' (untuned)"
    variant = "+f3" if gender == "female" else "+m3"
    return base + variant, note


def _is_vowel(name: str) -> bool:
    return bool(name) and name[0] in _VOWEL_START


def _pinyin(word: str) -> str:
    from pypinyin import Style, lazy_pinyin

    out = lazy_pinyin(word, style=Style.TONE3, neutral_tone_with_five=True, errors="ignore")
    return " ".join(out)


def _trim_vowel(audio: np.ndarray, v0: int, v1: int) -> int:
    """espeak puts the closure of a following stop inside the vowel: end the vowel where its energy drops."""
    seg = audio[v0:v1]
    hop = 110
    if len(seg) < hop * 4:
        return v1
    frames = np.sqrt(np.mean(seg[: len(seg) // hop * hop].reshape(-1, hop) ** 2, axis=1))
    peak = frames.max()
    if peak <= 0:
        return v1
    loud = np.nonzero(frames > peak * 0.2)[0]
    return v0 + int((loud[-1] + 1) * hop) if len(loud) else v1


def speak_line(text: str, language: str, voice: str, rate: int = 160) -> SpokenLine:
    """Speak a line, cut it into syllables. Words espeak dropped get no syllable (neighbours time them)."""
    words = tokens(text)
    parts: list[str] = []
    offsets: list[int] = []
    pos = 0
    for w in words:
        spoken = _pinyin(w) if language == "zh" and not w.isascii() else w
        spoken = spoken or w
        offsets.append(pos)
        parts.append(spoken)
        pos += len(spoken) + 1
    utt: Utterance = speak(" ".join(parts), voice, rate)
    sylls: list[Syllable] = []
    for sw in utt.words:
        token = max(0, bisect.bisect_right(offsets, sw.text_pos) - 1)
        phons = [p for p in sw.phonemes if not p.name.startswith(("(", "_", ";")) and p.end > p.start]
        vowels = [i for i, p in enumerate(phons) if _is_vowel(p.name)]
        if not vowels:
            if sylls and phons:  # consonant-only word ("s", "th"): a coda of the previous syllable
                last = sylls[-1]
                if sylls[-1].token == token or phons[0].start - last.end < SAMPLE_RATE // 10:
                    sylls[-1] = Syllable(
                        last.token, last.start, last.v0, last.v1, max(last.end, phons[-1].end)
                    )
            continue
        bounds = [0]
        for a, b in zip(vowels, vowels[1:], strict=False):
            between = b - a - 1
            bounds.append(a + 1 + between // 2)
        bounds.append(len(phons))
        for k, vi in enumerate(vowels):
            group = phons[bounds[k] : bounds[k + 1]]
            vowel = phons[vi]
            v1 = _trim_vowel(utt.audio, vowel.start, vowel.end)
            sylls.append(Syllable(token, group[0].start, vowel.start, v1, group[-1].end))
    return SpokenLine(text=text, words=tuple(words), audio=utt.audio, syllables=tuple(sylls))
