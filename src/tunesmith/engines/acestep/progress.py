"""Diffusion steps as the task's progress: the pipeline calls back once per step; the last share of the
bar is the VAE decode and encoding of the takes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

DIFFUSION_SHARE = 0.8  # of the whole job, the steps; decoding and encoding the takes take the rest


class StepProgress:
    """`callback_on_step_end` for AceStepPipeline, reporting `fraction` in [start, start + share)."""

    def __init__(
        self,
        report: Callable[[float], None],
        steps: int,
        *,
        start: float = 0.0,
        share: float = DIFFUSION_SHARE,
    ) -> None:
        self.report = report
        self.steps = max(1, steps)
        self.start = start
        self.share = share
        self.calls = 0

    def __call__(self, pipe: Any, step: int, timestep: Any, kwargs: dict[str, Any]) -> dict[str, Any]:
        self.calls += 1
        self.report(self.start + self.share * min(1.0, (step + 1) / self.steps))
        return kwargs


def after_decode(take: int, takes: int) -> float:
    """Progress once take `take` (0-based) of `takes` is decoded and written."""
    return DIFFUSION_SHARE + (1 - DIFFUSION_SHARE) * (take + 1) / max(1, takes)
