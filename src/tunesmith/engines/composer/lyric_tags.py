"""Suno's lyric-sheet tags as data: section names, vocal directions, deliveries, endings and solos.

A tag ("[Verse 2 (softly)]", "[Chorus: Duet]", "[Guitar Solo]", "[Male Vocal]", "[Spoken Word]", "[副歌]",
"[Fade Out]") is read into a Tag: the section kind it starts (None for a direction that only changes how the
following lines are sung), the voices, the delivery, an energy change, the instrument a solo features, an
ending, and how many times the section is sung ("x2"). Every word is a row in a table below.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tunesmith.engines.composer.vocab.match import find

# tag words -> section kind (a plan knows: intro verse prechorus chorus bridge outro instrumental break)
SECTION_WORDS: dict[str, str] = {
    "intro": "intro",
    "opening": "intro",
    "verse": "verse",
    "pre-chorus": "prechorus",
    "prechorus": "prechorus",
    "pre chorus": "prechorus",
    "pre-hook": "prechorus",
    "build-up": "prechorus",
    "buildup": "prechorus",
    "build up": "prechorus",
    "build": "prechorus",
    "rise": "prechorus",
    "lift": "prechorus",
    "chorus": "chorus",
    "hook": "chorus",
    "refrain": "chorus",
    "post-chorus": "chorus",
    "postchorus": "chorus",
    "post chorus": "chorus",
    "final chorus": "chorus",
    "last chorus": "chorus",
    "big chorus": "chorus",
    "double chorus": "chorus",
    "outro chorus": "chorus",
    "bridge": "bridge",
    "middle 8": "bridge",
    "middle eight": "bridge",
    "outro": "outro",
    "ending": "outro",
    "coda": "outro",
    "instrumental": "instrumental",
    "instrumental break": "instrumental",
    "interlude": "instrumental",
    "solo": "instrumental",
    "drop": "instrumental",
    "beat drop": "instrumental",
    "break": "break",
    "breakdown": "break",
    "前奏": "intro",
    "引子": "intro",
    "主歌": "verse",
    "预副歌": "prechorus",
    "导歌": "prechorus",
    "副歌": "chorus",
    "高潮": "chorus",
    "桥段": "bridge",
    "过渡": "bridge",
    "间奏": "instrumental",
    "尾奏": "outro",
    "尾声": "outro",
    "结尾": "outro",
}
# directions: tag words -> voices ("lead"/"other" are the song's voice and the second voice) or a choir
VOICE_TAGS: dict[str, tuple[str, ...]] = {
    "male vocal": ("male",),
    "male vocals": ("male",),
    "male voice": ("male",),
    "male": ("male",),
    "man": ("male",),
    "him": ("male",),
    "female vocal": ("female",),
    "female vocals": ("female",),
    "female voice": ("female",),
    "female": ("female",),
    "woman": ("female",),
    "her": ("female",),
    "duet": ("lead", "other"),
    "both": ("lead", "other"),
    "together": ("lead", "other"),
    "all": ("lead", "other"),
    "male and female": ("lead", "other"),
    "female and male": ("lead", "other"),
    "choir": ("lead", "other", "choir"),
    "gang vocals": ("lead", "other", "choir"),
    "group vocals": ("lead", "other", "choir"),
    "crowd": ("lead", "other", "choir"),
    "男声": ("male",),
    "女声": ("female",),
    "对唱": ("lead", "other"),
    "合唱": ("lead", "other", "choir"),
}
DELIVERY_TAGS: dict[str, str] = {
    "spoken word": "spoken",
    "spoken": "spoken",
    "narration": "spoken",
    "narrator": "spoken",
    "speech": "spoken",
    "monologue": "spoken",
    "whisper": "spoken",
    "whispered": "spoken",
    "whispering": "spoken",
    "rap": "rap",
    "rapped": "rap",
    "rapping": "rap",
    "rap verse": "rap",
    "独白": "spoken",
    "念白": "spoken",
    "旁白": "spoken",
    "说唱": "rap",
    "rap部分": "rap",
    "sung": "sung",
    "singing": "sung",
}
ENERGY_TAGS: dict[str, float] = {
    "soft": 0.7,
    "softly": 0.7,
    "quiet": 0.65,
    "quietly": 0.65,
    "gentle": 0.7,
    "gently": 0.7,
    "calm": 0.75,
    "stripped": 0.7,
    "stripped down": 0.7,
    "acoustic": 0.8,
    "intimate": 0.7,
    "building": 1.1,
    "powerful": 1.2,
    "loud": 1.2,
    "belting": 1.2,
    "belted": 1.2,
    "intense": 1.2,
    "explosive": 1.25,
    "anthemic": 1.2,
    "big": 1.15,
    "final": 1.1,
    "energetic": 1.15,
}
ENDING_TAGS: dict[str, str] = {
    "fade out": "fade",
    "fade-out": "fade",
    "fadeout": "fade",
    "fade": "fade",
    "fades out": "fade",
    "fading out": "fade",
    "end": "end",
    "the end": "end",
    "song ends": "end",
    "stop": "end",
    "full stop": "end",
    "淡出": "fade",
    "结束": "end",
}
_REPEAT = re.compile(r"(?:x|×)\s*(\d)\b|\b(\d)\s*(?:x|×)(?![a-z])|repeat(?:\s+(\d))?")


@dataclass(frozen=True)
class Tag:
    kind: str | None  # the section it starts; None for a direction or an ending
    voices: tuple[str, ...] = ()  # "female"/"male"/"lead"/"other", plus "choir"
    delivery: str = ""  # "spoken" | "rap" | "sung" | "" (the style's own)
    energy: float = 1.0  # factor on the section's energy
    feature: str | None = None  # the instrument a solo or instrumental section features (vocab name)
    ending: str | None = None  # "fade" | "end"
    repeat: int = 1
    known: bool = True  # False: a tag the table does not know (sung as a verse if lines follow)
    named: bool = False  # the tag names a section ("Verse", "Sax Solo"), not only a direction


def read_tag(text: str) -> Tag:
    """Read the inside of a [..] tag."""
    from tunesmith.engines.composer.style import _PHRASES  # the instrument vocabulary's phrases

    t = " " + re.sub(r"\s+", " ", text.lower().replace("_", " ")).strip() + " "
    hits = find(
        t,
        {
            "end": tuple(ENDING_TAGS),
            "section": tuple(SECTION_WORDS),
            "voice": tuple(VOICE_TAGS),
            "delivery": tuple(DELIVERY_TAGS),
            "energy": tuple(ENERGY_TAGS),
            "inst": tuple(_PHRASES),
        },
    )
    kinds = [SECTION_WORDS[h.phrase] for h in hits if h.table == "section"]
    voices: tuple[str, ...] = ()
    for h in hits:
        if h.table == "voice":
            voices = VOICE_TAGS[h.phrase]
            break
    delivery = next((DELIVERY_TAGS[h.phrase] for h in hits if h.table == "delivery"), "")
    energy = 1.0
    for h in hits:
        if h.table == "energy":
            energy *= ENERGY_TAGS[h.phrase]
    feature = next((_PHRASES[h.phrase] for h in hits if h.table == "inst"), None)
    ending = next((ENDING_TAGS[h.phrase] for h in hits if h.table == "end"), None)
    m = _REPEAT.search(t)
    repeat = int(next((g for g in m.groups() if g), "2")) if m else 1
    kind = kinds[0] if kinds else None
    if kind is None and feature and not voices and not delivery:
        kind = "instrumental"  # "[Sax]", "[Piano]": the instrument alone
    known = bool(kinds or voices or delivery or ending or feature)
    if not known:
        kind = "verse"
    return Tag(kind, voices, delivery, energy, feature, ending, max(1, min(4, repeat)), known, bool(kinds))
