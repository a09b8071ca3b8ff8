"""kie.ai failure codes and messages, shared by the song renderer (render.py) and the song-operation
records (records.py); kept apart so that neither of those imports the other to learn them."""

from __future__ import annotations

from tunesmith.domain.models import Failure
from tunesmith.domain.states import FailureCode, FailureKind

# record-info `errorCode`: the seed's enum is 400/408/413, but kie's own failure example reports a generation
# failure as 501 (reference §3.3). We keep a specific seed code when the failure has one and use 501 for every
# other failure: clients branch on `status`, and 501 is what they already see from kie for the same case.
# 451 is kie's code for an input URL it could not fetch (reference §3.4): only upload tasks fail with it.
RECORD_ERROR_CODES = frozenset({400, 408, 413, 451})
# Callback `code` values kie documents (reference §3.5).
CALLBACK_ERROR_CODES = frozenset({400, 408, 413, 451, 500, 501, 531})
GENERATION_FAILED_CODE = 501
TIMEOUT_CODE = 408
MODERATION_CODE = 400

# The domain's failure codes in kie's words; any other code (a relayed kie task's own) is kie's already.
_KIE_CODES: dict[int, int] = {
    FailureCode.REFUSED: 400,
    FailureCode.TIMED_OUT: TIMEOUT_CODE,
    FailureCode.SOURCE_UNREADABLE: 451,
    FailureCode.GENERATION_FAILED: GENERATION_FAILED_CODE,
}
_DEFAULT_FAILURE = "Generation failed, please try again."


def error_code(failure: Failure | None, allowed: frozenset[int]) -> int:
    """The failure's own code when kie knows it in this place, else the code its kind implies."""
    if failure is not None and failure.kind is FailureKind.TIMEOUT:
        return TIMEOUT_CODE
    if failure is not None and failure.code is not None:
        code = _KIE_CODES.get(failure.code, failure.code)
        if code in allowed:
            return code
    if failure is not None and failure.kind is FailureKind.SENSITIVE_WORD_ERROR:
        return MODERATION_CODE
    return GENERATION_FAILED_CODE


def failure_message(failure: Failure | None) -> str:
    return failure.message if failure and failure.message else _DEFAULT_FAILURE
