"""How the `tunesmith` command talks to the operator: an OperatorError is one line on stderr and a non-zero
exit (its traceback only with --debug or TUNESMITH_DEBUG), and the log says what matters at start without
the libraries' chatter (Alembic's per-revision lines, uvicorn's start-up banner)."""

from __future__ import annotations

import logging
import os
import traceback
from collections.abc import Iterable
from typing import Any

import typer
from typer.core import TyperGroup

from tunesmith import logs
from tunesmith.startup.errors import OperatorError

EXIT_OPERATOR_ERROR = 1
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
# Libraries whose INFO lines repeat what Tunesmith says itself in one line.
QUIET_LOGGERS = ("alembic", "uvicorn.error")

_debug = False


def set_debug(on: bool) -> None:
    global _debug
    _debug = on


def debugging() -> bool:
    """--debug given, or TUNESMITH_DEBUG set to a true value (read raw: the settings may be what failed)."""
    return _debug or os.environ.get("TUNESMITH_DEBUG", "").strip().lower() in ("1", "true", "yes", "on")


class OperatorGroup(TyperGroup):
    """The command group that turns an OperatorError from any command into one line and exit status 1."""

    def invoke(self, ctx: Any) -> Any:  # Typer's Context class is private (its own copy of Click)
        try:
            return super().invoke(ctx)
        except OperatorError as exc:
            if debugging():
                traceback.print_exc()
            typer.echo(f"error: {exc.message}", err=True)
            raise typer.Exit(EXIT_OPERATOR_ERROR) from None


def setup_logging(debug: bool = False, log_format: str = "text", secrets: Iterable[str | None] = ()) -> None:
    """INFO (DEBUG with --debug) to stderr, as text or one JSON object a line (tunesmith.logs), the libraries'
    chatter held back unless debugging; `secrets` never appear in any line."""
    debug = debug or debugging()
    logging.basicConfig(level=logging.DEBUG if debug else logging.INFO, format=LOG_FORMAT)
    logs.add_secrets(secrets)
    for handler in logging.getLogger().handlers:
        logs.configure(handler, log_format, LOG_FORMAT)
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.DEBUG if debug else logging.WARNING)
