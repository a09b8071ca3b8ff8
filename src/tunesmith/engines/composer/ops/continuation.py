"""New material for an existing song: a plan on the source's bar grid, in its style, and its pre-master stems.

A continuation plan starts with `lead_in_bars` of backing (no words: an edit cuts into them, so the first
word never lands on the crossfade), then the sung sections of `lyrics`, then either an outro (extend) or, when
`total_bars` is given (replace section), exactly that many bars: lines that would end after `sing_bars` are
dropped (noted in the plan) and the rest is filled with backing. Bar 0 of the plan sits on a bar line of the
source, so drums and chords keep the beat across the joins.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from tunesmith.engines.base import EngineJob
from tunesmith.engines.composer import artifacts, mastering
from tunesmith.engines.composer.compose import _Builder
from tunesmith.engines.composer.lyrics import parse_lyrics, tokens
from tunesmith.engines.composer.ops import timeline
from tunesmith.engines.composer.plan import SongPlan
from tunesmith.engines.composer.style import Style
from tunesmith.engines.composer.syllables import SpokenLine, voice_for

SR = 44100


def take_seed(job: EngineJob, index: int) -> int:
    """The seed of a job's take `index`: one task's takes differ, and the same task gives the same takes."""
    return job.seed + 7919 * index


def continuation_plan(
    *,
    style: Style,
    lyrics: str,
    title: str,
    take: int,
    seed: int,
    language: str,
    lead_in_bars: int,
    total_bars: int | None = None,
    sing_bars: int | None = None,
    instrumental_s: float = 30.0,
    spoken: dict[str, SpokenLine] | None = None,
) -> SongPlan:
    b = _Builder(style, take, seed, language, spoken)
    notes: list[str] = []
    sung = [s for s in parse_lyrics(lyrics) if s.lines and any(tokens(t) for t in s.lines)]
    voice = None
    if sung and style.voice is not None:
        voice, note = voice_for(language, style.voice)
        if note:
            notes.append(note)
    if lead_in_bars > 0:
        b.add_section("verse", "Lead-in", lead_in_bars)
    if voice is not None:
        for sec in sung:
            if sing_bars is not None and b.bar >= sing_bars:
                break
            b.sung_section(sec, voice)
    elif total_bars is None:
        bar_s = b.bar_beats * 60.0 / style.bpm
        bars = max(4, int(round(instrumental_s / bar_s)) - lead_in_bars - 4)
        b.lead_lines(b.add_section("instrumental", "Instrumental", bars))
    if total_bars is None:
        b.add_section("outro", "Outro", 4, final=True)
    else:
        _fit(b, total_bars, sing_bars if sing_bars is not None else total_bars, notes)
    return b.plan(title, voice, notes)


def _fit(b: _Builder, total_bars: int, sing_bars: int, notes: list[str]) -> None:
    """Make the plan exactly `total_bars` long with every line ending by `sing_bars`."""
    limit = sing_bars * b.bar_beats
    keep = len(b.lines)
    for i, line in enumerate(b.lines):
        if line.notes and max(n.start + n.dur for n in line.notes) > limit + 1e-6:
            keep = i
            break
    if keep < len(b.lines):
        dropped = [ln.text for ln in b.lines[keep:] if ln.sung]
        if dropped:
            notes.append(f"{len(dropped)} line(s) did not fit the section and were left out")
        del b.lines[keep:]
        for sec in b.sections:
            sec.lines = [i for i in sec.lines if i < keep]
    b.sections = [s for s in b.sections if s.start_bar < total_bars]
    for s in b.sections:
        if s.start_bar + s.bars > total_bars:
            s.bars = total_bars - s.start_bar
            s.chords = s.chords[: s.bars]
    b.bar = b.sections[-1].start_bar + b.sections[-1].bars if b.sections else 0
    if b.bar < total_bars:
        b.add_section("instrumental", "Fill", total_bars - b.bar)


def speak_lines(lyrics: str, style: Style, language: str) -> dict[str, SpokenLine] | None:
    """Speak every line once in a fresh espeak process (same request, same audio), shared by both takes."""
    from tunesmith.engines.composer import pool
    from tunesmith.engines.composer.compose import sung_texts

    texts = sung_texts(lyrics)
    if not texts or style.voice is None:
        return None
    return pool.speak_fresh(texts, language, voice_for(language, style.voice)[0])


def plan_takes(
    job: EngineJob, source_plan: dict[str, Any], *, style: Style, lyrics: str, title: str, **shape: Any
) -> tuple[list[SongPlan], list[dict]]:
    """One continuation plan per clip slot (each slot its own seed), with every plan's vocals already started
    in the singer pool so they sing while the backing renders; `shape` is the rest of `continuation_plan`.
    The take is the source's, and so is the language unless there are new words to detect it from."""
    from tunesmith.engines.composer import pool
    from tunesmith.engines.composer.songwriter.language import detect_language

    take = int(source_plan.get("take", 0))
    language = detect_language(lyrics) if lyrics.strip() else source_plan.get("language", "en")
    spoken = speak_lines(lyrics, style, language)
    plans = [
        continuation_plan(
            style=style,
            lyrics=lyrics,
            title=title,
            take=take,
            seed=take_seed(job, slot.index),
            language=language,
            spoken=spoken,
            **shape,
        )
        for slot in job.clips
    ]
    executor = pool.get_pool()
    return plans, [pool.submit_vocals(p, executor) for p in plans]


def render_stems(plan: SongPlan, vocals: dict) -> tuple[dict[str, np.ndarray], np.ndarray | None]:
    """Pre-master stems (name -> (n, 2)) and the dry lead of a whole plan, rendered in one go (no stream):
    the backing renders here while the singer pool sings the lines started by `pool.submit_vocals`."""
    from tunesmith.engines.composer.arrange import arrange
    from tunesmith.engines.composer.render import _mix_line
    from tunesmith.engines.composer.synth import BackingRenderer

    total = int(np.ceil(plan.duration * SR))
    renderer = BackingRenderer(arrange(plan))
    try:
        part = renderer.render_until(plan.duration)
    finally:
        renderer.close()
    stems = {k: np.pad(v, ((0, max(0, total - len(v))), (0, 0)))[:total] for k, v in part.items()}
    if not vocals:
        return stems, None
    voc = np.zeros((total + SR * 2, 2), np.float32)
    lead = np.zeros(total, np.float32)
    ir = mastering.reverb_ir()
    for i in sorted(vocals):
        line = plan.lines[i]
        own = line.singer in (None, plan.style.voice) and not line.backing
        _mix_line(voc, lead if own else None, vocals[i].result(), ir, 0.6 if line.backing else 1.0)
    stems["vocals"] = voc[:total]
    return stems, lead


def placed_midi(plan: SongPlan, piece: timeline.Piece) -> Callable[[Path], None]:
    """write_clip's MIDI writer for new material: the plan's MIDI, moved to clip time by `piece`."""

    def write(path: Path) -> None:
        from tunesmith.engines.composer.arrange import arrange

        full = path.with_suffix(".full.mid")
        artifacts.write_midi(full, plan, arrange(plan))
        timeline.write_midi(path, [(full, piece)], plan.style.bpm)
        full.unlink()

    return write
