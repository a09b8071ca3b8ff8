"""A lyric line -> spoken audio cut into syllables, each tied to the lyric word it belongs to.

One syllable = one vowel nucleus from espeak's phoneme events, with its onset consonants before it and its
coda after. Chinese is converted to tone-numbered pinyin first (the `cmn-latn-pinyin` voice reads it one
syllable per character); languages espeak-ng lacks are spoken by the closest voice, and the choice is noted.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Mapping
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
    langs: tuple[str, ...] = ()  # per word: the language whose voice spoke it (a mixed line switches)


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


_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
_KANA = re.compile(r"[\u3040-\u30ff]")
_HANGUL = re.compile(r"[\uac00-\ud7af]")
_LATIN = re.compile(r"[A-Za-z]")
_CJK_LANGS = ("zh", "ja", "ko")


def word_language(word: str, language: str) -> str:
    """The language a lyric word is sung in: its script's where that differs from the song's (a Chinese line
    in an English song, English words in a Chinese one), else the song's."""
    if _KANA.search(word):
        return "ja"
    if _HANGUL.search(word):
        return "ko"
    if _HAN.search(word):
        return "ja" if language == "ja" else "zh"
    if _LATIN.search(word) and language in _CJK_LANGS:
        return "en"
    return language


def speak_line(
    text: str, language: str, voice: str, rate: int = 160, counts: Mapping[str, int] | None = None
) -> SpokenLine:
    """Speak a line, cut it into syllables, each owned by one word. A word espeak left silent gets no
    syllable (neighbours time it). A line mixing languages is spoken run by run, each run by its own
    language's voice (same gender), and the runs joined. `counts` may give the English words' dictionary
    syllable counts (see `english_counts`), so a fresh speaker process need not load the dictionary."""
    words = tokens(text)
    langs = [word_language(w, language) for w in words]
    runs: list[tuple[str, int, int]] = []  # (language, first word, end word)
    for i, lang in enumerate(langs):
        if runs and runs[-1][0] == lang:
            runs[-1] = (lang, runs[-1][1], i + 1)
        else:
            runs.append((lang, i, i + 1))
    if len(runs) <= 1 and (not runs or runs[0][0] == language):
        audio, sylls = _speak_words(words, language, voice, rate, counts)
        return SpokenLine(text, tuple(words), audio, tuple(sylls), tuple(langs))
    gender = "female" if "+f" in voice else "male"
    gap = np.zeros(int(SAMPLE_RATE * 0.03), np.float32)
    chunks: list[np.ndarray] = []
    out: list[Syllable] = []
    pos = 0
    for lang, a, b in runs:
        run_voice = voice if lang == language else voice_for(lang, gender)[0]
        audio, sylls = _speak_words(words[a:b], lang, run_voice, rate, counts)
        out += [
            Syllable(sy.token + a, sy.start + pos, sy.v0 + pos, sy.v1 + pos, sy.end + pos) for sy in sylls
        ]
        chunks += [audio, gap]
        pos += len(audio) + len(gap)
    audio = np.concatenate(chunks) if chunks else np.zeros(0, np.float32)
    return SpokenLine(text, tuple(words), audio, tuple(out), tuple(langs))


def _speak_words(
    words: list[str], language: str, voice: str, rate: int, counts: Mapping[str, int] | None = None
) -> tuple[np.ndarray, list[Syllable]]:
    """Speak words in one voice: (audio, syllables with word indices into `words`)."""
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
    events: list[tuple[int, int]] = []  # (first syllable, token espeak's position points at) per word event
    for sw in utt.words:
        token = max(0, bisect.bisect_right(offsets, sw.text_pos) - 1)
        events.append((len(sylls), token))
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
    owners = _owners(events, len(sylls), [_expected_syllables(w, language, counts) for w in words])
    sylls = [Syllable(t, s.start, s.v0, s.v1, s.end) for s, t in zip(sylls, owners, strict=True)]
    return utt.audio, sylls


def english_counts(texts: list[str]) -> dict[str, int]:
    """Every ASCII word of `texts` -> the syllables it should have read as English. Made where the CMU
    dictionary is loaded (the engine process, see ComposerEngine.warm_up) and handed to the fresh speaker
    processes: loading the dictionary there took ~0.5 s of every request's speaking, before any audio."""
    return {w: _expected_syllables(w, "en") for t in texts for w in tokens(t) if w.isascii()}


_VOWEL_GROUP = re.compile(r"[aeiouyàâäéèêëîïôöùûüáíóúñ]+", re.IGNORECASE)


def _expected_syllables(word: str, language: str, counts: Mapping[str, int] | None = None) -> int:
    """Syllables a word should have: one per CJK character, the CMU dictionary's count for English (from
    `counts` where it holds the word), else its vowel groups."""
    if not word.isascii() and language in ("zh", "ja", "ko"):
        return 1
    if language == "en" and word.isascii():
        if counts is not None and word in counts:
            return counts[word]
        import pronouncing

        found = pronouncing.phones_for_word(word.lower().strip("'"))
        if found:
            return max(1, pronouncing.syllable_count(found[0]))
    if word.isdigit():
        return max(1, len(word))
    return max(1, len(_VOWEL_GROUP.findall(word)))


def _owners(events: list[tuple[int, int]], count: int, expected: list[int]) -> list[int]:
    """The word each syllable belongs to. espeak merges short words into one word event ("for a", "in the")
    and its text positions can drift after such a merge, so events are matched to runs of words by dynamic
    programming: each event takes the consecutive words whose expected syllables best match its own, near
    the word its position points at; its syllables are then shared out in order, one word at least each."""
    # espeak reads a number or an abbreviation as several words at one text position ("21": "twenty one"):
    # one written word, one event
    events = [ev for k, ev in enumerate(events) if k == 0 or ev[1] != events[k - 1][1]]
    groups = [(a, b, g) for (a, g), (b, _) in zip(events, [*events[1:], (count, 0)], strict=True) if b > a]
    n_words = len(expected)
    if not groups or n_words == 0:
        return [0] * count
    big = float("inf")
    prefix = [0]
    for c in expected:
        prefix.append(prefix[-1] + c)
    # best[e][b]: cost of events 0..e covering words 0..b-1
    best = [[big] * (n_words + 1) for _ in groups]
    back = [[0] * (n_words + 1) for _ in groups]
    for e, (s0, s1, guess) in enumerate(groups):
        for b in range(1, n_words + 1):
            for a in range(0, b):
                before = 0.0 if e == 0 and a == 0 else (best[e - 1][a] if e else big)
                if e == 0 and a > 0:
                    before = 1.5 * a  # words before the first event go unsung
                if before == big:
                    continue
                cost = before + abs((s1 - s0) - (prefix[b] - prefix[a])) + 0.3 * abs(a - guess)
                if cost < best[e][b]:
                    best[e][b], back[e][b] = cost, a
    last = len(groups) - 1
    end = min(range(1, n_words + 1), key=lambda b: best[last][b] + 1.5 * (n_words - b))
    spans: list[tuple[int, int]] = []
    for e in range(last, -1, -1):
        start = back[e][end]
        spans.append((start, end))
        end = start
    spans.reverse()
    owners: list[int] = []
    for (s0, s1, _), (a, b) in zip(groups, spans, strict=True):
        left = s1 - s0
        for w in range(a, b):
            later = b - w - 1
            take = left if w == b - 1 else max(1 if left > later else 0, min(expected[w], left - later))
            owners += [w] * take
            left -= take
    # more events than words can leave syllables unowned: they belong to the last word sung
    return (owners + [owners[-1] if owners else 0] * count)[:count]
