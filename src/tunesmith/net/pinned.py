"""Requests pinned to an address the URL guard checked, so DNS cannot change between check and connect.

:func:`tunesmith.net.urlguard.resolve_and_check` gives the permitted addresses of a URL's host; a request is
then sent to one of them: the URL's host is replaced by that IP, the ``Host`` header keeps the name and, for
https, the TLS SNI and certificate check use the name (httpcore's ``sni_hostname`` extension). No second
lookup happens, so DNS rebinding cannot redirect the request.

The client :func:`pinned_client` builds follows no redirects (each hop must be checked and pinned again),
ignores environment proxies (``trust_env=False``) and reuses no connection (a pooled TLS connection to one IP
must not carry another name's request).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx

from tunesmith.net.urlguard import Target


@dataclass(frozen=True)
class PinnedRequest:
    """Where to send a request for `target` so that it reaches `address`: the URL, headers and extensions."""

    url: httpx.URL
    headers: dict[str, str]
    extensions: dict[str, Any] = field(default_factory=dict)


def pin(target: Target, address: str) -> PinnedRequest:
    """The request for `target` sent to `address` (one of the addresses the guard permitted)."""
    # TLS must verify the name the client gave, not the IP we connect to.
    extensions = {"sni_hostname": target.host} if target.scheme == "https" and target.ip is None else {}
    return PinnedRequest(
        url=httpx.URL(target.url).copy_with(host=address),
        headers={"Host": target.host_header},
        extensions=extensions,
    )


def pinned_client(
    timeout: float | httpx.Timeout,
    *,
    transport: httpx.BaseTransport | None = None,
    headers: Mapping[str, str] | None = None,
) -> httpx.Client:
    """An httpx client for pinned requests: no redirects, no proxies from the environment, no pooling."""
    return httpx.Client(
        transport=transport
        or httpx.HTTPTransport(retries=0, limits=httpx.Limits(max_keepalive_connections=0)),
        timeout=timeout if isinstance(timeout, httpx.Timeout) else httpx.Timeout(timeout),
        follow_redirects=False,
        trust_env=False,
        headers=dict(headers or {}),
    )
