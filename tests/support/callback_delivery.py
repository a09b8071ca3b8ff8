"""Callback delivery's test kit: a real HTTP receiver on loopback (it answers with queued status codes, after
a delay if set; TLS optional), a migrated SQLite store with tasks for callbacks to belong to, kie-shaped
payloads and senders with short timeouts. Shared by the callback tests and the callback lease hardening tests;
`receiver` and `store` are fixtures (a test module imports them)."""

from __future__ import annotations

import contextlib
import json
import ssl
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from tunesmith.domain.models import Task
from tunesmith.domain.operations import OperationKind, SongRequest
from tunesmith.runtime.callbacks import CallbackSender
from tunesmith.store.migrate import upgrade
from tunesmith.store.sql import SqlStore

# ── a loopback receiver ───────────────────────────────────────────────────────────────────────────────────


@dataclass
class Received:
    path: str
    headers: httpx.Headers
    body: bytes

    @property
    def json(self) -> dict:
        return json.loads(self.body)


@dataclass
class Receiver:
    """A real HTTP server: answers with the queued status codes (then 200), optionally after a delay."""

    statuses: list[int] = field(default_factory=list)
    delay_s: float = 0.0
    location: str | None = None
    received: list[Received] = field(default_factory=list)
    port: int = 0

    def url(self, path: str = "/cb", host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"


def start_receiver(ssl_context: ssl.SSLContext | None = None) -> tuple[Receiver, ThreadingHTTPServer]:
    """A running receiver (its state, and the server to shut down), serving TLS with `ssl_context`."""
    state = Receiver()
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - the http.server naming
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            with lock:
                state.received.append(Received(self.path, httpx.Headers(list(self.headers.items())), body))
                status = state.statuses.pop(0) if state.statuses else 200
            if state.delay_s:
                time.sleep(state.delay_s)
            self.send_response(status)
            if state.location and 300 <= status < 400:
                self.send_header("Location", state.location)
            self.send_header("Content-Length", "2")
            self.end_headers()
            with contextlib.suppress(OSError):  # the sender may have given up waiting
                self.wfile.write(b"ok")

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    if ssl_context is not None:
        server.socket = ssl_context.wrap_socket(server.socket, server_side=True)
    server.daemon_threads = True
    state.port = server.server_address[1]
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    return state, server


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    state, server = start_receiver()
    yield state
    server.shutdown()
    server.server_close()


# ── the store ─────────────────────────────────────────────────────────────────────────────────────────────


@pytest.fixture
def store(tmp_path) -> Iterator[SqlStore]:
    """The real store, migrated, on a fresh SQLite file: each test sees only its own deliveries."""
    url = f"sqlite:///{tmp_path / 'tunesmith.db'}"
    upgrade(url)
    sql_store = SqlStore(url)
    yield sql_store
    sql_store.close()


def new_task(store: SqlStore) -> str:
    """A stored task for callbacks to belong to."""
    key = store.create_key(name="cb", key_hash=uuid.uuid4().hex, prefix="sk-cb", credits=0, unlimited=True)
    now = datetime.now(UTC)
    task = Task(
        id=uuid.uuid4().hex,
        key_id=key.id,
        operation=OperationKind.GENERATE,
        request=SongRequest(),
        dialect="kie",
        raw_request="{}",
        engine="composer",
        created_at=now,
        updated_at=now,
    )
    return store.submit_task(task).id


def payload(task_id: str, stage: str) -> dict:
    """A kie callback body for `stage` of `task_id`."""
    return {"code": 200, "msg": "ok", "data": {"callbackType": stage, "task_id": task_id, "data": []}}


def sender(store, **kwargs) -> CallbackSender:
    """A sender allowed to post to loopback, quick to time out; `kwargs` override its options."""
    options = {"worker_id": "w1", "allow": ["127.0.0.1"], "timeout_s": 5.0, "backoff_s": (5,)}
    return CallbackSender(store, **(options | kwargs))


def later(seconds: float) -> datetime:
    """`seconds` from now (a sender's `now`, to step over leases and backoff without waiting)."""
    return datetime.now(UTC) + timedelta(seconds=seconds)
