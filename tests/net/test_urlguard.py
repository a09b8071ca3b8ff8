"""The callback URL guard: every refused class, the odd spellings that hide them, and the allow list."""

from __future__ import annotations

import pytest

from tunesmith.domain.errors import InvalidRequest
from tunesmith.net.urlguard import (
    CallbackUrlRefused,
    HostNotResolved,
    check_callback_url,
    resolve_and_check,
)


def fixed_dns(table: dict[str, list[str]]):
    """A resolver that answers from `table` (names not in it do not resolve), like a stub DNS server."""

    def resolve(host: str, port: int) -> list[str]:
        if host not in table:
            raise OSError(f"unknown host {host}")
        return table[host]

    return resolve


def refused(url: str, **kwargs) -> str:
    with pytest.raises(CallbackUrlRefused) as info:
        check_callback_url(url, **kwargs)
    assert isinstance(info.value, InvalidRequest)
    return info.value.message


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("http://127.0.0.1/cb", "127.0.0.1 is a loopback address"),
        ("http://127.8.9.10:8080/cb", "loopback"),
        ("http://10.0.0.5/cb", "10.0.0.5 is a private address"),
        ("http://172.16.3.4/cb", "private"),
        ("http://192.168.1.1/cb", "private"),
        ("http://169.254.169.254/latest/meta-data/", "169.254.169.254 is a link-local address"),
        ("http://100.64.0.1/cb", "carrier-grade NAT"),
        ("http://100.100.100.200/", "carrier-grade NAT"),  # Alibaba Cloud metadata
        ("http://0.0.0.0/cb", "unspecified"),
        ("http://224.0.0.251/cb", "multicast"),
        ("http://240.0.0.1/cb", "reserved"),
        ("http://255.255.255.255/cb", "reserved"),
        ("http://192.0.0.192/", "reserved"),  # Oracle Cloud metadata
        ("http://198.18.0.1/cb", "reserved"),
    ],
)
def test_refuses_non_public_ipv4(url: str, why: str) -> None:
    message = refused(url)
    assert message.startswith("callBackUrl refused: ")
    assert why in message


@pytest.mark.parametrize(
    "url",
    [
        "http://2130706433/",  # decimal
        "http://0x7f000001/",  # hex
        "http://0x7f.1/",  # hex, short form
        "http://0177.0.0.1/",  # octal
        "http://127.1/",  # short form
        "http://017700000001/",  # octal, one number
        "http://127.0.0.1./",  # trailing dot
    ],
)
def test_refuses_odd_ipv4_spellings_of_loopback(url: str) -> None:
    assert "127.0.0.1 is a loopback address" in refused(url)


def test_odd_spelling_of_a_private_address_names_the_canonical_address() -> None:
    assert "10.0.0.5 is a private address" in refused("http://0xa.0.0.5/cb")
    assert "169.254.169.254 is a link-local" in refused("http://2852039166/")


