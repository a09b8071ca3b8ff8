"""Lyrics text -> sections of clean, singable lines.

Clients send anything: Suno-style [Section] tags, untagged text, emoji, HTML or Markdown, 300-character
lines. This module keeps the words, drops what cannot be sung, and splits long lines into phrases so every
line fits a musical phrase. Tags are read with lyric_tags.py: section kinds with numbers and descriptors,
vocal directions, deliveries, solos featuring an instrument and endings; an empty tag that repeats an earlier
section's name repeats its words; "(...)" lines and words are sung by a backing voice; "*...*" directions
and Markdown are never sung. Unknown tags become verses.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass, field, replace

from tunesmith.engines.composer.lyric_tags import DELIVERY_TAGS, VOICE_TAGS, Tag, read_tag

INSTRUMENTAL_KINDS = ("intro", "outro", "instrumental", "break", "fade")
MAX_WORDS = 9  # a longer line is split into phrases of at most this many words
MAX_CJK = 12  # characters per phrase for CJK text

_TAG = re.compile(r"^\s*(?:\[([^\]]{1,60})\]|【([^】]{1,60})】|[(（]([^()（）]{1,60})[)）])\s*$")
_SCRIPT = re.compile(r"<(script|style)\b[^>]*>.*?(</\1\s*>|$)", re.IGNORECASE | re.DOTALL)
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")


@dataclass(frozen=True)
class LyricSection:
    kind: str  # intro verse prechorus chorus bridge outro instrumental break fade end
    label: str  # the tag as written, e.g. "Verse 2"
    lines: tuple[str, ...]
    backing: tuple[bool, ...] = ()  # per line: sung by a backing voice ("(ooh ooh)")
    voices: tuple[str, ...] = ()  # a vocal direction: "female"/"male"/"lead"/"other", "choir"
    delivery: str = ""  # "spoken" | "rap" | "sung" | "" (the style's own)
    energy: float = 1.0  # factor on the section's energy ("[Verse (softly)]")
    feature: str | None = None  # the instrument an instrumental section features ("[Sax Solo]")
    flags: dict[str, bool] = field(default_factory=dict, compare=False)

    def is_backing(self, i: int) -> bool:
        return bool(self.backing) and self.backing[i]


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


_MD_HEADING = re.compile(r"^\s*(?:#{1,6}\s*|\*\*|__)(.+?)(?:\*\*|__)?\s*:?\s*$")
_RULE = re.compile(r"^\s*(?:[-*_=~]\s*){3,}$")
_DIRECTION = re.compile(r"(?<![*\w])\*(?!\*)[^*\n]{1,80}\*(?!\*)|(?<!\w)_(?!_)[^_\n]{1,80}_(?!\w)")
_PAREN = re.compile(r"[(（]([^()（）]{1,80})[)）]")
_BARE_TAG = re.compile(r"^\s*([A-Za-z][A-Za-z \-]{1,24}?)\s*(\d{0,2})\s*:\s*$")


def _as_tag(raw: str) -> str | None:
    """The inside of a tag line: "[Verse 1]", "【副歌】", a Markdown heading "**Verse 1**" / "## Chorus" or a
    bare "Chorus:" line naming a known section; "(...)" only when it names a section, an ending, a delivery
    or a voice and nothing else ("(Chorus)", "(Male Vocal)"; "(ooh ooh)" is a backing line)."""
    m = _TAG.match(raw)
    if m:
        inner = next(g for g in m.groups() if g is not None).strip()
        if raw.strip()[0] in "(（":
            tag = read_tag(inner)
            low = inner.lower()
            whole = low in VOICE_TAGS or low in DELIVERY_TAGS
            return inner if tag.known and (tag.named or tag.ending or whole) else None
        return inner if not _CJK.search(inner) or len(inner) < 12 else None
    st = raw.strip()
    if st.startswith(("#", "**", "__")) or st.endswith(":"):
        inner = st.strip("#*_: ").strip()
        tag = read_tag(inner)
        if inner and tag.named and len(inner.split()) <= 4:
            return inner
    return None


def _lead_and_backing(raw: str) -> list[tuple[str, bool]]:
    """A lyric line as (text, backing) phrases: "*laughs*" dropped, "(yeah)" a backing phrase after it."""
    if raw.lstrip().startswith("#"):
        return []  # a Markdown heading that names no section: a title, not lyrics
    raw = _DIRECTION.sub(" ", raw).replace("**", " ").replace("__", " ").lstrip("> ")
    backing = [m.group(1) for m in _PAREN.finditer(raw)]
    lead = _PAREN.sub(" ", raw)
    out = [(part, False) for part in _split_long(clean_line(lead))]
    for b in backing:
        out += [(part, True) for part in _split_long(clean_line(b))]
    return out


def _direct(sec: LyricSection, tag: Tag, label: str) -> LyricSection:
    """A section with a tag's directions applied on top of its own."""
    return replace(
        sec,
        voices=tag.voices or sec.voices,
        delivery=tag.delivery or sec.delivery,
        energy=sec.energy * tag.energy,
        feature=tag.feature or sec.feature,
        label=sec.label or label,
    )


