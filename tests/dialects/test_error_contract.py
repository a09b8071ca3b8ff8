"""Every dialect answers every service error class with a deliberate status and a well-formed envelope.

The dialects and the error classes are discovered, not listed: a new dialect without an envelope check here,
or a new error class some dialect's table forgets (it would fall through to 500), fails this test.
"""

from __future__ import annotations

import importlib
import json
import pkgutil
from collections.abc import Callable, Iterator
from typing import Any

import pytest

import tunesmith.dialects
from tunesmith.dialects.base import Dialect
from tunesmith.dialects.kie.errors import KIE_UNAUTHORIZED
from tunesmith.dialects.openai_chat import GenerationFailed
from tunesmith.dialects.zeakai import ERROR_CODES as ZEAKAI_CODES
from tunesmith.domain.errors import ContentRefused, ServiceError, Unauthorized

MESSAGE = "Something specific went wrong"
FIELD = "prompt"


def _import_all() -> None:
    """Every dialect module, and the app (routes, services, URL guard), so that every error class exists."""
    for module in pkgutil.walk_packages(tunesmith.dialects.__path__, "tunesmith.dialects."):
        importlib.import_module(module.name)
    importlib.import_module("tunesmith.api.app")
    importlib.import_module("tunesmith.net.urlguard")


def _subclasses(cls: type) -> Iterator[type]:
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


_import_all()
DIALECTS = sorted({cls for cls in _subclasses(Dialect) if cls.__module__.startswith("tunesmith.")}, key=str)
ERRORS = sorted(
    {cls for cls in _subclasses(ServiceError) if cls.__module__.startswith("tunesmith.")} | {ServiceError},
    key=str,
)
# Classes that report the server's own failure: 500 is their meaning, not a missing table entry.
SERVER_FAILURES = {ServiceError, GenerationFailed}


def _error(cls: type[ServiceError]) -> ServiceError:
    err = cls(MESSAGE)
    err.field = FIELD
    return err


def _kie(err: ServiceError, status: int, body: dict[str, Any]) -> None:
    assert body == {"code": status, "msg": err.message, "data": None}


def _native(err: ServiceError, status: int, body: dict[str, Any]) -> None:
    assert body == {"error": {"code": type(err).__name__, "message": MESSAGE, "field": FIELD}}


def _gcui(err: ServiceError, status: int, body: dict[str, Any]) -> None:
    assert body == {"error": MESSAGE}


def _newapi(err: ServiceError, status: int, body: dict[str, Any]) -> None:
    assert set(body) == {"code", "message", "data"}
    assert isinstance(body["code"], str) and body["code"] not in ("", "success")
    assert (body["message"], body["data"]) == (MESSAGE, None)


def _zeakai(err: ServiceError, status: int, body: dict[str, Any]) -> None:
    assert body["code"] in ZEAKAI_CODES
    assert {k: v for k, v in body.items() if k != "code"} == {
        "description": MESSAGE,
        "result": None,
        "properties": {},
    }


def _openai(err: ServiceError, status: int, body: dict[str, Any]) -> None:
    assert set(body) == {"error"}
    error = body["error"]
    assert set(error) == {"message", "type", "param", "code"}
    # A chat's texts are its messages: the chat dialect names them as the param of a content refusal.
    chat_refusal = isinstance(err, ContentRefused) and error["type"] == "invalid_request_error"
    expected_param = "messages" if chat_refusal and error["code"] == "content_policy_violation" else FIELD
    assert (error["message"], error["param"]) == (MESSAGE, expected_param)
    assert isinstance(error["type"], str) and error["type"]
    assert isinstance(error["code"], str) and error["code"]


ENVELOPES: dict[str, Callable[[ServiceError, int, dict[str, Any]], None]] = {
    "kie": _kie,
    "native": _native,
    "gcui": _gcui,
    "newapi": _newapi,
    "zeakai": _zeakai,
    "openai_chat": _openai,
    "qhaigc": _openai,
}


def test_discovery_found_the_dialects_and_errors() -> None:
    assert len(DIALECTS) >= 7 and len(ERRORS) >= 12
    assert {d.name for d in DIALECTS} == set(ENVELOPES), "every dialect needs an envelope check here"


@pytest.mark.parametrize("dialect_cls", DIALECTS, ids=lambda d: d.name)
@pytest.mark.parametrize("error_cls", ERRORS, ids=lambda e: e.__name__)
def test_every_dialect_renders_every_error(dialect_cls: type[Dialect], error_cls: type[ServiceError]) -> None:
    err = _error(error_cls)
    status, body = dialect_cls().render_error(err)
    if error_cls in SERVER_FAILURES:
        assert status == 500
    else:
        assert 400 <= status < 600 and status != 500, f"{error_cls.__name__} falls through to {status}"
    json.dumps(body)  # plain JSON
    ENVELOPES[dialect_cls.name](err, status, body)


def test_a_more_specific_class_wins_whatever_the_row_order() -> None:
    from tunesmith.dialects.base import ErrorTable
    from tunesmith.domain.errors import Expired, InvalidRequest, NotFound, PayloadTooLarge

    table = ErrorTable[int]({InvalidRequest: 400, PayloadTooLarge: 413, NotFound: 404}, default=500)
    assert table.lookup(PayloadTooLarge()) == 413
    assert table.lookup(InvalidRequest()) == 400
    assert table.lookup(Expired()) == 404  # no row of its own: its parent's
    assert table.lookup(ServiceError()) == 500


def test_kie_keeps_its_own_words_for_a_missing_key() -> None:
    from tunesmith.dialects.kie import KieDialect

    status, body = KieDialect().render_error(Unauthorized())
    assert (status, body["msg"]) == (401, KIE_UNAUTHORIZED)
