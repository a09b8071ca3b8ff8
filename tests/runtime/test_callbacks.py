"""Callback delivery against a real HTTP server on loopback, and the kie.ai webhook signature."""

from __future__ import annotations

import shutil
import ssl
import subprocess
import threading
import time

import httpx
import pytest

from tests.support.callback_delivery import (
    Receiver,
    later,
    new_task,
    payload,
    receiver,
    sender,
    start_receiver,
    store,
)
from tunesmith import __version__
from tunesmith.runtime import signing

__all__ = ["receiver", "store"]  # fixtures

# ── delivery ──────────────────────────────────────────────────────────────────────────────────────────────


def test_delivers_json_with_signature_on_2xx(store, receiver: Receiver) -> None:
    task_id = new_task(store)
    body = payload(task_id, "complete") | {"msg": "All generated successfully. ✓"}
    delivery = store.enqueue_callback(task_id, "complete", receiver.url("/hook?a=1"), body)
    receiver.statuses = [204]

    with sender(store, secret_for=lambda tid: "s3cret" if tid == task_id else None) as s:
        assert s.deliver_due() == 1

    [got] = receiver.received
    assert got.path == "/hook?a=1"
    assert got.json == body
    assert got.headers["Content-Type"] == "application/json"
    assert got.headers["User-Agent"] == f"Tunesmith/{__version__}"
    assert signing.verify(task_id, got.headers, "s3cret")
    assert not signing.verify(task_id, got.headers, "other")
    [stored] = store.list_callbacks(task_id)
    assert stored.status == "delivered"
    assert stored.last_status_code == 204
    assert [a["status_code"] for a in store.callback_attempts(delivery.id)] == [204]


def test_no_signature_headers_without_a_secret(store, receiver: Receiver) -> None:
    task_id = new_task(store)
    store.enqueue_callback(task_id, "text", receiver.url(), payload(task_id, "text"))
    with sender(store) as s:
        s.deliver_due()
    headers = {k.lower() for k in receiver.received[0].headers}
    assert signing.SIGNATURE_HEADER.lower() not in headers
    assert signing.TIMESTAMP_HEADER.lower() not in headers


def test_retries_after_a_500_then_delivers_the_same_payload(store, receiver: Receiver) -> None:
    task_id = new_task(store)
    delivery = store.enqueue_callback(task_id, "complete", receiver.url(), payload(task_id, "complete"))
    receiver.statuses = [500]
    with sender(store, backoff_s=(5,)) as s:
        assert s.deliver_due(now=later(1)) == 1
        [pending] = store.list_callbacks(task_id)
        assert pending.status == "pending" and pending.last_status_code == 500
        assert s.deliver_due(now=later(3)) == 0  # the backoff delay has not passed yet
        assert s.deliver_due(now=later(7)) == 1

    assert [r.body for r in receiver.received] == [receiver.received[0].body] * 2
    assert store.list_callbacks(task_id)[0].status == "delivered"
    assert [a["status_code"] for a in store.callback_attempts(delivery.id)] == [500, 200]


def test_gives_up_after_one_plus_max_retries_attempts(store, receiver: Receiver) -> None:
    task_id = new_task(store)
    delivery = store.enqueue_callback(task_id, "complete", receiver.url(), payload(task_id, "complete"))
    receiver.statuses = [500, 502, 503, 500, 500]
    with sender(store, max_retries=2, backoff_s=(1, 2)) as s:
        for t in (1, 3, 6, 9, 12):
            s.deliver_due(now=later(t))

    attempts = store.callback_attempts(delivery.id)
    assert [a["status_code"] for a in attempts] == [500, 502, 503]
    assert all(a["error"] for a in attempts)
    assert len(receiver.received) == 3
    [failed] = store.list_callbacks(task_id)
    assert failed.status == "failed"
    assert failed.attempts == 3


def test_slow_receiver_times_out(store, receiver: Receiver) -> None:
    task_id = new_task(store)
    delivery = store.enqueue_callback(task_id, "complete", receiver.url(), payload(task_id, "complete"))
    receiver.delay_s = 1.5
    started = time.monotonic()
    with sender(store, timeout_s=0.3, max_retries=0) as s:
        s.deliver_due()
    assert time.monotonic() - started < 1.4
    [attempt] = store.callback_attempts(delivery.id)
    assert attempt["status_code"] is None
    assert "timed out" in attempt["error"]
    assert store.list_callbacks(task_id)[0].status == "failed"


