"""add-instrumental and add-vocals: a new part for an uploaded recording, the recording kept sample-exact.

Input (filled by the runtime, as for upload-extend): `job.source` = the upload as a 44.1 kHz stereo WAV.

- ADD_INSTRUMENTAL: the upload is a vocal (a cappella). A backing in `request.style` (drums, bass, chords;
  no lead instrument, which would play over the singer) in the recording's tempo, key and bar grid, on the
  chords its melody implies (ops/recording.py reads them per bar; ops/over_recording.py builds the plan).
- ADD_VOCALS: the upload is an instrumental. A vocal line singing `request.lyrics` in `request.style`'s voice
  (and `vocal_gender`), written by the melody writer on the recording's chords, key and bar grid.

Both: the clip lasts as long as the upload; the new part is levelled against the upload (a backing
BACKING_DB under the vocal's loudness, a vocal VOCAL_DB over the instrumental's) and only the new part is
scaled. The mix is upload + new part, sample for sample: the upload is not re-mastered, and the new part
is scaled down further where the sum would pass full scale. Stems: the upload is the "vocals" stem
(add-instrumental) or the "other" stem (add-vocals) bit for bit; `sum(stems)` is the mix (master_gain 1).
A mixed recording cannot be separated: an add-vocals upload that already has a singer keeps it.
words.json holds the new vocal's words (add-vocals), song.mid the new part's notes.
"""

from __future__ import annotations

from pathlib import Path
from typing import cast

import numpy as np

from tunesmith.domain.operations import OperationKind
from tunesmith.engines.base import EngineError, EngineJob, ProgressSink, SongText
from tunesmith.engines.composer import artifacts, mastering
from tunesmith.engines.composer.ops import timeline
from tunesmith.engines.composer.ops.clipio import write_clip
from tunesmith.engines.composer.ops.continuation import placed_midi, render_stems, speak_lines
from tunesmith.engines.composer.ops.over_recording import grid_start, place, plans_over, style_over
from tunesmith.engines.composer.ops.recording import Reading, read_recording
from tunesmith.engines.composer.ops.upload_extend import read_upload

SR = 44100
BACKING_DB = -4.0
VOCAL_DB = 2.0
PEAK = 0.999


def upload_path(job: EngineJob) -> Path:
    ref = job.source
    if ref is None:
        raise EngineError("this operation needs the uploaded audio", retryable=False)
    for path in (ref.wav, ref.audio):
        if path is not None and Path(path).is_file():
            return Path(path)
    raise EngineError(f"the uploaded audio of {ref.clip_id} is missing", retryable=False)


def read_checked(job: EngineJob) -> tuple[np.ndarray, Reading]:
    """The upload and its reading; a recording too short or silent to read is refused (not retryable)."""
    upload = read_upload(upload_path(job))
    if len(upload) < 2 * SR:
        raise EngineError(f"the uploaded audio is too short ({len(upload) / SR:.2f} s)", retryable=False)
    if mastering.loudness(upload) <= -60:
        raise EngineError("the uploaded audio is silent", retryable=False)
    return upload, read_recording(upload, SR)


def fit(new: np.ndarray, upload: np.ndarray, offset_db: float) -> tuple[np.ndarray, float]:
    """`new` scaled to the upload's loudness + offset_db, and further down where upload + new would pass
    PEAK (the upload itself is never touched); (scaled part, gain)."""
    now, ref = mastering.loudness(new), mastering.loudness(upload)
    gain = 10 ** ((ref + offset_db - now) / 20) if now > -70 else 1.0
    part = new * np.float32(gain)
    total = np.abs(upload + part).max(initial=0.0)
    if total > PEAK:
        room = PEAK - np.abs(upload).max(initial=0.0)
        scale = max(0.0, room) / max(float(np.abs(part).max(initial=0.0)), 1e-9)
        part, gain = part * np.float32(min(1.0, scale)), gain * min(1.0, scale)
    return part.astype(np.float32), float(gain)


def run_add_part(job: EngineJob, sink: ProgressSink) -> None:
    from tunesmith.engines.composer import pool
    from tunesmith.engines.composer.songwriter.language import detect_language

    req = job.request
    vocals = req.kind is OperationKind.ADD_VOCALS
    if vocals and not req.lyrics.strip():
        raise EngineError("add-vocals needs the words to sing (prompt)", retryable=False)
    upload, reading = read_checked(job)
    lyrics = req.lyrics if vocals else ""
    title = req.title or "Untitled"
    tags = req.style.strip() or "pop"
    sink.text(SongText(title=title, tags=tags, lyrics=lyrics))
    sink.progress(0.1)
    style = style_over(req, reading, job.seed, instrumental=not vocals, lead=False)
    language = detect_language(lyrics) if lyrics.strip() else "en"
    spoken = speak_lines(lyrics, style, language) if vocals else None
    plans = plans_over(job, reading, style, lyrics=lyrics, title=title, language=language, spoken=spoken)
    if vocals and any(p.voice is None for p in plans):
        raise EngineError("the style has no voice to sing the words with", retryable=False)
    executor = pool.get_pool()
    sung = [pool.submit_vocals(p, executor) if vocals else {} for p in plans]
    n, t0 = len(upload), grid_start(reading)
    history = [
        {
            "op": req.kind.value,
            "source_clip_id": job.source.clip_id if job.source else None,
            "upload_duration_s": round(n / SR, 3),
            "grid_start_s": round(t0, 4),
            "reading": reading.to_json(),
        }
    ]
    for k, (slot, plan) in enumerate(zip(job.clips, plans, strict=True)):
        stems, lead = render_stems(plan, sung[k])
        if vocals:
            new = {"vocals": place(stems["vocals"], t0, n)}
        else:
            new = {name: place(s, t0, n) for name, s in stems.items() if name != "vocals"}
        new_mix = cast("np.ndarray", sum(new.values()))
        part, gain = fit(new_mix, upload, VOCAL_DB if vocals else BACKING_DB)
        mix = upload + part
        out_stems = {name: s * np.float32(gain) for name, s in new.items()}
        kept = "other" if vocals else "vocals"  # where the upload goes, bit for bit
        out_stems[kept] = out_stems[kept] + upload if kept in out_stems else upload
        for name in ("vocals", "drums", "bass", "other"):
            out_stems.setdefault(name, np.zeros_like(upload))
        piece = (0.0, n / SR, t0)
        pj = plan.to_json()
        pj.update(
            sections=timeline.sections(pj["sections"], piece),
            grid_offset_s=round(t0, 6),
            master_gain=1.0,
            history=history,
            lyrics_rule="request" if vocals else "instrumental",
        )
        res = write_clip(
            slot.workdir,
            mix=mix,
            stems=out_stems,
            lead=place(lead * np.float32(gain), t0, n) if lead is not None and vocals else None,
            plan=pj,
            words=timeline.words(artifacts.word_timings(plan), piece),
            midi=placed_midi(plan, piece),
            style=style,
            title=title,
            tags=tags,
            lyrics=lyrics,
        )
        sink.progress(0.1 + 0.9 * (k + 1) / len(job.clips))
        sink.complete(slot.index, res)
