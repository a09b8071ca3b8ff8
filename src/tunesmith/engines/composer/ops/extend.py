"""Extend: two new takes that continue a clip at `continue_at`, in its key, tempo, instruments and voice.

Like Suno's, the new clip holds only the continuation: its sample 0 is the source's `continue_at`, and
concat joins the two later. The continuation is planned from the bar line at or before `continue_at` (the
bar grid of the source) and the part before `continue_at` is cut off, so the beat runs on across the join.

What is sung (the rule):
- `request.lyrics`, when given and `request.extra.get("default_params")` is not False;
- otherwise (kie's defaultParamFlag=false, or no lyrics): a continuation of the source's lyrics: the source's
  sections that start at or after `continue_at` (the part of the song the cut left out); when the cut is
  after the last of them, the source's last chorus (or last sung section) once more. An instrumental source
  (or an instrumental request) continues as an instrumental of `request.duration` (default 60 s).
The style (key, tempo, instruments, voice) is always the source's; `request.style` only names the clip's tags,
except for a recording imported by upload (plan `imported`), whose instruments and voice were only a guess:
there the request's tags choose them (ops/upload_import.py).
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import TYPE_CHECKING, cast

from tunesmith.domain.operations import SongRequest
from tunesmith.engines.base import ClipResult, EngineError, EngineJob, ProgressSink, SongText
from tunesmith.engines.composer import artifacts, mastering
from tunesmith.engines.composer.ops import timeline
from tunesmith.engines.composer.ops.clipio import write_clip
from tunesmith.engines.composer.ops.continuation import placed_midi, plan_takes, render_stems
from tunesmith.engines.composer.ops.rules import continue_at_problem
from tunesmith.engines.composer.ops.source import load_clip, source_of, title_and_tags

if TYPE_CHECKING:
    import numpy as np

SR = 44100


def continuation_lyrics(request: SongRequest, plan: dict, continue_at: float) -> str:
    """The words the extension sings (see the module docstring for the rule)."""
    if request.instrumental:
        return ""
    if request.lyrics.strip() and request.extra.get("default_params") is not False:
        return request.lyrics
    sung = [s for s in plan.get("sections", []) if s.get("lines")]
    rest = [s for s in sung if s["start_s"] >= continue_at - 1e-3]
    if not rest and sung:
        choruses = [s for s in sung if s.get("kind") == "chorus"]
        rest = [choruses[-1] if choruses else sung[-1]]
    return "\n\n".join(f"[{s['label']}]\n" + "\n".join(s["lines"]) for s in rest)


def run_extend(job: EngineJob, sink: ProgressSink) -> None:
    req, src_ref = job.request, source_of(job, "extend")
    src = load_clip(src_ref.clip_id, src_ref.wav, src_ref.artifacts, with_stems=False)
    problem = continue_at_problem(req.continue_at, src.duration)
    if problem:
        raise EngineError(problem, retryable=False)
    c = float(req.continue_at)  # type: ignore[arg-type]
    style = src.style
    if src.plan.get("imported") and req.style.strip():  # an outside recording: its sound is only a guess
        from tunesmith.engines.composer.ops.upload_import import restyled

        style = restyled(style, req, job.seed)
    lyrics = continuation_lyrics(req, src.plan, c)
    if lyrics.strip() and style.voice is None:  # an instrumental source that is now sung
        style = replace(style, voice="male" if req.vocal_gender == "m" else "female")
    title, tags = title_and_tags(job, src.plan)
    sink.text(SongText(title=title, tags=tags, lyrics=lyrics))
    bar_s, g = src.bar_s, src.grid_offset
    bar0 = g + math.floor((c - g) / bar_s + 1e-9) * bar_s  # the bar line at or before continue_at
    cut = int(round((c - bar0) * SR))
    offset = cut / SR
    plans, vocals = plan_takes(
        job,
        src.plan,
        style=style,
        lyrics=lyrics,
        title=title,
        lead_in_bars=1,
        instrumental_s=req.duration or 60.0,
    )
    history = [
        *src.plan.get("history", []),
        {
            "op": "extend",
            "parent_clip_id": src.clip_id,
            "continue_at": round(c, 3),
            "parent_duration_s": round(src.duration, 3),
        },
    ]
    for k, (slot, plan) in enumerate(zip(job.clips, plans, strict=True)):
        stems, lead = render_stems(plan, vocals[k])
        stems = {name: s[cut:] for name, s in stems.items()}
        lead = lead[cut:] if lead is not None else None
        mastered, gain = mastering.master(cast("np.ndarray", sum(stems.values())))
        dur = len(mastered) / SR
        piece = (offset, plan.duration, -offset)
        pj = plan.to_json()
        pj.update(
            sections=timeline.sections(pj["sections"], piece),
            grid_offset_s=round(-offset, 6),
            master_gain=float(gain),
            history=history,
            parent_clip_id=src.clip_id,
            continue_at=round(c, 3),
            lyrics_rule="request" if lyrics == req.lyrics and lyrics else "continuation",
        )
        pj["sections"][-1]["end_s"] = round(dur, 3)
        words = timeline.words(artifacts.word_timings(plan), piece)

        res: ClipResult = write_clip(
            slot.workdir,
            mix=mastered,
            stems=stems,
            lead=lead,
            plan=pj,
            words=words,
            midi=placed_midi(plan, piece),
            style=style,
            title=title,
            tags=tags,
            lyrics=lyrics,
        )
        sink.progress((k + 1) / len(job.clips))
        sink.complete(slot.index, res)
