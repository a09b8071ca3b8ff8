"""One take, rendered section by section: backing + vocals -> stems -> a growing MP3 -> the final master.

The stream is mastered on the fly with a gain planned from the first section (and a safety limiter); the
final audio.mp3/audio.wav are re-mastered from the full mix to exactly -14 LUFS and <= -1 dBTP.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from tunesmith.engines.composer import artifacts, mastering
from tunesmith.engines.composer.arrange import arrange
from tunesmith.engines.composer.encode import StreamWriter, write_mp3, write_wav
from tunesmith.engines.composer.plan import SongPlan
from tunesmith.engines.composer.synth import BackingRenderer

SR = 44100
VOCAL_GAIN = 0.55
STREAM_LAG = 0.5  # seconds kept back from each stream chunk so next-section pickups are already placed


@dataclass
class TakeOutput:
    audio: str
    wav: str
    duration: float
    image: str
    artifacts: dict[str, str]
    timings: dict[str, float] = field(default_factory=dict)
    first_audio_s: float | None = None


def _place(buf: np.ndarray, start: float, mono: np.ndarray, pan: float, gain: float) -> None:
    a = int(round(start * SR))
    if a < 0:
        mono, a = mono[-a:], 0
    n = min(len(mono), len(buf) - a)
    if n <= 0:
        return
    left, right = np.cos((pan + 1) * np.pi / 4), np.sin((pan + 1) * np.pi / 4)
    buf[a : a + n, 0] += mono[:n] * gain * left * np.sqrt(2)
    buf[a : a + n, 1] += mono[:n] * gain * right * np.sqrt(2)


def _vocal_chain(lead: np.ndarray, harm: np.ndarray | None) -> tuple[np.ndarray, np.ndarray | None]:
    """High-pass at 110 Hz and level each line to a steady RMS, so quiet espeak syllables stay audible."""
    from scipy.signal import butter, sosfilt

    sos = butter(2, 110, "highpass", fs=SR, output="sos")
    lead = sosfilt(sos, lead).astype(np.float32)
    rms = float(np.sqrt(np.mean(lead[np.abs(lead) > 1e-4] ** 2))) if np.any(np.abs(lead) > 1e-4) else 1.0
    g = 0.12 / max(rms, 1e-6)
    if harm is not None:
        harm = (sosfilt(sos, harm) * g).astype(np.float32)
    return lead * g, harm


def render_take(
    plan: SongPlan,
    workdir: Path,
    vocals: dict[int, Future],
    *,
    on_stream: Callable[[str], None] | None = None,
    on_progress: Callable[[float], None] | None = None,
) -> TakeOutput:
    t0 = time.perf_counter()
    timings: dict[str, float] = {}
    workdir.mkdir(parents=True, exist_ok=True)
    (workdir / "stems").mkdir(exist_ok=True)
    tracks = arrange(plan)
    total = int(np.ceil(plan.duration * SR))
    stems = {name: np.zeros((total, 2), np.float32) for name in ("drums", "bass", "other")}
    voc = np.zeros((total + SR * 2, 2), np.float32)
    ir = mastering.reverb_ir()
    from scipy.signal import oaconvolve

    backing = BackingRenderer(tracks)
    stream = StreamWriter(workdir / "stream.mp3")
    stream_gain: float | None = None
    streamed = 0
    first_audio: float | None = None
    t_back = t_voc = t_mix = 0.0
    try:
        for i, _sec in enumerate(plan.sections):
            start, end = plan.section_span(i)
            tb = time.perf_counter()
            part = backing.render_until(end)
            a = int(round(start * SR)) if i else 0
            for name, data in part.items():
                n = min(len(data), total - a)
                stems[name][a : a + n] = data[:n]
            t_back += time.perf_counter() - tb
            tv = time.perf_counter()
            for li in plan.sections[i].lines:
                fut = vocals.get(li)
                if fut is None:
                    continue
                origin, lead, harm = fut.result()
                lead, harm = _vocal_chain(lead, harm)
                dry = np.zeros((len(lead) + len(ir), 2), np.float32)
                _place(dry, 0.0, lead, 0.0, VOCAL_GAIN)
                if harm is not None:
                    _place(dry, 0.0, harm, -0.35, VOCAL_GAIN * 0.45)
                    _place(dry, 0.0, harm, 0.35, VOCAL_GAIN * 0.25)
                wet = oaconvolve(dry[: len(lead)], ir, axes=0)[: len(dry)] * 0.18
                seg = dry
                seg[: len(wet)] += wet.astype(np.float32)
                s0 = int(round(origin * SR))
                lo = max(0, s0)
                n = min(len(seg) - (lo - s0), len(voc) - lo)
                voc[lo : lo + n] += seg[lo - s0 : lo - s0 + n]
            t_voc += time.perf_counter() - tv
            tm = time.perf_counter()
            stop = (
                total if i == len(plan.sections) - 1 else max(streamed, int(round((end - STREAM_LAG) * SR)))
            )
            chunk = voc[streamed:stop] + sum(s[streamed:stop] for s in stems.values())
            if stream_gain is None:
                stream_gain = 10 ** ((mastering.TARGET_LUFS - 2.0 - mastering.loudness(chunk)) / 20)
                stream_gain = min(stream_gain, 8.0)
            out = chunk * stream_gain
            out = (
                np.tanh(out / 0.89) * 0.89
            )  # safety for the stream only; the final master has a real limiter
            stream.write(out)
            streamed = stop
            t_mix += time.perf_counter() - tm
            if first_audio is None:
                first_audio = time.perf_counter() - t0
                if on_stream:
                    on_stream("stream.mp3")
            if on_progress:
                on_progress((i + 1) / (len(plan.sections) + 1))
    finally:
        backing.close()
        stream.close()
    timings.update(backing=t_back, vocals_wait_and_mix=t_voc, stream=t_mix)
    tm = time.perf_counter()
    stems["vocals"] = voc[:total]
    mix = sum(stems.values())
    mastered, _gain = mastering.master(mix)
    timings["master"] = time.perf_counter() - tm
    te = time.perf_counter()
    write_mp3(workdir / "audio.mp3", mastered)
    write_wav(workdir / "audio.wav", mastered)
    arts: dict[str, str] = {}
    has_vocals = any(line.sung for line in plan.lines)
    for name in ("vocals", "drums", "bass", "other"):
        if name == "vocals" and not has_vocals:
            continue
        write_wav(workdir / "stems" / f"{name}.wav", stems[name], float32=True)
        arts[f"stem.{name}"] = f"stems/{name}.wav"
    artifacts.write_midi(workdir / "song.mid", plan, tracks)
    artifacts.write_json(workdir / "plan.json", plan.to_json())
    artifacts.write_json(workdir / "words.json", artifacts.word_timings(plan))
    artifacts.draw_cover(workdir / "cover.png", plan.title, plan)
    arts.update(midi="song.mid", plan="plan.json", timings="words.json", stream="stream.mp3")
    timings["encode_and_artifacts"] = time.perf_counter() - te
    timings["total"] = time.perf_counter() - t0
    return TakeOutput(
        audio="audio.mp3",
        wav="audio.wav",
        duration=total / SR,
        image="cover.png",
        artifacts=arts,
        timings=timings,
        first_audio_s=first_audio,
    )
