"""The fast layer for API tests: the real app and services, requests through the ASGI app in this process,
and the real worker whose engine slots run the real job loop in a thread instead of a child process.

What it leaves out is only the process boundary: no uvicorn, no sockets, no spawned engine processes. Use
it for what a request answers (shapes, validation, errors, states a task goes through); keep
tests.support.harness.ServiceHarness for what needs processes and sockets (kill -9, leases that expire,
engines that crash or hang, live streaming over HTTP, callbacks to a receiver, the CLI).

It has ServiceHarness's interface (`services`, `settings`, `base_url`, `client`, `new_key`, a context
manager), so a test module moves from one to the other by its fixture alone.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import threading
from typing import Any

from fastapi.testclient import TestClient

from tests.support.harness import TONE_ENGINE
from tunesmith.api.app import create_app
from tunesmith.engines.registry import load_engine_class
from tunesmith.runtime.executor import EngineProcess, serve_jobs
from tunesmith.services import Services, build_services, build_worker
from tunesmith.settings import Settings


class InlineEngineSlotForTests(EngineProcess):
    """A TEST DOUBLE engine slot: the worker's real job loop (runtime.executor.serve_jobs) over a real pipe,
    run in a thread of the test process. A job cannot be killed (a thread cannot be): engines that crash or
    hang on purpose belong to the real-process tests."""

    def __init__(self, name: str = "engine") -> None:
        super().__init__(name)
        self._thread: threading.Thread | None = None
        self._engines: dict[str, Any] = {}

    @property
    def alive(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    @property
    def exitcode(self) -> int | None:
        return None

    def ensure_started(self) -> None:
        if self.alive:
            return
        parent, child = multiprocessing.Pipe(duplex=True)
        self._thread = threading.Thread(target=self._serve, args=(child,), name=self.name, daemon=True)
        self._thread.start()
        self._conn = parent

    def _serve(self, conn: Any) -> None:
        try:
            serve_jobs(conn, self._engine_for)
        finally:
            conn.close()

    def _engine_for(self, name: str) -> Any:
        if name not in self._engines:
            engine = load_engine_class(name)()
            engine.warm_up()
            self._engines[name] = engine
        return self._engines[name]

    def request_quit(self) -> None:
        if self.alive and self._conn is not None:
            with contextlib.suppress(OSError):  # the loop may have ended since: its end of the pipe is closed
                self._conn.send(("quit",))

    def kill(self) -> None:
        """Stop taking jobs: the loop ends once the job in hand (if any) is over."""
        self.close()

    def close(self, timeout: float = 5.0) -> None:
        self.request_quit()
        if self._thread is not None:
            self._thread.join(timeout)
        if self._conn is not None:
            self._conn.close()
        self._thread, self._conn = None, None


class InProcessService:
    """The service in this process: the same services, app and worker as production, fed requests through
    Starlette's TestClient (an ASGI transport, no socket)."""

    def __init__(self, settings: Settings, *, with_worker: bool = True) -> None:
        self.settings = settings
        self.services: Services = build_services(settings)
        self.app = create_app(self.services)
        self.worker = (
            build_worker(self.services, settings, slot_factory=InlineEngineSlotForTests)
            if with_worker
            else None
        )

    @property
    def base_url(self) -> str:
        return self.settings.effective_public_url

    def start(self) -> InProcessService:
        if self.worker is not None:
            self.worker.start(warm=[TONE_ENGINE])
        return self

    def stop(self) -> None:
        if self.worker is not None:
            self.worker.stop(grace=2.0)
        self.services.close()

    def client(self, token: str | None = None) -> TestClient:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return TestClient(self.app, base_url=self.base_url, headers=headers, raise_server_exceptions=False)

    def new_key(self, credits: int = 1000) -> str:
        return self.services.keys.create(name="test", credits=credits).token

    def __enter__(self) -> InProcessService:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
