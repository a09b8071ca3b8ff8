"""The guard on URLs the service will call on a client's behalf (callBackUrl and friends).

A callback URL is chosen by the client, so without a guard it is a server-side request forgery: a client could
make Tunesmith POST to the cloud metadata service (169.254.169.254), to a database admin port on localhost, or
to anything on the private network. The guard refuses any host that *is* or *resolves to* a non-public
address, whatever spelling it hides behind (``2130706433``, ``0x7f.1``, ``[::ffff:127.0.0.1]``,
``localhost.``); an IPv6 form that carries an IPv4 address (mapped, SIIT, NAT64, 6to4, Teredo) is judged by
the IPv4 address it reaches.

Two moments use it:

* at submit time, :func:`check_callback_url` validates and normalizes the URL. A name that does not resolve is
  accepted there, because clients often send placeholder callback URLs and poll instead;
* at delivery time, :func:`resolve_and_check` resolves the host again and returns the permitted addresses, so
  the sender can connect to exactly those (DNS may have changed since submit: DNS rebinding).

The ``allow`` list (host names, IPs or CIDRs) lets tests and private deployments reach internal receivers.
"""

from __future__ import annotations

import functools
import ipaddress
import re
import socket
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from tunesmith.domain.errors import InvalidRequest

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
Resolver = Callable[[str, int], Iterable[str]]

MAX_URL_LENGTH = 2048
SCHEMES = ("http", "https")
_DEFAULT_PORTS = {"http": 80, "https": 443}


class CallbackUrlRefused(InvalidRequest):
    """The URL is malformed or points somewhere the service must not call."""


class HostNotResolved(InvalidRequest):
    """The URL's host name does not resolve (now); a later attempt may succeed."""


# Names that reach instance metadata services or the host itself without any address trickery.
METADATA_NAMES = frozenset(
    {
        "metadata",
        "metadata.google.internal",
        "metadata.goog",
        "instance-data",
        "instance-data.ec2.internal",
        "metadata.azure.internal",
        "metadata.tencentyun.com",
        "metadata.platformequinix.com",
    }
)
_NAME_SUFFIXES = ((".localhost", "a loopback name"), (".internal", "an internal name"))


def _nets(*pairs: tuple[str, str]) -> tuple[tuple[IPNetwork, str], ...]:
    return tuple((ipaddress.ip_network(cidr), reason) for cidr, reason in pairs)


_PRIVATE, _RESERVED = "a private address", "a reserved address"
# Order matters only for the wording: the first match gives the reason.
_V4_REFUSED = _nets(
    ("0.0.0.0/8", "an unspecified address"),
    ("10.0.0.0/8", _PRIVATE),
    ("100.64.0.0/10", "a carrier-grade NAT address"),
    ("127.0.0.0/8", "a loopback address"),
    ("169.254.0.0/16", "a link-local address"),
    ("172.16.0.0/12", _PRIVATE),
    ("192.0.0.0/24", _RESERVED),
    ("192.0.2.0/24", _RESERVED),
    ("192.168.0.0/16", _PRIVATE),
    ("198.18.0.0/15", _RESERVED),
    ("198.51.100.0/24", _RESERVED),
    ("203.0.113.0/24", _RESERVED),
    ("224.0.0.0/4", "a multicast address"),
    ("240.0.0.0/4", _RESERVED),
)
_V6_REFUSED = _nets(
    ("::/128", "an unspecified address"),
    ("::1/128", "a loopback address"),
    ("::/96", _RESERVED),  # deprecated IPv4-compatible addresses
    ("64:ff9b:1::/48", _PRIVATE),  # local-use NAT64
    ("100::/64", _RESERVED),
    ("2001:db8::/32", _RESERVED),
    ("2001::/23", _RESERVED),  # IETF protocol assignments, Teredo included
    ("fc00::/7", _PRIVATE),
    ("fe80::/10", "a link-local address"),
    ("fec0::/10", _PRIVATE),  # deprecated site-local
    ("ff00::/8", "a multicast address"),
)
# IPv6 ranges whose last 32 bits are an IPv4 address that a translator on the path reaches (RFC 6052, 7915,
# 8215): what gets reached is the IPv4 address, so it must pass the IPv4 rules.
_V4_IN_LOW_BITS = (
    (ipaddress.ip_network("::ffff:0:0/96"), "IPv4-mapped"),  # caught by ipv4_mapped; here for completeness
    (ipaddress.ip_network("::ffff:0:0:0/96"), "IPv4-translated (SIIT)"),
    (ipaddress.ip_network("64:ff9b::/96"), "NAT64"),
    (ipaddress.ip_network("64:ff9b:1::/48"), "local-use NAT64"),
    (ipaddress.ip_network("::/96"), "IPv4-compatible"),
)


