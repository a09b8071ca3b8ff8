"""A long-lived child process that runs engine jobs, so that engines can be CPU- or GPU-heavy, crash, or be
killed on timeout without taking the worker down.

The child is started with `spawn` (CUDA cannot be re-initialised after fork) once per slot, loads engines on
first use and keeps them warm. It reports the engine's ProgressSink calls back over a pipe; the parent owns
every database write. The child leads its own process group, so engines may start process pools of their own
and killing the slot (timeout, shutdown) takes the whole group down; if the parent dies (even kill -9) the
child notices and kills its group.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import signal
import threading
import time
import traceback
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any

from tunesmith.domain.errors import ServiceError
from tunesmith.domain.states import FailureCode, FailureKind
from tunesmith.engines.base import ClipResult, EngineError, EngineJob, ProgressSink, SongText

log = logging.getLogger(__name__)

Event = tuple[Any, ...]


class ChildDied(Exception):
    """The engine process exited without finishing its job."""


class _PipeSink(ProgressSink):
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def text(self, text: SongText) -> None:
        self.conn.send(("text", text))

    def streaming(self, index: int, filename: str) -> None:
        self.conn.send(("streaming", index, filename))

    def complete(self, index: int, result: ClipResult) -> None:
        self.conn.send(("complete", index, result))

    def progress(self, fraction: float) -> None:
        self.conn.send(("progress", float(fraction)))

    def result(self, files: dict[str, str], data: dict[str, Any] | None = None) -> None:
        self.conn.send(("result", dict(files), dict(data or {})))


def _watch_parent(parent_pid: int) -> None:
    while True:
        if os.getppid() != parent_pid:
            os.killpg(os.getpgrp(), signal.SIGKILL)
        time.sleep(0.5)


def _child_main(conn: Connection, parent_pid: int) -> None:
    from tunesmith.engines.registry import load_engine_class

    os.setpgrp()
    threading.Thread(target=_watch_parent, args=(parent_pid,), daemon=True, name="parent-watch").start()
    engines: dict[str, Any] = {}

    def engine_for(name: str) -> Any:
        if name not in engines:
            engine = load_engine_class(name)()
            engine.warm_up()
            engines[name] = engine
        return engines[name]

    try:
        serve_jobs(conn, engine_for)
    finally:
        # multiprocessing ends this process with os._exit after joining its children: without this, an
        # engine's process pool would keep it (and the worker's shutdown) waiting for ever.
        for engine in engines.values():
            with contextlib.suppress(Exception):
                engine.close()


def serve_jobs(conn: Connection, engine_for: Callable[[str], Any]) -> None:
    """The slot's job loop: warm engines, run jobs and report their events over `conn` until told to quit."""
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        kind = message[0]
        if kind == "quit":
            return
        if kind == "warm":
            try:
                engine_for(message[1])
                conn.send(("warm", True, ""))
            except Exception as exc:  # noqa: BLE001 - reported to the parent, who logs it
                conn.send(("warm", False, repr(exc)))
            continue
        _, engine_name, job = message
        try:
            engine_for(engine_name).run(job, _PipeSink(conn))
            conn.send(("done",))
        except EngineError as exc:
            conn.send(("error", exc.kind, exc.message, exc.code, exc.retryable))
        except ServiceError as exc:  # the engine refused the request itself: trying again cannot help
            conn.send(("error", FailureKind.GENERATE_AUDIO_FAILED, exc.message, FailureCode.REFUSED, False))
        except Exception as exc:  # noqa: BLE001 - an engine bug must fail the task, not the worker
            detail = traceback.format_exc(limit=6)
            conn.send(
                ("error", FailureKind.GENERATE_AUDIO_FAILED, f"engine error: {exc!r}", None, True, detail)
            )


class EngineProcess:
    """One slot's child process. Not thread-safe: one slot thread uses it."""

    def __init__(self, name: str = "engine") -> None:
        self.name = name
        self._ctx = multiprocessing.get_context("spawn")
        self._proc: multiprocessing.process.BaseProcess | None = None
        self._conn: Connection | None = None

    @property
    def alive(self) -> bool:
        return self._proc is not None and self._proc.is_alive()

    def ensure_started(self) -> None:
        if self.alive:
            return
        self.kill()
        parent_conn, child_conn = self._ctx.Pipe(duplex=True)
        # Not a daemon: engines may start process pools, which daemonic processes may not.
        proc = self._ctx.Process(target=_child_main, args=(child_conn, os.getpid()), name=self.name)
        proc.start()
        child_conn.close()
        self._proc, self._conn = proc, parent_conn

    def warm(self, engine_name: str, timeout: float = 120.0, cancel: threading.Event | None = None) -> bool:
        """Start the child and load an engine ahead of the first job; False if it failed or `cancel` was set
        (a worker stopping while its engines load need not wait for them)."""
        self.ensure_started()
        assert self._conn is not None
        self._conn.send(("warm", engine_name))
        deadline = time.monotonic() + timeout
        while not self._conn.poll(0.1):
            if time.monotonic() > deadline or (cancel is not None and cancel.is_set()):
                return False
        reply = self._conn.recv()
        if not reply[1]:
            log.warning("engine %s failed to load: %s", engine_name, reply[2])
        return bool(reply[1])

    def start_job(self, engine_name: str, job: EngineJob) -> None:
        self.ensure_started()
        assert self._conn is not None
        self._conn.send(("run", engine_name, job))

    def next_event(self, timeout: float) -> Event | None:
        """The next report from the engine, None after `timeout`; ChildDied if the process is gone."""
        assert self._conn is not None
        try:
            if self._conn.poll(timeout):
                return self._conn.recv()
        except (EOFError, OSError) as exc:
            raise self._died() from exc
        if not self.alive:
            raise self._died()
        return None

    def _died(self) -> ChildDied:
        """What the task's failure says when its engine process is gone: how it ended, and what to do."""
        if self._proc is not None:
            self._proc.join(1.0)  # reaped, so its exit status is known
        code = self.exitcode
        if code is not None and code < 0:
            try:
                how = f"was killed by {signal.Signals(-code).name}"
            except ValueError:
                how = f"was killed by signal {-code}"
        else:
            how = f"exited (status {code})"
        return ChildDied(
            f"the engine process {how} before the song was finished; submit the task again. If nobody "
            "stopped it, the machine most likely ran out of memory (see the system log, e.g. dmesg): give "
            "the worker more memory, run fewer tasks at once (TUNESMITH_WORKERS) or make shorter songs"
        )

    @property
    def exitcode(self) -> int | None:
        return self._proc.exitcode if self._proc is not None else None

    def kill(self) -> None:
        """Kill the child and everything it started (its process group)."""
        if self._proc is not None and self._proc.pid is not None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self._proc.pid, signal.SIGKILL)
            if self._proc.is_alive():
                self._proc.kill()
            self._proc.join(5)
        if self._conn is not None:
            self._conn.close()
        self._proc, self._conn = None, None

    def request_quit(self) -> None:
        """Ask the child to stop its engines and exit (close() then waits for it)."""
        if self._proc is not None and self._proc.is_alive() and self._conn is not None:
            with contextlib.suppress(OSError):
                self._conn.send(("quit",))

    def close(self, timeout: float = 5.0) -> None:
        """Stop the child: it exits by itself when idle (within ~0.5 s), else it is killed after `timeout`."""
        self.request_quit()
        if self._proc is not None:
            self._proc.join(timeout)
        self.kill()
