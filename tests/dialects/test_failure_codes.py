"""The domain's failure codes (runtime and engines say why a task failed in these) in kie's numbers."""

from __future__ import annotations

import pytest

from tunesmith.dialects.kie.failures import CALLBACK_ERROR_CODES, RECORD_ERROR_CODES, error_code
from tunesmith.domain.models import Failure
from tunesmith.domain.states import FailureCode, FailureKind

# (domain code, kie record-info errorCode, kie callback code); reference §3.3-3.5.
KIE = {
    FailureCode.REFUSED: (400, 400),
    FailureCode.TIMED_OUT: (408, 408),
    FailureCode.SOURCE_UNREADABLE: (451, 451),
    FailureCode.GENERATION_FAILED: (501, 501),
}


def test_every_domain_code_has_a_kie_number() -> None:
    assert set(KIE) == set(FailureCode)


@pytest.mark.parametrize("code", list(FailureCode), ids=lambda c: c.name)
def test_kie_numbers_of_each_domain_code(code: FailureCode) -> None:
    failure = Failure(kind=FailureKind.CREATE_TASK_FAILED, message="why", code=code)
    record, callback = KIE[code]
    assert error_code(failure, RECORD_ERROR_CODES) == record
    assert error_code(failure, CALLBACK_ERROR_CODES) == callback
    assert type(error_code(failure, CALLBACK_ERROR_CODES)) is int  # plain JSON numbers


def test_an_upstream_code_passes_through_and_none_falls_back() -> None:
    relayed = Failure(kind=FailureKind.GENERATE_AUDIO_FAILED, message="upstream", code=531)
    assert error_code(relayed, CALLBACK_ERROR_CODES) == 531
    assert error_code(relayed, RECORD_ERROR_CODES) == 501
    plain = Failure(kind=FailureKind.GENERATE_AUDIO_FAILED, message="no code")
    assert error_code(plain, CALLBACK_ERROR_CODES) == 501
