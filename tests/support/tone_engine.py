"""A TEST DOUBLE engine: sine-tone songs in milliseconds, so service tests do not wait for real rendering.

It exercises the same engine contract as the real composer (text, a growing stream, final MP3 + WAV + cover,
two clips) and leaves the same artifacts, under the composer's names, so the studio's derived operations can
run on its clips: `song.mid` (drums, bass, other, lead and, with lyrics, vocals), `stems/{vocals,drums,bass,
other}.wav` (float32, summing exactly to the master; no vocals for instrumentals), `words.json` (the lyrics'
words spread over the song) and `plan.json`. It can misbehave on request, driven by words in the request's
style (or, for description-mode songs, which have no style, in the description):

- `test:slow=<seconds>`   sleep that long between stages (for kill -9 and timeout tests)
- `test:fail`             raise a non-retryable EngineError
- `test:crash-once`       kill its own process on the first attempt of a task (a retry then succeeds)
- `test:crash`            kill its own process on every attempt
- `test:seconds=<s>`      make generated songs this long (default: the request's duration, else 3 s), so
                          operations with minimum spans (replace section: 10 s) can be tried on any dialect

Besides GENERATE it does the song edits, working on the source's kept stems so that every result again has
stems that sum exactly to its master (the studio's stems/MIDI/video then work on edited clips too):

- EXTEND: two takes continuing the source at `continue_at` (default: its end). Each take is new tone material
  lasting (source duration - continue_at) + EXTEND_EXTRA_SECONDS: the source's rest is sung again, longer.
- CONCAT: one clip joining `extra["chain"]` (first part first): every part but the last is cut at the
  `continue_at` of the part after it; the last is whole. Its duration is the sum of those spans.
- CROP: one clip, the source's `span` (start, end).
- REPLACE_SECTION: two takes of the source with its `span` replaced by new tone material of the same length.
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

from tunesmith.domain.operations import OperationKind
from tunesmith.engines.base import (
    ClipResult,
    ClipSlot,
    Engine,
    EngineError,
    EngineJob,
    ProgressSink,
    SongText,
    SourceClip,
)

RATE = 44100
PARTS = ("vocals", "drums", "bass", "other")
EXTEND_EXTRA_SECONDS = 4.0
Stems = dict[str, np.ndarray]


def _option(style: str, name: str) -> str | None:
    match = re.search(rf"test:{re.escape(name)}(?![\w-])(?:=([\d.]+))?", style)
    if not match:
        return None
    return match.group(1) or ""


def _options_text(style: str, description: str) -> str:
    """Where the `test:` words are read: the style, and the description of a description-mode song."""
    return f"{style} {description}" if description else style


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
    return [
        {
            "word": w,
            "start_s": round(start + i * span, 3),
            "end_s": round(start + (i + 0.8) * span, 3),
            "section": sec,
        }
        for i, (w, sec) in enumerate(words)
    ]


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
    from tunesmith.engines.midi_library import load_pretty_midi

    pretty_midi = load_pretty_midi()

    pm = pretty_midi.PrettyMIDI(initial_tempo=120.0)
    root = int(round(69 + 12 * float(np.log2(freq / 440.0))))
    parts = [
        ("drums", 0, True, 36),
        ("bass", 33, False, root - 24),
        ("other", 0, False, root),
        ("lead", 80, False, root + 12),
    ] + ([("vocals", 53, False, root + 7)] if vocal else [])
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
    operations = frozenset(
        {
            OperationKind.GENERATE,
            OperationKind.EXTEND,
            OperationKind.CONCAT,
            OperationKind.CROP,
            OperationKind.REPLACE_SECTION,
        }
    )

    def run(self, job: EngineJob, sink: ProgressSink) -> None:
        request = job.request
        style = request.style
        options = _options_text(style, request.description)
        slow = float(_option(options, "slow") or 0)
        if _option(options, "fail") is not None:
            raise EngineError("the test engine was asked to fail", code=501)
        marker = job.clips[0].workdir / ".attempted"
        crash_once = _option(options, "crash-once") is not None and not marker.exists()
        marker.write_text("1")
        source = job.source
        if request.kind is not OperationKind.GENERATE and source is None and not request.extra.get("chain"):
            raise EngineError(f"{request.kind.value} needs its source clip")
        title = request.title or (source.title if source else "") or "Test Tone"
        tags = request.style or (source.tags if source else "") or "test"
        if request.instrumental:
            lyrics = ""
        elif request.kind in (OperationKind.CONCAT, OperationKind.CROP):
            lyrics = source.lyrics if source else ""
        else:
            lyrics = (
                request.lyrics
                or (source.lyrics if source and request.kind is not OperationKind.EXTEND else "")
                or "[Verse]\nla la la"
            )
        sink.text(SongText(title=title, tags=tags, lyrics=lyrics))
        time.sleep(slow)
        if crash_once or _option(options, "crash") is not None:
            os._exit(9)
        for slot in job.clips:
            freq = 220.0 * (slot.index + 2) + (job.seed % 50)
            stems = self._stems_for(job, slot, freq, lyrics)
            duration = len(next(iter(stems.values()))) / RATE
            self._finish(slot, sink, stems, duration, freq, title, style, lyrics, slow)

    def _stems_for(self, job: EngineJob, slot: ClipSlot, freq: float, lyrics: str) -> Stems:
        """The clip's parts for the job's operation."""
        request, source, seed = job.request, job.source, job.seed + slot.index
        kind = request.kind
        if kind is OperationKind.GENERATE:
            options = _options_text(request.style, request.description)
            seconds = float(_option(options, "seconds") or request.duration or 3.0)
            return _stems(seconds, freq, _words(lyrics, seconds), seed)
        if kind is OperationKind.CONCAT:
            return _concat(request.extra.get("chain") or [], source)
        assert source is not None
        whole = _source_stems(source)
        length = len(next(iter(whole.values())))
        if kind is OperationKind.EXTEND:
            at = source.duration if request.continue_at is None else float(request.continue_at)
            seconds = max(0.0, source.duration - at) + EXTEND_EXTRA_SECONDS
            return _stems(seconds, freq * 1.25, _words(lyrics, seconds), seed)
        start, end = request.span or (0.0, source.duration)
        a, b = max(0, int(round(start * RATE))), min(length, int(round(end * RATE)))
        if b <= a:
            raise EngineError(f"the span {start:g}-{end:g} s is empty in this clip", code=400)
        if kind is OperationKind.CROP:
            return {name: part[a:b].copy() for name, part in whole.items()}
        if kind is OperationKind.REPLACE_SECTION:
            fresh = _stems((b - a) / RATE, freq * 0.75, _words(lyrics, (b - a) / RATE), seed)
            out = {}
            for name in set(whole) | set(fresh):
                part = whole.get(name, np.zeros((length, 2), np.float32)).copy()
                part[a:b] = fresh[name][: b - a] if name in fresh else 0.0
                out[name] = part
            return out
        raise EngineError(f"the tone test double cannot make {kind.value}")

    def _finish(
        self,
        slot: ClipSlot,
        sink: ProgressSink,
        stems: Stems,
        duration: float,
        freq: float,
        title: str,
        style: str,
        lyrics: str,
        slow: float,
    ) -> None:
        """Write the master (streamed in two halves), WAV, cover and artifacts, and report the clip."""
        words = _words(lyrics, duration) if "vocals" in stems else []
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
        sink.complete(
            slot.index,
            ClipResult(
                audio="audio.mp3",
                wav="audio.wav",
                image="cover.png",
                duration=round(duration, 3),
                lyrics=lyrics,
                artifacts=artifacts,
                rebuildable=True,  # a pure function of the job, like the composer
            ),
        )


def _source_stems(source: SourceClip) -> Stems:
    """A source clip's kept parts, all the same length; a clip without stems is one part, its master."""
    return _read_parts(
        {name: str(path) for name, path in source.artifacts.items()}, str(source.wav) if source.wav else None
    )


