"""Helpers the API answers with synchronously, without queueing a task: timestamped lyrics and style boost.

They are pure functions of files and strings. This module imports nothing heavy at import time (the API
process imports it); numpy/soundfile load on the first `aligned_words` call and the songwriter's vocabulary
on the first `boost_style` call.

- `aligned_words(timings_path, audio_path)` (or `aligned_data(words, waveform)` from data already read) →
  kie's `get-timestamped-lyrics` data:
  `{"alignedWords": [{"word": str, "success": True, "startS": float, "endS": float, "palign": 0}],
  "waveformData": [~200 floats in 0..1], "hootCer": 0.0, "isStreamed": False}`. An instrumental (no words
  or no words.json) gives `alignedWords: []`. Timings an engine estimated instead of aligning (words marked
  `"estimated": true`, as the acestep engine writes them) add `"estimated": true` to the answer.
- `boost_style(content, seed=0)` → a rich style line (genre, mood, tempo, instrumentation, vocals,
  production), deterministic per (content, seed); see `studio.boost`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

WAVEFORM_POINTS = 200
_DECODE_RATE = 8000


def aligned_words(timings_path: Path | str | None, audio_path: Path | str | None) -> dict[str, Any]:
    words: list[dict[str, Any]] = []
    if timings_path is not None and Path(timings_path).is_file():
        words = json.loads(Path(timings_path).read_text(encoding="utf-8")) or []
    return aligned_data(words, waveform(audio_path))


def aligned_data(words: list[dict[str, Any]], waveform_data: list[float]) -> dict[str, Any]:
    """kie's timestamped-lyrics data from word timings (`[{word, start_s, end_s}]`) and a waveform."""
    aligned = [
        {
            "word": str(w["word"]),
            "success": True,
            "startS": round(float(w["start_s"]), 3),
            "endS": round(max(float(w["end_s"]), float(w["start_s"])), 3),
            "palign": 0,
        }
        for w in words
        # a word a second voice sings at the same time ("double", a duet's chorus) is one lyric word
        if str(w.get("word", "")).strip() and not w.get("double")
    ]
    data: dict[str, Any] = {
        "alignedWords": aligned,
        "waveformData": waveform_data,
        "hootCer": 0.0,
        "isStreamed": False,
    }
    if any(w.get("estimated") for w in words):  # spread over the lyric lines, not heard (the acestep engine)
        data["estimated"] = True
    return data


def waveform(audio_path: Path | str | None, points: int = WAVEFORM_POINTS) -> list[float]:
    """Peak level of `points` equal slices of the song, scaled so the loudest is 1.0 (empty if no audio)."""
    import numpy as np

    samples = _mono(Path(audio_path)) if audio_path is not None and Path(audio_path).is_file() else None
    if samples is None or len(samples) < points:
        return []
    usable = len(samples) // points * points
    peaks = np.abs(samples[:usable]).reshape(points, -1).max(axis=1)
    top = float(peaks.max())
    return [round(float(p) / top, 4) if top > 0 else 0.0 for p in peaks]


def _mono(path: Path) -> Any:  # np.ndarray | None (numpy is imported when used)
    import numpy as np

    if path.suffix.lower() in (".wav", ".flac"):
        import soundfile as sf

        data, _rate = sf.read(path, dtype="float32", always_2d=True)
        return data.mean(axis=1)
    from tunesmith.engines.studio.source import ffmpeg_f32

    done = ffmpeg_f32(path, _DECODE_RATE, 1, timeout=120)
    if done.returncode != 0:
        return None
    return np.frombuffer(done.stdout, dtype=np.float32)


def boost_style(content: str, seed: int = 0) -> str:
    from tunesmith.engines.studio.boost import boost

    return boost(content, seed=seed)
