"""JSON encoding for responses that cannot fail on text.

A lone UTF-16 surrogate (JSON's `"\\ud800"`) parses into a Python str but cannot be encoded as UTF-8, so
orjson refuses it. Requests holding one are refused, but the refusal may quote the offending value (an id
that was not found, say): the renderer must still answer. Such characters are written as U+FFFD.
"""

from __future__ import annotations

from typing import Any

import orjson

REPLACEMENT = "\ufffd"


def scrub(value: Any) -> Any:
    """`value` with every string's lone surrogates replaced by U+FFFD (dict keys too)."""
    if isinstance(value, str):
        if not _bad(value):
            return value
        return "".join(REPLACEMENT if "\ud800" <= c <= "\udfff" else c for c in value)
    if isinstance(value, dict):
        return {scrub(k): scrub(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [scrub(item) for item in value]
    return value


def _bad(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def dumps(content: Any) -> bytes:
    """orjson's bytes for `content`; text that is not valid Unicode is scrubbed first instead of failing."""
    try:
        return orjson.dumps(content)
    except TypeError:
        return orjson.dumps(scrub(content))
