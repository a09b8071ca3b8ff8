"""The pipeline from the operator's local checkpoint folder: offline, on the configured device and dtype.

Never touches the network: HF_HUB_OFFLINE is set before diffusers is imported and `from_pretrained` gets
`local_files_only=True`. A folder that is not a diffusers AceStepPipeline checkpoint (the upstream layout,
a missing component) is refused with what to do, before any weight is read.
"""

from __future__ import annotations

import logging
import os
import time
from dataclasses import dataclass, field
from typing import Any

from tunesmith.engines.acestep.config import AceStepConfig, CheckpointInfo, inspect_checkpoint
from tunesmith.engines.base import EngineError

log = logging.getLogger(__name__)


def import_libraries() -> None:
    """Import torch and diffusers' pipeline (seconds), offline and quiet."""
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("DIFFUSERS_VERBOSITY", "error")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    try:
        import diffusers  # noqa: F401
        import diffusers.utils.logging as diffusers_logging
        import torch  # noqa: F401
        import transformers.utils.logging as transformers_logging
        from diffusers import AceStepPipeline  # noqa: F401
    except ImportError as exc:
        raise EngineError(
            f"the acestep engine needs its extra ({exc}): run scripts/install.sh --acestep", retryable=False
        ) from exc
    diffusers_logging.disable_progress_bar()  # loading bars are noise in a worker's log
    transformers_logging.disable_progress_bar()


@dataclass
class Loaded:
    """A pipeline ready to run, and what it was loaded with."""

    pipe: Any
    device: str
    dtype: Any
    info: CheckpointInfo
    steps: int
    seconds: float  # how long loading took
    stages: dict[str, float] = field(default_factory=dict)

    @property
    def sample_rate(self) -> int:
        return int(self.pipe.sample_rate)


def load(config: AceStepConfig) -> Loaded:
    """Load the checkpoint named by `config`; EngineError (not retryable) with what to do when it cannot."""
    import_libraries()
    info = inspect_checkpoint(config.checkpoint)
    if info.problem:
        raise EngineError(f"acestep: {info.problem}", retryable=False)
    problems = config.problems()
    if problems:
        raise EngineError("acestep: " + "; ".join(problems), retryable=False)
    from diffusers import AceStepPipeline

    from tunesmith.engines.acestep.devices import resolve_device, resolve_dtype

    started = time.perf_counter()
    try:
        device = resolve_device(config.device)
        dtype = resolve_dtype(config.dtype, device)
        pipe = AceStepPipeline.from_pretrained(str(info.path), dtype=dtype, local_files_only=True)
    except EngineError:
        raise
    except Exception as exc:  # noqa: BLE001 - a broken or mismatched checkpoint: say which and why
        raise EngineError(
            f"acestep: the checkpoint in {info.path} could not be loaded ({type(exc).__name__}: {exc}); "
            "check that it is a complete diffusers AceStepPipeline folder made for diffusers 0.42",
            retryable=False,
        ) from exc
    if config.offload and device.startswith("cuda"):
        pipe.enable_model_cpu_offload(device=device)
    else:
        pipe.to(device)
    pipe.vae.enable_tiling()  # off by default; same audio, about half the decode memory
    pipe.set_progress_bar_config(disable=True)
    seconds = time.perf_counter() - started
    log.info("acestep: loaded %s on %s (%s) in %.1f s", info.path, device, dtype, seconds)
    return Loaded(
        pipe=pipe,
        device=device,
        dtype=dtype,
        info=info,
        steps=config.steps or info.default_steps,
        seconds=seconds,
    )
