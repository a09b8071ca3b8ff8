"""What a Chinese description is about: a short noun (2–4 characters) to sing, plus other images.

"一首关于春天的轻快 J-Pop 歌曲" -> "春天". Patterns such as 关于X的 / 写给X的 / 以X为主题 come first;
otherwise the style words and fillers are removed and the first short run of characters left is the
topic.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .styles import GENRES, INSTRUMENTAL_WORDS, INSTRUMENTS, MOODS

_PATTERNS = (
    r"关于(.{1,12}?)(?:的|，|,|。|$)",
    r"写给(.{1,8}?)(?:的|，|,|。|$)",
    r"献给(.{1,8}?)(?:的|，|,|。|$)",
    r"以(.{1,8}?)为(?:主题|题)",
    r"主题(?:是|为)(.{1,8}?)(?:的|，|,|。|$)",
    r"(?:歌名|名字|标题)(?:叫|是|为)[「《“\"]?(.{1,8}?)[」》”\"]?(?:的|，|,|。|$)",
)
_FILLERS = (
    "我想要",
    "我想",
    "想要",
    "我要",
    "来一首",
    "一首",
    "一个",
    "一段",
    "帮我",
    "给我",
    "请",
    "写",
    "创作",
    "生成",
    "歌曲",
    "音乐",
    "曲子",
    "旋律",
    "首",
    "歌",
    "曲",
    "风格",
    "感觉",
    "氛围感",
    "节奏",
    "唱",
    "关于",
    "主题",
    "男声",
    "女声",
    "人声",
    "适合",
    "一些",
    "有点",
    "非常",
    "很",
    "特别",
    "带",
    "着",
    "点",
)
_STYLE = sorted(
    {w for g in GENRES for w in g.words if not w.isascii()}
    | {w for ws in MOODS.values() for w in ws if not w.isascii()}
    | {w for ws in INSTRUMENTS.values() for w in ws if not w.isascii()}
    | {w for w in INSTRUMENTAL_WORDS if not w.isascii()},
    key=len,
    reverse=True,
)
_SPLIT = re.compile(r"[的和与及跟、，。！？；：,.!?;:\s]+|[A-Za-z0-9'&\-]+")
_HAN_ONLY = re.compile(r"[^\u4e00-\u9fff\u3400-\u4dbf]")


@dataclass(frozen=True)
class TopicZh:
    phrase: str  # e.g. "春天"
    images: tuple[str, ...] = ()


def _shorten(chunk: str) -> str:
    """A long run keeps its last four characters: Chinese heads come last (夏天的海边 -> 海边)."""
    return chunk if len(chunk) <= 4 else chunk[-4:]


def _strip(text: str) -> str:
    for word in _STYLE + sorted(_FILLERS, key=len, reverse=True):
        text = text.replace(word, " ")
    return text


def _chunks(text: str) -> list[str]:
    return [c for c in (_HAN_ONLY.sub("", c) for c in _SPLIT.split(_strip(text))) if c]


def _topic(chunk: str, images: list[str]) -> TopicZh:
    """Four characters are usually two words, and the head comes last: 夏天海边 sings of 海边, with 夏天."""
    if len(chunk) == 4:
        return TopicZh(chunk[2:], tuple([chunk[:2], *images])[:3])
    return TopicZh(_shorten(chunk), tuple(images)[:3])


def read_topic_zh(description: str) -> TopicZh | None:
    """The sung topic of a Chinese description, or None when only style words are left."""
    for pattern in _PATTERNS:
        match = re.search(pattern, description)
        if match:
            raw = [c for c in (_HAN_ONLY.sub("", c) for c in _SPLIT.split(match.group(1))) if c]
            inside = _chunks(match.group(1)) or raw  # a mood word can be the topic itself (关于失恋)
            if inside:
                rest = _chunks(description[: match.start()] + " " + description[match.end() :])
                images = [c for c in inside[1:] + rest if len(c) >= 2 and c != inside[0]]
                return _topic(inside[0], [_shorten(c) for c in images])
    chunks = _chunks(description)
    if not chunks:
        return None
    ordered = sorted(chunks, key=lambda c: (len(c) < 2, len(c) > 4))  # prefer 2-4 characters, keep order
    return _topic(ordered[0], [_shorten(c) for c in chunks if c != ordered[0] and len(c) >= 2])
