"""Over-long lyrics, style, title and descriptions are refused on every dialect, in that dialect's envelope,
naming the dialect's field, and nothing is charged; the engine never plans more than eight minutes of song."""

from __future__ import annotations

import pytest

from tests.support.harness import ServiceHarness
from tunesmith.api.routes import gcui, kie, newapi, openai_chat, qhaigc, zeakai
from tunesmith.dialects.base import Dialect
from tunesmith.domain.errors import PayloadTooLarge

HUGE = "la la la\n" * 11_112  # 100,008 characters of lyrics
LONG_STYLE = "pop, " * 201  # 1005: over every model's style limit
LONG_TITLE = "T" * 101
LONG_IDEA = "a song about the sea " * 250  # 5250: over every model's prompt limit

# (dialect, path, body, the field the refusal must name)
CASES: list[tuple[Dialect, str, dict, str]] = [
    (newapi.DIALECT, "/suno/submit/music", {"prompt": HUGE, "tags": "pop", "mv": "chirp-v4"}, "prompt"),
    (newapi.DIALECT, "/suno/submit/music", {"prompt": "la", "tags": LONG_STYLE, "mv": "chirp-auk"}, "tags"),
    (newapi.DIALECT, "/suno/submit/music", {"prompt": "la", "tags": "pop", "title": LONG_TITLE}, "title"),
    (
        newapi.DIALECT,
        "/suno/submit/music",
        {"prompt": "la", "tags": "pop", "negative_tags": LONG_STYLE, "mv": "chirp-auk"},
        "negative_tags",
    ),
    (newapi.DIALECT, "/suno/submit/music", {"gpt_description_prompt": LONG_IDEA}, "gpt_description_prompt"),
    (newapi.DIALECT, "/suno/submit/lyrics", {"prompt": LONG_IDEA}, "prompt"),
    (gcui.DIALECT, "/api/custom_generate", {"prompt": HUGE, "tags": "pop", "title": "t"}, "prompt"),
    (gcui.DIALECT, "/api/custom_generate", {"prompt": "la", "tags": LONG_STYLE, "title": "t"}, "tags"),
    (gcui.DIALECT, "/api/custom_generate", {"prompt": "la", "tags": "pop", "title": LONG_TITLE}, "title"),
    (gcui.DIALECT, "/api/generate", {"prompt": LONG_IDEA}, "prompt"),
    (gcui.DIALECT, "/api/generate_lyrics", {"prompt": LONG_IDEA}, "prompt"),
    (zeakai.DIALECT, "/suno/task/submit/custom", {"prompt": HUGE, "tags": "pop", "title": "t"}, "prompt"),
    (
        zeakai.DIALECT,
        "/suno/task/submit/custom",
        {"prompt": "la", "tags": "pop", "title": "t", "negative_tags": LONG_STYLE},
        "negative_tags",
    ),
    (zeakai.DIALECT, "/suno/task/submit/lyrics", {"prompt": LONG_IDEA}, "prompt"),
    (
        qhaigc.DIALECT,
        "/v1/music/generations",
        {"prompt": HUGE, "custom_mode": True, "style": "pop", "title": "t"},
        "prompt",
    ),
    (
        kie.DIALECT,
        "/api/v1/generate",
        {
            "customMode": True,
            "instrumental": False,
            "model": "V5",
            "prompt": HUGE,
            "style": "pop",
            "title": "t",
        },
        "prompt",
    ),
    (
        kie.DIALECT,
        "/api/v1/generate",
        {
            "customMode": True,
            "instrumental": False,
            "model": "V5",
            "prompt": "la",
            "style": "pop",
            "title": "t",
            "negativeTags": LONG_STYLE,
        },
        "negativeTags",
    ),
    (kie.DIALECT, "/api/v1/lyrics", {"prompt": LONG_IDEA, "callBackUrl": "https://example.com/cb"}, "prompt"),
    (
        openai_chat.DIALECT,
        "/v1/chat/completions",
        {"model": "suno-v4", "messages": [{"role": "user", "content": LONG_IDEA}]},
        "messages",
    ),
]


@pytest.mark.parametrize(("dialect", "path", "body", "field"), CASES, ids=[f"{c[1]}:{c[3]}" for c in CASES])
def test_over_long_text_is_refused_in_the_dialects_envelope(
    service: ServiceHarness, dialect: Dialect, path: str, body: dict, field: str
) -> None:
    status, envelope = dialect.render_error(PayloadTooLarge("x", field=field))
    token = service.new_key(credits=1000)
    with service.client(token) as client:
        reply = client.post(path, json=body)
        assert reply.status_code == status, (reply.status_code, reply.text[:300])
        answer = reply.json()
        assert set(answer) == set(envelope), answer
        assert f"{field} is too long" in reply.text or f"{field}: the song description is" in reply.text, (
            reply.text[:300]
        )
        assert client.get("/api/v1/generate/credit").json()["data"] == 1000
