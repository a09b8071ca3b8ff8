"""Edits of a song with ACE-Step: every one is a repaint or cover call on the source audio, then splicing.

- EXTEND (2 takes): the source up to `continue_at` (its last CONTEXT_S seconds) is the context; silence of
  the new length is appended and repainted from the context's end. The new clip holds only the continuation
  (as every dialect expects of an extension). Lyrics: the request's, else instrumental continuation.
- UPLOAD_EXTEND (2 takes): the same on an uploaded recording; each clip is the upload up to `continue_at`
  (the upload's own samples) followed by the continuation, joined with a short crossfade.
- REPLACE_SECTION (2 takes): repaint `span`; ACE-Step regenerates the whole clip, so the source is spliced
  back outside the span (gain-matched, 0.25 s crossfades inside the span): outside it nothing changes.
- UPLOAD_COVER (2 takes): `task_type="cover"` on the upload with the requested style and lyrics; needs a
  checkpoint with the audio tokenizer (refused before charging otherwise).
- CROP / CONCAT (1 clip): engines.acestep.cuts.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

from tunesmith.domain.operations import OperationKind
from tunesmith.engines.acestep import cuts, output
from tunesmith.engines.acestep.generation import Call
from tunesmith.engines.acestep.text import (
    INSTRUMENTAL_LYRICS,
    caption,
    continuation_seconds,
    metas_from_style,
    song_text,
)
from tunesmith.engines.base import EngineError, EngineJob, ProgressSink, SongText

if TYPE_CHECKING:
    from tunesmith.engines.acestep.operations import Runner

CONTEXT_S = 60.0  # of the source before continue_at, given to the model as context
FRAME_S = 0.04  # ACE-Step's latent frame (25 per second): repaint windows are whole frames
MAX_SOURCE_S = 600.0


def _frames(seconds: float) -> float:
    return round(seconds / FRAME_S) * FRAME_S


def as_tensor(audio44: np.ndarray, rate: int) -> Any:
    """44.1 kHz [n, 2] -> a [2, n] float32 tensor at the pipeline's rate."""
    import torch

    return torch.from_numpy(np.ascontiguousarray(output.from_44k(audio44, rate).T))


def _tags(job: EngineJob) -> str:
    source_tags = job.source.tags if job.source is not None else ""
    return job.request.style.strip() or source_tags


def _title(job: EngineJob) -> str:
    source_title = job.source.title if job.source is not None else ""
    return job.request.title.strip() or source_title or "Untitled"


def run_extend(runner: Runner, job: EngineJob, sink: ProgressSink, *, upload: bool = False) -> None:
    req = job.request
    source, audio = cuts.source_audio(job)
    duration = len(audio) / cuts.SR
    at = float(req.continue_at) if req.continue_at is not None else duration
    if not 0 < at <= duration + 1e-3:
        raise EngineError(
            f"continue_at must satisfy 0 < continue_at <= {duration:.2f} s (the source's length), got {at:g}",
            retryable=False,
        )
    lyrics = req.lyrics.strip()
    instrumental = req.instrumental or not lyrics
    new_seconds = continuation_seconds(req, "" if instrumental else lyrics, runner.config.max_seconds)
    ctx_start = max(0.0, at - CONTEXT_S)
    context = audio[int(round(ctx_start * cuts.SR)) : int(round(at * cuts.SR))]
    ctx_seconds = _frames(len(context) / cuts.SR)
    context = context[: int(round(ctx_seconds * cuts.SR))]
    rate = runner.loaded.sample_rate
    padded = np.concatenate([context, np.zeros((int(round(_frames(new_seconds) * cuts.SR)), 2), np.float32)])
    tags = _tags(job)
    text = SongText(title=_title(job), tags=tags, lyrics="" if instrumental else lyrics)
    sink.text(text)
    call = Call(
        prompt=caption(tags, instrumental),
        lyrics=INSTRUMENTAL_LYRICS if instrumental else lyrics,
        language=_language(lyrics),
        seconds=len(padded) / cuts.SR,
        metas=metas_from_style(tags),
        task_type="repaint",
        src_audio=as_tensor(padded, rate),
        repainting_start=ctx_seconds,
        repainting_end=None,
    )
    cut = int(round(ctx_seconds * cuts.SR))

    def finish(_k: int, take: np.ndarray) -> np.ndarray:
        new = take[cut:]
        if not upload:
            return new
        head = audio[: int(round(at * cuts.SR))]
        return cuts._join(head, _match(new, head))

    runner.render_takes(job, sink, call, text, finish)


