"""Upload-extend: two takes that continue a recording the composer did not make (kie's upload-extend).

Input (filled by the runtime): `job.source` = SourceClip(clip_id="upload-<task>", duration, workdir,
audio=wav=<the upload as a 44.1 kHz stereo PCM_16 WAV>), with no plan, stems or artifacts.

The rule:
- The recording is analysed (ops/analysis.py): tempo, bar grid (fitted around `continue_at`), key, mode and
  loudness. The continuation is the composer's own music in the recording's tempo, key and mode (4/4), on
  its bar grid; the instruments, genre and voice come from `request.style` (default DEFAULT_STYLE),
  `negative_style` and `vocal_gender`, because nothing of the recording's sound can be reused: a piano
  recording may well continue as a pop band. That is the limit of this engine.
- `continue_at` (seconds into the upload, default its end) must lie in (0, duration], and the upload must
  last a second, else a non-retryable EngineError. The clip is the upload up to `continue_at`, then the
  continuation, rendered from the bar line at least JOIN_S before `continue_at` (a lead-in of backing, so
  the first word comes after the join) and joined with an equal-power crossfade over the JOIN_S before
  `continue_at`: every sample before `continue_at - JOIN_S` is the upload's, bit for bit (it is not
  re-mastered), and from `continue_at` on only the continuation sounds.
- Words: `request.lyrics` unless the request is instrumental or gives none; then an instrumental
  continuation of `request.duration` (default INSTRUMENTAL_S) seconds after `continue_at` (plus the tail).
- Level: the continuation is levelled to the loudness of the upload's last LEVEL_WINDOW_S before
  `continue_at` (BS.1770; the whole upload if that is silent, -14 LUFS if all of it is), through the
  master's limiter and -1 dBTP ceiling.
- `request.extra["default_params"]` (kie's defaultParamFlag) is not consulted: nothing can be inherited
  from a recording but its tempo, key and sound, and a request without style, lyrics or continue_at gets
  the defaults above (DEFAULT_STYLE, instrumental, from the end of the upload).
- Takes: take i is the composer's take i (take 1 may swap to the genre's alternative instrumentation), each
  with its own seed, so the two differ.

Files, as for any composer clip: plan.json describes the continuation's style (an extend of this clip goes
on in it), with a first section of kind "upload" and `history` [{"op": "upload_extend", ...analysis}];
words.json and song.mid hold only the continuation, moved to clip time. Stems: the upload is a finished mix
that cannot be separated, so the upload part is entirely in the "other" stem and the "vocals", "drums" and
"bass" stems (and the dry lead) are silent before the join; stems are at pre-master scale, i.e.
`sum(stems) * plan["master_gain"]` is the clip before the limiter, as for every composer clip.
"""

from __future__ import annotations

import math
from dataclasses import replace
from pathlib import Path
from typing import Any, cast

import numpy as np

from tunesmith.engines.base import EngineError, EngineJob, ProgressSink, SongText, SourceClip
from tunesmith.engines.composer import artifacts, mastering
from tunesmith.engines.composer.ops import timeline
from tunesmith.engines.composer.ops.analysis import Analysis, analyse
from tunesmith.engines.composer.ops.clipio import write_clip
from tunesmith.engines.composer.ops.continuation import (
    continuation_plan,
    placed_midi,
    render_stems,
    speak_lines,
    take_seed,
)
from tunesmith.engines.composer.ops.source import read_wav
from tunesmith.engines.composer.style import Style, parse_style

SR = 44100
DEFAULT_STYLE = "pop"
INSTRUMENTAL_S = 30.0
JOIN_S = 0.05
LEVEL_WINDOW_S = 30.0