def test_malformed_numeric_hosts_are_refused_not_looked_up() -> None:
    assert "not a valid IPv4 address" in refused("http://1.2.3.256/")
    assert "not a valid IPv4 address" in refused("http://0x1g.1/")
    assert "not a valid IPv4 address" in refused("http://1.2.3.4.5/")


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("http://[::1]/cb", "loopback"),
        ("http://[::]/cb", "unspecified"),
        ("http://[fe80::1]/cb", "link-local"),
        ("http://[fe80::1%25eth0]/cb", "link-local"),
        ("http://[fc00::1]/cb", "private"),
        ("http://[fd00:ec2::254]/latest", "private"),  # AWS metadata over IPv6
        ("http://[ff02::1]/cb", "multicast"),
        ("http://[2001:db8::1]/cb", "reserved"),
        ("http://[::ffff:127.0.0.1]/cb", "IPv4-mapped form of 127.0.0.1, a loopback address"),
        ("http://[::ffff:a9fe:a9fe]/cb", "IPv4-mapped form of 169.254.169.254"),
        ("http://[::ffff:10.1.2.3]/cb", "private"),
        ("http://[64:ff9b::10.0.0.5]/cb", "NAT64 form of 10.0.0.5"),
        ("http://[2002:7f00:1::]/cb", "6to4 form of 127.0.0.1"),
    ],
)
def test_refuses_non_public_ipv6(url: str, why: str) -> None:
    assert why in refused(url)


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("http://localhost/cb", "loopback name"),
        ("http://LocalHost:8000/cb", "loopback name"),
        ("http://app.localhost/cb", "loopback name"),
        ("http://metadata.google.internal/computeMetadata/v1/", "metadata"),
        ("http://metadata/computeMetadata/v1/", "metadata"),
        ("http://instance-data/latest/", "metadata"),
        ("http://db.corp.internal/hook", "internal name"),
    ],
)
def test_refuses_internal_names_even_without_resolving(url: str, why: str) -> None:
    assert why in refused(url, resolve=False)
    assert why in refused(url)


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("ftp://example.com/cb", "scheme 'ftp'"),
        ("file:///etc/passwd", "scheme 'file'"),
        ("gopher://example.com/", "scheme 'gopher'"),
        ("javascript:alert(1)", "scheme 'javascript'"),
        ("example.com/cb", "without a scheme"),
        ("http:///cb", "no host"),
        ("http://", "no host"),
        ("http://user:pass@example.com/cb", "credentials"),
        ("http://user@example.com/cb", "credentials"),
        ("http://example.com@127.0.0.1/cb", "credentials"),
        ("http://exa mple.com/cb", "whitespace"),
        ("http://example.com/\r\nX-Injected: 1", "control"),
        ("http://example.com:99999/cb", "not valid"),
        ("http://example.com:0/cb", "port 0"),
        ("http://[::1/cb", "not valid"),
        ("http://exa$mple.com/", "not a valid host name"),
        ("", "empty"),
    ],
)
def test_refuses_malformed_urls(url: str, why: str) -> None:
    assert why in refused(url)


def test_refuses_overlong_urls() -> None:
    base = "https://example.com/"
    assert check_callback_url(base + "a" * (2048 - len(base))).endswith("a")
    assert "longer than 2048" in refused(base + "a" * (2049 - len(base)))


def test_field_name_is_carried() -> None:
    with pytest.raises(CallbackUrlRefused) as info:
        check_callback_url("http://10.0.0.5/", field="notify_hook")
    assert info.value.field == "notify_hook"
    assert info.value.message == "notify_hook refused: 10.0.0.5 is a private address"


def test_public_urls_are_accepted_and_normalized() -> None:
    assert check_callback_url("https://8.8.8.8/hook?x=1") == "https://8.8.8.8/hook?x=1"
    assert check_callback_url("HTTPS://Example.COM") == "https://example.com/"
    assert check_callback_url("  https://example.com/cb#frag ") == "https://example.com/cb"
    assert (
        check_callback_url("http://[2606:4700:4700::1111]:8443/cb") == "http://[2606:4700:4700::1111]:8443/cb"
    )
    assert check_callback_url("http://[::ffff:8.8.8.8]/cb") == "http://[::ffff:808:808]/cb"
    assert check_callback_url("https://bücher.example/cb") == "https://xn--bcher-kva.example/cb"
    # a public address in an odd spelling is allowed, in its canonical spelling
    assert check_callback_url("http://134744072/cb") == "http://8.8.8.8/cb"


def test_unresolvable_name_is_accepted_at_submit_but_not_at_delivery() -> None:
    url = "https://callback.example.invalid/suno"
    assert check_callback_url(url) == url
    with pytest.raises(HostNotResolved) as info:
        resolve_and_check(url)
    assert "does not resolve" in info.value.message


