"""Checks on the operator's settings before they are used: the TOML file exists and parses, and every setting
named in it or in a TUNESMITH_* variable is one Tunesmith knows (a misspelt one is refused, naming the closest
known key, instead of silently not applying). The known names come from the Settings model itself, so a new
setting is known the moment it is added there."""

from __future__ import annotations

import difflib
import tomllib
from collections.abc import Callable, Collection, Iterable, Mapping
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from tunesmith.startup.errors import OperatorError

ENV_PREFIX = "TUNESMITH_"
# Variables with the prefix that are not settings: the test suite's own (TUNESMITH_TEST_PG_URL, ...).
ENV_NOT_SETTINGS = ("TUNESMITH_TEST_",)
# Settings whose values may hold secrets (the relay channels' upstream keys): an error never repeats them.
SECRET_INPUTS = frozenset({"relay_channels", "moderation_key"})


def closest(name: str, known: Iterable[str]) -> str | None:
    """The known name `name` was most likely meant to be, if any is close."""
    matches = difflib.get_close_matches(name, list(known), n=1, cutoff=0.6)
    return matches[0] if matches else None


def _did_you_mean(name: str, known: Iterable[str], spell: Callable[[str], str] = str) -> str:
    match = closest(name, known)
    return f" (did you mean {spell(match)}?)" if match else ""


def read_toml(path: Path, source: str) -> dict[str, Any]:
    """The TOML file's values; `source` says where its name came from, for the message when it is missing."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise OperatorError(f"config file {path} not found (given by {source})") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise OperatorError(f"config file {path} cannot be read: {exc}") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise OperatorError(f"config file {path} is not valid TOML: {exc}") from None


def check_toml_keys(values: Mapping[str, Any], path: Path, known: Collection[str]) -> None:
    """Refuse a key in the TOML file that is not a setting."""
    for key in values:
        if key not in known:
            hint = _did_you_mean(key, known, repr)
            raise OperatorError(f"unknown setting {key!r} in config file {path}{hint}")


def check_env_names(environ: Mapping[str, str], known: Collection[str]) -> None:
    """Refuse a TUNESMITH_* variable that names no setting (TUNESMITH_WOKERS=3 would silently not apply)."""
    for variable in sorted(environ):
        if not variable.startswith(ENV_PREFIX) or variable.startswith(ENV_NOT_SETTINGS):
            continue
        name = variable[len(ENV_PREFIX) :].lower()
        if name not in known:
            hint = _did_you_mean(name, known, lambda match: ENV_PREFIX + match.upper())
            raise OperatorError(f"unknown setting in the environment: {variable}{hint}")


def describe_invalid(exc: ValidationError, toml_path: Path | None) -> str:
    """One line for pydantic's errors: which setting, where it may have come from, and what is wrong."""
    parts = []
    for error in exc.errors():
        loc = [str(part) for part in error["loc"]]
        name = loc[0] if loc else "?"
        where = f"{ENV_PREFIX}{name.upper()}" + (f", or {name} in {toml_path}" if toml_path else "")
        detail = f"{'.'.join(loc[1:])}: " if len(loc) > 1 else ""
        given = error.get("input")
        visible = isinstance(given, str | int | float) and name not in SECRET_INPUTS
        shown = f" (got {given!r})" if visible else ""
        parts.append(f"setting {name!r} ({where}): {detail}{error['msg']}{shown}")
    return "; ".join(parts)
