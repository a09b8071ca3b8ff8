"""Style vocabulary: genres, moods, instruments and voices as clients write them (English and Chinese).

One table per idea, so tags, tempo and the lyric mood all read the same words.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Genre:
    tag: str  # how it is written in tags
    words: tuple[str, ...]  # how clients write it (lower case)
    bpm: tuple[int, int]  # a typical tempo range
    mood: str  # the mood it suggests when the description names none


# Longer names first: "j-pop" must win over "pop", "hip hop" over "hop".
GENRES: tuple[Genre, ...] = (
    Genre("j-pop", ("j-pop", "jpop", "j pop", "日系流行", "日系"), (120, 150), "happy"),
    Genre("k-pop", ("k-pop", "kpop", "k pop", "韩流", "韩系"), (110, 130), "happy"),
    Genre("c-pop", ("c-pop", "cpop", "华语流行"), (90, 120), "romantic"),
    Genre("lo-fi", ("lo-fi", "lofi", "lo fi", "低保真"), (70, 90), "calm"),
    Genre("hip hop", ("hip hop", "hip-hop", "hiphop", "rap", "说唱", "嘻哈"), (85, 98), "energetic"),
    Genre("r&b", ("r&b", "rnb", "r and b", "节奏布鲁斯"), (70, 95), "romantic"),
    Genre("edm", ("edm", "electronic", "electro", "电子", "电音"), (124, 130), "energetic"),
    Genre("house", ("house", "浩室"), (120, 126), "happy"),
    Genre("techno", ("techno", "泰克诺"), (128, 135), "dark"),
    Genre("trap", ("trap",), (130, 150), "dark"),
    Genre("drum and bass", ("drum and bass", "dnb", "drum & bass"), (170, 176), "energetic"),
    Genre("synthwave", ("synthwave", "synth-wave", "retrowave", "合成器浪潮"), (95, 118), "nostalgic"),
    Genre("disco", ("disco", "迪斯科"), (115, 125), "happy"),
    Genre("funk", ("funk", "funky", "放克"), (100, 118), "happy"),
    Genre("dance", ("dance", "dancefloor", "club", "舞曲", "跳舞"), (118, 128), "happy"),
    Genre("metal", ("metal", "heavy metal", "金属"), (140, 180), "energetic"),
    Genre("punk", ("punk", "pop punk", "朋克"), (160, 190), "energetic"),
    Genre("rock", ("rock", "摇滚"), (110, 140), "energetic"),
    Genre("indie", ("indie", "独立"), (100, 125), "nostalgic"),
    Genre("jazz", ("jazz", "swing", "bebop", "爵士"), (90, 140), "romantic"),
    Genre("blues", ("blues", "布鲁斯", "蓝调"), (70, 100), "sad"),
    Genre("soul", ("soul", "灵魂乐"), (80, 100), "romantic"),
    Genre("gospel", ("gospel", "福音"), (75, 100), "happy"),
    Genre("reggae", ("reggae", "雷鬼"), (70, 90), "calm"),
    Genre("latin", ("latin", "reggaeton", "salsa", "bossa nova", "拉丁"), (95, 115), "happy"),
    Genre("country", ("country", "乡村"), (90, 120), "nostalgic"),
    Genre("folk", ("folk", "acoustic", "民谣"), (90, 115), "nostalgic"),
    Genre("ballad", ("ballad", "抒情", "情歌"), (60, 80), "romantic"),
    Genre("classical", ("classical", "orchestral", "symphonic", "古典", "交响"), (60, 110), "calm"),
    Genre(
        "cinematic", ("cinematic", "epic", "soundtrack", "film score", "电影", "史诗"), (70, 110), "energetic"
    ),
    Genre("ambient", ("ambient", "氛围", "环境音乐"), (60, 80), "calm"),
    Genre("chinese traditional", ("chinese traditional", "古风", "国风", "中国风"), (70, 95), "nostalgic"),
    Genre("pop", ("pop", "流行"), (100, 124), "happy"),
)

# mood -> the words that name it; the first word is the one used as a tag when only the mood is known.
MOODS: dict[str, tuple[str, ...]] = {
    "happy": (
        "upbeat",
        "happy",
        "joyful",
        "cheerful",
        "fun",
        "bright",
        "sunny",
        "playful",
        "groovy",
        "uplifting",
        "feel-good",
        "summery",
        "轻快",
        "快乐",
        "欢快",
        "开心",
        "活泼",
        "阳光",
        "明快",
        "欢乐",
    ),
    "sad": (
        "melancholic",
        "sad",
        "melancholy",
        "heartbroken",
        "heartbreak",
        "lonely",
        "sorrowful",
        "tearful",
        "bittersweet",
        "悲伤",
        "伤感",
        "忧伤",
        "难过",
        "孤独",
        "心碎",
        "失恋",
        "哀伤",
    ),
    "calm": (
        "calm",
        "chill",
        "relaxing",
        "relaxed",
        "peaceful",
        "soothing",
        "gentle",
        "mellow",
        "soft",
        "dreamy",
        "quiet",
        "serene",
        "安静",
        "舒缓",
        "平静",
        "宁静",
        "放松",
        "温柔",
        "治愈",
        "轻柔",
    ),
    "energetic": (
        "energetic",
        "powerful",
        "aggressive",
        "angry",
        "intense",
        "hype",
        "fierce",
        "anthemic",
        "loud",
        "fast",
        "激昂",
        "热血",
        "激情",
        "燃",
        "动感",
        "劲爆",
        "有力",
    ),
    "romantic": ("romantic", "tender", "sweet", "sensual", "loving", "浪漫", "甜蜜", "深情", "心动"),
    "dark": ("dark", "moody", "haunting", "mysterious", "eerie", "ominous", "gothic", "黑暗", "神秘", "阴郁"),
    "nostalgic": ("nostalgic", "wistful", "retro", "vintage", "reminiscent", "怀旧", "回忆", "复古"),
}
# Extra tags some mood words imply (a groovy song is also funky).
MOOD_EXTRA_TAGS: dict[str, tuple[str, ...]] = {"groovy": ("funky",), "dreamy": ("atmospheric",)}

INSTRUMENTS: dict[str, tuple[str, ...]] = {
    "piano": ("piano", "keys", "钢琴"),
    "guitar": ("guitar", "吉他"),
    "acoustic guitar": ("acoustic guitar", "木吉他", "民谣吉他"),
    "electric guitar": ("electric guitar", "电吉他"),
    "strings": ("strings", "string quartet", "弦乐"),
    "violin": ("violin", "小提琴"),
    "cello": ("cello", "大提琴"),
    "saxophone": ("saxophone", "sax", "萨克斯"),
    "synth": ("synth", "synthesizer", "合成器"),
    "bass": ("bass guitar", "slap bass", "贝斯"),
    "drums": ("drums", "drum", "鼓"),
    "flute": ("flute", "长笛", "笛子"),
    "guzheng": ("guzheng", "古筝"),
    "erhu": ("erhu", "二胡"),
    "ukulele": ("ukulele", "尤克里里"),
    "trumpet": ("trumpet", "小号"),
    "orchestra": ("orchestra", "管弦乐"),
}

FEMALE_WORDS = (
    "female",
    "woman singer",
    "girl singer",
    "her voice",
    "soprano",
    "diva",
    "女声",
    "女歌手",
    "女生唱",
)
MALE_WORDS = (
    "male",
    "man singer",
    "boy singer",
    "his voice",
    "baritone",
    "tenor",
    "男声",
    "男歌手",
    "男生唱",
)
DUET_WORDS = ("duet", "male and female", "female and male", "对唱", "男女对唱")
CHOIR_WORDS = ("choir", "choral", "gospel choir", "合唱")
INSTRUMENTAL_WORDS = (
    "instrumental",
    "no vocals",
    "without vocals",
    "no lyrics",
    "纯音乐",
    "无人声",
    "伴奏",
    "器乐",
)
