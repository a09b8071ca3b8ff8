"""What users write in a style is what is played: each realistic style string (style_cases.py), rendered to
song.mid, has its tempo, meter, voice, key, every named instrument and none of the negated ones.

The same table gives the hit rates printed by bench/style_bench.py.
"""

from __future__ import annotations

import pytest
from style_cases import CUSTOM, DESCRIPTION, Case
from style_check import check


def _id(case: Case) -> str:
    return f"{case.mode[:4]}:{case.text[:50]}"


def test_table_is_large_and_realistic() -> None:
    assert len(CUSTOM) >= 80
    assert sum(1 for c in CUSTOM + DESCRIPTION if c.absent or c.negative) >= 12  # negations, both modes
    assert any(c.absent for c in DESCRIPTION) and any(c.voice is None for c in DESCRIPTION)


@pytest.mark.parametrize("case", CUSTOM + DESCRIPTION, ids=_id)
def test_style_is_played(case: Case) -> None:
    got = check(case)
    problems = [k for k in ("tempo", "meter", "voice", "key") if got[k] is False]
    problems += [f"not played: {n}" for n, ok in got["play"].items() if not ok]
    problems += [f"still played: {n}" for n, ok in got["absent"].items() if not ok]
    assert not problems, (problems, got["tags"], got["seen"])


def test_unknown_genre_takes_the_nearest_family_not_pop() -> None:
    from tunesmith.engines.composer.style import parse_style

    assert parse_style("mathcore, aggressive", seed=1).genre == "metal"  # by its ending
    assert parse_style("vaporwave-ish chillwave thing", seed=1).genre in ("lofi", "electronic")
    assert parse_style("banjo and fiddle, foot stomping", seed=1).genre == "country"  # by its instruments
    assert parse_style("dreamy, ethereal, floating", seed=1).genre == "ambient"  # by its moods
    assert parse_style("something nice", seed=1).genre == "pop"  # nothing to go by


def test_tempo_forms() -> None:
    from tunesmith.engines.composer.vocab.read import read_tempo

    for text in (
        "128 bpm",
        "bpm: 128",
        "BPM 128",
        "tempo 128",
        "tempo: 128",
        "128 beats per minute",
        "128bpm",
        "♩=128",
        "at a tempo of 128",
        "120-136 bpm",
    ):
        assert read_tempo(text.lower())[0] == 128, text
    assert read_tempo("released in 1998, 2 guitars")[0] is None
    bpm, note = read_tempo("300 bpm")
    assert bpm == 240 and note


def test_negations_split_off() -> None:
    from tunesmith.engines.composer.vocab.match import split_negations

    text, neg = split_negations(" pop, no drums or bass, without guitar but with strings, drumless ")
    assert neg == ["drums", "bass", "guitar", "drum"]
    assert "strings" in text and "drum" not in text
