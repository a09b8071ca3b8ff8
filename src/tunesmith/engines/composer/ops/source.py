"""Reading an existing clip back for an edit: its mastered audio, stems, plan, words and style.

The mastered WAV is read as int16 / 32767 (the inverse of encode._pcm16), so audio an edit leaves alone is
written back bit for bit. Stems are the pre-master parts; `gain` is the master gain that turned their sum into
the mastered audio (from plan.json, or measured for clips rendered before it was recorded there).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import numpy as np

from tunesmith.engines.base import EngineError, EngineJob, SourceClip
from tunesmith.engines.composer.style import NOTE_NAMES, Style

SR = 44100
STEMS = ("vocals", "drums", "bass", "other")


@dataclass
class ClipAudio:
    clip_id: str
    mix: np.ndarray  # (n, 2) float32, mastered
    stems: dict[str, np.ndarray]  # name -> (n, 2) float32, pre-master
    lead: np.ndarray | None  # (n,) dry lead vocal, pre-master
    plan: dict[str, Any]
    words: list[dict[str, Any]]
    midi: Path | None
    gain: float

    @property
    def n(self) -> int:
        return len(self.mix)

    @property
    def duration(self) -> float:
        return self.n / SR

    @property
    def style(self) -> Style:
        return style_from_plan(self.plan)

    @property
    def bar_s(self) -> float:
        return bar_beats(self.plan) * 60.0 / float(self.plan["tempo_bpm"])

    @property
    def grid_offset(self) -> float:
        """Clip time of a bar line (bars repeat every `bar_s` from here)."""
        return float(self.plan.get("grid_offset_s", 0.0))


def bar_beats(plan: dict[str, Any]) -> int:
    if "bar_beats" in plan:
        return int(plan["bar_beats"])
    return 4 if int(plan.get("meter", 4)) == 4 else 3


def style_from_plan(plan: dict[str, Any]) -> Style:
    """The Style a clip was rendered with: exact from `plan["style"]`, or rebuilt from the older fields."""
    st = plan.get("style")
    if isinstance(st, dict):
        data = dict(st)
        data["parts"] = tuple(tuple(p) for p in data.get("parts", ()))
        data["notes"] = tuple(data.get("notes", ()))
        for name in ("instruments", "perc"):
            if name in data:
                data[name] = tuple(data[name])
        return Style(**data)
    tonic, mode = plan["key"].split()
    inst = plan.get("instruments", {})
    drums, bass = inst.get("drums"), inst.get("bass")
    from tunesmith.engines.composer.genres import GENRES

    g = GENRES[plan["genre"]]
    return Style(
        genre=plan["genre"],
        bpm=float(plan["tempo_bpm"]),
        key=NOTE_NAMES.index(tonic),
        mode=mode,
        meter=int(plan["meter"]),
        swing=float(plan.get("swing", 0.0)),
        energy=float(plan.get("energy", 0.6)),
        voice=plan.get("voice"),
        drums=drums is not None,
        drum_kit=drums["kit_program"] if drums else g.kit,
        bass=bass["style"] if bass else None,
        bass_program=bass["program"] if bass else g.bass_program,
        parts=tuple((p["program"], p["style"]) for p in inst.get("other", [])),
        lead=inst.get("lead"),
    )


def read_wav(path: Path, n: int | None = None) -> np.ndarray:
    """A WAV as (n, channels) float32; 16-bit PCM as int16 / 32767, the inverse of how clips are written, so
    audio an edit leaves alone is written back sample for sample. `n`: pad or cut to that many samples."""
    import soundfile as sf

    info = sf.info(str(path))
    if info.subtype == "PCM_16":
        x = sf.read(str(path), dtype="int16", always_2d=True)[0].astype(np.float32) / np.float32(32767.0)
    else:
        x = sf.read(str(path), dtype="float32", always_2d=True)[0]
    if n is not None and len(x) != n:
        x = np.pad(x, ((0, max(0, n - len(x))), (0, 0)))[:n]
    return np.ascontiguousarray(x)


def _measured_gain(mix: np.ndarray, stems: dict[str, np.ndarray]) -> float:
    from tunesmith.engines.composer import mastering

    pre = cast("np.ndarray", sum(stems.values()))
    lo, hi = mastering.loudness(pre), mastering.loudness(mix)
    return 10 ** ((hi - lo) / 20) if lo > -70 else 1.0


def load_clip(
    clip_id: str, wav: Path | str | None, artifacts: dict[str, Any], *, with_stems: bool = True
) -> ClipAudio:
    """Load a composer clip for editing; EngineError (not retryable) when a file it needs is missing."""
    arts = {k: Path(v) for k, v in artifacts.items() if v}
    if wav is None or not Path(wav).is_file():
        raise EngineError(f"clip {clip_id} has no WAV to edit", retryable=False)
    if "plan" not in arts or not arts["plan"].is_file():
        raise EngineError(f"clip {clip_id} was not made by the composer (no plan.json)", retryable=False)
    mix = read_wav(Path(wav))
    plan = json.loads(arts["plan"].read_text(encoding="utf-8"))
    words = json.loads(arts["timings"].read_text(encoding="utf-8")) if "timings" in arts else []
    stems: dict[str, np.ndarray] = {}
    lead = None
    if with_stems:
        for name in STEMS:
            p = arts.get(f"stem.{name}")
            if p is not None and p.is_file():
                stems[name] = read_wav(p, len(mix))
        if arts.get("stem.lead") is not None and arts["stem.lead"].is_file():
            lead = read_wav(arts["stem.lead"], len(mix))[:, 0].copy()
    gain = plan.get("master_gain")
    if gain is None or not math.isfinite(float(gain)):
        gain = _measured_gain(mix, stems) if stems else 1.0
    midi = arts.get("midi") if arts.get("midi") is not None and arts["midi"].is_file() else None
    return ClipAudio(clip_id, mix, stems, lead, plan, words, midi, float(gain))


def source_of(job: EngineJob, op: str) -> SourceClip:
    """The clip an edit works on; an edit without one cannot be retried into success."""
    if job.source is None:
        raise EngineError(f"{op} needs the source clip", retryable=False)
    return job.source


def title_and_tags(job: EngineJob, plan: dict[str, Any]) -> tuple[str, str]:
    """An edited clip's title and tags: the request's, else the source clip's (title: else its plan's)."""
    ref = job.source
    title = job.request.title or (ref.title if ref else "") or plan.get("title", "Untitled")
    return title, job.request.style or (ref.tags if ref else "")