def test_connection_refused_is_retried(store) -> None:
    task_id = new_task(store)
    url = "http://127.0.0.1:9/cb"  # the discard port: nothing listens there
    delivery = store.enqueue_callback(task_id, "complete", url, payload(task_id, "complete"))
    with sender(store, max_retries=1) as s:
        s.deliver_due()
    [attempt] = store.callback_attempts(delivery.id)
    assert "cannot connect" in attempt["error"]
    assert store.list_callbacks(task_id)[0].status == "pending"


def test_stages_arrive_in_order(store, receiver: Receiver) -> None:
    task_id = new_task(store)
    for stage in ("text", "first", "complete"):
        store.enqueue_callback(task_id, stage, receiver.url(), payload(task_id, stage))
    assert store.enqueue_callback(task_id, "first", receiver.url(), payload(task_id, "first")) is None
    with sender(store) as s:
        assert s.deliver_due() == 3
    assert [r.json["data"]["callbackType"] for r in receiver.received] == ["text", "first", "complete"]


def test_a_later_stage_waits_for_an_earlier_one_being_retried(store, receiver: Receiver) -> None:
    task_id = new_task(store)
    for stage in ("text", "first", "complete"):
        store.enqueue_callback(task_id, stage, receiver.url(), payload(task_id, stage))
    receiver.statuses = [500]
    with sender(store, timeout_s=1.0, backoff_s=(2,)) as s:
        s.deliver_due(now=later(1))
        assert [r.json["data"]["callbackType"] for r in receiver.received] == ["text"]
        for t in (4, 4 + s.lease_seconds + 1):
            s.deliver_due(now=later(t))
    stages = [r.json["data"]["callbackType"] for r in receiver.received]
    assert stages == ["text", "text", "first", "complete"]
    assert {c.status for c in store.list_callbacks(task_id)} == {"delivered"}


# ── the guard at delivery ─────────────────────────────────────────────────────────────────────────────────


def transport_that_must_not_be_used() -> httpx.MockTransport:
    def handler(request: httpx.Request) -> httpx.Response:
        raise AssertionError(f"a request was made to {request.url}")

    return httpx.MockTransport(handler)


@pytest.mark.parametrize(
    "url",
    [
        "http://169.254.169.254/latest/meta-data/",
        "http://0xa9.0xfe.0xa9.0xfe/",
        "http://[::ffff:10.0.0.1]/cb",
        "http://localhost:8080/cb",
        "gopher://127.0.0.1/",
    ],
)
def test_refused_url_is_never_requested(store, url: str) -> None:
    task_id = new_task(store)
    delivery = store.enqueue_callback(task_id, "complete", url, payload(task_id, "complete"))
    with sender(store, allow=(), transport=transport_that_must_not_be_used()) as s:
        assert s.deliver_due() == 1
        assert s.deliver_due(now=later(3600)) == 0  # no retry
    [refused] = store.list_callbacks(task_id)
    assert refused.status == "refused"
    assert "refused" in refused.last_error
    assert len(store.callback_attempts(delivery.id)) == 1


def test_unresolvable_host_fails_at_delivery(store) -> None:
    task_id = new_task(store)
    delivery = store.enqueue_callback(
        task_id, "complete", "http://hooks.example.invalid/cb", payload(task_id, "complete")
    )
    with sender(store, max_retries=1, backoff_s=(1,), transport=transport_that_must_not_be_used()) as s:
        s.deliver_due(now=later(1))
        assert store.list_callbacks(task_id)[0].status == "pending"
        s.deliver_due(now=later(3))
    assert store.list_callbacks(task_id)[0].status == "failed"
    assert all("does not resolve" in a["error"] for a in store.callback_attempts(delivery.id))


def test_redirects_are_not_followed(store, receiver: Receiver) -> None:
    task_id = new_task(store)
    delivery = store.enqueue_callback(task_id, "complete", receiver.url(), payload(task_id, "complete"))
    receiver.statuses = [302]
    receiver.location = receiver.url("/internal-admin")
    with sender(store) as s:
        s.deliver_due()
    assert [r.path for r in receiver.received] == ["/cb"]
    [attempt] = store.callback_attempts(delivery.id)
    assert attempt["status_code"] == 302
    assert "redirect" in attempt["error"]


def test_connects_to_the_checked_address_with_the_original_host_header(store, receiver: Receiver) -> None:
    """DNS rebinding: the sender resolves once, checks, and connects to that address, not to a new lookup."""
    task_id = new_task(store)
    url = receiver.url(host="hooks.example")
    store.enqueue_callback(task_id, "complete", url, payload(task_id, "complete"))
    answers = iter([["127.0.0.1"], ["169.254.169.254"]])
    with sender(store, resolver=lambda host, port: next(answers)) as s:
        assert s.deliver_due() == 1
    [got] = receiver.received
    assert got.headers["Host"] == f"hooks.example:{receiver.port}"
    assert store.list_callbacks(task_id)[0].status == "delivered"


