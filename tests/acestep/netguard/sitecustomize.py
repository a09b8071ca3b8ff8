"""TEST GUARD (tests only): loaded by every Python process started with this folder on PYTHONPATH and
ACESTEP_NETGUARD_LOG set. It records that it is armed, then refuses and records every IP connect, loopback
included (an engine process has no reason to open one: a local hub mirror or proxy would be a connect too),
so a test can prove that the engine process never touches the network."""

import os
import socket

_LOG = os.environ.get("ACESTEP_NETGUARD_LOG")

if _LOG:
    with open(_LOG, "a", encoding="utf-8") as _f:
        _f.write(f"armed {os.getpid()}\n")
    _real_connect = socket.socket.connect
    _real_connect_ex = socket.socket.connect_ex

    def _blocked(sock: socket.socket, address: object) -> bool:
        if sock.family not in (socket.AF_INET, socket.AF_INET6):
            return False
        with open(_LOG, "a", encoding="utf-8") as f:
            f.write(f"connect {os.getpid()} {address}\n")
        return True

    def _connect(self: socket.socket, address: object) -> None:
        if _blocked(self, address):
            raise OSError(f"network access refused by the test guard: {address}")
        _real_connect(self, address)

    def _connect_ex(self: socket.socket, address: object) -> int:
        if _blocked(self, address):
            return 111
        return _real_connect_ex(self, address)

    socket.socket.connect = _connect  # type: ignore[method-assign]
    socket.socket.connect_ex = _connect_ex  # type: ignore[method-assign]
