"""Every kie error path: the body `code` is the seed's code, the HTTP status matches, nothing is stored."""

from __future__ import annotations

import httpx
import pytest

from tests.support.harness import settings_for_tests
from tests.support.inprocess import InProcessService
from tests.support.kie_client import custom_body, poll_until_done

RECORD = "/api/v1/generate/record-info"


@pytest.fixture(scope="module")
def service(fast_service: InProcessService) -> InProcessService:
    """What each request answers: the in-process service serves this module (tests.support.inprocess)."""
    return fast_service


def assert_error(reply: httpx.Response, code: int, *words: str) -> dict:
    body = reply.json()
    assert reply.status_code == code, body
    assert body["code"] == code and body["data"] is None, body
    for word in words:
        assert word in body["msg"], body
    return body


def task_count(service: InProcessService, token: str) -> int:
    key = service.services.keys.authenticate(f"Bearer {token}")
    return len([e for e in service.services.store.ledger(key.id) if e["reason"].startswith("charge")])


def test_missing_or_unknown_key_is_401(service: InProcessService) -> None:
    with service.client() as anonymous:
        assert_error(anonymous.post("/api/v1/generate", json=custom_body()), 401, "access permissions")
        assert_error(anonymous.get(RECORD, params={"taskId": "x"}), 401)
    with service.client("tsk_not-a-real-key") as wrong:
        assert_error(wrong.get("/api/v1/generate/credit"), 401)


def test_short_balance_is_402_and_charges_nothing(service: InProcessService) -> None:
    token = service.new_key(credits=5)
    with service.client(token) as client:
        assert_error(client.post("/api/v1/generate", json=custom_body()), 402, "insufficient")
        assert client.get("/api/v1/generate/credit").json() == {"code": 200, "msg": "success", "data": 5}
    assert task_count(service, token) == 0


def test_unknown_task_and_other_keys_task_are_404(service: InProcessService) -> None:
    with service.client(service.new_key()) as owner, service.client(service.new_key()) as stranger:
        task_id = owner.post("/api/v1/generate", json=custom_body()).json()["data"]["taskId"]
        assert_error(owner.get(RECORD, params={"taskId": "0" * 32}), 404)
        assert_error(stranger.get(RECORD, params={"taskId": task_id}), 404)
        assert_error(owner.get("/api/v1/no-such-route"), 404)


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ({"instrumental": False, "model": "V4_5", "prompt": "x"}, ["customMode", "required"]),
        ({"customMode": "maybe", "instrumental": False, "model": "V4_5", "prompt": "x"}, ["customMode"]),
        ({"customMode": False, "instrumental": False, "model": "V9", "prompt": "x"}, ["model"]),
        ({"customMode": False, "instrumental": False, "model": "V4_5", "prompt": 42}, ["prompt"]),
        (
            {"customMode": True, "instrumental": False, "model": "V4_5", "prompt": "la", "title": "t"},
            ["style"],
        ),
        (
            {"customMode": True, "instrumental": False, "model": "V4_5", "style": "pop", "title": "t"},
            ["prompt"],
        ),
        ({"customMode": False, "instrumental": False, "model": "V4_5", "prompt": ""}, ["prompt"]),
    ],
)
def test_invalid_requests_are_422(service: InProcessService, body: dict, words: list[str]) -> None:
    token = service.new_key()
    with service.client(token) as client:
        assert_error(client.post("/api/v1/generate", json=body), 422, *words)
    assert task_count(service, token) == 0


def test_malformed_json_is_422(service: InProcessService) -> None:
    with service.client(service.new_key()) as client:
        reply = client.post(
            "/api/v1/generate", content=b'{"customMode": tru', headers={"Content-Type": "application/json"}
        )
        assert_error(reply, 422, "JSON")


def test_over_long_fields_are_413_naming_the_limit(service: InProcessService) -> None:
    with service.client(service.new_key()) as client:
        ok = custom_body(model="V4", prompt="a" * 3000)
        assert client.post("/api/v1/generate", json=ok).json()["code"] == 200
        assert_error(
            client.post("/api/v1/generate", json=custom_body(model="V4", prompt="a" * 3001)),
            413,
            "prompt",
            "3000",
        )
        assert_error(
            client.post("/api/v1/generate", json=custom_body(model="V5", style="s" * 1001)),
            413,
            "style",
            "1000",
        )
        assert_error(client.post("/api/v1/generate", json=custom_body(title="t" * 81)), 413, "title", "80")


