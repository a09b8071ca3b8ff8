"""Ctrl-C (SIGINT) and SIGTERM for `tunesmith serve` and `tunesmith worker`, from their first line to their
last, so a stop signal is never lost however early it comes.

Without this, a signal that came after Python's default handler had been replaced but before uvicorn put
its own in place (seconds, on a loaded machine: creating the app, starting the workers, uvicorn's start-up)
did nothing, and the server kept running. Here the first signal is always recorded: the command checks
`requested` between its start-up steps and stops instead of going on; while uvicorn is being started it sets
the server's `should_exit`, which uvicorn honours as soon as it has started. The next signal does what
`on_again` says (cut the running tasks' grace short; before there is a worker, stop at once).

uvicorn takes the signals itself while it serves; once stopped it restores these handlers and raises the
signal it took again: that one, arriving while `serving`, only confirms the stop.
"""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any

log = logging.getLogger(__name__)

SIGNALS = (signal.SIGINT, signal.SIGTERM)


def _at_once() -> None:
    raise KeyboardInterrupt


class StopSignals:
    """The command's SIGINT/SIGTERM handler (install it from the main thread)."""

    def __init__(self) -> None:
        self.requested = threading.Event()
        self._server: Any = None  # the uvicorn.Server being run, inside `serving`
        self._again: Callable[[], None] = _at_once

    def install(self) -> StopSignals:
        for sig in SIGNALS:
            signal.signal(sig, self._handle)
        return self

    def on_again(self, act: Callable[[], None]) -> None:
        """What a signal after the first does (e.g. the worker's `hurry`)."""
        self._again = act

    @contextmanager
    def serving(self, server: Any) -> Iterator[None]:
        """Around `server.run()`: a signal before uvicorn's own handlers are in place stops the server as
        soon as it has started (and one already received stops it at once)."""
        self._server = server
        if self.requested.is_set():
            server.should_exit = True
        try:
            yield
        finally:
            self._server = None

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        server = self._server
        if server is not None:  # uvicorn is starting (its handlers not yet in place) or has just stopped
            server.should_exit = True
            self.requested.set()
            return
        if self.requested.is_set():
            self._again()
            return
        self.requested.set()
        log.info("%s received: stopping", signal.Signals(signum).name)
