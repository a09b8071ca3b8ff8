"""Small text helpers shared by the parsers: cleaning odd input and matching style words."""

from __future__ import annotations

import re

_MARKUP = re.compile(r"<[^>]{0,200}>|\[[^\]]{0,200}\]|https?://\S+|&[a-z]+;")
_KEEP = re.compile(
    r"[^0-9A-Za-zÀ-ÖØ-öø-ÿ\u4e00-\u9fff\u3400-\u4dbf\u3040-\u30ff\uac00-\ud7af\s'&\-,.;:!?，。、！？；：]"
)
_CJK = re.compile(r"[\u4e00-\u9fff\u3400-\u4dbf]")
MAX_INPUT = 2000


def clean(text: str) -> str:
    """Drop markup, links, emoji and symbols, collapse spaces: parsers then see only words and punctuation."""
    text = _MARKUP.sub(" ", (text or "")[:MAX_INPUT])
    text = _KEEP.sub(" ", text)
    return re.sub(r"\s+", " ", text).strip()


def has_cjk(text: str) -> bool:
    return bool(_CJK.search(text))


def contains_word(text: str, word: str) -> bool:
    """`word` in lower-cased `text`: as a substring for CJK, on word boundaries for Latin script."""
    if has_cjk(word):
        return word in text
    return re.search(rf"(?<![a-z0-9]){re.escape(word)}(?![a-z0-9])", text) is not None


_SMALL = {"a", "an", "the", "and", "or", "of", "in", "on", "to", "for", "at", "by", "with"}


def title_case(phrase: str) -> str:
    """Capitalise words and hyphenated parts (small words stay low inside), keeping existing capitals."""

    def cap(i: int, word: str) -> str:
        if any(c.isupper() for c in word) or (i > 0 and word in _SMALL):
            return word
        return "-".join(p[:1].upper() + p[1:] for p in word.split("-"))

    return " ".join(cap(i, w) for i, w in enumerate(phrase.split()))
