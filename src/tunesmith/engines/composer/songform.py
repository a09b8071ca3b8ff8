"""The form of a sung song: intro, the lyric sheet's sections, instrumental breaks and solos, the ending.

A lyric sheet is sung the way a band would play it: an intro, every section in order (an instrumental or a
solo tag is played by the lead, or by the instrument it names), an ending that follows the sheet ([End]
stops after one closing bar, [Fade Out] fades an outro), and a song length that matches the words. The sung
sections alone of a 14-line sheet last about 70-100 s; a band would stretch the intro and outro and take an
instrumental break after the second chorus, so that is what is added, in that order, until the song reaches
its usual length (about 10 s per sung line, within 45-200 s; a snippet of under 8 lines is not stretched).
A requested duration wins: the same pieces pad
the song up to it, and sections are left out at the end when the words need more.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from tunesmith.engines.composer.lyrics import LyricSection, tokens
from tunesmith.engines.composer.vocab.instruments import BY_NAME

if TYPE_CHECKING:
    from tunesmith.engines.composer.compose import _Builder

SECONDS_PER_LINE = 10.5  # a sung song's length per lyric line (verse-chorus songs of 12-16 lines: 2-3 min)
MIN_SONG_S, MAX_NATURAL_S = 45.0, 200.0
MAX_SECONDS = 480.0
MIN_LINES_TO_PAD = 8
_FEATURE_ROLES = ("lead", "chords", "pad", "bass")


@dataclass
class _Item:
    kind: str  # "sung" | a section kind played without words
    label: str
    bars: int
    sec: LyricSection | None = None
    program: int | None = None  # the featured instrument of a solo
    final: bool = False
    filler: str = ""  # what the length fitting added ("intro", "break", "outro"); "" = the sheet's own


def _feature(b: _Builder, sec: LyricSection) -> int | None:
    if sec.feature is None:
        return None
    inst = BY_NAME[sec.feature]
    if inst.role not in _FEATURE_ROLES:
        return None
    return inst.by_family.get(b.style.genre, inst.program)


def _solo_bars(bar_s: float) -> int:
    """A solo or instrumental section: 8 bars where that is at most ~24 s, else 4."""
    return 8 if 8 * bar_s <= 24.5 else 4


def _bars_within(seconds: float, bar_s: float) -> int:
    """The most bars, in fours, that last about `seconds` (up to a quarter more; 4 at least)."""
    return max(4, int(seconds * 1.25 / bar_s) // 4 * 4)


def _items(b: _Builder, sections: list[LyricSection], voice: str, bar_s: float) -> tuple[list[_Item], str]:
    intro_bars = 2 if b.style.bpm < 80 else 4
    items: list[_Item] = []
    ending = ""
    if sections[0].kind != "intro" or sections[0].lines:
        items.append(_Item("intro", "Intro", intro_bars))
    est_s = 0.0
    for sec in sections:
        if sec.kind == "end":
            ending = "end"
            break
        if sec.kind == "fade":
            ending = "fade"
            break
        if sec.lines and any(tokens(t) for t in sec.lines):
            bars = b.estimate_bars(sec, voice) if est_s < MAX_SECONDS else 8
            items.append(_Item("sung", sec.label, bars, sec))
        else:
            solo = sec.kind == "instrumental"
            bars = {"intro": intro_bars, "outro": 4, "break": 4}.get(
                sec.kind, _solo_bars(bar_s) if solo else 8
            )
            items.append(_Item(sec.kind, sec.label, bars, sec, _feature(b, sec)))
        est_s += items[-1].bars * bar_s
    return items, ending


def _break_at(items: list[_Item]) -> int:
    """Where an instrumental break goes: after the second chorus, else after the middle sung section."""
    choruses = [
        i for i, it in enumerate(items) if it.sec is not None and it.sec.kind == "chorus" and it.sec.lines
    ]
    if len(choruses) >= 2:
        return choruses[1] + 1
    sung = [i for i, it in enumerate(items) if it.kind == "sung"]
    return sung[len(sung) // 2] + 1 if len(sung) >= 2 else len(items)


def _fit(items: list[_Item], ending: str, target_bars: int, strict: bool, bar_s: float) -> list[str]:
    """Pad the form toward `target_bars` with a longer intro, an instrumental break and a longer outro; when
    `strict` (a requested duration), also leave sections out at the end and size the outro to land on it."""
    notes: list[str] = []
    total = sum(it.bars for it in items)
    has_break = any(it.kind in ("instrumental", "break") and it.sec is not None for it in items)
    reserve = 2 if strict else 0  # a requested duration still ends on an outro of 2 bars at least
    auto_intro = bool(items) and items[0].kind == "intro" and items[0].sec is None
    if total + reserve < target_bars and auto_intro and items[0].filler == "":
        grow = min(_bars_within(16.0, bar_s), items[0].bars + target_bars - total - reserve)
        if strict:  # a short requested song keeps its intro short: the words come first
            grow = min(grow, max(items[0].bars, target_bars // 3))
        if grow > items[0].bars:
            total += grow - items[0].bars
            items[0].bars, items[0].filler = grow, "intro"
    room = target_bars - total - reserve
    if room >= (4 if strict else 1) and not has_break and sum(it.kind == "sung" for it in items) >= 3:
        bars = min(_bars_within(20.0, bar_s), max(4, target_bars - total))
        items.insert(_break_at(items), _Item("instrumental", "Instrumental Break", bars, filler="break"))
        total += bars
    if total + 8 < target_bars and not strict:  # a turnaround after each chorus that a verse follows
        for i in range(len(items) - 2, -1, -1):
            it = items[i]
            if it.sec is not None and it.sec.kind == "chorus" and items[i + 1].kind == "sung":
                items.insert(i + 1, _Item("instrumental", "Turnaround", 2, filler="turnaround"))
                total += 2
    if (
        total + 8 <= target_bars
        and not strict
        and ending != "end"
        and any(it.sec and it.sec.kind == "chorus" for it in items)
    ):
        items.append(_Item("chorus", "Instrumental Chorus", 8, filler="chorus"))  # the band plays the hook
        total += 8
    if strict and total + 2 > target_bars and auto_intro and items[0].bars > 1:
        cut = min(items[0].bars - 1, total + 2 - target_bars)  # a short intro before leaving words out
        items[0].bars -= cut
        total -= cut
    if strict:
        while total + 2 > target_bars and sum(it.kind == "sung" for it in items) > 1:
            dropped = items.pop(-1) if items[-1].kind != "intro" else None
            if dropped is None:
                break
            total -= dropped.bars
            if dropped.kind == "sung":
                notes.append(f"{dropped.label} left out to keep to the requested duration")
    own = items[-1] if items and items[-1].kind == "outro" and items[-1].sec is not None else None
    if own is not None:  # the sheet's own [Outro] without words closes the song
        items.pop()
        total -= own.bars
    if ending == "end":
        outro = 1
    elif ending == "fade":
        outro = _solo_bars(bar_s)
    else:
        outro = own.bars if own is not None else 4
        if strict:
            outro = max(2, target_bars - total)
        elif total + outro < target_bars:
            outro = max(outro, min(_bars_within(16.0, bar_s), target_bars - total))
    label = own.label if own is not None else "Fade Out" if ending == "fade" else "End" if ending else "Outro"
    grown = outro > (own.bars if own is not None else 4) and not ending
    items.append(_Item("outro", label, outro, own.sec if own else None, final=True, filler="outro" * grown))
    return notes


def lay_out_sung(
    b: _Builder, sections: list[LyricSection], voice: str, duration: float | None, notes: list[str]
) -> None:
    """Lay out a sung song into the builder `b` (see the module docstring)."""
    from tunesmith.engines.composer.plan import SongPlan

    bar_s = b.bar_beats * 60.0 / b.style.bpm
    items, ending = _items(b, sections, voice, bar_s)
    if duration:
        target_s, strict = min(MAX_SECONDS, max(10.0, duration)), True
    else:
        n = sum(
            1
            for it in items
            if it.sec is not None
            for k in range(len(it.sec.lines))
            if not it.sec.is_backing(k)
        )
        target_s, strict = min(MAX_NATURAL_S, max(MIN_SONG_S, SECONDS_PER_LINE * n)), False
        if n < MIN_LINES_TO_PAD:  # a snippet of a few lines is sung as written, not stretched to a song
            target_s = 0.0
    target_bars = max(4, round((target_s - SongPlan.tail_s) / bar_s))
    notes += _fit(items, ending, target_bars, strict, bar_s)
    for it in items:
        if b.seconds_so_far() > MAX_SECONDS - 30 and it.kind != "outro":
            notes.append("lyrics cut at the 8-minute limit")
            continue
        if it.kind == "sung" and it.sec is not None:
            if not b.sung_section(it.sec, voice):
                notes.append("lyrics cut at the 8-minute limit")
            continue
        sec = b.add_section(it.kind, it.label, it.bars, final=it.final)
        if it.sec is not None:
            sec.energy = round(min(1.0, sec.energy * it.sec.energy), 3)
        if it.kind != "outro" or ending == "fade" or it.bars >= 8:
            b.lead_lines(sec, it.program)
        if it.filler in ("break", "turnaround", "chorus"):
            notes.append(
                f"an instrumental {it.filler} of {it.bars} bars added so the song has a usual length"
            )
        elif it.filler:
            notes.append(f"{it.filler} lengthened to {it.bars} bars so the song has a usual length")
    if ending == "fade":
        b.fade_s = round(b.sections[-1].bars * bar_s + 1.0, 3)