def test_huge_body_is_413_before_it_is_read(service: InProcessService) -> None:
    with service.client(service.new_key()) as client:
        reply = client.post(
            "/api/v1/generate",
            content=b"{" + b" " * 2_000_000 + b"}",
            headers={"Content-Type": "application/json"},
        )
        assert_error(reply, 413)


def test_hostile_callback_url_is_refused_and_nothing_stored(service: InProcessService) -> None:
    token = service.new_key()
    with service.client(token) as client:
        for url in (
            "http://169.254.169.254/latest/meta-data",
            "http://10.1.2.3/hook",
            "file:///etc/passwd",
            "http://[::1]:8000/x",
        ):
            assert_error(
                client.post("/api/v1/generate", json=custom_body(callBackUrl=url)), 422, "callBackUrl"
            )
        assert client.get("/api/v1/chat/credit").json()["data"] == 1000
    assert task_count(service, token) == 0


def test_record_info_allows_three_queries_per_second_per_task(service: InProcessService) -> None:
    with service.client(service.new_key()) as client:
        task_id = client.post("/api/v1/generate", json=custom_body()).json()["data"]["taskId"]
        codes = [client.get(RECORD, params={"taskId": task_id}).status_code for _ in range(4)]
        assert codes[:3] == [200, 200, 200] and codes[3] == 429
        assert_error(client.get(RECORD, params={"taskId": task_id}), 429, "per second")


def test_credits_are_charged_and_refunded_on_failure(service: InProcessService) -> None:
    with service.client(service.new_key(credits=100)) as client:
        cost = service.settings.cost_of("generate")
        task_id = client.post("/api/v1/generate", json=custom_body(style="test:fail")).json()["data"][
            "taskId"
        ]
        assert client.get("/api/v1/generate/credit").json()["data"] == 100 - cost
        final, _ = poll_until_done(client, task_id)
        data = final["data"]
        assert data["status"] == "GENERATE_AUDIO_FAILED" and data["errorCode"] == 501
        assert "asked to fail" in data["errorMessage"]
        assert client.get("/api/v1/generate/credit").json()["data"] == 100


def test_media_supports_range_requests(service: InProcessService) -> None:
    with service.client(service.new_key()) as client:
        task_id = client.post("/api/v1/generate", json=custom_body()).json()["data"]["taskId"]
        final, _ = poll_until_done(client, task_id)
        url = final["data"]["response"]["sunoData"][0]["audioUrl"]
        whole = client.get(url).content
        part = client.get(url, headers={"Range": "bytes=100-199"})
        assert part.status_code == 206 and part.content == whole[100:200]
        assert part.headers["content-range"] == f"bytes 100-199/{len(whole)}"
        assert client.get(url.replace("audio.mp3", "..%2F..%2Fetc%2Fpasswd")).status_code == 404


def test_unexpected_errors_are_500_in_the_kie_envelope(service: InProcessService) -> None:
    from fastapi import APIRouter

    from tunesmith.api.errors import dialect_route
    from tunesmith.api.routes.kie import DIALECT

    router = APIRouter(route_class=dialect_route(DIALECT))

    @router.get("/api/v1/test-only-explodes")
    def explodes() -> None:
        raise RuntimeError("boom")

    service.app.include_router(router)
    with service.client(service.new_key()) as client:
        body = assert_error(client.get("/api/v1/test-only-explodes"), 500)
        assert "boom" not in body["msg"]


def test_submit_limit_is_20_per_10_seconds_per_key(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with InProcessService(settings_for_tests(tmp_path), with_worker=False) as service:
        token = service.new_key(credits=10_000)
        with service.client(token) as client:
            codes = [client.post("/api/v1/generate", json=custom_body()).status_code for _ in range(21)]
        assert codes == [200] * 20 + [429]
        assert task_count(service, token) == 20
        with service.client(service.new_key()) as other:
            assert other.post("/api/v1/generate", json=custom_body()).status_code == 200


def test_maintenance_mode_is_455(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with (
        InProcessService(settings_for_tests(tmp_path, maintenance=True), with_worker=False) as service,
        service.client(service.new_key()) as client,
    ):
        assert_error(client.post("/api/v1/generate", json=custom_body()), 455, "maintenance")
