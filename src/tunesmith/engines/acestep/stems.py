"""Stems of an ACE-Step song with ACE-Step's own `extract` task, offered only when the configured checkpoint
is a base one (turbo and SFT checkpoints are not trained for it; their songs' stems are refused before
charging, as for any song that kept no parts).

Each part is one extract call on the song's master (`track_name="vocals"`, ...). The pipeline normalises its
output, so each extracted part is brought to the level at which it is in the song (the least-squares gain
of the part against the master, never negative), and the last file is what is left, so that the files sum
to the song exactly:
- `separate_vocal` (default): `vocals` (extracted) and `instrumental` (the song minus the vocals);
- `split_stem`: `vocals`, `drums`, `bass` (extracted) and `other` (the rest).
Result: files `{part: "<part>.wav"}` (44.1 kHz) and data `{"type", "parts", "durations"}`, as the studio
engine gives for songs that kept their parts.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from tunesmith.domain.states import FailureCode, FailureKind
from tunesmith.engines.acestep import cuts, edits, output
from tunesmith.engines.acestep.generation import Call, render
from tunesmith.engines.acestep.loading import Loaded
from tunesmith.engines.acestep.text import INSTRUMENTAL_LYRICS, caption, metas_from_style
from tunesmith.engines.base import EngineError, EngineJob, ProgressSink

if TYPE_CHECKING:
    from tunesmith.engines.acestep.operations import Runner

EXTRACTED = {"separate_vocal": ("vocals",), "split_stem": ("vocals", "drums", "bass")}
REST = {"separate_vocal": "instrumental", "split_stem": "other"}
EXTRACT_SHARE = 0.9  # of the progress bar: the extract calls; writing the files takes the rest


def run_stems(runner: Runner, job: EngineJob, sink: ProgressSink) -> None:
    kind = str(job.request.extra.get("type") or "separate_vocal")
    if kind not in EXTRACTED:
        raise EngineError(
            f"unknown separation type {kind!r}; use one of {', '.join(EXTRACTED)}",
            kind=FailureKind.CREATE_TASK_FAILED,
            code=FailureCode.REFUSED,
        )
    loaded = runner.loaded
    if not loaded.info.can_extract:
        raise EngineError(
            "stems of ACE-Step songs need a base checkpoint (acestep-v15-base), which extract is trained "
            "into: set TUNESMITH_ACESTEP_CHECKPOINT to one",
            retryable=False,
        )
    if job.workdir is None:
        raise EngineError("the derived operation has nowhere to write")
    source, master = cuts.source_audio(job)
    tags = source.tags or "song"
    tracks = EXTRACTED[kind]
    parts: dict[str, np.ndarray] = {}
    for i, track in enumerate(tracks):
        call = Call(
            prompt=caption(tags, not source.lyrics.strip()),
            lyrics=source.lyrics.strip() or INSTRUMENTAL_LYRICS,
            language="en",
            seconds=len(master) / cuts.SR,
            metas=metas_from_style(tags),
            task_type="extract",
            src_audio=edits.as_tensor(master, loaded.sample_rate),
            track_name=track,
        )

        def progress(fraction: float, done: int = i) -> None:
            sink.progress(EXTRACT_SHARE * (done + fraction) / len(tracks))

        extracted = _extract(loaded, call, job.seed + i, progress)
        parts[track] = in_song(master, _fit(output.to_44k(extracted, loaded.sample_rate), len(master)))
    parts[REST[kind]] = (master - sum(parts.values())).astype(np.float32)
    job.workdir.mkdir(parents=True, exist_ok=True)
    from tunesmith.engines.composer.encode import write_wav

    files: dict[str, str] = {}
    for name, samples in parts.items():
        files[name] = f"{name}.wav"
        write_wav(job.workdir / files[name], samples, float32=bool(np.abs(samples).max() > 1.0))
    seconds = round(len(master) / cuts.SR, 3)
    sink.result(files, {"type": kind, "parts": list(parts), "durations": {name: seconds for name in parts}})


def _extract(loaded: Loaded, call: Call, seed: int, progress: Callable[[float], None]) -> np.ndarray:
    taken: list[np.ndarray] = []
    render(loaded, call, [seed], on_progress=progress, on_take=lambda _k, audio: taken.append(audio))
    return taken[0]


def in_song(master: np.ndarray, part: np.ndarray) -> np.ndarray:
    """`part` at the level it has in `master`: the least-squares gain, never negative."""
    energy = float(np.sum(part.astype(np.float64) ** 2))
    gain = float(np.sum(master.astype(np.float64) * part)) / energy if energy > 0 else 0.0
    return (part * max(0.0, gain)).astype(np.float32)


def _fit(audio: np.ndarray, frames: int) -> np.ndarray:
    """Cut or pad (silence) to `frames` samples: the pipeline works in whole 40 ms latent frames."""
    if len(audio) >= frames:
        return audio[:frames]
    return np.concatenate([audio, np.zeros((frames - len(audio), audio.shape[1]), np.float32)])
