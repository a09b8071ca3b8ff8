"""The listening socket, bound before anything else starts: a port in use is one clear line, and no worker or
engine process has been started that would have to be cleaned up. uvicorn then serves on this socket."""

from __future__ import annotations

import errno
import socket

from tunesmith.startup.errors import OperatorError

BACKLOG = 2048  # uvicorn's default


def bind(host: str, port: int) -> socket.socket:
    """A listening TCP socket on host:port (IPv6 when the host is an IPv6 address)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
        sock.listen(BACKLOG)
    except OSError as exc:
        sock.close()
        raise OperatorError(_explain(exc, host, port)) from None
    except OverflowError:
        sock.close()
        raise OperatorError(f"port {port} is out of range: use 1-65535 (--port or TUNESMITH_PORT)") from None
    sock.set_inheritable(True)
    return sock


def _explain(exc: OSError, host: str, port: int) -> str:
    where = f"{host}:{port}"
    if exc.errno == errno.EADDRINUSE:
        return (
            f"port {port} on {host} is already in use (another Tunesmith?): stop it, or use another (--port)"
        )
    if exc.errno == errno.EACCES:
        return (
            f"not allowed to listen on {where}: use a port above 1023 (--port), or run with the needed rights"
        )
    if exc.errno == errno.EADDRNOTAVAIL or isinstance(exc, socket.gaierror):
        return (
            f"cannot listen on {where}: {host} is not an address of this machine (--host or TUNESMITH_HOST)"
        )
    return f"cannot listen on {where}: {exc.strerror or exc}"
