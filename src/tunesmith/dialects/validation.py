"""Turns pydantic / FastAPI request-validation errors into one clear InvalidRequest, for every dialect."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator
from pydantic_core import PydanticCustomError

from tunesmith.domain.errors import InvalidRequest


class RequestBody(BaseModel):
    """The base of every dialect's request body: unknown fields are ignored (clients send extras), a number
    must be finite (JSON has no NaN or infinity, but `1e999` parses as infinity and would overflow the
    arithmetic that follows), and text holds no NUL character."""

    model_config = ConfigDict(extra="ignore", allow_inf_nan=False)

    @field_validator("*", mode="after")
    @classmethod
    def _storable_text(cls, value: Any) -> Any:
        """No text may hold a NUL character (no song needs one, and PostgreSQL cannot store one) or a lone
        UTF-16 surrogate (JSON's `"\\ud800"` escape: no database, file or response can encode it as UTF-8)."""
        if _any_text(value, lambda text: "\x00" in text):
            raise PydanticCustomError("nul_character", "Input must not contain NUL (\\u0000) characters")
        if _any_text(value, _not_utf8):
            raise PydanticCustomError(
                "surrogate_character",
                "Input must be text that can be encoded as UTF-8: it holds a lone UTF-16 surrogate "
                "(\\ud800-\\udfff) that is not part of a pair",
            )
        return value


def _not_utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _any_text(value: Any, test: Callable[[str], bool]) -> bool:
    """Whether any string in `value` (nested lists, dicts and models included, keys too) passes `test`."""
    if isinstance(value, str):
        return test(value)
    if isinstance(value, list | tuple):
        return any(_any_text(item, test) for item in value)
    if isinstance(value, dict):
        return any(_any_text(k, test) or _any_text(v, test) for k, v in value.items())
    if isinstance(value, BaseModel):
        return any(_any_text(v, test) for v in value.__dict__.values())
    return False


def validation_error_to_invalid(exc: ValidationError | Sequence[dict[str, Any]]) -> InvalidRequest:
    """One InvalidRequest naming every offending field, from pydantic's or FastAPI's validation errors.

    FastAPI's RequestValidationError.errors() prefixes locations with "body"/"query" and reports unparseable
    JSON as type `json_invalid`; both are turned into plain words here.
    """
    errors = exc.errors() if isinstance(exc, ValidationError) else list(exc)
    if not errors:
        return InvalidRequest("The request is not valid.")
    parts: list[str] = []
    fields: list[str] = []
    for error in errors:
        field = _field(error.get("loc", ()))
        kind = error.get("type", "")
        if kind == "json_invalid":
            reason = (error.get("ctx") or {}).get("error") or error.get("msg", "")
            parts.append(f"request body is not valid JSON: {reason}")
            continue
        if field is None:
            parts.append(_body_message(kind, error))
            continue
        fields.append(field)
        if kind == "missing":
            parts.append(f"{field} is required")
        else:
            parts.append(f"{field}: {error.get('msg', 'invalid value')}{_got(error)}")
    return InvalidRequest("; ".join(parts), field=",".join(dict.fromkeys(fields)) or None)


def _field(loc: Sequence[Any]) -> str | None:
    """The field's dotted path without FastAPI's leading "body"/"query"; None for the body as a whole."""
    path = list(loc)
    if path and path[0] in ("body", "query", "path", "header"):
        path = path[1:]
    return ".".join(str(part) for part in path) or None


def _body_message(kind: str, error: Mapping[str, Any]) -> str:
    if kind == "missing":
        return "request body is required: a JSON object"
    if kind in ("model_attributes_type", "dict_type", "model_type"):
        return "request body must be a JSON object"
    return f"request body: {error.get('msg', 'invalid value')}"


def _got(error: Mapping[str, Any]) -> str:
    value = error.get("input")
    if isinstance(value, bool | int | float) or (isinstance(value, str) and len(value) <= 40):
        return f" (got {value!r})"
    return ""
