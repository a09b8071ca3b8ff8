"""Sung words → an ASS subtitle script with karaoke timing, for the music video.

Words (from the clip's `words.json`) are grouped into caption lines at section changes, pauses and a length
limit; each line shows a little before its first word and fills word by word (`\\kf`) as it is sung.
All user text (words, title, author, domain) goes through `escape`, which removes what ASS would read as
override blocks or line breaks, so no text can restyle or break the script. The font is Noto Sans CJK, which
covers Latin and CJK alike.
"""

from __future__ import annotations

import re
from typing import Any

FONT = "Noto Sans CJK SC"
MAX_WORDS, MAX_CJK_CHARS, PAUSE_S = 7, 14, 0.9
_CJK = re.compile(r"[\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]")


def escape(text: str) -> str:
    """Plain text safe inside an ASS Dialogue line: no override blocks, no escapes, no line breaks."""
    text = text.replace("\\", "/").replace("{", "(").replace("}", ")")
    return re.sub(r"[\r\n\t\x00-\x1f]+", " ", text).strip()


def _stamp(seconds: float) -> str:
    cs = max(0, int(round(seconds * 100)))
    return f"{cs // 360000}:{cs // 6000 % 60:02d}:{cs // 100 % 60:02d}.{cs % 100:02d}"


def group_lines(words: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    lines: list[list[dict[str, Any]]] = []
    for word in words:
        if not str(word.get("word", "")).strip() or word.get("double"):  # a second voice's same words
            continue
        cur = lines[-1] if lines else None
        if cur is not None:
            prev = cur[-1]
            chars = sum(len(str(w["word"])) for w in cur)
            cjk = bool(_CJK.search(str(word["word"])))
            full = chars >= MAX_CJK_CHARS if cjk else len(cur) >= MAX_WORDS
            if (
                not full
                and word.get("section") == prev.get("section")
                and float(word["start_s"]) - float(prev["end_s"]) < PAUSE_S
            ):
                cur.append(word)
                continue
        lines.append([word])
    return lines


def _joined(prev: str, word: str) -> str:
    """A space between words unless both sides are CJK (which is written without spaces)."""
    return "" if not prev or not word or (_CJK.search(prev[-1]) and _CJK.search(word[0])) else " "


def script(words: list[dict[str, Any]], *, size: int, title: str, credit: str, duration: float) -> str:
    """The whole ASS file for a square video of `size` pixels."""
    head = f"""[Script Info]
ScriptType: v4.00+
PlayResX: {size}
PlayResY: {size}
WrapStyle: 0
ScaledBorderAndShadow: yes

[V4+ Styles]
Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, Bold, Italic, \
Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, Shadow, Alignment, MarginL, \
MarginR, MarginV, Encoding
Style: Caption,{FONT},{size * 40 // 720},&H0000D7FF,&H00FFFFFF,&H00101010,&H80000000,-1,0,0,0,100,100,0,0,1,\
3,1,2,30,30,{size * 90 // 720},1
Style: Title,{FONT},{size * 44 // 720},&H00FFFFFF,&H00FFFFFF,&H00101010,&H80000000,-1,0,0,0,100,100,0,0,1,\
3,1,8,30,30,{size * 36 // 720},1
Style: Credit,{FONT},{size * 22 // 720},&H00E0E0E0,&H00E0E0E0,&H00101010,&H80000000,0,0,0,0,100,100,0,0,1,\
2,0,2,30,30,{size * 24 // 720},1

[Events]
Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text
"""
    events = []
    end_all = _stamp(duration)
    if escape(title):
        events.append(f"Dialogue: 0,{_stamp(0)},{end_all},Title,,0,0,0,,{escape(title)}")
    if escape(credit):
        events.append(f"Dialogue: 0,{_stamp(0)},{end_all},Credit,,0,0,0,,{escape(credit)}")
    lines = group_lines(words)
    for i, line in enumerate(lines):
        first, last = float(line[0]["start_s"]), float(line[-1]["end_s"])
        prev_end = float(lines[i - 1][-1]["end_s"]) if i else 0.0
        next_start = float(lines[i + 1][0]["start_s"]) if i + 1 < len(lines) else duration
        show = max(prev_end, first - 0.5, 0.0)
        hide = min(max(last + 0.6, first + 0.5), next_start, duration)
        text, clock, prev_word = [], show, ""
        for w in line:
            word = escape(str(w["word"]))
            start, end = float(w["start_s"]), max(float(w["end_s"]), float(w["start_s"]))
            if start > clock:
                text.append(f"{{\\k{int(round((start - clock) * 100))}}}")
            fill = max(1, int(round((end - max(start, clock)) * 100)))
            text.append(f"{{\\kf{fill}}}{_joined(prev_word, word)}{word}")
            clock, prev_word = max(end, clock), (prev_word + word)[-1:] if word else prev_word
        if hide > show:
            events.append(f"Dialogue: 1,{_stamp(show)},{_stamp(hide)},Caption,,0,0,0,,{''.join(text)}")
    return head + "\n".join(events) + "\n"
