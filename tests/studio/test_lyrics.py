"""Lyrics variants for a prompt, in the shape the lyrics record reports."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.studio_ops import run_op
from tunesmith.domain.operations import OperationKind
from tunesmith.engines.base import EngineError


def test_variants_for_a_prompt(tmp_path: Path) -> None:
    files, data = run_op(
        OperationKind.LYRICS, tmp_path, None, description="a song about the first snow in Beijing"
    )
    assert files == {}
    variants = data["lyrics"]
    assert len(variants) == 2 and len({v["title"] for v in variants}) == 2
    for v in variants:
        assert v["status"] == "complete" and v["title"] and "[" in v["text"] and len(v["text"].split()) > 20
    three = run_op(OperationKind.LYRICS, tmp_path, None, description="夏天的海边", extra={"count": 3})[1]
    assert len(three["lyrics"]) == 3


def test_empty_prompt_fails_as_lyrics_failure(tmp_path: Path) -> None:
    with pytest.raises(EngineError) as err:
        run_op(OperationKind.LYRICS, tmp_path, None, description="   ")
    assert err.value.kind.value == "GENERATE_LYRICS_FAILED"
