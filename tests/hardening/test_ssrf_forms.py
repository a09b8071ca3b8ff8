"""Every IPv6 spelling that embeds an IPv4 address is judged by the IPv4 address it reaches, at the guard and
through the API (kie callBackUrl, new-api notify_hook): nothing is charged or queued for a refused URL."""

from __future__ import annotations

import ipaddress

import pytest

from tests.support.harness import ServiceHarness
from tests.support.kie_client import custom_body
from tests.support.newapi_client import MUSIC
from tunesmith.net.urlguard import CallbackUrlRefused, check_callback_url, refusal_reason

# (IPv6 literal, the form named in the refusal, the IPv4 address it reaches)
HIDDEN_LOOPBACK = [
    ("::ffff:127.0.0.1", "IPv4-mapped", "127.0.0.1"),
    ("::ffff:0:127.0.0.1", "SIIT", "127.0.0.1"),
    ("::ffff:0:a9fe:a9fe", "SIIT", "169.254.169.254"),
    ("64:ff9b::10.0.0.5", "NAT64", "10.0.0.5"),
    ("64:ff9b::a9fe:a9fe", "NAT64", "169.254.169.254"),
    ("64:ff9b:1::192.168.1.1", "local-use NAT64", "192.168.1.1"),
    ("2002:7f00:1::", "6to4", "127.0.0.1"),
    ("2002:a9fe:a9fe::1", "6to4", "169.254.169.254"),
    ("2001:0:4136:e378:8000:63bf:80ff:fffe", "Teredo", "127.0.0.1"),  # client 127.0.0.1 (obfuscated)
    ("2001:0:a00:1::f7f7:f7f7", "Teredo", "10.0.0.1"),  # server 10.0.0.1, client 8.8.8.8
    ("::127.0.0.1", "IPv4-compatible", "127.0.0.1"),
]


@pytest.mark.parametrize(("literal", "form", "v4"), HIDDEN_LOOPBACK)
def test_the_guard_names_the_ipv4_address_behind_each_form(literal: str, form: str, v4: str) -> None:
    reason = refusal_reason(ipaddress.ip_address(literal))
    assert reason is not None and form in reason and v4 in reason, reason
    with pytest.raises(CallbackUrlRefused):
        check_callback_url(f"http://[{literal}]:8000/cb")


@pytest.mark.parametrize("literal", ["::ffff:8.8.8.8", "64:ff9b::8.8.8.8", "2002:808:808::1"])
def test_public_ipv4_behind_a_public_translation_is_accepted(literal: str) -> None:
    assert refusal_reason(ipaddress.ip_address(literal)) is None


def test_local_use_nat64_and_teredo_stay_refused_even_for_public_ipv4() -> None:
    assert refusal_reason(ipaddress.ip_address("64:ff9b:1::8.8.8.8")) is not None
    assert refusal_reason(ipaddress.ip_address("2001:0:808:808::f7f7:f7f7")) is not None


def test_every_form_is_refused_over_http_and_nothing_is_charged(service: ServiceHarness) -> None:
    token = service.new_key(credits=1000)
    with service.client(token) as client:
        for literal, form, v4 in HIDDEN_LOOPBACK:
            if form == "IPv4-mapped":  # the harness allow-lists 127.0.0.1, which covers its mapped form
                continue
            url = f"http://[{literal}]:{service.settings.port}/cb"
            kie = client.post("/api/v1/generate", json=custom_body(callBackUrl=url))
            assert kie.status_code == 422 and kie.json()["code"] == 422, kie.text
            assert "callBackUrl" in kie.json()["msg"] and v4 in kie.json()["msg"]
            newapi = client.post("/suno/submit/music", json={**MUSIC, "notify_hook": url})
            assert newapi.status_code == 400 and newapi.json()["code"] != "success", newapi.text
            assert "notify_hook" in newapi.json()["message"]
        assert client.get("/api/v1/generate/credit").json()["data"] == 1000