def _embedded_v4(ip: ipaddress.IPv6Address) -> tuple[ipaddress.IPv4Address, str] | None:
    """The IPv4 address an IPv6 address stands for (mapped, SIIT, NAT64, 6to4, Teredo): that is what gets
    reached. Teredo gives the client's address (the server's is checked by the caller too)."""
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped, "IPv4-mapped"
    if ip.sixtofour is not None:
        return ip.sixtofour, "6to4"
    if ip.teredo is not None:
        return ip.teredo[1], "Teredo"
    if int(ip) < 2**16:  # ::, ::1 and the like are IPv6's own, not IPv4 forms
        return None
    for network, how in _V4_IN_LOW_BITS:
        if ip in network:
            return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF), how
    return None


def refusal_reason(ip: IPAddress) -> str | None:
    """Why `ip` may not be called (e.g. "a private address"), or None for a public address."""
    if isinstance(ip, ipaddress.IPv6Address):
        ip = ip if ip.scope_id is None else ipaddress.IPv6Address(str(ip).split("%", 1)[0])
        embedded = _embedded_v4(ip)
        if embedded is not None:
            v4, how = embedded
            inner = refusal_reason(v4)
            if inner is None and ip.teredo is not None:
                v4, inner = ip.teredo[0], refusal_reason(ip.teredo[0])
            if inner is not None:
                article = "an" if how[0] in "AEIOU" else "a"
                return f"{article} {how} form of {v4}, {inner}"
            if how == "IPv4-mapped" or how == "NAT64" or how == "6to4":
                return None  # a public IPv4 address, reached through a public translation
        table = _V6_REFUSED
    else:
        table = _V4_REFUSED
    for network, reason in table:
        if ip in network:
            return reason
    return None if ip.is_global else "not a public address"  # a backstop for ranges the tables miss


# ── the allow list ────────────────────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class _Allow:
    names: frozenset[str]
    networks: tuple[IPNetwork, ...]

    def permits_ip(self, ip: IPAddress) -> bool:
        candidates = [ip]
        if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
            candidates.append(ip.ipv4_mapped)
        return any(c.version == n.version and c in n for c in candidates for n in self.networks)


@functools.lru_cache(maxsize=64)
def _compile_allow(entries: tuple[str, ...]) -> _Allow:
    names: set[str] = set()
    networks: list[IPNetwork] = []
    for raw in entries:
        entry = raw.strip().lower().rstrip(".")
        if not entry:
            continue
        try:
            networks.append(ipaddress.ip_network(entry.strip("[]"), strict=False))
        except ValueError:
            names.add(entry)
    return _Allow(frozenset(names), tuple(networks))


# ── parsing ───────────────────────────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class Target:
    """A parsed, normalized URL: `host` is lower-case ASCII, an IP literal in canonical form."""

    url: str
    scheme: str
    host: str
    port: int
    ip: IPAddress | None

    @property
    def host_header(self) -> str:
        """The Host header value a request to this URL carries (default port left out)."""
        host = f"[{self.host}]" if self.ip is not None and self.ip.version == 6 else self.host
        return host if self.port == _DEFAULT_PORTS[self.scheme] else f"{host}:{self.port}"


_HOST_CHARS = re.compile(r"[a-z0-9_-]+(\.[a-z0-9_-]+)*")
_NUMERIC_LABEL = re.compile(r"0x[0-9a-f]*|[0-9]+")


def _refuse(field: str, why: str) -> CallbackUrlRefused:
    return CallbackUrlRefused(f"{field} refused: {why}", field=field)


def parse_url(url: str, *, field: str = "callBackUrl") -> Target:
    """Check the URL's shape (scheme, host, no credentials, length) and normalize it; no address checks."""
    if not isinstance(url, str):
        raise _refuse(field, "the URL must be a string")
    url = url.strip()
    if not url:
        raise _refuse(field, "the URL is empty")
    if len(url) > MAX_URL_LENGTH:
        raise _refuse(field, f"the URL is longer than {MAX_URL_LENGTH} characters")
    if any(c.isspace() or ord(c) < 32 or ord(c) == 127 for c in url):
        raise _refuse(field, "the URL contains whitespace or control characters")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise _refuse(field, f"the URL is not valid ({exc})") from None
    scheme = parts.scheme.lower()
    if scheme not in SCHEMES:
        shown = f"scheme {scheme!r}" if scheme else "a URL without a scheme"
        raise _refuse(field, f"{shown} is not allowed (use http or https)")
    if "@" in parts.netloc:
        raise _refuse(field, "the URL must not contain credentials (user:password@)")
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise _refuse(field, "the URL has no host")
    if port == 0:
        raise _refuse(field, "port 0 is not valid")

    ip: IPAddress | None = None
    if "[" in parts.netloc:
        try:
            ip = ipaddress.IPv6Address(host)
        except ValueError:
            raise _refuse(field, f"{host!r} is not a valid IPv6 address") from None
        host = str(ip)
    else:
        try:
            host = host.encode("idna").decode("ascii")
        except UnicodeError:
            raise _refuse(field, f"{host!r} is not a valid host name") from None
        host = host.lower()
        if not _HOST_CHARS.fullmatch(host):
            raise _refuse(field, f"{host!r} is not a valid host name")
        if _NUMERIC_LABEL.fullmatch(host.rsplit(".", 1)[-1]):
            # Resolvers read 2130706433, 0x7f.1, 0177.0.0.1 and 127.1 as IPv4 addresses: so do we.
            try:
                ip = ipaddress.IPv4Address(socket.inet_aton(host))
            except (OSError, ValueError):
                raise _refuse(field, f"{host!r} is not a valid IPv4 address") from None
            host = str(ip)

    netloc = f"[{host}]" if ip is not None and ip.version == 6 else host
    if parts.port is not None:
        netloc = f"{netloc}:{port}"
    normalized = urlunsplit((scheme, netloc, parts.path or "/", parts.query, ""))
    return Target(normalized, scheme, host, port or _DEFAULT_PORTS[scheme], ip)


