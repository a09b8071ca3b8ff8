"""Slow and half-open clients are cut off at the connection level (tunesmith.api.slowclients), over real
sockets on loopback: 200 connections that send nothing, half their headers or half their body are answered
408 and closed by the deadline while ordinary requests keep working; oversized headers get 431; connections
past the cap get 503."""

from __future__ import annotations

import contextlib
import selectors
import socket
import time
from collections.abc import Iterator

import pytest

from tests.support.harness import ServiceHarness, settings_for_tests

DEADLINE = 1.5


@pytest.fixture(scope="module")
def guarded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServiceHarness]:
    settings = settings_for_tests(
        tmp_path_factory.mktemp("slow"), header_timeout_seconds=DEADLINE, body_timeout_seconds=DEADLINE
    )
    with ServiceHarness(settings, with_worker=False) as service:
        yield service


def connect(service: ServiceHarness, first: bytes = b"") -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", service.settings.port), timeout=10)
    if first:
        sock.sendall(first)
    return sock


def read_until_closed(socks: list[socket.socket], within: float) -> dict[socket.socket, bytes]:
    """What each socket receives until the server closes it (sockets still open after `within`: left out)."""
    got: dict[socket.socket, bytes] = {s: b"" for s in socks}
    closed: dict[socket.socket, bytes] = {}
    selector = selectors.DefaultSelector()
    for sock in socks:
        sock.setblocking(False)
        selector.register(sock, selectors.EVENT_READ)
    end = time.monotonic() + within
    while got and time.monotonic() < end:
        for key, _ in selector.select(timeout=0.2):
            sock = key.fileobj
            try:
                chunk = sock.recv(65536)  # type: ignore[union-attr]
            except ConnectionResetError:
                chunk = b""
            if chunk:
                got[sock] += chunk  # type: ignore[index]
            else:
                selector.unregister(sock)
                closed[sock] = got.pop(sock)  # type: ignore[arg-type]
    selector.close()
    return closed


def test_200_half_open_connections_are_closed_by_the_deadline(guarded: ServiceHarness) -> None:
    token = guarded.new_key()
    silent = [connect(guarded) for _ in range(100)]
    half_headers = [
        connect(guarded, b"GET /api/v1/generate/credit HTTP/1.1\r\nHost: x\r\n") for _ in range(50)
    ]
    short_body = [
        connect(
            guarded,
            b"POST /api/v1/generate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b"Authorization: Bearer " + token.encode() + b'\r\nContent-Length: 1000\r\n\r\n{"prompt": ',
        )
        for _ in range(50)
    ]
    opened = time.monotonic()
    every = silent + half_headers + short_body
    try:
        with guarded.client(token) as client:  # meanwhile, ordinary requests are answered
            for _ in range(5):
                reply = client.get("/api/v1/generate/credit")
                assert reply.status_code == 200 and reply.json()["data"] == 1000
        closed = read_until_closed(every, within=DEADLINE + 15)
        assert len(closed) == 200, f"{200 - len(closed)} connections still open"
        assert time.monotonic() - opened >= DEADLINE * 0.9  # closed by the deadline, not at once
        for answer in closed.values():
            assert answer.startswith(b"HTTP/1.1 408 "), answer[:80]
        with guarded.client(token) as client:
            assert client.get("/api/v1/generate/credit").status_code == 200
    finally:
        for sock in every:
            sock.close()


def test_a_kept_alive_connection_gets_the_deadline_for_its_next_request(guarded: ServiceHarness) -> None:
    token = guarded.new_key().encode()
    sock = connect(
        guarded,
        b"GET /api/v1/generate/credit HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token + b"\r\n\r\n",
    )
    try:
        first = sock.recv(65536)
        assert first.startswith(b"HTTP/1.1 200 "), first[:80]
        sock.sendall(b"GET /api/v1/generate/credit HTTP/1.1\r\n")  # ...and the rest never comes
        (answer,) = read_until_closed([sock], within=DEADLINE + 10).values()
        assert answer.startswith(b"HTTP/1.1 408 "), answer[:80]
    finally:
        sock.close()


def test_oversized_headers_are_refused_with_431(guarded: ServiceHarness) -> None:
    sock = connect(guarded)
    with contextlib.suppress(
        BrokenPipeError, ConnectionResetError
    ):  # it may close before the whole MB is sent
        sock.sendall(b"GET /api/v1/generate/credit HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 1_000_000)
    try:
        (answer,) = read_until_closed([sock], within=10).values()
        assert answer.startswith(b"HTTP/1.1 431 "), answer[:80]
    finally:
        sock.close()


def test_connections_past_the_cap_are_refused_with_503(tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings = settings_for_tests(tmp_path, max_connections=20)
    with ServiceHarness(settings, with_worker=False) as service:
        held = [connect(service) for _ in range(20)]
        extra: list[socket.socket] = []
        try:
            time.sleep(0.3)  # let the server register them
            extra = [connect(service) for _ in range(5)]
            refused = read_until_closed(extra, within=5)
            assert len(refused) == 5 and all(a.startswith(b"HTTP/1.1 503 ") for a in refused.values())
        finally:
            for sock in held + extra:
                sock.close()
        token = service.new_key()
        time.sleep(0.3)
        with service.client(token) as client:
            assert client.get("/api/v1/generate/credit").status_code == 200
