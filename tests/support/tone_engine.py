"""A TEST DOUBLE engine: sine-tone songs in milliseconds, so service tests do not wait for real rendering.

It exercises the same engine contract as the real composer (text, a growing stream, final MP3 + WAV + cover,
two clips) and can misbehave on request, driven by words in the request's style:

- `test:slow=<seconds>`   sleep that long between stages (for kill -9 and timeout tests)
- `test:fail`             raise a non-retryable EngineError
- `test:crash-once`       kill its own process on the first attempt of a task (a retry then succeeds)
- `test:crash`            kill its own process on every attempt
"""

from __future__ import annotations

import io
import os
import re
import time
from pathlib import Path

import lameenc
import numpy as np
import soundfile as sf
from PIL import Image, ImageDraw

from tunesmith.engines.base import ClipResult, Engine, EngineError, EngineJob, ProgressSink, SongText

RATE = 44100


def _option(style: str, name: str) -> str | None:
    match = re.search(rf"test:{re.escape(name)}(?![\w-])(?:=([\d.]+))?", style)
    if not match:
        return None
    return match.group(1) or ""


def _tone(seconds: float, freq: float) -> np.ndarray:
    t = np.arange(int(seconds * RATE)) / RATE
    mono = 0.3 * np.sin(2 * np.pi * freq * t) * np.minimum(1.0, t * 20)
    return (np.stack([mono, mono], axis=1) * 32767).astype(np.int16)


def _mp3(samples: np.ndarray) -> bytes:
    encoder = lameenc.Encoder()
    encoder.set_bit_rate(128)
    encoder.set_in_sample_rate(RATE)
    encoder.set_channels(2)
    encoder.set_quality(7)
    return bytes(encoder.encode(samples.tobytes()) + encoder.flush())


class ToneEngineForTests(Engine):
    name = "tone-test-double"

    def run(self, job: EngineJob, sink: ProgressSink) -> None:
        style = job.request.style
        slow = float(_option(style, "slow") or 0)
        if _option(style, "fail") is not None:
            raise EngineError("the test engine was asked to fail", code=501)
        marker = job.clips[0].workdir / ".attempted"
        crash_once = _option(style, "crash-once") is not None and not marker.exists()
        marker.write_text("1")
        title = job.request.title or "Test Tone"
        lyrics = "" if job.request.instrumental else (job.request.lyrics or "[Verse]\nla la la")
        sink.text(SongText(title=title, tags=job.request.style or "test", lyrics=lyrics))
        time.sleep(slow)
        if crash_once or _option(style, "crash") is not None:
            os._exit(9)
        duration = float(job.request.duration or 3.0)
        for slot in job.clips:
            samples = _tone(duration, 220.0 * (slot.index + 2) + (job.seed % 50))
            half = len(samples) // 2
            stream = slot.workdir / "stream.mp3"
            stream.write_bytes(_mp3(samples[:half]))
            sink.streaming(slot.index, "stream.mp3")
            time.sleep(slow)
            with stream.open("ab") as handle:
                handle.write(_mp3(samples[half:]))
            (slot.workdir / "audio.mp3").write_bytes(_mp3(samples))
            sf.write(slot.workdir / "audio.wav", samples, RATE, subtype="PCM_16")
            _cover(slot.workdir / "cover.png", title)
            sink.complete(slot.index, ClipResult(audio="audio.mp3", wav="audio.wav", image="cover.png",
                                                 duration=duration, lyrics=lyrics))


def _cover(path: Path, title: str) -> None:
    image = Image.new("RGB", (256, 256), (30, 40, 90))
    ImageDraw.Draw(image).text((16, 120), title[:30], fill=(255, 255, 255))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    path.write_bytes(buffer.getvalue())
