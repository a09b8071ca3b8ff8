"""What every derived operation needs first: the source clip and a place to write, or a clear failure.

Also reads a clip's master as float32 samples, from the kept WAV when there is one (exact) or else by decoding
the MP3 with ffmpeg, so operations work on clips of engines that keep no WAV.
"""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import TYPE_CHECKING

from tunesmith.engines.base import EngineError, EngineJob, SourceClip

if TYPE_CHECKING:
    import numpy as np

RATE = 44100


def require(job: EngineJob) -> tuple[SourceClip, Path]:
    """The job's source clip and workdir; a derived operation without them cannot start."""
    if job.source is None:
        raise EngineError("the source audio is gone")
    if job.workdir is None:
        raise EngineError("the derived operation has nowhere to write")
    job.workdir.mkdir(parents=True, exist_ok=True)
    return job.source, job.workdir


def artifact(source: SourceClip, name: str) -> Path | None:
    """The path of a kept artifact, if it is really on disk."""
    path = source.artifacts.get(name)
    return path if path is not None and path.is_file() else None


def read_master(source: SourceClip) -> tuple[np.ndarray, int]:
    """The master as float32 (frames, channels) and its sample rate."""
    import soundfile as sf

    if source.wav is not None and source.wav.is_file():
        data, rate = sf.read(source.wav, dtype="float32", always_2d=True)
        return data, rate
    if source.audio is not None and source.audio.is_file():
        return decode(source.audio, RATE, channels=2), RATE
    raise EngineError("the source audio is gone")


def decode(path: Path, rate: int, channels: int) -> np.ndarray:
    """Decode any audio file ffmpeg reads into float32 (frames, channels)."""
    import numpy as np

    done = ffmpeg_f32(path, rate, channels, timeout=300)
    if done.returncode != 0:
        raise EngineError(f"could not decode the source audio: {done.stderr.decode(errors='replace')[-300:]}")
    return np.frombuffer(done.stdout, dtype=np.float32).reshape(-1, channels)


def ffmpeg_f32(path: Path, rate: int, channels: int, *, timeout: float) -> subprocess.CompletedProcess[bytes]:
    """ffmpeg decoding `path` to raw interleaved float32 on stdout; each caller decides what failure means."""
    return subprocess.run(
        [
            "ffmpeg",
            "-nostdin",
            "-loglevel",
            "error",
            "-i",
            str(path),
            "-f",
            "f32le",
            "-ac",
            str(channels),
            "-ar",
            str(rate),
            "-",
        ],
        capture_output=True,
        timeout=timeout,
    )


def duration_of(source: SourceClip) -> float:
    """The song's length in seconds: the clip's recorded duration, else measured from its audio."""
    if source.duration and source.duration > 0:
        return float(source.duration)
    data, rate = read_master(source)
    return len(data) / rate
