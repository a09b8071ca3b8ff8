"""Stem separation of a clip, without a separation model: the engine already rendered every part.

The composer keeps each part as it went into the mix (`stem.vocals`, `stem.drums`, `stem.bass`, `stem.other`),
but the master is that sum after loudness gain and a look-ahead limiter. Handing out the raw parts would give
stems that do not add up to the song, so each part is first scaled by the master's gain envelope (fitted per
~46 ms block) and the small remainder the limiter left is shared out among the parts by their local energy.
The stems then sum to the master exactly (to 16-bit rounding), and an engine that kept no parts fails
clearly instead of faking a separation.

Options: `job.request.extra["type"]`:
- `separate_vocal` (default): files `vocals` (`vocals.wav`; silent for an instrumental) and `instrumental`
  (`instrumental.wav`, every other part summed).
- `split_stem`: one file per part the song has, named by part: `vocals` (absent for instrumentals), `drums`,
  `bass`, `other`.

Result: files `{part: "<part>.wav"}` (44.1 kHz stereo; 16-bit PCM, or 32-bit float for a part that would clip)
and data `{"type": "separate_vocal" | "split_stem", "parts": [part, ...], "durations": {part: seconds}}`.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, cast

from tunesmith.domain.states import FailureCode, FailureKind
from tunesmith.engines.base import EngineError, EngineJob, ProgressSink
from tunesmith.engines.studio.source import artifact, read_master, require

if TYPE_CHECKING:
    import numpy as np

PARTS = ("vocals", "drums", "bass", "other")
TYPES = ("separate_vocal", "split_stem")
BLOCK = 2048  # samples per gain-envelope point: short enough to follow the limiter's release


def make(job: EngineJob, sink: ProgressSink) -> None:
    import numpy as np

    source, workdir = require(job)
    kind = str(job.request.extra.get("type") or "separate_vocal")
    if kind not in TYPES:
        raise EngineError(
            f"unknown separation type {kind!r}; use one of {', '.join(TYPES)}",
            kind=FailureKind.CREATE_TASK_FAILED,
            code=FailureCode.REFUSED,
        )
    paths = {part: path for part in PARTS if (path := artifact(source, f"stem.{part}")) is not None}
    if not paths:
        raise EngineError("this clip kept no stems to separate", code=FailureCode.GENERATION_FAILED)
    master, rate = read_master(source)
    parts = matched_parts(master, {part: _read(path, master) for part, path in paths.items()})
    sink.progress(0.6)
    if kind == "separate_vocal":
        vocals = parts.pop("vocals", None)
        instrumental = cast("np.ndarray", sum(parts.values())) if parts else np.zeros_like(master)
        parts = {
            "vocals": vocals if vocals is not None else np.zeros_like(master),
            "instrumental": instrumental,
        }
    files = {}
    for part, samples in parts.items():
        files[part] = f"{part}.wav"
        _write(workdir / files[part], samples, rate)
    seconds = round(len(master) / rate, 3)
    sink.result(files, {"type": kind, "parts": list(parts), "durations": {part: seconds for part in parts}})


def matched_parts(master: np.ndarray, parts: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Scale `parts` so that they sum to `master`: a smooth gain envelope fitted by least squares per block,
    then the residual split among the parts in proportion to each one's local energy."""
    import numpy as np

    names = list(parts)
    total = np.zeros_like(master)
    for name in names:
        total += parts[name]
    frames = len(master)
    blocks = max(1, frames // BLOCK)
    edges = np.linspace(0, frames, blocks + 1).astype(int)
    gains = np.ones(blocks, dtype=np.float64)
    for b in range(blocks):
        m, s = master[edges[b] : edges[b + 1]], total[edges[b] : edges[b + 1]]
        power = float(np.vdot(s, s))
        gains[b] = float(np.vdot(m, s)) / power if power > 1e-9 else (gains[b - 1] if b else 1.0)
    centres = (edges[:-1] + edges[1:]) / 2
    envelope = np.interp(np.arange(frames), centres, gains).astype(np.float32)[:, None]
    scaled = {name: parts[name] * envelope for name in names}
    residual = master - total * envelope
    energy = {name: _smooth((x * x).sum(axis=1)) for name, x in scaled.items()}
    whole = sum(energy.values())
    floor = np.float32(1e-12)
    for name in names:
        share = np.where(whole > floor, energy[name] / np.maximum(whole, floor), 1.0 / len(names))
        scaled[name] += residual * share.astype(np.float32)[:, None]
    return scaled


def _smooth(x: np.ndarray, width: int = 1025) -> np.ndarray:
    """A moving average over ~23 ms, so the residual follows where each part is playing."""
    from scipy.ndimage import uniform_filter1d

    return uniform_filter1d(x, size=width, mode="nearest")


def _read(path: Path, master: np.ndarray) -> np.ndarray:
    """A kept part, as float32 with the master's length and channel count."""
    import numpy as np
    import soundfile as sf

    data, _rate = sf.read(path, dtype="float32", always_2d=True)
    if data.shape[1] != master.shape[1]:
        data = (
            np.repeat(data[:, :1], master.shape[1], axis=1)
            if data.shape[1] == 1
            else data[:, : master.shape[1]]
        )
    if len(data) < len(master):
        data = np.concatenate([data, np.zeros((len(master) - len(data), data.shape[1]), np.float32)])
    return np.ascontiguousarray(data[: len(master)])


def _write(path: Path, samples: np.ndarray, rate: int) -> None:
    import numpy as np
    import soundfile as sf

    peak = float(np.max(np.abs(samples))) if samples.size else 0.0
    sf.write(path, samples, rate, subtype="PCM_16" if peak < 32767 / 32768 else "FLOAT")