def read_upload(path: Path) -> np.ndarray:
    """The upload as (n, 2) float32 at 44.1 kHz, read as clips are (source.read_wav), so the untouched part
    is written back sample for sample."""
    import soundfile as sf

    rate = sf.info(str(path)).samplerate
    x = read_wav(path)
    if x.shape[1] == 1:
        x = np.repeat(x, 2, axis=1)
    x = x[:, :2]
    if rate != SR:
        from scipy.signal import resample_poly

        g = math.gcd(SR, rate)
        x = resample_poly(x, SR // g, rate // g, axis=0).astype(np.float32)
    return np.ascontiguousarray(x)


def continue_at_problem(continue_at: float, duration: float) -> str | None:
    if not math.isfinite(continue_at) or continue_at <= 0 or continue_at > duration + 1e-3:
        return (
            f"continue_at must satisfy 0 < continue_at <= {duration:.2f} s (the uploaded audio's length), "
            f"got {continue_at:g}"
        )
    return None


def continuation_style(req: Any, seed: int, a: Analysis, instrumental: bool) -> Style:
    """The request's style (instruments, genre, voice) in the upload's tempo, key and mode, in 4/4."""
    base = parse_style(
        req.style.strip() or DEFAULT_STYLE,
        negative=req.negative_style,
        seed=seed,
        vocal_gender=req.vocal_gender,
        instrumental=instrumental,
    )
    notes = list(base.notes)
    changes: dict[str, Any] = {"meter": 4}
    if base.meter != 4:
        notes.append("the upload is read in 4/4: the continuation is in 4/4")
    if a.tempo_confidence > 0:
        changes["bpm"] = a.bpm
        notes.append(f"tempo {a.bpm:g} bpm and bar grid from the upload")
    else:
        notes.append("no beat found in the upload: the style's tempo")
    if a.key_confidence > 0:
        changes.update(key=a.key, mode=a.mode)
        notes.append(f"key from the upload: {a.to_json()['key_name']}")
    else:
        notes.append("no key found in the upload: the style's key")
    return replace(base, notes=tuple(notes), **changes)


def level(x: np.ndarray, target_lufs: float) -> tuple[np.ndarray, float]:
    """mastering.master with another loudness target: (levelled, limited audio; gain before the limiter)."""
    ceiling = 10 ** (mastering.CEILING_DBTP / 20)
    sample_ceiling = 10 ** ((mastering.CEILING_DBTP - 0.6) / 20)
    now = mastering.loudness(x)
    gain = 10 ** ((target_lufs - now) / 20) if now > -70 else 1.0
    out = mastering.limit(x * np.float32(gain), sample_ceiling)
    short = target_lufs - mastering.loudness(out)
    if now > -70 and short > 0.3:  # the limiter took some loudness away: make it up once
        gain *= 10 ** (min(short, 2.0) / 20)
        out = mastering.limit(x * np.float32(gain), sample_ceiling)
    tp = mastering.true_peak(out)
    if tp > ceiling:
        out = out * np.float32(ceiling / tp)
    return np.clip(out, -ceiling, ceiling).astype(np.float32), float(gain)


def reference_loudness(upload: np.ndarray, at: int, whole: float) -> float:
    """What the continuation should be levelled to: the upload just before the join (see the docstring)."""
    near = mastering.loudness(upload[max(0, at - int(LEVEL_WINDOW_S * SR)) : at])
    if near > -60:
        return near
    return whole if whole > -60 else mastering.TARGET_LUFS


def _source(job: EngineJob) -> tuple[SourceClip, Path]:
    ref = job.source
    if ref is None:
        raise EngineError("upload extend needs the uploaded audio", retryable=False)
    for path in (ref.wav, ref.audio):
        if path is not None and Path(path).is_file():
            return ref, Path(path)
    raise EngineError(f"the uploaded audio of {ref.clip_id} is missing", retryable=False)


def run_upload_extend(job: EngineJob, sink: ProgressSink) -> None:
    from tunesmith.engines.composer import pool
    from tunesmith.engines.composer.songwriter.language import detect_language

    req = job.request
    ref, path = _source(job)
    upload = read_upload(path)
    duration = len(upload) / SR
    if duration < 1.0:
        raise EngineError(f"the uploaded audio is too short to continue ({duration:.2f} s)", retryable=False)
    c = float(req.continue_at) if req.continue_at is not None else duration
    problem = continue_at_problem(c, duration)
    if problem:
        raise EngineError(problem, retryable=False)
    c = min(c, duration)
    instrumental = req.instrumental or not req.lyrics.strip()
    lyrics = "" if instrumental else req.lyrics
    title = req.title or ref.title or "Untitled"
    tags = req.style.strip() or ref.tags or DEFAULT_STYLE
    sink.text(SongText(title=title, tags=tags, lyrics=lyrics))

    a = analyse(upload, SR, at=c)
    sink.progress(0.05)
    style = continuation_style(req, job.seed, a, instrumental)
    bar_s = 4 * 60.0 / style.bpm
    g = a.downbeat_s if a.tempo_confidence > 0 else 0.0
    bar0 = g + math.floor((c - JOIN_S - g) / bar_s + 1e-9) * bar_s  # the crossfade lies inside the render
    lead_in = max(1, math.ceil((c - bar0) / bar_s - 1e-9))  # the first word comes after the join
    at = int(round(c * SR))
    cut = int(round((c - bar0) * SR))  # render sample at the clip's `at`
    xf = min(int(round(JOIN_S * SR)), at, cut)
    language = detect_language(lyrics) if lyrics.strip() else "en"
    spoken = speak_lines(lyrics, style, language)
    plans = [
        continuation_plan(
            style=style,
            lyrics=lyrics,
            title=title,
            take=slot.index,
            seed=take_seed(job, slot.index),
            language=language,
            lead_in_bars=lead_in,
            instrumental_s=(req.duration or INSTRUMENTAL_S) + (c - bar0),
            spoken=spoken,
        )
        for slot in job.clips
    ]
    executor = pool.get_pool()
    vocals = [pool.submit_vocals(p, executor) for p in plans]
    target = reference_loudness(upload, at, a.lufs)
    history = [
        {
            "op": "upload_extend",
            "source_clip_id": ref.clip_id,
            "continue_at": round(c, 3),
            "upload_duration_s": round(duration, 3),
            "crossfade_s": round(xf / SR, 4),
            "render_start_s": round(bar0, 4),
            "level_lufs": round(target, 2),
            "analysis": a.to_json(),
        }
    ]
    for k, (slot, plan) in enumerate(zip(job.clips, plans, strict=True)):
        stems, lead = render_stems(plan, vocals[k])
        stems.setdefault("other", np.zeros_like(next(iter(stems.values()))))
        start = cut - xf  # from here the render is used (it fades in over the xf samples before `at`)
        cont, gain = level(cast("np.ndarray", sum(stems.values()))[start:], target)
        # Each part crossfades over the xf samples before `at` (timeline.join from `at - xf`): the mix and the
        # "other" stem from the upload, the rest from silence.
        mix = timeline.join(upload, cont, at - xf, xf)
        n = len(mix)
        silence = np.zeros((at, 2), np.float32)
        out_stems: dict[str, np.ndarray] = {}
        for name, s in stems.items():
            before = upload[:at] / np.float32(gain) if name == "other" else silence  # pre-master scale
            out_stems[name] = timeline.join(before, s[start:], at - xf, xf)[:n]
        out_lead = None
        if lead is not None:
            out_lead = timeline.join(silence[:, 0], lead[start:], at - xf, xf)[:n]
        piece = (cut / SR, plan.duration, (at - cut) / SR)  # render time -> clip time
        pj = plan.to_json()
        sections = [upload_section(c, a, style)] + timeline.sections(pj["sections"], piece)
        sections[-1]["end_s"] = round(n / SR, 3)
        pj.update(
            sections=sections,
            grid_offset_s=round((at - cut) / SR, 6),
            master_gain=gain,
            history=history,
            continue_at=round(c, 3),
            lyrics_rule="request" if lyrics else "instrumental",
        )
        words = timeline.words(artifacts.word_timings(plan), piece)

        res = write_clip(
            slot.workdir,
            mix=mix,
            stems=out_stems,
            lead=out_lead,
            plan=pj,
            words=words,
            midi=placed_midi(plan, piece),
            style=style,
            title=title,
            tags=tags,
            lyrics=lyrics,
        )
        sink.progress(0.05 + 0.95 * (k + 1) / len(job.clips))
        sink.complete(slot.index, res)


def upload_section(c: float, a: Analysis, style: Style) -> dict[str, Any]:
    return {
        "kind": "upload",
        "label": "Upload",
        "start_s": 0.0,
        "end_s": round(c, 3),
        "key": style.key_name,
        "tempo_bpm": style.bpm,
        "chords": [],
        "lines": [],
        "analysis_confidence": {"tempo": a.tempo_confidence, "key": a.key_confidence},
    }
