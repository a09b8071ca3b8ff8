"""A lone UTF-16 surrogate (`"\\ud800"` in JSON) cannot be stored or sent as UTF-8: every dialect refuses it
as a client error in its own envelope, on SQLite and PostgreSQL, and an error whose message carries one is
still rendered (the renderer cannot raise)."""

from __future__ import annotations

import json

import httpx

from tests.support.harness import ServiceHarness, settings_for_tests
from tunesmith.api.errors import JsonResponse, error_response
from tunesmith.api.routes import gcui, kie, newapi, qhaigc, zeakai
from tunesmith.dialects.base import Dialect
from tunesmith.domain.errors import NotFound, ServiceError

LONE = "\\ud800"  # as it appears in JSON text

# (path, JSON text with a lone surrogate in one field, the field)
BODIES = [
    (
        "/api/v1/generate",
        '{"customMode": true, "instrumental": false, "model": "V4_5", "prompt": "la", "style": "pop", '
        f'"title": "a{LONE}b"}}',
        "title",
    ),
    (
        "/api/v1/generate",
        '{"customMode": true, "instrumental": false, "model": "V4_5", "prompt": "la", "style": "pop", '
        f'"title": "t", "personaId": "p{LONE}"}}',
        "personaId",
    ),
    ("/suno/submit/music", f'{{"prompt": "la", "tags": "pop", "title": "x{LONE}"}}', "title"),
    ("/api/custom_generate", f'{{"prompt": "la", "tags": "pop", "title": "x{LONE}"}}', "title"),
    ("/suno/task/submit/custom", f'{{"prompt": "la", "tags": "pop", "title": "x{LONE}"}}', "title"),
    ("/v1/music/generations", f'{{"prompt": "calm {LONE} piano"}}', "prompt"),
    (
        "/v1/chat/completions",
        f'{{"model": "suno-v4", "messages": [{{"role": "user", "content": "a song {LONE}"}}]}}',
        "messages",
    ),
]


def assert_client_error(reply: httpx.Response, field: str) -> None:
    assert 400 <= reply.status_code < 500, (reply.status_code, reply.text[:300])
    assert reply.headers["content-type"].startswith("application/json"), reply.text[:300]
    text = json.dumps(reply.json())
    assert "UTF-8" in text or "surrogate" in text, text
    assert field in text, text


def test_lone_surrogates_are_client_errors_on_each_backend(tmp_path, backend_url: str) -> None:  # type: ignore[no-untyped-def]
    settings = settings_for_tests(tmp_path, database_url=backend_url)
    with ServiceHarness(settings, with_worker=False) as service, service.client(service.new_key()) as client:
        for path, text, field in BODIES:
            reply = client.post(path, content=text.encode(), headers={"content-type": "application/json"})
            assert_client_error(reply, field)
        assert client.get("/api/v1/generate/credit").json()["data"] == 1000


def test_an_error_carrying_a_surrogate_still_renders_in_each_envelope() -> None:
    for dialect in (kie.DIALECT, newapi.DIALECT, gcui.DIALECT, zeakai.DIALECT, qhaigc.DIALECT):
        response = error_response(dialect, NotFound("Persona not found: p\ud800", field="personaId"))
        assert response.status_code == 404 or 200 <= response.status_code < 500
        body = json.loads(response.body)
        assert "Persona not found: p\ufffd" in json.dumps(body, ensure_ascii=False)
    assert json.loads(JsonResponse({"k\udfff": ["\ud800"]}).body) == {"k\ufffd": ["\ufffd"]}


class BrokenDialectForTests(Dialect):
    """A test double: a dialect whose renderer fails on everything."""

    name = "broken"

    def render_error(self, err: ServiceError) -> tuple[int, dict]:
        raise RuntimeError("renderer bug")


def test_a_renderer_that_raises_still_gives_a_json_500() -> None:
    response = error_response(BrokenDialectForTests(), NotFound("x"))
    assert response.status_code == 500 and json.loads(response.body) == {"error": "Internal server error"}
