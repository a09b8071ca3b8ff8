"""The operator's ACE-Step settings and whether the engine can run with them (no torch imported here).

Readiness is judged from files only, so the API process can refuse a request for a model whose engine is
not ready before anything is charged: the extra installed (diffusers found), a checkpoint folder in
diffusers' layout (`model_index.json` naming AceStepPipeline, every required component folder), and which
operations that checkpoint can do (cover needs the audio tokenizer folders; stems need a base checkpoint).
"""

from __future__ import annotations

import importlib.util
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tunesmith.engines.base import Readiness

PIPELINE_CLASS = "AceStepPipeline"
REQUIRED = ("vae", "text_encoder", "tokenizer", "transformer", "condition_encoder", "scheduler")
COVER_PARTS = ("audio_tokenizer", "audio_token_detokenizer")
DEVICES = ("auto", "cpu", "cuda", "mps")
DTYPES = ("auto", "bf16", "fp16", "fp32")
INSTALL_HINT = "install the extra: scripts/install.sh --acestep (or pip install 'tunesmith[acestep]')"
CONVERT_HINT = (
    "convert the upstream layout with scripts/convert_ace_step_to_diffusers.py of diffusers v0.42.1 (older "
    "copies of the script leave out the scheduler and audio tokenizer), or download "
    "ACE-Step/acestep-v15-xl-turbo-diffusers (see docs/engines/acestep.md)"
)


@dataclass(frozen=True, kw_only=True)
class AceStepConfig:
    """TUNESMITH_ACESTEP_CHECKPOINT / _DEVICE / _DTYPE / _STEPS / _OFFLOAD, as plain values (they travel
    to the engine process inside every job)."""

    checkpoint: str = ""
    device: str = "auto"  # auto | cpu | cuda | cuda:N | mps
    dtype: str = "auto"  # auto (bf16 on CUDA, fp32 elsewhere) | bf16 | fp16 | fp32
    steps: int = 0  # 0: the checkpoint's default (8 for turbo, 50 for base/sft)
    offload: bool = False  # diffusers' model CPU offload, for GPUs too small to hold every part
    max_seconds: float = 600.0  # longest song made (a request's duration or the estimate is capped)

    @classmethod
    def from_options(cls, options: Mapping[str, Any]) -> AceStepConfig:
        raw = options.get("acestep") or {}
        if isinstance(raw, AceStepConfig):
            return raw
        return cls(
            checkpoint=str(raw.get("checkpoint") or ""),
            device=str(raw.get("device") or "auto"),
            dtype=str(raw.get("dtype") or "auto"),
            steps=int(raw.get("steps") or 0),
            offload=bool(raw.get("offload", False)),
            max_seconds=float(raw.get("max_seconds") or 600.0),
        )

    def as_options(self) -> dict[str, Any]:
        return {
            "checkpoint": self.checkpoint,
            "device": self.device,
            "dtype": self.dtype,
            "steps": self.steps,
            "offload": self.offload,
            "max_seconds": self.max_seconds,
        }

    def problems(self) -> list[str]:
        """Values that can never work, whatever the machine."""
        found = []
        if self.device not in DEVICES and not (self.device.startswith("cuda:") and self.device[5:].isdigit()):
            found.append(
                f"TUNESMITH_ACESTEP_DEVICE must be auto, cpu, cuda, cuda:N or mps, not {self.device!r}"
            )
        if self.dtype not in DTYPES:
            found.append(f"TUNESMITH_ACESTEP_DTYPE must be one of {', '.join(DTYPES)}, not {self.dtype!r}")
        if not 10 <= self.max_seconds <= 600:
            found.append(f"TUNESMITH_ACESTEP_MAX_SECONDS must be 10 to 600, not {self.max_seconds:g}")
        if self.steps < 0 or self.steps > 200:
            found.append(
                f"TUNESMITH_ACESTEP_STEPS must be 0 (the checkpoint's default) to 200, not {self.steps}"
            )
        return found


@dataclass(frozen=True, kw_only=True)
class CheckpointInfo:
    """What a checkpoint folder holds, read from its JSON files."""

    path: Path
    problem: str = ""  # empty when the folder is a usable AceStepPipeline checkpoint
    turbo: bool = True
    can_cover: bool = False
    model_version: str = ""

    @property
    def default_steps(self) -> int:
        return 8 if self.turbo else 50

    @property
    def can_extract(self) -> bool:
        """Stems (`task_type="extract"`) are trained into base checkpoints only."""
        return not self.turbo and self.model_version in ("base", "")


