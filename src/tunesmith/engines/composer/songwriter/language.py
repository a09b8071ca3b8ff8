"""Which language a text is written in, from its characters (offline, no models)."""

from __future__ import annotations

import re

_RANGES: tuple[tuple[str, str], ...] = (
    ("ja", r"[\u3040-\u30ff]"),  # kana first: Japanese text also holds CJK ideographs
    ("ko", r"[\uac00-\ud7af\u1100-\u11ff]"),
    ("zh", r"[\u4e00-\u9fff\u3400-\u4dbf]"),
    ("ru", r"[\u0400-\u04ff]"),
    ("el", r"[\u0370-\u03ff]"),
    ("ar", r"[\u0600-\u06ff]"),
    ("he", r"[\u0590-\u05ff]"),
    ("th", r"[\u0e00-\u0e7f]"),
    ("hi", r"[\u0900-\u097f]"),
)


def detect_language(text: str) -> str:
    """An ISO 639-1 code: the script with the most letters wins; Latin script counts as English."""
    counts = {code: len(re.findall(pattern, text)) for code, pattern in _RANGES}
    code, count = max(counts.items(), key=lambda item: item[1])
    latin = len(re.findall(r"[A-Za-z]", text))
    if count == 0 or latin > 3 * count:
        return "en"
    return code
