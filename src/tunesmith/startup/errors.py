"""The one exception for an operator's mistake: the CLI shows its message as one line and exits non-zero."""

from __future__ import annotations


class OperatorError(Exception):
    """A mistake in how Tunesmith was configured or started, not a bug: `message` says what is wrong and what
    to do, and is all the operator sees (the traceback only with `tunesmith --debug`)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
