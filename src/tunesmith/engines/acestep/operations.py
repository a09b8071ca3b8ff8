"""The engine process's side: the loaded pipeline (once per configuration) and each operation on it.

- GENERATE: two takes in one batch (seeds `seed`, `seed + 1`); custom, description or instrumental text;
  caption = the style tags; bpm/key/time signature from the style; duration from the request or estimated.
- EXTEND, UPLOAD_EXTEND, REPLACE_SECTION, UPLOAD_COVER: see engines.acestep.edits.
- CROP, CONCAT: plain audio work (engines.acestep.cuts), one clip.
Reports: text first, then per take: (take 0) a growing stream, complete; progress from the diffusion steps.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import replace

import numpy as np

from tunesmith.domain.operations import OperationKind
from tunesmith.engines.acestep import cuts, output
from tunesmith.engines.acestep.config import AceStepConfig
from tunesmith.engines.acestep.generation import Call, Rendered, render
from tunesmith.engines.acestep.loading import Loaded, load
from tunesmith.engines.acestep.progress import after_decode
from tunesmith.engines.acestep.text import (
    INSTRUMENTAL_LYRICS,
    caption,
    metas_from_style,
    song_seconds,
    song_text,
)
from tunesmith.engines.base import ClipSlot, EngineJob, ProgressSink, SongText

log = logging.getLogger(__name__)

# take k's audio at 44.1 kHz -> the audio the clip keeps (an edit splices or cuts it)
Finish = Callable[[int, np.ndarray], np.ndarray]


class Runner:
    """Holds the pipeline for one configuration; runs jobs one at a time."""

    def __init__(self, config: AceStepConfig) -> None:
        self.config = config
        self._loaded: Loaded | None = None
        self.last: dict[str, float] = {}  # stage -> seconds of the last job (the benchmark reads it)

    @property
    def loaded(self) -> Loaded:
        if self._loaded is None:
            self._loaded = load(self.config)
            self.last = {"load": self._loaded.seconds}
        return self._loaded

    def close(self) -> None:
        if self._loaded is not None and self._loaded.device.startswith("cuda"):
            import torch

            self._loaded = None
            torch.cuda.empty_cache()
        self._loaded = None

    def run(self, job: EngineJob, sink: ProgressSink) -> None:
        from tunesmith.engines.acestep import edits

        kind = job.request.kind
        if kind is OperationKind.CROP:
            edits.run_crop(job, sink)
        elif kind is OperationKind.CONCAT:
            edits.run_concat(job, sink)
        elif kind is OperationKind.GENERATE:
            self.generate(job, sink)
        elif kind is OperationKind.STEMS:
            from tunesmith.engines.acestep import stems

            stems.run_stems(self, job, sink)
        else:
            edits.EDITS[kind](self, job, sink)

    def generate(self, job: EngineJob, sink: ProgressSink) -> None:
        req = job.request
        title, tags, lyrics, language = song_text(req, job.seed, dict(job.options))
        instrumental = req.instrumental or not lyrics.strip()
        sink.text(SongText(title=title, tags=tags, lyrics="" if instrumental else lyrics))
        call = Call(
            prompt=caption(tags, instrumental, req.negative_style),
            lyrics=INSTRUMENTAL_LYRICS if instrumental else lyrics,
            language=language,
            seconds=song_seconds(req, "" if instrumental else lyrics, self.config.max_seconds),
            metas=metas_from_style(f"{tags} {req.style}"),
        )
        self.render_takes(
            job, sink, call, SongText(title=title, tags=tags, lyrics="" if instrumental else lyrics)
        )

    def render_takes(
        self,
        job: EngineJob,
        sink: ProgressSink,
        call: Call,
        text: SongText,
        finish: Finish | None = None,
    ) -> Rendered:
        """Render one take per clip slot in one batch and report each as it is decoded."""
        loaded = self.loaded
        slots = list(job.clips)
        seeds = [job.seed + slot.index for slot in slots]
        written = 0.0

        def on_take(k: int, audio: np.ndarray) -> None:
            nonlocal written
            t0 = time.perf_counter()
            take = output.to_44k(audio, loaded.sample_rate)
            if finish is not None:
                take = finish(k, take)
            self._report_take(job, sink, slots[k], take, text)
            sink.progress(after_decode(k, len(slots)))
            written += time.perf_counter() - t0

        started = time.perf_counter()
        rendered = render(loaded, call, seeds, on_progress=sink.progress, on_take=on_take)
        rendered.stages["encode+write"] = written
        rendered.stages["decode"] = rendered.stages.get("decode", 0.0)
        self.last = {**rendered.stages, "total": time.perf_counter() - started}
        log.info(
            "acestep: %d take(s) of %.1f s in %.2f s (%s)",
            len(slots),
            call.seconds,
            self.last["total"],
            ", ".join(f"{k} {v:.2f} s" for k, v in rendered.stages.items()),
        )
        return rendered

    def _report_take(
        self, job: EngineJob, sink: ProgressSink, slot: ClipSlot, take: np.ndarray, text: SongText
    ) -> None:
        streamed = slot.index == 0
        if streamed:
            output.write_stream(slot.workdir, take, lambda name: sink.streaming(slot.index, name))
        result = output.write_take(
            slot.workdir,
            take,
            title=text.title,
            tags=text.tags,
            lyrics=text.lyrics,
            seed=job.seed,
            take=slot.index,
            streamed=streamed,
        )
        sink.complete(slot.index, result)


def with_lyrics(text: SongText, lyrics: str) -> SongText:
    return replace(text, lyrics=lyrics)


def one_clip(job: EngineJob, sink: ProgressSink, audio: np.ndarray, text: SongText) -> None:
    """Report a single-clip result (crop, concat): text, then the clip."""
    sink.text(text)
    slot = job.clips[0]
    sink.complete(
        slot.index,
        output.write_take(
            slot.workdir, audio, title=text.title, tags=text.tags, lyrics=text.lyrics, seed=job.seed, take=0
        ),
    )


__all__ = ["Runner", "cuts", "one_clip", "with_lyrics"]
