"""Upload: an outside recording brought in as a clip of its own (new-api's and zeakAi's upload), so that
extend, cover, crop, concat, WAV and video can take it as their source like any song made here.

Input (filled by the runtime, as for upload-extend): `job.source` = the upload as a 44.1 kHz stereo WAV.

The clip is the recording itself, sample for sample (not re-mastered: `master_gain` 1), as long as it is.
A recording under MIN_S or silent is refused (not retryable): nothing could be made from it later.
Its plan.json is a composer plan an edit can read back: the recording's tempo, bar grid and key
(ops/analysis.py) with the instruments and voice of `request.style` (default "pop"), because an extension
of an outside recording can reuse nothing of its sound (ops/extend.py continues an imported clip in the
extension's own tags when it gives some). One section of kind "upload" spans the clip; `imported` is true
and `history` holds [{"op": "upload", ...analysis}]. Stems: the recording is the "other" stem, the rest are
silent (a mixed recording cannot be separated). No words, and a MIDI file with no notes (tempo, key, 4/4).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

import numpy as np

from tunesmith.engines.base import EngineError, EngineJob, ProgressSink, SongText
from tunesmith.engines.composer import mastering
from tunesmith.engines.composer.ops.add_part import upload_path
from tunesmith.engines.composer.ops.analysis import analyse
from tunesmith.engines.composer.ops.clipio import write_clip
from tunesmith.engines.composer.ops.continuation import continuation_plan
from tunesmith.engines.composer.ops.upload_extend import continuation_style, read_upload, upload_section
from tunesmith.engines.composer.style import Style, parse_style

SR = 44100
MIN_S = 1.0
SILENT_LUFS = -60.0
DEFAULT_TITLE = "Uploaded audio"


def title_from_url(url: str) -> str:
    """The file's name without its extension ("my_song.mp3" -> "my song"), else DEFAULT_TITLE."""
    name = Path(unquote(urlparse(url).path)).stem.replace("_", " ").strip()
    return name[:80] if name else DEFAULT_TITLE


def empty_midi(tempo: float, style: Style) -> Callable[[Path], None]:
    """write_clip's MIDI writer: a file with the recording's tempo, key and 4/4, and no notes."""

    def write(path: Path) -> None:
        from tunesmith.engines.midi_library import load_pretty_midi

        pretty_midi = load_pretty_midi()
        pm = pretty_midi.PrettyMIDI(initial_tempo=tempo)
        pm.time_signature_changes = [pretty_midi.TimeSignature(4, 4, 0.0)]
        key = style.key + (12 if style.mode == "minor" else 0)
        pm.key_signature_changes = [pretty_midi.KeySignature(key, 0.0)]
        pm.write(str(path))

    return write


def restyled(source: Style, req: Any, seed: int) -> Style:
    """An imported clip continued in the extension's own tags: their instruments, genre and voice, in the
    recording's tempo, key, mode and 4/4 (the plan's style is only a guess at the recording's sound)."""
    base = parse_style(req.style, negative=req.negative_style, seed=seed, vocal_gender=req.vocal_gender)
    notes = (*base.notes, "an imported recording, continued in the request's tags")
    return replace(base, notes=notes, bpm=source.bpm, key=source.key, mode=source.mode, meter=source.meter)


def run_import(job: EngineJob, sink: ProgressSink) -> None:
    req = job.request
    upload = read_upload(upload_path(job))
    n = len(upload)
    if n < MIN_S * SR:
        raise EngineError(f"the uploaded audio is too short ({n / SR:.2f} s)", retryable=False)
    if mastering.loudness(upload) <= SILENT_LUFS:
        raise EngineError("the uploaded audio is silent", retryable=False)
    title = req.title.strip() or title_from_url(str(req.extra.get("upload_url", "")))
    tags = req.style.strip()
    sink.text(SongText(title=title, tags=tags, lyrics=""))
    a = analyse(upload, SR)
    sink.progress(0.5)
    style = continuation_style(req, job.seed, a, instrumental=True)
    duration = n / SR
    plan = continuation_plan(
        style=style,
        lyrics="",
        title=title,
        take=0,
        seed=job.seed,
        language="en",
        lead_in_bars=0,
        instrumental_s=duration,
    )
    pj = plan.to_json()
    pj.update(
        sections=[upload_section(duration, a, style)],
        grid_offset_s=round(a.downbeat_s if a.tempo_confidence > 0 else 0.0, 6),
        master_gain=1.0,
        tail_s=0.0,
        fade_s=0.0,
        imported=True,
        lyrics_rule="none",
        history=[{"op": "upload", "upload_duration_s": round(duration, 3), "analysis": a.to_json()}],
    )
    silence = np.zeros_like(upload)
    stems = {"vocals": silence, "drums": silence, "bass": silence, "other": upload}
    res = write_clip(
        job.clips[0].workdir,
        mix=upload,
        stems=stems,
        lead=None,
        plan=pj,
        words=[],
        midi=empty_midi(style.bpm, style),
        style=style,
        title=title,
        tags=tags,
        lyrics="",
    )
    sink.progress(1.0)
    sink.complete(job.clips[0].index, res)
