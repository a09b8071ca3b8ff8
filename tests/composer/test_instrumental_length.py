"""An instrumental lasts what was asked for (kie `duration`, 10-360 s), to within about half a bar, at any
tempo: short requests take a short form instead of being padded to the usual intro/sections/outro."""

from __future__ import annotations

import pytest

from tunesmith.engines.composer.compose import build_plan
from tunesmith.engines.composer.plan import SongPlan
from tunesmith.engines.composer.style import parse_style

STYLES = ("ambient", "techno", "pop", "lofi hip hop", "ballad", "rock", "jazz")


@pytest.mark.parametrize("tags", STYLES)
@pytest.mark.parametrize("target", [10, 15, 20, 25, 30, 45, 60, 120])
def test_instrumental_plan_lasts_the_requested_duration(tags: str, target: float) -> None:
    style = parse_style(tags, negative="", seed=3, vocal_gender=None, instrumental=True)
    plan = build_plan(
        style=style, lyrics="", title="t", take=0, seed=3, language="en", instrumental=True, duration=target
    )
    bar_s = plan.bar_beats * 60.0 / style.bpm
    shortest = 3 * bar_s + SongPlan.tail_s  # one bar in, one of music, one out
    assert abs(plan.duration - target) <= max(0.6 * bar_s, shortest - target), (
        tags,
        style.bpm,
        plan.duration,
    )
    assert [s.kind for s in plan.sections][0] == "intro" and plan.sections[-1].kind == "outro"
