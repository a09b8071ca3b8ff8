"""Crop: one clip holding only `request.span` of the source, with FADE_S fades at both cuts.

The span keeps the source's master (no new loudness pass: a crop is a cut, not a new mix), so what remains
sounds exactly as it did; stems, words, MIDI and sections are cut to the same span and moved to start at 0.
"""

from __future__ import annotations

from pathlib import Path

from tunesmith.engines.base import EngineError, EngineJob, ProgressSink, SongText
from tunesmith.engines.composer.ops import timeline
from tunesmith.engines.composer.ops.clipio import lyrics_of, write_clip
from tunesmith.engines.composer.ops.rules import MIN_CROP_S, span_problem
from tunesmith.engines.composer.ops.source import load_clip, source_of, title_and_tags

SR = 44100
FADE_S = 0.01


def run_crop(job: EngineJob, sink: ProgressSink) -> None:
    req, ref = job.request, source_of(job, "crop")
    src = load_clip(ref.clip_id, ref.wav, ref.artifacts)
    start, end = (float(v) for v in req.span or (-1.0, -1.0))
    problem = span_problem(start, end, src.duration, minimum=MIN_CROP_S, max_fraction=None)
    if problem:
        raise EngineError(f"crop: {problem}", retryable=False)
    a, b = int(round(start * SR)), min(src.n, int(round(end * SR)))
    piece = (a / SR, b / SR, -a / SR)
    fade = int(FADE_S * SR)
    sections = timeline.sections(src.plan["sections"], piece)
    lyrics = lyrics_of(sections)
    title, tags = title_and_tags(job, src.plan)
    sink.text(SongText(title=title, tags=tags, lyrics=lyrics))
    mix = timeline.fade_edges(src.mix[a:b], fade)
    stems = {k: timeline.fade_edges(v[a:b], fade) for k, v in src.stems.items()}
    lead = timeline.fade_edges(src.lead[a:b], fade) if src.lead is not None else None
    grid = src.grid_offset - a / SR
    plan = {
        **src.plan,
        "sections": sections,
        "grid_offset_s": round(grid, 6),
        "master_gain": src.gain,
        "history": [
            *src.plan.get("history", []),
            {"op": "crop", "parent_clip_id": src.clip_id, "span": [round(start, 3), round(end, 3)]},
        ],
    }

    def midi(path: Path) -> None:
        timeline.write_midi(path, [(src.midi, piece)], float(src.plan["tempo_bpm"]))

    slot = job.clips[0]
    res = write_clip(
        slot.workdir,
        mix=mix,
        stems=stems,
        lead=lead,
        plan=plan,
        words=timeline.words(src.words, piece),
        midi=midi,
        style=src.style,
        title=title,
        tags=tags,
        lyrics=lyrics,
    )
    sink.complete(slot.index, res)
