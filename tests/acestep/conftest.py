"""Fixtures for the acestep engine: tiny random checkpoints built once per session (never committed: the
saved format follows the installed transformers/diffusers), and a trip-wire that fails a test on any socket
connect the engine makes. Skipped as a whole where the acestep extra is not installed."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("diffusers", reason="the acestep extra is not installed (scripts/install.sh --acestep)")


@pytest.fixture(scope="session")
def tiny_checkpoint(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny AceStepPipeline checkpoint with the audio tokenizer (cover works), 8 kHz VAE."""
    from tunesmith.engines.acestep.random_checkpoint import build_tiny

    return build_tiny(tmp_path_factory.mktemp("acestep") / "tiny")


@pytest.fixture(scope="session")
def tiny_checkpoint_no_cover(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tunesmith.engines.acestep.random_checkpoint import build_tiny

    return build_tiny(tmp_path_factory.mktemp("acestep") / "tiny-no-cover", cover=False)


class NetworkTouched(AssertionError):
    pass


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[object]]:
    """Fail on any connect to a non-loopback address from this process (the engine in-process)."""
    attempts: list[object] = []
    real_connect = socket.socket.connect

    def guarded(self: socket.socket, address: object) -> object:
        host = address[0] if isinstance(address, tuple) else str(address)
        if self.family in (socket.AF_INET, socket.AF_INET6) and host not in ("127.0.0.1", "::1", "localhost"):
            attempts.append(address)
            raise NetworkTouched(f"the engine tried to connect to {address}")
        return real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)
    yield attempts
    assert not attempts, f"network connects attempted: {attempts}"
