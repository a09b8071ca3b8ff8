"""Operations on an existing song are checked against it at submit: a bad point or span is never queued."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tunesmith.domain.errors import InvalidRequest
from tunesmith.domain.models import Clip
from tunesmith.domain.operations import OperationKind, SongRequest
from tunesmith.domain.states import ClipState
from tunesmith.service.tasks import check_against_source

NOW = datetime.now(UTC)


def song(seconds: float) -> Clip:
    return Clip(
        id="c1",
        task_id="t1",
        index=0,
        state=ClipState.COMPLETE,
        duration=seconds,
        created_at=NOW,
        updated_at=NOW,
    )


def test_continue_at_must_be_inside_the_song() -> None:
    check_against_source(SongRequest(kind=OperationKind.EXTEND, continue_at=59.9), song(60.0))
    for bad in (0.0, -1.0, 60.0, 75.0):
        with pytest.raises(InvalidRequest) as refused:
            check_against_source(SongRequest(kind=OperationKind.EXTEND, continue_at=bad), song(60.0))
        assert refused.value.field == "continueAt" and "60.00" in refused.value.message


def test_replace_section_span_rules() -> None:
    replace = OperationKind.REPLACE_SECTION
    check_against_source(SongRequest(kind=replace, span=(10.0, 20.0)), song(60.0))  # 10 s of 60
    check_against_source(SongRequest(kind=replace, span=(0.0, 30.0)), song(60.0))  # exactly half
    cases = {
        (10.0, 19.99): "at least 10",
        (0.0, 30.01): "at most half",
        (50.0, 61.0): "past the end",
        (20.0, 10.0): "greater than",
    }
    for span, words in cases.items():
        with pytest.raises(InvalidRequest, match=words):
            check_against_source(SongRequest(kind=replace, span=span), song(60.0))


def test_crop_only_needs_a_span_inside_the_song() -> None:
    check_against_source(SongRequest(kind=OperationKind.CROP, span=(1.0, 3.0)), song(60.0))
    with pytest.raises(InvalidRequest):
        check_against_source(SongRequest(kind=OperationKind.CROP, span=(59.0, 61.0)), song(60.0))