def inspect_checkpoint(folder: str | Path) -> CheckpointInfo:
    """Read a checkpoint folder's layout; `problem` says what is wrong and what to do."""
    path = Path(folder).expanduser()
    if not str(folder):
        return CheckpointInfo(path=path, problem="TUNESMITH_ACESTEP_CHECKPOINT is not set")
    if not path.is_dir():
        return CheckpointInfo(path=path, problem=f"checkpoint folder {path} does not exist")
    index_file = path / "model_index.json"
    if not index_file.is_file():
        upstream = _upstream_layout(path)
        what = "is the upstream ACE-Step layout, not diffusers'" if upstream else "has no model_index.json"
        return CheckpointInfo(path=path, problem=f"checkpoint folder {path} {what}: {CONVERT_HINT}")
    try:
        index = json.loads(index_file.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        return CheckpointInfo(path=path, problem=f"{index_file} cannot be read: {exc}")
    if not isinstance(index, dict) or index.get("_class_name") != PIPELINE_CLASS:
        name = index.get("_class_name") if isinstance(index, dict) else None
        return CheckpointInfo(
            path=path, problem=f"{index_file} is for {name!r}, not {PIPELINE_CLASS}: {CONVERT_HINT}"
        )
    missing = [part for part in REQUIRED if not _component(path, index, part)]
    if missing:
        return CheckpointInfo(
            path=path, problem=f"checkpoint folder {path} lacks {', '.join(missing)}: {CONVERT_HINT}"
        )
    config = _read_json(path / "transformer" / "config.json")
    version = str(config.get("model_version") or "")
    turbo = bool(config.get("is_turbo")) or version == "turbo"
    can_cover = all(_component(path, index, part) for part in COVER_PARTS)
    return CheckpointInfo(path=path, turbo=turbo, can_cover=can_cover, model_version=version)


def _upstream_layout(path: Path) -> bool:
    """Upstream ACE-Step's checkpoints folder (acestep-v15-turbo/, acestep-v15-xl-base/...), or one model
    folder of it (its own config.json, no model_index.json)."""
    if path.name.startswith("acestep-v15") and (path / "config.json").is_file():
        return True
    return any(child.is_dir() and child.name.startswith("acestep-v15") for child in path.iterdir())


def _component(path: Path, index: dict[str, Any], part: str) -> bool:
    entry = index.get(part)
    named = isinstance(entry, list) and len(entry) == 2 and entry[0] is not None
    return named and (path / part).is_dir() and any((path / part).iterdir())


def _read_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def extra_installed() -> bool:
    """diffusers, transformers and torch are importable (found, not imported)."""
    return all(importlib.util.find_spec(name) is not None for name in ("diffusers", "transformers", "torch"))


def readiness(config: AceStepConfig) -> Readiness:
    problems = config.problems()
    if problems:
        return Readiness(ready=False, reason="; ".join(problems))
    if not extra_installed():
        return Readiness(
            ready=False, reason=f"diffusers/transformers/torch are not installed: {INSTALL_HINT}"
        )
    info = inspect_checkpoint(config.checkpoint)
    if info.problem:
        return Readiness(ready=False, reason=info.problem)
    ops = ["generate", "extend", "upload_extend", "replace_section", "crop", "concat"]
    if info.can_cover:
        ops.append("upload_cover")
    if info.can_extract:
        ops.append("stems")
    steps = config.steps or info.default_steps
    details = {
        "checkpoint": str(info.path),
        "model": f"{info.model_version or ('turbo' if info.turbo else 'unknown')}, {steps} steps",
        "operations": ", ".join(ops),
        "cover": "yes" if info.can_cover else "no (the checkpoint has no audio_tokenizer folders)",
        "stems/MIDI": (
            "stems yes (extract, base checkpoint); MIDI no"
            if info.can_extract
            else "no (ACE-Step songs keep no separate parts; stems need a base checkpoint)"
        ),
        "device": f"{config.device}, {config.dtype}{', CPU offload' if config.offload else ''}",
    }
    return Readiness(ready=True, details=details)