def _with_tag(kind: str, label: str, tag: Tag) -> LyricSection:
    return _direct(LyricSection(kind, label, ()), tag, label)


def parse_lyrics(text: str) -> list[LyricSection]:
    """Split lyrics into sections. Untagged text becomes verses of up to 4 lines (no chorus is guessed)."""
    raw_secs: list[tuple[LyricSection, list[tuple[str, bool]], int]] = []
    cur: LyricSection | None = None
    lines: list[tuple[str, bool]] = []
    repeat = 1
    ended = False
    ending: tuple[str, str] | None = None

    sung: set[str] = set()  # labels sung so far: an empty one repeats, a direction after it starts anew

    def flush() -> None:
        if cur is not None and lines:
            sung.add(_repeat_key(cur))
        if cur is not None or lines:
            raw_secs.append((cur or LyricSection("verse", "Verse", ()), list(lines), repeat))

    for raw in text.replace("\r", "\n").split("\n"):
        if ended or _RULE.match(raw):
            continue
        inner = _as_tag(raw)
        if inner is None:
            lines += _lead_and_backing(raw)
            continue
        tag = read_tag(inner)
        if tag.ending and tag.named:  # "[Outro: Fade Out]": the section, then the ending after it
            flush()
            cur, lines, repeat = _with_tag(tag.kind or "outro", inner, tag), [], 1
            ending = (tag.ending, inner)
            continue
        if tag.ending:
            flush()
            cur, lines, repeat = None, [], 1
            raw_secs.append((LyricSection("fade" if tag.ending == "fade" else "end", inner, ()), [], 1))
            ended = tag.ending == "end"
            continue
        if tag.kind is None:
            # a direction: it changes the section under way if nothing is sung in it yet, else starts the
            # same kind of section anew from here
            if cur is not None and not lines and _repeat_key(cur) not in sung:
                cur = _direct(cur, tag, inner)
                continue
            flush()
            # a new delivery ([Rap], [Spoken Word]) is a verse of its own; a voice change goes on
            base = cur.kind if cur is not None and tag.voices and not tag.delivery else "verse"
            cur, lines, repeat = _with_tag(base, inner, tag), [], 1
            continue
        flush()
        cur, lines, repeat = _with_tag(tag.kind, inner, tag), [], tag.repeat
    flush()
    if ending is not None and not ended:
        raw_secs.append((LyricSection("fade" if ending[0] == "fade" else "end", ending[1], ()), [], 1))
    return _resolve(raw_secs)


def _base_label(label: str) -> str:
    """A label without its number and descriptors: "Verse 2 (softly)", "Chorus: Duet", "Final Chorus" ->
    "verse", "chorus", "chorus"."""
    name = re.split(r"[:(（|,]| [-–] ", label.lower())[0]
    words = re.sub(r"[\d#.]+|\b(final|last|big|double|repeat|x\d?)\b", " ", name).split()
    return " ".join(words)


def _repeat_key(sec: LyricSection) -> str:
    """What an empty tag must match to repeat an earlier section: any chorus (hook, refrain) repeats the
    chorus, any pre-chorus the pre-chorus; other sections only the same name and number ("Verse 2")."""
    base = _base_label(sec.label)
    if base in ("chorus", "hook", "refrain") or (sec.kind == "chorus" and base == "chorus"):
        return "chorus"
    if sec.kind == "prechorus" and base in ("pre-chorus", "prechorus", "pre chorus", "pre-hook"):
        return "prechorus"
    name = re.split(r"[:(（|,]| [-–] ", sec.label.lower())[0]
    return " ".join(name.split())


def _resolve(raw_secs: list[tuple[LyricSection, list[tuple[str, bool]], int]]) -> list[LyricSection]:
    """Empty tags that name an earlier section repeat its words; repeats ("x2") are written out; empty
    non-instrumental sections are dropped; an untagged wall of text is cut into verses of 4 lines."""
    out: list[LyricSection] = []
    seen: dict[str, LyricSection] = {}
    for sec, lines, repeat in raw_secs:
        texts = tuple(t for t, _ in lines)
        sec = replace(sec, lines=texts, backing=tuple(b for _, b in lines))
        key = _repeat_key(sec)
        if not texts and sec.kind not in INSTRUMENTAL_KINDS and sec.kind != "end":
            earlier = seen.get(key)
            if earlier is not None:
                sec = replace(
                    earlier,
                    label=sec.label,
                    voices=sec.voices or earlier.voices,
                    energy=sec.energy,
                    delivery=sec.delivery or earlier.delivery,
                )
            elif sec.kind == "prechorus":  # an empty [Build-Up]: the band builds, nothing is sung
                sec = replace(sec, kind="instrumental")
            else:
                continue  # an empty [Verse] tag: nothing to sing
        elif texts:
            seen.setdefault(key, sec)
        if sec.kind == "verse" and len(sec.lines) > 8 and sec.label == "Verse":  # untagged wall of text
            for i in range(0, len(sec.lines), 4):
                out.append(replace(sec, lines=sec.lines[i : i + 4], backing=sec.backing[i : i + 4]))
            continue
        out += [sec] * repeat
    return out
