"""How much weight each sung syllable carries, so stressed syllables land on strong beats.

English words take their lexical stress from the CMU pronouncing dictionary (primary 1.0, secondary 0.6,
unstressed 0.2); one-syllable function words ("the", "of", "and") are light, other one-syllable words heavy.
Where espeak splits a word into a different number of syllables than the dictionary, the pattern is spread
over espeak's syllables by proportion. Other languages have no dictionary here: in a word, its longest vowel
(as espeak spoke it) is stressed; Chinese characters are even, with the line's last syllable the heaviest.
"""

from __future__ import annotations

from functools import lru_cache

from tunesmith.engines.composer.syllables import SpokenLine

FUNCTION_WORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "and",
        "or",
        "but",
        "nor",
        "so",
        "yet",
        "of",
        "to",
        "in",
        "on",
        "at",
        "by",
        "for",
        "from",
        "with",
        "as",
        "into",
        "onto",
        "upon",
        "than",
        "that",
        "this",
        "these",
        "those",
        "is",
        "am",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "do",
        "does",
        "did",
        "have",
        "has",
        "had",
        "will",
        "would",
        "shall",
        "should",
        "can",
        "could",
        "may",
        "might",
        "must",
        "i",
        "me",
        "my",
        "you",
        "your",
        "he",
        "him",
        "his",
        "she",
        "her",
        "it",
        "its",
        "we",
        "us",
        "our",
        "they",
        "them",
        "their",
        "who",
        "whom",
        "whose",
        "which",
        "what",
        "when",
        "where",
        "if",
        "then",
        "there",
        "not",
        "no",
        "oh",
        "ah",
        "yeah",
        "just",
        "up",
        "out",
        "off",
        "till",
    ]
)
_LEVEL = {"1": 1.0, "2": 0.6, "0": 0.2}


@lru_cache(maxsize=16384)
def _dictionary_stress(word: str) -> tuple[float, ...] | None:
    import pronouncing

    w = word.lower().strip("'")
    found = pronouncing.stresses_for_word(w)
    if not found:
        return None
    pattern = tuple(_LEVEL.get(c, 0.2) for c in found[0])
    if len(pattern) == 1:
        return (0.25,) if w in FUNCTION_WORDS else (0.9,)
    return pattern


def _spread(pattern: tuple[float, ...], count: int) -> list[float]:
    """A stress pattern of one length laid over `count` syllables by proportion."""
    if len(pattern) == count:
        return list(pattern)
    return [pattern[min(len(pattern) - 1, int(k * len(pattern) / count))] for k in range(count)]


def syllable_stress(line: SpokenLine, language: str) -> list[float]:
    """One weight in [0, 1] per syllable of the spoken line."""
    sylls = line.syllables
    if not sylls:
        return []
    if language == "zh":
        out = [0.55 + (0.1 if k % 2 == 1 else 0.0) for k in range(len(sylls))]
        out[-1] = 0.95
        return out
    by_token: dict[int, list[int]] = {}
    for k, s in enumerate(sylls):
        by_token.setdefault(s.token, []).append(k)
    out = [0.5] * len(sylls)
    for token, ks in by_token.items():
        word = line.words[token] if token < len(line.words) else ""
        pattern = _dictionary_stress(word) if language == "en" and word.isascii() else None
        if pattern is None:
            if len(ks) == 1:
                pattern = (0.25,) if word.lower() in FUNCTION_WORDS else (0.85,)
            else:
                lengths = [sylls[k].v1 - sylls[k].v0 for k in ks]
                top = lengths.index(max(lengths))
                pattern = tuple(1.0 if i == top else 0.25 for i in range(len(ks)))
        for k, w in zip(ks, _spread(pattern, len(ks)), strict=True):
            out[k] = w
    return out
