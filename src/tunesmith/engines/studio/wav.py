"""WAV of a clip: the 16-bit 44.1 kHz master its engine kept, or one decoded from the MP3 if it kept none."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from tunesmith.engines.base import EngineError, EngineJob, ProgressSink


def make(job: EngineJob, sink: ProgressSink) -> None:
    source, workdir = job.source, job.workdir
    if source is None or workdir is None:
        raise EngineError("the source audio is gone")
    target = workdir / "audio.wav"
    if source.wav is not None and source.wav.is_file():
        shutil.copyfile(source.wav, target)
    elif source.audio is not None and source.audio.is_file():
        _decode(source.audio, target)
    else:
        raise EngineError("the source audio is gone")
    sink.result({"wav": target.name}, {"duration": source.duration})


def _decode(mp3: Path, target: Path) -> None:
    done = subprocess.run(
        [
            "ffmpeg",
            "-nostdin",
            "-loglevel",
            "error",
            "-y",
            "-i",
            str(mp3),
            "-ar",
            "44100",
            "-ac",
            "2",
            "-c:a",
            "pcm_s16le",
            str(target),
        ],
        capture_output=True,
        timeout=300,
    )
    if done.returncode != 0:
        raise EngineError(f"could not decode the source audio: {done.stderr.decode(errors='replace')[-300:]}")