def _read_parts(artifacts: dict[str, str], wav: str | None) -> Stems:
    parts = {}
    for name in PARTS:
        path = artifacts.get(f"stem.{name}")
        if path and Path(path).is_file():
            data, _ = sf.read(path, dtype="float32", always_2d=True)
            parts[name] = data
    if not parts:
        if not wav or not Path(wav).is_file():
            raise EngineError("the source audio is gone")
        data, _ = sf.read(wav, dtype="float32", always_2d=True)
        parts["other"] = data
    length = max(len(p) for p in parts.values())
    return {name: np.pad(p, ((0, length - len(p)), (0, 0))) for name, p in parts.items()}


def _concat(chain: list[dict], source: SourceClip | None) -> Stems:
    """The chain's parts joined: each part up to where the next one continues it, the last one whole."""
    if not chain:
        if source is None:
            raise EngineError("concat needs the extension chain")
        return _source_stems(source)
    pieces: list[Stems] = []
    for i, link in enumerate(chain):
        parts = _read_parts(link.get("artifacts") or {}, link.get("wav"))
        following = chain[i + 1] if i + 1 < len(chain) else None
        if following is not None and following.get("continue_at") is not None:
            cut = int(round(float(following["continue_at"]) * RATE))
            parts = {name: p[:cut] for name, p in parts.items()}
        pieces.append(parts)
    names = sorted({name for piece in pieces for name in piece})
    out = {}
    for name in names:
        out[name] = np.concatenate(
            [piece.get(name, np.zeros((len(next(iter(piece.values()))), 2), np.float32)) for piece in pieces]
        ).astype(np.float32)
    return out


def _artifacts(
    workdir: Path,
    stems: dict[str, np.ndarray],
    words: list[dict],
    duration: float,
    freq: float,
    title: str,
    style: str,
) -> dict[str, str]:
    """Write the composer's artifact files and return them under the composer's artifact names."""
    (workdir / "stems").mkdir(exist_ok=True)
    arts = {"midi": "song.mid", "timings": "words.json", "plan": "plan.json", "stream": "stream.mp3"}
    for name, part in stems.items():
        sf.write(workdir / "stems" / f"{name}.wav", part, RATE, subtype="FLOAT")
        arts[f"stem.{name}"] = f"stems/{name}.wav"
    _midi(workdir / "song.mid", duration, freq, "vocals" in stems)
    (workdir / "words.json").write_text(json.dumps(words, ensure_ascii=False), encoding="utf-8")
    plan = {
        "title": title,
        "duration_s": duration,
        "genre": style or "test",
        "tempo_bpm": 120.0,
        "sections": [{"kind": "verse", "label": "verse", "start_s": 0.0, "end_s": duration}],
    }
    (workdir / "plan.json").write_text(json.dumps(plan, ensure_ascii=False), encoding="utf-8")
    return arts


def _cover(path: Path, title: str) -> None:
    image = Image.new("RGB", (256, 256), (30, 40, 90))
    ImageDraw.Draw(image).text((16, 120), title[:30], fill=(255, 255, 255))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    path.write_bytes(buffer.getvalue())
