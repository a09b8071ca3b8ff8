"""Chinese rhyme classes from pypinyin finals, and the sung length of a line.

Chinese lyrics rhyme on the final (韵母) of the last syllable, loosely: finals that sound alike when
sung share a class (ang/iang/uang, an/ian/uan/üan, ...), much like the traditional 十三辙.
"""

from __future__ import annotations

import re

from pypinyin import Style, lazy_pinyin

_HAN = re.compile(r"[\u4e00-\u9fff\u3400-\u4dbf]")
_LATIN_WORD = re.compile(r"[A-Za-z0-9]+")

RHYME_CLASSES: dict[str, tuple[str, ...]] = {
    "a": ("a", "ia", "ua"),
    "e": ("o", "uo", "e"),
    "ie": ("ie", "ve"),
    "i": ("i", "v", "er"),
    "u": ("u",),
    "ai": ("ai", "uai"),
    "ei": ("ei", "uei"),
    "ao": ("ao", "iao"),
    "ou": ("ou", "iou"),
    "an": ("an", "ian", "uan", "van"),
    "en": ("en", "in", "uen", "vn"),
    "ang": ("ang", "iang", "uang"),
    "eng": ("eng", "ing", "ong", "iong", "ueng"),
}
_CLASS_OF_FINAL = {final: name for name, finals in RHYME_CLASSES.items() for final in finals}


def final_of_last(text: str) -> str:
    """The strict pinyin final of the last Han character, read in context (so 多音字 resolve)."""
    han = "".join(_HAN.findall(text))
    if not han:
        return ""
    return lazy_pinyin(han, style=Style.FINALS, strict=True)[-1]


def rhyme_class(text: str) -> str | None:
    """The rhyme class of a word's or line's last character, or None when it has none we know."""
    return _CLASS_OF_FINAL.get(final_of_last(text))


def sung_length(text: str) -> int:
    """Han characters, plus one per Latin word (a loanword is sung as about one beat)."""
    return len(_HAN.findall(text)) + len(_LATIN_WORD.findall(text))
