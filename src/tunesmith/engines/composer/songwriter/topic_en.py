"""What an English description is about: a short noun phrase to sing, plus an activity and images.

"a groovy dance song about writing a face-melting guitar solo" -> topic "guitar solo" (article "the"),
activity "writing", modifier "face-melting". No tagger: English puts the head noun last in a noun phrase,
so the last words of a chunk between function words are the thing itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .styles import GENRES, INSTRUMENTS, MOODS

_MARKERS = (
    "about",
    "called",
    "titled",
    "named",
    "regarding",
    "celebrating",
    "dedicated to",
    "inspired by",
    "for",
    "of",
)
_DETERMINERS = {
    "the",
    "a",
    "an",
    "my",
    "your",
    "our",
    "his",
    "her",
    "their",
    "this",
    "that",
    "these",
    "those",
    "some",
}
_KEEP_DETERMINERS = {"my", "your", "our", "his", "her", "their"}
_BOUNDARIES = set(
    [
        "and",
        "or",
        "but",
        "with",
        "in",
        "on",
        "at",
        "through",
        "to",
        "from",
        "into",
        "over",
        "under",
        "by",
        "of",
        "for",
        "while",
        "when",
        "that",
        "which",
        "who",
        "where",
        "like",
        "as",
        "after",
        "before",
        "during",
        "across",
        "around",
        "without",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "it",
        "its",
        "i",
        "me",
        "we",
        "you",
        "he",
        "she",
        "they",
        "them",
        "us",
        "about",
        "so",
        "very",
        "really",
        "just",
        "all",
        "can",
        "could",
        "will",
        "would",
        "should",
        "not",
        "no",
    ]
)
_FILLER = set(
    [
        "song",
        "songs",
        "track",
        "tracks",
        "tune",
        "tunes",
        "music",
        "piece",
        "lyrics",
        "lyric",
        "melody",
        "instrumental",
        "vocals",
        "vocal",
        "voice",
        "singer",
        "female",
        "male",
        "style",
        "vibe",
        "vibes",
        "feel",
        "feeling",
        "beat",
        "beats",
        "bpm",
        "tempo",
        "please",
        "write",
        "make",
        "create",
        "compose",
        "something",
        "kind",
        "sort",
        "type",
        "one",
        "new",
        "little",
        "bit",
        "make",
        "generate",
        "give",
        "want",
        "need",
        "let",
        "anthem",
        "jam",
        "banger",
        "hit",
        "single",
        "record",
        "remix",
        "version",
        "loop",
        "soundtrack",
        "number",
        "tracklist",
        "intro",
        "outro",
    ]
)
_MASS = set(
    [
        "love",
        "life",
        "time",
        "music",
        "money",
        "rain",
        "snow",
        "summer",
        "winter",
        "spring",
        "autumn",
        "fall",
        "home",
        "freedom",
        "war",
        "peace",
        "hope",
        "youth",
        "heaven",
        "christmas",
        "friendship",
        "happiness",
        "sadness",
        "coffee",
        "tea",
        "water",
        "fire",
        "gold",
        "silver",
        "faith",
        "truth",
        "sunshine",
        "moonlight",
        "starlight",
        "midnight",
        "tonight",
        "morning",
        "nature",
        "space",
        "childhood",
        "heartbreak",
        "loneliness",
        "nostalgia",
        "rock",
        "jazz",
        "dancing",
    ]
)
_STYLE_WORDS = (
    {w for g in GENRES for w in g.words if w.isascii()}
    | {w for words in MOODS.values() for w in words if w.isascii()}
    | {w for words in INSTRUMENTS.values() for w in words if w.isascii()}
)
_TOKEN = re.compile(r"[A-Za-z][A-Za-z'\-]*|[,.;:!?]")


@dataclass(frozen=True)
class TopicEn:
    phrase: str  # what is sung about, e.g. "guitar solo", "Tokyo", "summer nights"
    det: str  # "the", "my", ... or "" for names, plurals and abstract nouns
    plural: bool
    activity: str = ""  # a gerund the client tied to it, e.g. "writing"
    modifier: str = ""  # a describing word, e.g. "face-melting"
    images: tuple[str, ...] = ()  # other content words, used as imagery

    @property
    def sung(self) -> str:
        """The phrase as it sits inside a line ("the guitar solo")."""
        return f"{self.det} {self.phrase}".strip()


def _clause(text: str) -> tuple[str, bool]:
    lower = text.lower()
    for marker in _MARKERS:
        match = re.search(rf"\b{marker}\b", lower)
        if match:
            rest = text[match.end() :]
            if re.search(r"[A-Za-z]", rest):
                return rest, True
    return text, False


_PREPOSITIONS = {
    "to",
    "through",
    "with",
    "for",
    "in",
    "on",
    "at",
    "into",
    "across",
    "around",
    "over",
    "under",
    "from",
    "after",
    "without",
}


def _chunks(clause: str, inside_about: bool) -> list[tuple[str, list[str], str]]:
    """Runs of content words between function words: (opening determiner, words, closing word)."""
    chunks: list[tuple[str, list[str], str]] = []
    det, words = "", list[str]()
    for i, token in enumerate(_TOKEN.findall(clause)):
        low = token.lower().strip("'-")
        if not low:
            continue
        stop = low in _BOUNDARIES or low in _DETERMINERS or not low[0].isalpha() or low in _FILLER
        if not inside_about and low in _STYLE_WORDS:
            stop = True
        if low.isdigit() or len(low) > 20:
            stop = True
        if stop:
            if words:
                chunks.append((det, words, low))
            det, words = (low if low in _DETERMINERS else ""), []
            continue
        keep_case = token[0].isupper() and (i > 0 or inside_about) and low not in _MASS
        words.append(token if keep_case else low)
    if words:
        chunks.append((det, words, ""))
    return chunks


def _is_plural(word: str) -> bool:
    w = word.lower()
    return w.endswith("s") and not w.endswith(("ss", "us", "is", "'s")) and w not in _MASS and len(w) > 3


def _article(det: str, words: list[str], plural: bool) -> str:
    if det in _KEEP_DETERMINERS:
        return det
    head = words[-1]
    abstract = head.endswith(("ness", "ship", "dom", "ity", "ment", "hood", "ism")) or head.lower() in _MASS
    if plural or abstract or head[0].isupper() or head.endswith("ing"):
        return "" if det not in ("the", "this", "these", "those") else "the"
    return "the"


def read_topic_en(description: str) -> TopicEn | None:
    """The sung topic of an English description, or None when it names none (style words only)."""
    clause, inside_about = _clause(description)
    chunks = _chunks(clause, inside_about)
    if not chunks and inside_about:
        chunks = _chunks(description, False)
    if not chunks:
        return None
    activity = ""
    first_det, first, closer = chunks[0]
    if len(chunks) > 1 and first[0].endswith("ing") and not first_det and len(first) <= 3:
        # "saying goodbye to my hometown": the doing is sung with its preposition, the rest is the topic
        activity = " ".join(first) + (f" {closer}" if closer in _PREPOSITIONS else "")
        chunks = chunks[1:]
    det, words, _ = chunks[0]
    phrase_words = words[-2:]
    modifier = words[-3] if len(words) >= 3 else ""
    plural = _is_plural(phrase_words[-1])
    images = tuple(dict.fromkeys(w for _, ws, _ in chunks[1:] for w in ws if w.isascii() and w.isalpha()))[:4]
    return TopicEn(
        " ".join(phrase_words), _article(det, phrase_words, plural), plural, activity, modifier, images
    )