def test_names_are_refused_for_what_they_resolve_to() -> None:
    dns = fixed_dns(
        {
            "evil.example": ["10.0.0.5"],
            "split.example": ["93.184.215.14", "127.0.0.1"],
            "good.example": ["93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c"],
            "mapped.example": ["::ffff:169.254.169.254"],
        }
    )
    assert "evil.example resolves to 10.0.0.5, a private address" in refused(
        "http://evil.example/cb", resolver=dns
    )
    # one bad address among good ones is enough: the connection could go to any of them
    assert "127.0.0.1, a loopback address" in refused("http://split.example/cb", resolver=dns)
    assert "169.254.169.254" in refused("http://mapped.example/cb", resolver=dns)
    assert check_callback_url("http://good.example/cb", resolver=dns) == "http://good.example/cb"
    assert resolve_and_check("http://good.example/cb", resolver=dns) == [
        "93.184.215.14",
        "2606:2800:21f:cb07:6820:80da:af6b:8b2c",
    ]
    # without resolution only the spelling is judged
    assert check_callback_url("http://evil.example/cb", resolve=False) == "http://evil.example/cb"


def test_dns_rebinding_is_caught_at_delivery() -> None:
    table = {"rebind.example": ["93.184.215.14"]}
    dns = fixed_dns(table)
    assert check_callback_url("http://rebind.example/cb", resolver=dns)
    table["rebind.example"] = ["169.254.169.254"]
    with pytest.raises(CallbackUrlRefused, match="resolves to 169.254.169.254"):
        resolve_and_check("http://rebind.example/cb", resolver=dns)


def test_allow_list_by_name_ip_and_cidr() -> None:
    assert check_callback_url("http://localhost:8000/cb", allow=["localhost"]) == "http://localhost:8000/cb"
    assert check_callback_url("http://127.0.0.1:8000/cb", allow=["127.0.0.1"]) == "http://127.0.0.1:8000/cb"
    assert check_callback_url("http://10.1.2.3/cb", allow=["10.0.0.0/8"]) == "http://10.1.2.3/cb"
    assert check_callback_url("http://[fd00::5]/cb", allow=["fd00::/8"]) == "http://[fd00::5]/cb"
    # an odd spelling lands in the allowed network too, and the mapped form of an allowed address
    assert check_callback_url("http://0xa.1.2.3/cb", allow=["10.0.0.0/8"]) == "http://10.1.2.3/cb"
    assert check_callback_url("http://[::ffff:127.0.0.1]/", allow=["127.0.0.1"]) == "http://[::ffff:7f00:1]/"
    # an allowed address does not open its neighbours
    assert "private" in refused("http://10.0.0.5/cb", allow=["10.0.0.6", "192.168.0.0/16"])
    assert "loopback" in refused("http://127.0.0.2/cb", allow=["127.0.0.1"])
    # a name whose addresses are all allowed may be used, not one with an address outside the list (a hosts
    # file may give localhost ::1 as well as 127.0.0.1: resolved through stubs, not this machine's)
    v4 = fixed_dns({"localhost": ["127.0.0.1"]})
    assert resolve_and_check("http://localhost:9/cb", allow=["127.0.0.0/8"], resolver=v4) == ["127.0.0.1"]
    both = fixed_dns({"localhost": ["127.0.0.1", "::1"]})
    assert "loopback" in refused("http://localhost:9/cb", allow=["127.0.0.0/8"], resolver=both)
    assert resolve_and_check("http://localhost:9/cb", allow=["127.0.0.0/8", "::1"], resolver=both) == [
        "127.0.0.1",
        "::1",
    ]
    # names allowed by name, resolved through a stub
    dns = fixed_dns({"hooks.corp": ["10.9.9.9"]})
    assert resolve_and_check("http://hooks.corp/cb", ["hooks.corp"], resolver=dns) == ["10.9.9.9"]
    assert resolve_and_check("http://hooks.corp/cb", ["10.9.0.0/16"], resolver=dns) == ["10.9.9.9"]
    assert "private" in refused("http://hooks.corp/cb", allow=["other.corp"], resolver=dns)


def test_allow_list_does_not_skip_shape_checks() -> None:
    assert "credentials" in refused("http://u:p@localhost/cb", allow=["localhost"])
    assert "scheme" in refused("ftp://localhost/cb", allow=["localhost"])
