"""Bodies no client should send, on every POST route of every dialect (found by fuzzing the OpenAPI document):
each is refused as a client error in the route's own envelope, never a 500, and nothing is charged."""

from __future__ import annotations

import json
import math
from collections.abc import Callable

import pytest

from tests.support.harness import settings_for_tests
from tests.support.inprocess import InProcessService


@pytest.fixture(scope="module")
def service(fast_service: InProcessService) -> InProcessService:
    """What each request answers: the in-process service serves this module (tests.support.inprocess)."""
    return fast_service


NOT_UTF8 = b'{"prompt": "\xff\xfe\xa1"}'


def post_routes(service: InProcessService) -> list[str]:
    with service.client() as client:
        paths = client.get("/openapi.json").json()["paths"]
    return sorted(path for path, item in paths.items() if "post" in item and "{" not in path)


def test_every_dialect_has_post_routes_to_check(service: InProcessService) -> None:
    routes = post_routes(service)
    for prefix in ("/api/v1/", "/suno/submit/", "/suno/task/submit/", "/v1/music/", "/api/", "/v1/chat/"):
        assert any(r.startswith(prefix) for r in routes), prefix


def test_bytes_that_are_not_utf8_are_a_client_error_in_each_envelope(service: InProcessService) -> None:
    token = service.new_key(credits=1000)
    with service.client(token) as client:
        for path in post_routes(service):
            reply = client.post(path, content=NOT_UTF8, headers={"content-type": "application/json"})
            assert 400 <= reply.status_code < 500, (path, reply.status_code, reply.text)
            body = reply.json()  # the dialect's JSON envelope, not a bare framework page
            assert "UTF-8" in reply.text or "JSON" in reply.text, (path, body)
        assert client.get("/api/v1/generate/credit").json()["data"] == 1000


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        (
            "/api/v1/generate",
            {
                "customMode": False,
                "instrumental": True,
                "model": "V4_5",
                "prompt": "x",
                "styleWeight": math.inf,
            },
            "styleWeight",
        ),
        (
            "/api/v1/generate/replace-section",
            {
                "taskId": "t",
                "audioId": "a",
                "prompt": "la",
                "tags": "pop",
                "title": "t",
                "fullLyrics": "la",
                "infillStartS": 1.5e308,
                "infillEndS": 1.6e308,
            },
            "infillStartS",
        ),
        (
            "/api/v1/generate/extend",
            {
                "defaultParamFlag": True,
                "audioId": "a",
                "model": "V4_5",
                "prompt": "la",
                "style": "pop",
                "title": "t",
                "continueAt": math.inf,
                "callBackUrl": "https://example.com/cb",
            },
            "continueAt",
        ),
    ],
)
def test_infinite_and_huge_numbers_are_422(
    service: InProcessService, path: str, body: dict, field: str
) -> None:
    with service.client(service.new_key()) as client:
        raw = json.dumps(body).replace("Infinity", "1e999")  # JSON text that Python parses as infinity
        reply = client.post(path, content=raw.encode(), headers={"content-type": "application/json"})
        assert reply.status_code == 422, reply.text
        assert reply.json()["code"] == 422 and field in reply.json()["msg"], reply.json()


NUL_BODIES = [
    (
        "/api/v1/generate",
        {
            "customMode": True,
            "instrumental": False,
            "model": "V4_5",
            "prompt": "la",
            "style": "pop",
            "title": "a\u0000b",
            "callBackUrl": "https://example.com/cb",
        },
    ),
    ("/suno/submit/music", {"prompt": "la", "tags": "po\u0000p", "title": "t", "mv": "chirp-v4"}),
    ("/v1/music/generations", {"prompt": "calm \u0000 piano"}),
]
NUL_IDS = [
    "/api/v1/generate/record-info?taskId=a%00b",
    "/api/v1/wav/record-info?taskId=a%00b",
    "/suno/fetch/a%00b",
    "/v1/music/tasks/a%00b",
    "/suno/task/a%00b/fetch",
    "/api/get?ids=a%00b",
]


def test_nul_characters_are_refused_or_not_found_on_each_backend(tmp_path, backend_url: str) -> None:  # type: ignore[no-untyped-def]
    """PostgreSQL cannot hold NUL in text: bodies holding one are invalid, ids holding one name nothing."""
    settings = settings_for_tests(tmp_path, database_url=backend_url)
    with (
        InProcessService(settings, with_worker=False) as service,
        service.client(service.new_key()) as client,
    ):
        for path, body in NUL_BODIES:
            reply = client.post(path, json=body)
            assert 400 <= reply.status_code < 500, (path, reply.status_code, reply.text)
            assert "NUL" in reply.text, (path, reply.text)
        for path in NUL_IDS:
            reply = client.get(path)
            assert reply.status_code in (200, 404), (path, reply.status_code, reply.text)
            assert reply.status_code == 404 or reply.json() in (
                [],
                {"code": 200, "msg": "success", "data": []},
            )
        assert client.get("/api/v1/generate/credit").json()["data"] == 1000


def string_fields(service: InProcessService, path: str) -> list[str]:
    """The route's body properties that take text (from its OpenAPI schema), or a few common ones."""
    with service.client() as client:
        schema = client.get("/openapi.json").json()
    content = schema["paths"][path]["post"].get("requestBody", {}).get("content", {})
    ref = content.get("application/json", {}).get("schema", {}).get("$ref", "")
    props = schema["components"]["schemas"].get(ref.rsplit("/", 1)[-1], {}).get("properties", {})
    names = [
        name
        for name, prop in props.items()
        if prop.get("type") == "string" or any(p.get("type") == "string" for p in prop.get("anyOf", []))
    ]
    return names or ["prompt", "title", "tags", "style"]


def hostile_posts(
    service: InProcessService, make: Callable[[list[str]], bytes]
) -> list[tuple[str, int, str]]:
    """POST `make(text fields)` to every POST route; the (path, status, body) of each answer."""
    token = service.new_key(credits=1000)
    answers = []
    with service.client(token) as client:
        for path in post_routes(service):
            content = make(string_fields(service, path))
            reply = client.post(path, content=content, headers={"content-type": "application/json"})
            answers.append((path, reply.status_code, reply.text))
        assert client.get("/api/v1/generate/credit").json()["data"] == 1000
    return answers


def assert_client_errors(answers: list[tuple[str, int, str]]) -> None:
    for path, status, text in answers:
        assert 400 <= status < 500, (path, status, text[:300])
        assert isinstance(json.loads(text), dict), (path, text[:300])  # the dialect's JSON envelope


def test_lone_surrogates_in_every_text_field_are_client_errors(service: InProcessService) -> None:
    answers = hostile_posts(
        service, lambda fields: ("{" + ", ".join(f'"{f}": "a\\ud800b"' for f in fields) + "}").encode()
    )
    assert_client_errors(answers)
    refused = [text for _, _, text in answers if "UTF-8" in text or "unicode" in text]
    assert len(refused) >= len(answers) // 2, answers  # most routes name the bad text itself


def test_over_long_text_in_every_field_is_a_client_error(service: InProcessService) -> None:
    answers = hostile_posts(service, lambda fields: json.dumps({f: "x" * 60_000 for f in fields}).encode())
    assert_client_errors(answers)


@pytest.mark.parametrize("depth", [64, 100_000])
def test_deeply_nested_bodies_are_client_errors(service: InProcessService, depth: int) -> None:
    nested = "[" * depth + "]" * depth
    answers = hostile_posts(service, lambda fields: f'{{"{fields[0]}": {nested}, "x": {nested}}}'.encode())
    assert_client_errors(answers)