def _match(new: np.ndarray, head: np.ndarray) -> np.ndarray:
    """Bring a continuation to the loudness of what it continues (the last 10 s of it)."""
    tail = head[-int(10 * cuts.SR) :]
    gain = cuts._rms(tail) / max(cuts._rms(new), 1e-9) if tail.size else 1.0
    return np.clip(new * float(np.clip(gain, 0.1, 10.0)), -1.0, 1.0).astype(np.float32)


def run_upload_extend(runner: Runner, job: EngineJob, sink: ProgressSink) -> None:
    run_extend(runner, job, sink, upload=True)


def run_replace(runner: Runner, job: EngineJob, sink: ProgressSink) -> None:
    req = job.request
    source, audio = cuts.source_audio(job)
    duration = len(audio) / cuts.SR
    start, end = (float(v) for v in req.span or (-1.0, -1.0))
    if not 0 <= start < end <= duration + 1e-3:
        raise EngineError(
            f"the span {start:g}-{end:g} s must lie inside the clip ({duration:.2f} s)", retryable=False
        )
    full = str(req.extra.get("full_lyrics") or "")  # kie: the whole song's lyrics after the change
    lyrics = full or req.lyrics.strip() or source.lyrics
    tags = _tags(job)
    text = SongText(title=_title(job), tags=tags, lyrics=full or source.lyrics or lyrics)
    sink.text(text)
    instrumental = not lyrics.strip()
    call = Call(
        prompt=caption(tags, instrumental),
        lyrics=INSTRUMENTAL_LYRICS if instrumental else lyrics,
        language=_language(lyrics),
        seconds=duration,
        metas=metas_from_style(tags),
        task_type="repaint",
        src_audio=as_tensor(audio, runner.loaded.sample_rate),
        repainting_start=_frames(start),
        repainting_end=_frames(end),
    )
    runner.render_takes(job, sink, call, text, lambda _k, take: cuts.splice(audio, take, start, end))


def run_cover(runner: Runner, job: EngineJob, sink: ProgressSink) -> None:
    if not runner.loaded.info.can_cover:
        raise EngineError(
            "cover needs a checkpoint with the audio tokenizer "
            "(audio_tokenizer/ and audio_token_detokenizer/)",
            retryable=False,
        )
    req = job.request
    _source, audio = cuts.source_audio(job)
    audio = audio[: int(MAX_SOURCE_S * cuts.SR)]
    title, tags, lyrics, language = song_text(req, job.seed, dict(job.options))
    instrumental = req.instrumental or not lyrics.strip()
    text = SongText(title=title, tags=tags, lyrics="" if instrumental else lyrics)
    sink.text(text)
    strength = req.audio_weight if req.audio_weight is not None else 1.0
    call = Call(
        prompt=caption(tags, instrumental, req.negative_style),
        lyrics=INSTRUMENTAL_LYRICS if instrumental else lyrics,
        language=language,
        seconds=len(audio) / cuts.SR,
        metas=metas_from_style(tags),
        task_type="cover",
        src_audio=as_tensor(audio, runner.loaded.sample_rate),
        cover_strength=float(np.clip(strength, 0.0, 1.0)),
    )
    runner.render_takes(job, sink, call, text)


def run_crop(job: EngineJob, sink: ProgressSink) -> None:
    from tunesmith.engines.acestep.operations import one_clip

    source, audio = cuts.source_audio(job)
    start, end = (float(v) for v in job.request.span or (-1.0, -1.0))
    piece = cuts.crop(audio, start, end)
    one_clip(job, sink, piece, SongText(title=_title(job), tags=_tags(job), lyrics=source.lyrics))


def run_concat(job: EngineJob, sink: ProgressSink) -> None:
    from tunesmith.engines.acestep.operations import one_clip

    chain = job.request.extra.get("chain")
    if not chain and job.source is not None:
        s = job.source
        chain = [{"clip_id": s.clip_id, "wav": s.wav or s.audio, "continue_at": None}]
    if not isinstance(chain, list) or not chain:
        raise EngineError("concat needs the extension chain of the clip", retryable=False)
    song = cuts.concat(chain)
    lyrics = job.source.lyrics if job.source is not None else ""
    one_clip(job, sink, song, SongText(title=_title(job), tags=_tags(job), lyrics=lyrics))


def _language(lyrics: str) -> str:
    from tunesmith.engines.composer.songwriter.language import detect_language

    return detect_language(lyrics) if lyrics.strip() else "en"


EDITS: dict[OperationKind, Callable[..., None]] = {
    OperationKind.EXTEND: run_extend,
    OperationKind.UPLOAD_EXTEND: run_upload_extend,
    OperationKind.REPLACE_SECTION: run_replace,
    OperationKind.UPLOAD_COVER: run_cover,
}
