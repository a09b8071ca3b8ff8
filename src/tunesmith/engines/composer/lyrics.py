"""Lyrics text -> sections of clean, singable lines.

Clients send anything: Suno-style [Section] tags, untagged text, emoji, HTML or Markdown, 300-character
lines. This module keeps the words, drops what cannot be sung, and splits long lines into phrases so every
line fits a musical phrase. Unknown tags become verses.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass

_KINDS = {
    "intro": "intro",
    "verse": "verse",
    "pre-chorus": "prechorus",
    "prechorus": "prechorus",
    "pre chorus": "prechorus",
    "chorus": "chorus",
    "hook": "chorus",
    "refrain": "chorus",
    "post-chorus": "chorus",
    "bridge": "bridge",
    "outro": "outro",
    "ending": "outro",
    "end": "outro",
    "instrumental": "instrumental",
    "solo": "instrumental",
    "interlude": "instrumental",
    "break": "break",
    "drop": "instrumental",
}
INSTRUMENTAL_KINDS = ("intro", "outro", "instrumental", "break")
MAX_WORDS = 9  # a longer line is split into phrases of at most this many words
MAX_CJK = 12  # characters per phrase for CJK text

_TAG = re.compile(r"^\s*[\[【(（]\s*([^\]】)）]{1,40})\s*[\]】)）]\s*$")
_SCRIPT = re.compile(r"<(script|style)\b[^>]*>.*?(</\1\s*>|$)", re.IGNORECASE | re.DOTALL)
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")


@dataclass(frozen=True)
class LyricSection:
    kind: str  # intro verse prechorus chorus bridge outro instrumental break
    label: str  # the tag as written, e.g. "Verse 2"
    lines: tuple[str, ...]


def clean_line(line: str) -> str:
    """Keep letters, digits, apostrophes and inner hyphens; drop emoji, markup and symbols."""
    line = _SCRIPT.sub(" ", line)  # code is not lyrics
    line = html.unescape(re.sub(r"<[^>]*>", " ", line))  # HTML tags, then entities (&amp; is "&", not "amp")
    line = re.sub(r"\[[^\]]*\]|\{[^}]*\}", " ", line)  # inline tags
    out = []
    for ch in unicodedata.normalize("NFKC", line):
        cat = unicodedata.category(ch)
        if cat[0] in "LN" or ch in "'’-":
            out.append("'" if ch == "’" else ch)
        elif cat[0] == "M" and out:
            out.append(ch)
        else:
            out.append(" ")
    text = re.sub(r"(?<![\w])['-]+|['-]+(?![\w])", " ", "".join(out))
    return re.sub(r"\s+", " ", text).strip()


def tokens(line: str) -> list[str]:
    """Sung words: whitespace-separated, except CJK text where each character is a word."""
    out: list[str] = []
    for chunk in line.split():
        buf = ""
        for ch in chunk:
            if _CJK.match(ch):
                if buf:
                    out.append(buf)
                    buf = ""
                out.append(ch)
            else:
                buf += ch
        if buf:
            out.append(buf)
    return out


def _split_long(line: str) -> list[str]:
    words = tokens(line)
    cjk = sum(1 for w in words if _CJK.match(w))
    limit = MAX_CJK if cjk > len(words) / 2 else MAX_WORDS
    if len(words) <= limit:
        return [line] if words else []
    n_parts = -(-len(words) // limit)
    size = -(-len(words) // n_parts)
    joiner = "" if cjk > len(words) / 2 else " "
    return [joiner.join(words[i : i + size]) for i in range(0, len(words), size)]


def _kind(tag: str) -> str:
    name = re.sub(r"[\d:#.]+", " ", tag.lower()).strip()
    name = re.sub(r"\s+", " ", name)
    for key, kind in _KINDS.items():
        if name == key or name.startswith(key + " "):
            return kind
    return "verse"


def parse_lyrics(text: str) -> list[LyricSection]:
    """Split lyrics into sections. Untagged text becomes verses of up to 4 lines, then a chorus guess is
    not made: untagged songs are sung as verses (the melody still lifts over the song)."""
    sections: list[LyricSection] = []
    label, kind, lines = "", "", []  # type: ignore[var-annotated]

    def flush() -> None:
        if kind or lines:
            sections.append(LyricSection(kind or "verse", label or "Verse", tuple(lines)))

    for raw in text.replace("\r", "\n").split("\n"):
        m = _TAG.match(raw)
        if m and not _CJK.search(m.group(1)) or (m and len(m.group(1)) < 12):
            flush()
            label, kind, lines = m.group(1).strip(), _kind(m.group(1)), []
            continue
        for part in _split_long(clean_line(raw)):
            lines.append(part)
    flush()
    out: list[LyricSection] = []
    for sec in sections:
        if not sec.lines and sec.kind not in INSTRUMENTAL_KINDS:
            continue  # an empty [Verse] tag: nothing to sing
        if sec.kind == "verse" and len(sec.lines) > 8 and sec.label == "Verse":  # untagged wall of text
            for i in range(0, len(sec.lines), 4):
                out.append(LyricSection("verse", "Verse", sec.lines[i : i + 4]))
        else:
            out.append(sec)
    return out
