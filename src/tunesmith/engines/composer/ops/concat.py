"""Concat: the whole song of an extension chain as one clip.

Input (filled by the service, see engine.py): `request.extra["chain"]`, first part first, the source clip
last; part i+1 continues part i at its own `continue_at`. Part i is used up to the next part's
`continue_at`; each join is an equal-power crossfade of JOIN_S into the next part's first samples (the parts
were rendered on one bar grid, so the beat runs on). Length = sum of the used spans (the last part whole).
The joined audio is re-mastered to -14 LUFS / -1 dBTP; stems are brought to the first part's scale (each
times its master gain / the first's) so `sum(stems) * master_gain` is the pre-limiter mix, as for a take;
words, MIDI and sections move by each part's start in the song.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from tunesmith.engines.base import EngineError, EngineJob, ProgressSink, SongText
from tunesmith.engines.composer import mastering
from tunesmith.engines.composer.ops import timeline
from tunesmith.engines.composer.ops.clipio import lyrics_of, write_clip
from tunesmith.engines.composer.ops.source import ClipAudio, load_clip, title_and_tags

SR = 44100
JOIN_S = 0.02


def _chain(job: EngineJob) -> list[dict[str, Any]]:
    chain = job.request.extra.get("chain")
    if not chain and job.source is not None:  # a lone clip: its chain is itself
        s = job.source
        chain = [{"clip_id": s.clip_id, "wav": s.wav, "artifacts": s.artifacts, "continue_at": None}]
    if not isinstance(chain, list) or not chain:
        raise EngineError(
            'concat needs request.extra["chain"] (the extension chain, first clip first)', retryable=False
        )
    return chain


def run_concat(job: EngineJob, sink: ProgressSink) -> None:
    chain = _chain(job)
    parts: list[ClipAudio] = [
        load_clip(p.get("clip_id", f"part{i}"), p.get("wav"), p.get("artifacts") or {})
        for i, p in enumerate(chain)
    ]
    cuts: list[int] = []
    for i in range(len(parts) - 1):
        c = chain[i + 1].get("continue_at")
        if c is None or not 0 < float(c) < parts[i].duration:
            raise EngineError(
                f"chain part {i + 1} ({parts[i + 1].clip_id}) must continue part {i} inside it: "
                f"0 < continue_at < {parts[i].duration:.2f} s, got {c}",
                retryable=False,
            )
        cuts.append(int(round(float(c) * SR)))
    last = parts[-1]
    title, tags = title_and_tags(job, last.plan)
    starts = [0]
    for i, cut in enumerate(cuts):
        starts.append(starts[i] + cut)
    pieces = [
        (0.0, (cuts[i] / SR if i < len(cuts) else p.duration), starts[i] / SR) for i, p in enumerate(parts)
    ]
    sections = [
        s for p, pc in zip(parts, pieces, strict=True) for s in timeline.sections(p.plan["sections"], pc)
    ]
    lyrics = lyrics_of(sections)
    sink.text(SongText(title=title, tags=tags, lyrics=lyrics))

    xf = int(round(JOIN_S * SR))
    mix = parts[0].mix
    ref = parts[0].gain  # stems stay at part 0's scale; the others are brought to it
    stems = dict(parts[0].stems)
    lead = parts[0].lead
    for i, cut in enumerate(cuts):
        nxt = parts[i + 1]
        at = starts[i] + cut
        mix = timeline.join(mix, nxt.mix, at, xf)
        for name in set(stems) | set(nxt.stems):
            a = stems.get(name, np.zeros((at, 2), np.float32))
            b = nxt.stems.get(name, np.zeros((nxt.n, 2), np.float32)) * np.float32(nxt.gain / ref)
            stems[name] = timeline.join(a, b, at, xf)
        if lead is not None or nxt.lead is not None:
            a1 = lead if lead is not None else np.zeros(at, np.float32)
            b1 = (
                nxt.lead * np.float32(nxt.gain / ref) if nxt.lead is not None else np.zeros(nxt.n, np.float32)
            )
            lead = timeline.join(a1, b1, at, xf)
    mastered, gain = mastering.master(mix)
    n = len(mastered)
    stems = {k: np.pad(v, ((0, max(0, n - len(v))), (0, 0)))[:n] for k, v in stems.items()}
    if lead is not None:
        lead = np.pad(lead, (0, max(0, n - len(lead))))[:n]
    words = [w for p, pc in zip(parts, pieces, strict=True) for w in timeline.words(p.words, pc)]
    plan = dict(last.plan)
    first = parts[0].plan
    plan.update(
        {k: first[k] for k in ("key", "tempo_bpm", "meter", "genre", "style", "grid_offset_s") if k in first},
        sections=sections,
        master_gain=float(gain * ref),  # sum(stems) * master_gain ~ the audio (before the limiter)
        concat_history=[
            {
                "clip_id": p.clip_id,
                "continue_at": chain[i].get("continue_at"),
                "used_s": round(pc[1] - pc[0], 3),
                "start_s": round(pc[2], 3),
            }
            for i, (p, pc) in enumerate(zip(parts, pieces, strict=True))
        ],
        history=[*last.plan.get("history", []), {"op": "concat", "clip_ids": [p.clip_id for p in parts]}],
    )

    def midi(path: Path) -> None:
        timeline.write_midi(
            path, [(p.midi, pc) for p, pc in zip(parts, pieces, strict=True)], float(first["tempo_bpm"])
        )

    slot = job.clips[0]
    res = write_clip(
        slot.workdir,
        mix=mastered,
        stems=stems,
        lead=lead,
        plan=plan,
        words=words,
        midi=midi,
        style=parts[0].style,
        title=title,
        tags=tags,
        lyrics=lyrics,
    )
    sink.complete(slot.index, res)
