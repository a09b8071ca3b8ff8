"""Themes to fall back on, and a small bilingual glossary so a topic survives a change of language.

A description with no topic ("a calm piano track") still gets a song about something that fits its mood;
a Chinese song asked for in English ("language='zh'") still sings about the same thing when the glossary
knows the word.
"""

from __future__ import annotations

import re

# mood -> (English theme, Chinese theme) pairs, each a phrase a line can hold.
GENERIC: dict[str, tuple[tuple[str, str], ...]] = {
    "happy": (
        ("sunshine", "阳光"),
        ("summer", "夏天"),
        ("the open road", "旅途"),
        ("good times", "快乐"),
        ("the weekend", "周末"),
    ),
    "sad": (
        ("the rain", "雨天"),
        ("goodbye", "告别"),
        ("an empty room", "空房间"),
        ("old photographs", "旧照片"),
    ),
    "calm": (
        ("still water", "湖水"),
        ("the quiet hours", "夜晚"),
        ("the morning", "清晨"),
        ("a slow river", "小河"),
    ),
    "energetic": (
        ("the fire", "火焰"),
        ("the city lights", "霓虹"),
        ("the storm", "风暴"),
        ("the finish line", "终点"),
    ),
    "romantic": (
        ("your smile", "你的笑"),
        ("the moonlight", "月光"),
        ("first love", "初恋"),
        ("a slow dance", "慢舞"),
    ),
    "dark": (("the shadows", "影子"), ("midnight", "午夜"), ("the storm", "风暴")),
    "nostalgic": (
        ("old photographs", "旧照片"),
        ("my hometown", "故乡"),
        ("summer days", "夏日"),
        ("the old days", "从前"),
    ),
}

GLOSSARY: dict[str, str] = {
    "spring": "春天",
    "summer": "夏天",
    "autumn": "秋天",
    "fall": "秋天",
    "winter": "冬天",
    "love": "爱情",
    "rain": "雨天",
    "snow": "雪花",
    "sea": "大海",
    "ocean": "大海",
    "beach": "海边",
    "city": "城市",
    "night": "夜晚",
    "nights": "夜晚",
    "home": "家",
    "hometown": "故乡",
    "mother": "妈妈",
    "mom": "妈妈",
    "father": "爸爸",
    "dad": "爸爸",
    "friend": "朋友",
    "friends": "朋友",
    "friendship": "友情",
    "dream": "梦想",
    "dreams": "梦想",
    "youth": "青春",
    "moon": "月亮",
    "star": "星星",
    "stars": "星星",
    "sun": "太阳",
    "guitar": "吉他",
    "solo": "独奏",
    "road": "路",
    "journey": "旅途",
    "freedom": "自由",
    "hope": "希望",
    "heart": "心",
    "time": "时光",
    "flower": "花",
    "flowers": "花",
    "wind": "风",
    "sky": "天空",
    "mountain": "高山",
    "mountains": "群山",
    "river": "河流",
    "coffee": "咖啡",
    "school": "校园",
    "graduation": "毕业",
    "christmas": "圣诞",
    "birthday": "生日",
    "dance": "舞步",
    "party": "派对",
    "tokyo": "东京",
    "paris": "巴黎",
    "cat": "猫",
    "dog": "小狗",
    "fire": "火焰",
    "light": "光",
    "memories": "回忆",
    "memory": "回忆",
    "goodbye": "告别",
    "morning": "清晨",
    "sunshine": "阳光",
    "smile": "微笑",
    "kiss": "吻",
    "war": "战争",
    "peace": "和平",
    "music": "音乐",
    "heartbreak": "心碎",
    "loneliness": "孤独",
    "rainbow": "彩虹",
    "train": "列车",
    "car": "汽车",
    "family": "家人",
}
# Common theme words of other Latin-script languages, so their songs (written in English) keep the topic.
FOREIGN: dict[str, str] = {
    "mar": "the sea",
    "mer": "the sea",
    "meer": "the sea",
    "amor": "love",
    "amour": "love",
    "liebe": "love",
    "amore": "love",
    "noche": "the night",
    "nuit": "the night",
    "nacht": "the night",
    "notte": "the night",
    "noite": "the night",
    "verano": "summer",
    "été": "summer",
    "sommer": "summer",
    "estate": "summer",
    "verão": "summer",
    "sol": "the sun",
    "soleil": "the sun",
    "sonne": "the sun",
    "sole": "the sun",
    "corazón": "my heart",
    "cœur": "my heart",
    "coeur": "my heart",
    "herz": "my heart",
    "cuore": "my heart",
    "coração": "my heart",
    "ciudad": "the city",
    "ville": "the city",
    "stadt": "the city",
    "città": "the city",
    "cidade": "the city",
    "lluvia": "the rain",
    "pluie": "the rain",
    "regen": "the rain",
    "pioggia": "the rain",
    "chuva": "the rain",
    "primavera": "spring",
    "printemps": "spring",
    "frühling": "spring",
    "sueño": "dreams",
    "rêve": "dreams",
    "traum": "dreams",
    "sogno": "dreams",
    "sonho": "dreams",
    "libertad": "freedom",
    "liberté": "freedom",
    "freiheit": "freedom",
    "libertà": "freedom",
    "liberdade": "freedom",
    "casa": "home",
    "maison": "home",
    "heimat": "home",
    "luna": "the moon",
    "lune": "the moon",
    "mond": "the moon",
}
_REVERSE: dict[str, str] = {}
for _en, _zh in GLOSSARY.items():
    _REVERSE.setdefault(_zh, _en)


def to_chinese(words: list[str]) -> str | None:
    """The first English word the glossary knows, in Chinese."""
    for word in words:
        if word.lower() in GLOSSARY:
            return GLOSSARY[word.lower()]
    return None


def to_english(phrase: str) -> str | None:
    """A Chinese topic in English, by whole word or by its longest known part."""
    if phrase in _REVERSE:
        return _REVERSE[phrase]
    for size in (3, 2, 1):
        for i in range(len(phrase) - size, -1, -1):
            if phrase[i : i + size] in _REVERSE:
                return _REVERSE[phrase[i : i + size]]
    return None


def from_foreign(text: str) -> str | None:
    """An English theme for the first theme word of another language found in the text."""
    for word in re.findall(r"[a-zà-öø-ÿœ]+", text.lower()):
        if word in FOREIGN:
            return FOREIGN[word]
    return None
