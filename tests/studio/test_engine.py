"""The studio engine offers every derived operation and refuses the ones without a source up front."""

from __future__ import annotations

import pytest

from tunesmith.domain.errors import InvalidRequest
from tunesmith.domain.operations import DERIVED_OPERATIONS, OperationKind, SongRequest
from tunesmith.engines.studio.engine import StudioEngine


def test_every_derived_operation_is_registered() -> None:
    assert StudioEngine.operations == DERIVED_OPERATIONS


def test_check_needs_a_source_except_for_lyrics() -> None:
    with pytest.raises(InvalidRequest):
        StudioEngine().check(SongRequest(kind=OperationKind.VIDEO))
    StudioEngine().check(SongRequest(kind=OperationKind.LYRICS, description="rain"))
    StudioEngine().check(SongRequest(kind=OperationKind.COVER_ART, source_task_id="t1"))
