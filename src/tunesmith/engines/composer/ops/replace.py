"""Replace section: two takes in which only `request.span` is new, sung with `request.lyrics`.

The new part is planned on the source's bar grid (from the bar line before the span's lead-in crossfade), in
the source's style, rendered, levelled with the source's own master gain and limiter, and spliced in with
XFADE_S equal-power crossfades before the start and after the end. Everything outside the span and its
crossfades is the source's mastered audio sample for sample (there is no new loudness pass over the song).

Span rules (kie's replace-section): at least MIN_SPAN_S long and at most half of the song.
`request.lyrics` are the words of the span; `request.extra["full_lyrics"]`, when given, is reported as the
clip's lyrics (kie's fullLyrics); otherwise the lyrics are rebuilt from the clip's sections.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import cast

import numpy as np

from tunesmith.engines.base import EngineError, EngineJob, ProgressSink, SongText
from tunesmith.engines.composer import artifacts, mastering
from tunesmith.engines.composer.ops import timeline
from tunesmith.engines.composer.ops.clipio import lyrics_of, write_clip
from tunesmith.engines.composer.ops.continuation import plan_takes, render_stems
from tunesmith.engines.composer.ops.rules import span_problem
from tunesmith.engines.composer.ops.source import ClipAudio, load_clip, source_of, title_and_tags

SR = 44100
XFADE_S = 0.25


def _aligned(x: np.ndarray, at: int, n: int) -> np.ndarray:
    """`x` placed at sample `at` (may be negative) of a zero array of length n."""
    out = np.zeros((n, *x.shape[1:]), np.float32)
    lo, skip = max(0, at), max(0, -at)
    k = max(0, min(len(x) - skip, n - lo))
    out[lo : lo + k] = x[skip : skip + k]
    return out


def run_replace(job: EngineJob, sink: ProgressSink) -> None:
    req, ref = job.request, source_of(job, "replace section")
    src = load_clip(ref.clip_id, ref.wav, ref.artifacts)
    s, e = (float(v) for v in req.span or (-1.0, -1.0))
    problem = span_problem(s, e, src.duration)
    if problem:
        raise EngineError(problem, retryable=False)
    style = src.style
    lyrics = "" if req.instrumental else req.lyrics
    title, tags = title_and_tags(job, src.plan)
    bar_s, g = src.bar_s, src.grid_offset
    w0 = g + math.floor((s - XFADE_S - g) / bar_s + 1e-9) * bar_s
    lead_in = math.ceil((s - w0) / bar_s - 1e-6)
    total = math.ceil((e + XFADE_S - w0) / bar_s - 1e-6)
    sing = max(lead_in, math.floor((e - w0) / bar_s + 1e-6))
    plans, vocals = plan_takes(
        job,
        src.plan,
        style=style,
        lyrics=lyrics,
        title=title,
        lead_in_bars=lead_in,
        total_bars=total,
        sing_bars=sing,
    )
    full_lyrics = req.extra.get("full_lyrics")
    sink.text(SongText(title=title, tags=tags, lyrics=full_lyrics or lyrics))
    for k, (slot, plan) in enumerate(zip(job.clips, plans, strict=True)):
        res = _take(src, plan, vocals[k], w0, s, e, slot.workdir, title, tags, full_lyrics, lyrics, style)
        sink.progress((k + 1) / len(job.clips))
        sink.complete(slot.index, res)


def _take(src: ClipAudio, plan, vocals, w0, s, e, workdir: Path, title, tags, full_lyrics, lyrics, style):  # noqa: ANN001, ANN202, PLR0913
    new_stems, new_lead = render_stems(plan, vocals)
    at, n = int(round(w0 * SR)), src.n
    a, b = int(round(s * SR)), min(n, int(round(e * SR)))
    xf = int(round(XFADE_S * SR))
    lo, hi = max(0, a - xf), min(n, b + xf)
    aligned = {k: _aligned(v, at, n) for k, v in new_stems.items()}
    new_mix = cast("np.ndarray", sum(aligned.values()))
    region = mastering.limit(
        new_mix[lo:hi] * np.float32(src.gain), 10 ** ((mastering.CEILING_DBTP - 0.6) / 20)
    )
    new_master = np.zeros_like(src.mix)
    new_master[lo:hi] = region
    mix = timeline.splice(src.mix, new_master, a, b, xf)
    ceiling = np.float32(10 ** (mastering.CEILING_DBTP / 20))
    mix[lo:hi] = np.clip(mix[lo:hi], -ceiling, ceiling)
    zero2 = np.zeros((n, 2), np.float32)
    stems = {
        name: timeline.splice(src.stems.get(name, zero2), aligned.get(name, zero2), a, b, xf)
        for name in sorted(set(src.stems) | set(aligned))
    }
    lead = None
    if src.lead is not None or new_lead is not None:
        zero1 = np.zeros(n, np.float32)
        new_l = _aligned(new_lead, at, n) if new_lead is not None else zero1
        lead = timeline.splice(src.lead if src.lead is not None else zero1, new_l, a, b, xf)
    before, inside, after = (0.0, a / SR, 0.0), (a / SR - w0, b / SR - w0, w0), (b / SR, src.duration, 0.0)
    pj = plan.to_json()
    sections = (
        timeline.sections(src.plan["sections"], before)
        + timeline.sections(pj["sections"], inside)
        + timeline.sections(src.plan["sections"], after)
    )
    words = (
        timeline.words(src.words, before)
        + timeline.words(artifacts.word_timings(plan), inside)
        + timeline.words(src.words, after)
    )
    out_plan = {
        **src.plan,
        "sections": sections,
        "master_gain": src.gain,
        "notes": list(src.plan.get("notes", [])) + plan.notes,
        "history": [
            *src.plan.get("history", []),
            {
                "op": "replace_section",
                "parent_clip_id": src.clip_id,
                "span": [round(s, 3), round(e, 3)],
                "crossfade_s": XFADE_S,
                "render_start_s": round(w0, 3),
                "seed": plan.seed,
                "lyrics": lyrics,
            },
        ],
    }

    def midi(path: Path) -> None:
        from tunesmith.engines.composer.arrange import arrange

        tmp = path.with_suffix(".new.mid")
        artifacts.write_midi(tmp, plan, arrange(plan))
        timeline.write_midi(path, [(src.midi, before), (tmp, inside), (src.midi, after)], style.bpm)
        tmp.unlink()

    return write_clip(
        workdir,
        mix=mix,
        stems=stems,
        lead=lead,
        plan=out_plan,
        words=words,
        midi=midi,
        style=style,
        title=title,
        tags=tags,
        lyrics=full_lyrics or lyrics_of(sections),
    )