def test_run_loops_until_stopped(store, receiver: Receiver) -> None:
    task_id = new_task(store)
    s = sender(store)
    stop = threading.Event()
    thread = threading.Thread(target=s.run, args=(stop,), kwargs={"interval_s": 0.05})
    thread.start()
    try:
        store.enqueue_callback(task_id, "complete", receiver.url(), payload(task_id, "complete"))
        deadline = time.monotonic() + 10
        while not receiver.received and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        stop.set()
        thread.join(10)
    assert not thread.is_alive()
    assert len(receiver.received) == 1


def self_signed(tmp_path, name: str) -> tuple[str, str]:
    """A certificate for `name` made by the openssl command (no Python crypto package needed)."""
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed")
    cert, key = tmp_path / f"{name}.pem", tmp_path / f"{name}.key"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-keyout",
            str(key),
            "-out",
            str(cert),
            "-days",
            "1",
            "-subj",
            f"/CN={name}",
            "-addext",
            f"subjectAltName=DNS:{name}",
        ],
        check=True,
        capture_output=True,
    )
    return str(cert), str(key)


@pytest.mark.parametrize(("cert_name", "delivered"), [("hooks.example", True), ("other.example", False)])
def test_https_is_pinned_to_the_address_but_verified_against_the_name(
    store, tmp_path, cert_name: str, delivered: bool
) -> None:
    cert, key = self_signed(tmp_path, cert_name)
    server_ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_ctx.load_cert_chain(cert, key)
    state, server = start_receiver(server_ctx)
    try:
        task_id = new_task(store)
        url = f"https://hooks.example:{state.port}/cb"
        delivery = store.enqueue_callback(task_id, "complete", url, payload(task_id, "complete"))
        client_ctx = ssl.create_default_context(cafile=cert)
        transport = httpx.HTTPTransport(verify=client_ctx, retries=0)
        with sender(
            store, transport=transport, max_retries=0, resolver=lambda host, port: ["127.0.0.1"]
        ) as s:
            s.deliver_due()
    finally:
        server.shutdown()
        server.server_close()
    [attempt] = store.callback_attempts(delivery.id)
    if delivered:
        assert attempt["status_code"] == 200
        assert state.received[0].headers["Host"] == f"hooks.example:{state.port}"
    else:  # the certificate is checked against the name the client gave, not the IP connected to
        assert attempt["status_code"] is None
        assert "certificate" in attempt["error"].lower() or "hostname" in attempt["error"].lower()
        assert state.received == []


# ── signing ───────────────────────────────────────────────────────────────────────────────────────────────


def test_signature_matches_the_kie_scheme() -> None:
    headers = signing.sign("abc123", "s3cret", timestamp=1700000000)
    assert headers == {
        "X-Webhook-Timestamp": "1700000000",
        "X-Webhook-Signature": "H2WpfL9cBu2A4sMam8cQMUvCYQqDbJ7nANIhrUloSzU=",
    }


def test_sign_verify_round_trip_and_tampering() -> None:
    headers = signing.sign("task-1", "secret")
    assert signing.verify("task-1", headers, "secret")
    assert signing.verify("task-1", {k.lower(): v for k, v in headers.items()}, "secret")
    assert not signing.verify("task-2", headers, "secret")
    assert not signing.verify("task-1", headers, "secreT")
    ts = int(headers["X-Webhook-Timestamp"])
    assert not signing.verify("task-1", headers | {"X-Webhook-Timestamp": str(ts + 1)}, "secret")
    good = headers["X-Webhook-Signature"]
    flipped = good[:-2] + ("A=" if good[-2] != "A" else "B=")
    assert not signing.verify("task-1", headers | {"X-Webhook-Signature": flipped}, "secret")
    assert not signing.verify("task-1", {"X-Webhook-Timestamp": str(ts)}, "secret")
    assert not signing.verify("task-1", headers | {"X-Webhook-Timestamp": "soon"}, "secret")
    assert not signing.verify("task-1", headers | {"X-Webhook-Signature": "ü"}, "secret")


def test_verify_refuses_stale_and_future_timestamps() -> None:
    headers = signing.sign("t", "k", timestamp=1_000_000)
    assert signing.verify("t", headers, "k", now=1_000_299)
    assert not signing.verify("t", headers, "k", now=1_000_301)
    assert not signing.verify("t", headers, "k", now=999_699)
    assert signing.verify("t", headers, "k", tolerance_s=1000, now=1_000_900)