# ── the checks ────────────────────────────────────────────────────────────────────────────────────────────


def _name_reason(host: str) -> str | None:
    if host == "localhost":
        return "a loopback name"
    if host in METADATA_NAMES:
        return "a cloud metadata service name"
    for suffix, reason in _NAME_SUFFIXES:
        if host.endswith(suffix):
            return reason
    return None


def _system_resolver(host: str, port: int) -> list[str]:
    return [str(info[4][0]) for info in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)]


def _resolve(target: Target, resolver: Resolver | None, field: str) -> list[IPAddress]:
    try:
        found = list((resolver or _system_resolver)(target.host, target.port))
    except (OSError, UnicodeError) as exc:
        raise HostNotResolved(f"{field}: host {target.host} does not resolve ({exc})", field=field) from None
    ips: list[IPAddress] = []
    for text in found:
        ip = ipaddress.ip_address(text)
        if ip not in ips:
            ips.append(ip)
    if not ips:
        raise HostNotResolved(f"{field}: host {target.host} does not resolve", field=field)
    return ips


def _check_ip(ip: IPAddress, allow: _Allow, field: str, via: str | None = None) -> None:
    if allow.permits_ip(ip):
        return
    reason = refusal_reason(ip)
    if reason is not None:
        raise _refuse(field, f"{via} resolves to {ip}, {reason}" if via else f"{ip} is {reason}")


def _checked(
    target: Target, allow: Sequence[str], field: str, resolver: Resolver | None, *, must_resolve: bool
) -> list[IPAddress]:
    rules = _compile_allow(tuple(allow))
    if target.ip is not None:
        _check_ip(target.ip, rules, field)
        return [target.ip]
    if target.host in rules.names:
        return _resolve(target, resolver, field) if must_resolve else []
    reason = _name_reason(target.host)
    if reason is not None:
        # Such a name is fine only where every address it has is allow-listed (localhost with 127.0.0.1).
        try:
            ips = _resolve(target, resolver, field) if rules.networks else []
        except HostNotResolved:
            ips = []
        if ips and all(rules.permits_ip(ip) for ip in ips):
            return ips
        raise _refuse(field, f"{target.host} is {reason}")
    try:
        ips = _resolve(target, resolver, field)
    except HostNotResolved:
        if must_resolve:
            raise
        return []
    for ip in ips:  # every address: a name may resolve to one public and one private address
        _check_ip(ip, rules, field, via=target.host)
    return ips


def check_callback_url(
    url: str,
    *,
    allow: Sequence[str] = (),
    resolve: bool = True,
    field: str = "callBackUrl",
    resolver: Resolver | None = None,
) -> str:
    """Validate a client-supplied URL at submit time and return it normalized.

    Raises CallbackUrlRefused (an InvalidRequest carrying `field`) when the URL is malformed or its host is,
    or resolves to, a non-public address. A name that does not resolve is accepted (the sender checks again).
    """
    target = parse_url(url, field=field)
    if resolve or target.ip is not None:
        _checked(target, allow, field, resolver, must_resolve=False)
    else:
        rules = _compile_allow(tuple(allow))
        reason = None if target.host in rules.names else _name_reason(target.host)
        if reason is not None:
            raise _refuse(field, f"{target.host} is {reason}")
    return target.url


def resolve_and_check(
    url: str, allow: Sequence[str] = (), *, field: str = "callBackUrl", resolver: Resolver | None = None
) -> list[str]:
    """Resolve the URL's host now and return its addresses, all of them permitted (for the sender).

    Raises CallbackUrlRefused for a refused URL or address, HostNotResolved when the name does not resolve.
    """
    target = parse_url(url, field=field)
    return [str(ip) for ip in _checked(target, allow, field, resolver, must_resolve=True)]
