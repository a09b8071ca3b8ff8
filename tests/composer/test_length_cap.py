"""However long the lyrics, a song is planned to at most eight minutes, and lines past that are never spoken
(the audit's 100,000-character lyrics used to be spoken in full and render two 7.8-minute songs)."""

from __future__ import annotations

import pytest

from tunesmith.engines.composer.compose import MAX_SECONDS, MAX_SUNG_LINES, build_plan, sung_texts
from tunesmith.engines.composer.style import parse_style

WORDS = ("river", "lantern", "morning", "window", "harbor", "silver", "garden", "thunder", "paper", "candle")


def distinct_lines(n: int) -> list[str]:
    return [" ".join(WORDS[(i // 10**d) % 10] for d in range(4)) for i in range(n)]


@pytest.mark.parametrize(
    ("tags", "lyrics"),
    [
        ("pop, 200 bpm", "[Verse]\n" + "\n".join(distinct_lines(600))),  # one tagged section, 600 lines
        ("ballad, 70 bpm", "\n".join(distinct_lines(3000))),  # an untagged wall of ~110,000 characters
    ],
    ids=["one-huge-verse", "untagged-wall"],
)
def test_plan_never_passes_eight_minutes(tags: str, lyrics: str) -> None:
    style = parse_style(tags, seed=3)
    plan = build_plan(
        style=style,
        lyrics=lyrics,
        title="Long",
        take=0,
        seed=3,
        language="en",
        instrumental=False,
        duration=None,
        spoken=None,
    )
    assert MAX_SECONDS - 90 < plan.duration <= MAX_SECONDS, plan.duration
    assert "lyrics cut at the 8-minute limit" in plan.notes
    sung = [line.text for line in plan.lines if line.text]
    assert sung and sung == distinct_lines(len(sung))[: len(sung)]  # the first lines, in order


def test_only_lines_that_can_fit_are_spoken_ahead() -> None:
    texts = sung_texts("\n".join(distinct_lines(3000)))
    assert texts == distinct_lines(MAX_SUNG_LINES)
