"""Limits of the edit operations, checkable without loading any audio (kept free of heavy imports)."""

from __future__ import annotations

import math

MIN_SPAN_S = 10.0  # replace section: kie's limits
MAX_SPAN_FRACTION = 0.5
MIN_CROP_S = 0.1


def span_problem(
    start: float,
    end: float,
    duration: float | None,
    *,
    minimum: float = MIN_SPAN_S,
    max_fraction: float | None = MAX_SPAN_FRACTION,
) -> str | None:
    """Why a span cannot be used, or None. With `duration` None only what needs no source is checked."""
    if not (math.isfinite(start) and math.isfinite(end)) or start < 0 or end <= start:
        return f"the span must satisfy 0 <= start < end, got {start:g}-{end:g} s"
    if end - start < minimum:
        return f"the span must be at least {minimum:g} s long, got {end - start:.2f} s"
    if duration is not None:
        if end > duration + 1e-3:
            return f"the span must end inside the clip ({duration:.2f} s long), got end {end:g} s"
        if max_fraction is not None and end - start > max_fraction * duration + 1e-3:
            return (
                f"the span may be at most {max_fraction:.0%} of the clip ({max_fraction * duration:.2f} s), "
                f"got {end - start:.2f} s"
            )
    return None


def continue_at_problem(continue_at: float | None, duration: float | None) -> str | None:
    """Why `continue_at` cannot be used, or None: it must lie strictly inside the source clip."""
    if continue_at is None or not math.isfinite(continue_at):
        return "continue_at (seconds into the source clip) is required to extend a clip"
    if continue_at <= 0 or (duration is not None and continue_at >= duration):
        limit = f"{duration:.2f}" if duration is not None else "the clip's duration"
        return f"continue_at must satisfy 0 < continue_at < {limit} s, got {continue_at:g}"
    return None
