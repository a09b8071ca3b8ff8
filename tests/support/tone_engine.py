"""A TEST DOUBLE engine: sine-tone songs in milliseconds, so service tests do not wait for real rendering.

It exercises the same engine contract as the real composer (text, a growing stream, final MP3 + WAV + cover,
two clips) and leaves the same artifacts, under the composer's names, so the studio's derived operations can
run on its clips: `song.mid` (drums, bass, other, lead and, with lyrics, vocals), `stems/{vocals,drums,bass,
other}.wav` (float32, summing exactly to the master; no vocals for instrumentals), `words.json` (the lyrics'
words spread over the song) and `plan.json`. It can misbehave on request, driven by words in the request's
style:

- `test:slow=<seconds>`   sleep that long between stages (for kill -9 and timeout tests)
- `test:fail`             raise a non-retryable EngineError
- `test:crash-once`       kill its own process on the first attempt of a task (a retry then succeeds)
- `test:crash`            kill its own process on every attempt
"""

from __future__ import annotations

import io
import json
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


def _words(lyrics: str, duration: float) -> list[dict]:
    """The lyrics' words, evenly spread over the middle of the song, with the section they are sung in."""
    words: list[tuple[str, str]] = []
    section = "verse"
    for line in lyrics.splitlines():
        tag = re.fullmatch(r"\s*\[([^\]]+)\]\s*", line)
        if tag:
            section = tag.group(1).strip().lower()
            continue
        words += [(word, section) for word in line.split()]
    if not words:
        return []
    start, span = duration * 0.1, duration * 0.8 / len(words)
    return [{"word": w, "start_s": round(start + i * span, 3), "end_s": round(start + (i + 0.8) * span, 3),
             "section": sec} for i, (w, sec) in enumerate(words)]


def _stems(seconds: float, freq: float, words: list[dict], seed: int) -> dict[str, np.ndarray]:
    """Four stereo float32 parts: a tone (other), a low tone (bass), noise bursts on the beat (drums) and a
    tone sung only while a word is (vocals, only when there are words)."""
    t = np.arange(int(seconds * RATE)) / RATE
    fade = np.minimum(1.0, t * 20)
    parts = {
        "other": 0.3 * np.sin(2 * np.pi * freq * t) * fade,
        "bass": 0.12 * np.sin(2 * np.pi * freq / 4 * t) * fade,
        "drums": 0.15 * np.random.default_rng(seed).uniform(-1, 1, len(t)) * np.exp(-30 * (t % 0.5)),
    }
    if words:
        gate = np.zeros(len(t))
        for w in words:
            gate[int(w["start_s"] * RATE) : int(w["end_s"] * RATE)] = 1.0
        parts["vocals"] = 0.1 * np.sin(2 * np.pi * freq * 1.5 * t) * gate
    return {name: np.stack([x, x], axis=1).astype(np.float32) for name, x in parts.items()}


def _midi(path: Path, seconds: float, freq: float, vocal: bool) -> None:
    import pretty_midi

    pm = pretty_midi.PrettyMIDI(initial_tempo=120.0)
    root = int(round(69 + 12 * float(np.log2(freq / 440.0))))
    parts = [("drums", 0, True, 36), ("bass", 33, False, root - 24), ("other", 0, False, root),
             ("lead", 80, False, root + 12)] + ([("vocals", 53, False, root + 7)] if vocal else [])
    for name, program, is_drum, pitch in parts:
        inst = pretty_midi.Instrument(program=program, is_drum=is_drum, name=name)
        beat = 0.0
        while beat + 0.4 <= seconds:
            inst.notes.append(pretty_midi.Note(velocity=90, pitch=pitch, start=beat, end=beat + 0.4))
            beat += 0.5
        pm.instruments.append(inst)
    pm.write(str(path))


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
            freq = 220.0 * (slot.index + 2) + (job.seed % 50)
            words = _words(lyrics, duration)
            stems = _stems(duration, freq, words, job.seed + slot.index)
            master = sum(stems.values())
            samples = np.round(np.clip(master, -1, 1) * 32767).astype(np.int16)
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
            artifacts = _artifacts(slot.workdir, stems, words, duration, freq, title, style)
            sink.complete(slot.index, ClipResult(audio="audio.mp3", wav="audio.wav", image="cover.png",
                                                 duration=duration, lyrics=lyrics, artifacts=artifacts))


def _artifacts(workdir: Path, stems: dict[str, np.ndarray], words: list[dict], duration: float, freq: float,
               title: str, style: str) -> dict[str, str]:
    """Write the composer's artifact files and return them under the composer's artifact names."""
    (workdir / "stems").mkdir(exist_ok=True)
    arts = {"midi": "song.mid", "timings": "words.json", "plan": "plan.json", "stream": "stream.mp3"}
    for name, part in stems.items():
        sf.write(workdir / "stems" / f"{name}.wav", part, RATE, subtype="FLOAT")
        arts[f"stem.{name}"] = f"stems/{name}.wav"
    _midi(workdir / "song.mid", duration, freq, "vocals" in stems)
    (workdir / "words.json").write_text(json.dumps(words, ensure_ascii=False), encoding="utf-8")
    plan = {"title": title, "duration_s": duration, "genre": style or "test", "tempo_bpm": 120.0,
            "sections": [{"kind": "verse", "label": "verse", "start_s": 0.0, "end_s": duration}]}
    (workdir / "plan.json").write_text(json.dumps(plan, ensure_ascii=False), encoding="utf-8")
    return arts


def _cover(path: Path, title: str) -> None:
    image = Image.new("RGB", (256, 256), (30, 40, 90))
    ImageDraw.Draw(image).text((16, 120), title[:30], fill=(255, 255, 255))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    path.write_bytes(buffer.getvalue())
