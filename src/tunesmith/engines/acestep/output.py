"""A finished take's files, as every engine's clip has them: the MP3 (and a growing stream of it for the
first take), a 44.1 kHz WAV, cover art and word timings.

ACE-Step gives no word timings: they are estimated by spreading each sung line's words over the song in
proportion to their syllables, and `words.json` says so (`"estimated": true` on every word) so that the
timestamped-lyrics answer and the docs can say they are estimated.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from math import gcd
from pathlib import Path

import numpy as np

from tunesmith.engines.acestep.text import sung_lines
from tunesmith.engines.base import ClipResult

SR = 44100
STREAM_FILE = "stream.mp3"
STREAM_CHUNK_S = 2.0
VOCAL_START = 0.08  # share of the song before the first sung word, and after the last (estimates)
VOCAL_END = 0.92


def to_44k(audio: np.ndarray, rate: int) -> np.ndarray:
    """float32 [n, 2] at `rate` to 44.1 kHz stereo."""
    if rate == SR:
        return np.ascontiguousarray(audio, dtype=np.float32)
    from scipy.signal import resample_poly

    g = gcd(SR, rate)
    return resample_poly(audio, SR // g, rate // g, axis=0).astype(np.float32)


def from_44k(audio: np.ndarray, rate: int) -> np.ndarray:
    """float32 [n, 2] at 44.1 kHz to the pipeline's `rate`."""
    if rate == SR:
        return audio
    from scipy.signal import resample_poly

    g = gcd(SR, rate)
    return resample_poly(audio, rate // g, SR // g, axis=0).astype(np.float32)


def write_stream(workdir: Path, audio: np.ndarray, on_first_chunk: Callable[[str], None]) -> None:
    """Write the take as a growing MP3, calling `on_first_chunk(name)` once the first piece is there."""
    from tunesmith.engines.composer.encode import StreamWriter

    workdir.mkdir(parents=True, exist_ok=True)
    writer = StreamWriter(workdir / STREAM_FILE)
    step = int(STREAM_CHUNK_S * SR)
    try:
        for i, start in enumerate(range(0, len(audio), step)):
            writer.write(audio[start : start + step])
            if i == 0:
                on_first_chunk(STREAM_FILE)
    finally:
        writer.close()


def write_take(
    workdir: Path,
    audio: np.ndarray,
    *,
    title: str,
    tags: str,
    lyrics: str,
    seed: int,
    take: int,
    streamed: bool = False,
) -> ClipResult:
    """MP3, WAV, cover art and estimated word timings of one 44.1 kHz take."""
    from tunesmith.engines.composer.encode import write_mp3, write_wav
    from tunesmith.engines.studio.cover_art import draw_cover

    workdir.mkdir(parents=True, exist_ok=True)
    duration = len(audio) / SR
    write_mp3(workdir / "audio.mp3", audio)
    write_wav(workdir / "audio.wav", audio)
    draw_cover(workdir / "cover.png", title, tags, seed=seed, layout=take)
    (workdir / "words.json").write_text(json.dumps(estimate_words(lyrics, duration)), encoding="utf-8")
    artifacts = {"timings": "words.json"}
    if streamed:
        artifacts["stream"] = STREAM_FILE
    return ClipResult(
        audio="audio.mp3",
        duration=round(duration, 3),
        wav="audio.wav",
        image="cover.png",
        title=title,
        tags=tags,
        lyrics=lyrics,
        artifacts=artifacts,
    )


def _syllables(word: str) -> int:
    vowels = re.findall(r"[aeiouyàâäéèêëîïôöùûüáíóú]+", word.lower())
    return max(1, len(vowels)) if re.search(r"[a-z]", word.lower()) else max(1, len(word))


def estimate_words(lyrics: str, duration: float) -> list[dict]:
    """Each sung word with estimated start/end seconds: the lines spread over the middle of the song, each
    word taking a share of its line by syllables. Marked `"estimated": true`."""
    lines = [line.split() for line in sung_lines(lyrics)]
    lines = [words for words in lines if words]
    if not lines or duration <= 0:
        return []
    weights = [[_syllables(w) for w in words] for words in lines]
    total = sum(sum(ws) for ws in weights) + len(lines)  # one syllable's rest after each line
    start, span = duration * VOCAL_START, duration * (VOCAL_END - VOCAL_START)
    unit = span / total
    t = start
    out = []
    for words, ws in zip(lines, weights, strict=True):
        for word, weight in zip(words, ws, strict=True):
            end = t + weight * unit
            out.append(
                {
                    "word": word,
                    "start_s": round(t, 3),
                    "end_s": round(end * 0.98 + t * 0.02, 3),
                    "estimated": True,
                }
            )
            t = end
        t += unit
    return out
