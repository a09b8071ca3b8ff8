"""Runs the real service for tests: uvicorn on a free loopback port in a thread, plus a real Worker whose
engine processes run the tone test double. Clients talk to it over real HTTP."""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import uvicorn

from tunesmith.api.app import create_app
from tunesmith.domain.operations import MODEL_NAMES
from tunesmith.services import Services, build_services, build_worker
from tunesmith.settings import Settings
from tunesmith.startup.serving import server_config

TONE_ENGINE = "tests.support.tone_engine:ToneEngineForTests"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def composer_settings(data_dir: Path, **overrides: Any) -> Settings:
    """A service with the default engine configuration (the real composer), one worker, fast polling."""
    port = free_port()
    values: dict[str, Any] = dict(
        data_dir=data_dir,
        port=port,
        public_url=f"http://127.0.0.1:{port}",
        workers=1,
        lease_seconds=30,
        poll_interval_seconds=0.1,
    )
    values.update(overrides)
    return Settings(**values)


def settings_for_tests(data_dir: Path, **overrides: Any) -> Settings:
    port = overrides.pop("port", None) or free_port()
    values: dict[str, Any] = dict(
        data_dir=data_dir,
        host="127.0.0.1",
        port=port,
        public_url=f"http://127.0.0.1:{port}",
        models={m: TONE_ENGINE for m in MODEL_NAMES},
        default_engine=TONE_ENGINE,
        callback_allow=["127.0.0.1", "localhost"],
        callback_backoff_seconds=[0.2, 0.4, 0.8],
        lease_seconds=3.0,
        poll_interval_seconds=0.05,
        workers=1,
        shutdown_grace_seconds=5.0,
    )
    values.update(overrides)
    return Settings(**values)


class ServiceHarness:
    def __init__(self, settings: Settings, *, with_worker: bool = True) -> None:
        self.settings = settings
        self.services: Services = build_services(settings)
        self.app = create_app(self.services)
        config = server_config(self.app, settings, host="127.0.0.1", port=settings.port, log_level="warning")
        self.server = uvicorn.Server(config)
        self.worker = build_worker(self.services, settings) if with_worker else None
        self._thread = threading.Thread(target=self.server.run, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.settings.port}"

    def start(self) -> ServiceHarness:
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("server did not start")
            time.sleep(0.02)
        if self.worker is not None:
            self.worker.start(warm=[TONE_ENGINE])
        return self

    def stop(self) -> None:
        if self.worker is not None:
            self.worker.stop(grace=2.0)
        self.server.should_exit = True
        self._thread.join(10)
        self.services.close()

    def client(self, token: str | None = None) -> httpx.Client:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return httpx.Client(base_url=self.base_url, headers=headers, timeout=30)

    def new_key(self, credits: int = 1000) -> str:
        return self.services.keys.create(name="test", credits=credits).token

    def __enter__(self) -> ServiceHarness:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def wait_for(predicate, timeout: float = 30.0, interval: float = 0.1):  # type: ignore[no-untyped-def]
    """Poll `predicate` until it returns something truthy; return that, or fail after `timeout`."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout} s")
        time.sleep(interval)
