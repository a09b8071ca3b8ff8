"""Operations on an existing song are checked against it at submit: a bad point or span is never queued."""

from __future__ import annotations

import pytest

from tunesmith.domain.errors import InvalidRequest
from tunesmith.domain.operations import OperationKind, SongRequest
from tunesmith.service.tasks import check_against_source


def test_continue_at_must_be_inside_the_song() -> None:
    check_against_source(SongRequest(kind=OperationKind.EXTEND, continue_at=59.9), 60.0)
    for bad in (0.0, -1.0, 60.0, 75.0):
        with pytest.raises(InvalidRequest) as refused:
            check_against_source(SongRequest(kind=OperationKind.EXTEND, continue_at=bad), 60.0)
        assert refused.value.field == "continueAt" and "60.00" in refused.value.message


def test_replace_section_span_rules() -> None:
    replace = OperationKind.REPLACE_SECTION
    check_against_source(SongRequest(kind=replace, span=(10.0, 20.0)), 60.0)  # 10 s, a sixth of the song
    check_against_source(SongRequest(kind=replace, span=(0.0, 30.0)), 60.0)  # exactly half
    cases = {(10.0, 19.99): "at least 10", (0.0, 30.01): "at most half", (50.0, 61.0): "inside",
             (20.0, 10.0): "inside"}
    for span, words in cases.items():
        with pytest.raises(InvalidRequest, match=words):
            check_against_source(SongRequest(kind=replace, span=span), 60.0)


def test_crop_only_needs_a_span_inside_the_song() -> None:
    check_against_source(SongRequest(kind=OperationKind.CROP, span=(1.0, 3.0)), 60.0)
    with pytest.raises(InvalidRequest):
        check_against_source(SongRequest(kind=OperationKind.CROP, span=(59.0, 61.0)), 60.0)
