"""Plain audio work on 44.1 kHz stereo clips, no model: reading a source WAV, crop, concat, and the splice
that puts a source back around a regenerated span (crossfades inside the span, gain-matched), so audio
outside the span is the source's, sample for sample."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from tunesmith.engines.base import EngineError, EngineJob, SourceClip

SR = 44100
FADE_S = 0.01  # crop edges
JOIN_S = 0.02  # concat joins
SPLICE_S = 0.25  # replace-section crossfades


def read_wav(path: Path | str | None, what: str = "the source clip") -> np.ndarray:
    """float32 [n, 2] at 44.1 kHz."""
    import soundfile as sf

    if path is None or not Path(path).is_file():
        raise EngineError(f"{what} has no audio to work on", retryable=False)
    data, rate = sf.read(str(path), dtype="float32", always_2d=True)
    if data.shape[1] == 1:
        data = np.repeat(data, 2, axis=1)
    data = data[:, :2]
    if rate != SR:
        from tunesmith.engines.acestep.output import to_44k

        data = to_44k(data, rate)
    return np.ascontiguousarray(data, dtype=np.float32)


def source_audio(job: EngineJob) -> tuple[SourceClip, np.ndarray]:
    if job.source is None:
        raise EngineError(f"{job.request.kind.value} needs a source clip", retryable=False)
    return job.source, read_wav(job.source.wav or job.source.audio)


def fade_edges(x: np.ndarray, seconds: float = FADE_S) -> np.ndarray:
    n = min(int(seconds * SR), len(x) // 2)
    if n <= 0:
        return x
    out = x.copy()
    ramp = np.linspace(0.0, 1.0, n, dtype=np.float32)[:, None]
    out[:n] *= ramp
    out[-n:] *= ramp[::-1]
    return out


def crop(audio: np.ndarray, start: float, end: float) -> np.ndarray:
    a, b = int(round(start * SR)), min(len(audio), int(round(end * SR)))
    if b - a < int(0.1 * SR):
        raise EngineError(f"crop: the span {start:g}-{end:g} s holds no audio of this clip", retryable=False)
    return fade_edges(audio[a:b])


def concat(chain: list[dict[str, Any]]) -> np.ndarray:
    """The extension chain's parts, each up to the next part's continue_at, joined with short crossfades."""
    parts = [read_wav(item.get("wav") or item.get("audio"), f"clip {item.get('clip_id')}") for item in chain]
    song = parts[0]
    for k in range(1, len(parts)):
        cut = chain[k].get("continue_at")
        keep = song if cut is None else song[: int(round(float(cut) * SR))]
        song = _join(keep, parts[k])
    return song


def _join(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    n = min(int(JOIN_S * SR), len(a), len(b))
    if n == 0:
        return np.concatenate([a, b])
    t = np.linspace(0.0, np.pi / 2, n, dtype=np.float32)[:, None]
    mixed = a[-n:] * np.cos(t) + b[:n] * np.sin(t)
    return np.concatenate([a[:-n], mixed, b[n:]]).astype(np.float32)


def splice(source: np.ndarray, made: np.ndarray, start: float, end: float) -> np.ndarray:
    """`source` with [start, end) taken from `made` (same length, the whole clip regenerated), scaled so
    the regenerated audio outside the span is as loud as the source there, with SPLICE_S equal-power
    crossfades just inside both edges. Outside the span the result is `source` exactly."""
    n = min(len(source), len(made))
    source, made = source[:n], made[:n]
    a, b = int(round(start * SR)), min(n, int(round(end * SR)))
    outside = np.ones(n, dtype=bool)
    outside[a:b] = False
    gain = _rms(source[outside]) / max(_rms(made[outside]), 1e-9) if outside.any() else 1.0
    gain = float(np.clip(gain, 0.1, 10.0))
    out = source.copy()
    inner = made[a:b] * gain
    f = min(int(SPLICE_S * SR), (b - a) // 2)
    if f > 0:
        t = np.linspace(0.0, np.pi / 2, f, dtype=np.float32)[:, None]
        inner[:f] = source[a : a + f] * np.cos(t) + inner[:f] * np.sin(t)
        inner[-f:] = inner[-f:] * np.cos(t) + source[b - f : b] * np.sin(t)
    out[a:b] = inner
    return np.clip(out, -1.0, 1.0).astype(np.float32)


def _rms(x: np.ndarray) -> float:
    return float(np.sqrt(np.mean(np.square(x, dtype=np.float64)))) if x.size else 0.0
