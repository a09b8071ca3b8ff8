"""Texts refused at submit by the operator's word list and artist list, through every dialect: the dialect's
own moderation error (status, code, envelope), the field named but never the term, nothing charged, nothing
stored. Clean songs with innocent words that contain a term go through."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.support.harness import ServiceHarness, settings_for_tests
from tests.support.kie_client import poll_until_done

BLOCKLIST = """\
# terms for these tests (made-up words, so no clean text holds them by chance)
snarkle
坏蛋
[style]
grimbly
[title]
blorp
"""
ARTISTS = "Taylor Swift\n周杰伦\n"
LYRICS = "[Verse]\nyou are so {}\n[Chorus]\nla la la"
CREDITS = 100


@pytest.fixture(scope="module")
def policed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServiceHarness]:
    folder = tmp_path_factory.mktemp("policed")
    (folder / "blocklist.txt").write_text(BLOCKLIST, encoding="utf-8")
    (folder / "artists.txt").write_text(ARTISTS, encoding="utf-8")
    settings = settings_for_tests(
        folder, blocklist_file=folder / "blocklist.txt", artist_names_file=folder / "artists.txt"
    )
    with ServiceHarness(settings, with_worker=False) as service:
        yield service


Check = Callable[[httpx.Response, str], None]


def kie(reply: httpx.Response, field: str) -> None:
    body = reply.json()
    assert reply.status_code == 400 and body["code"] == 400 and body["data"] is None, body
    assert list(body) == ["code", "msg", "data"]
    assert body["msg"].startswith(f"The {field} contain"), body


def newapi(reply: httpx.Response, field: str) -> None:
    body = reply.json()
    assert reply.status_code == 400, body
    assert body == {"code": "sensitive_words_detected", "message": body["message"], "data": None}
    assert body["message"].startswith(f"The {field} contain"), body


def openai_shape(code: str, param: str | None = None) -> Check:
    def check(reply: httpx.Response, field: str) -> None:
        body = reply.json()
        assert reply.status_code == 400, body
        error = body["error"]
        assert list(body) == ["error"] and set(error) == {"message", "type", "param", "code"}, body
        assert (error["type"], error["code"], error["param"]) == (
            "invalid_request_error",
            code,
            param or field,
        )
        assert error["message"].startswith(f"The {field} contain"), body

    return check


def zeakai(reply: httpx.Response, field: str) -> None:
    body = reply.json()
    assert reply.status_code == 400, body
    assert body == {"code": 24, "description": body["description"], "result": None, "properties": {}}
    assert body["description"].startswith(f"The {field} contain"), body


def gcui(reply: httpx.Response, field: str) -> None:
    body = reply.json()
    assert reply.status_code == 400 and list(body) == ["error"], body
    assert body["error"].startswith(f"The {field} contain"), body


def kie_custom(**extra: Any) -> dict:
    body = {"customMode": True, "instrumental": False, "model": "V4_5", "prompt": LYRICS.format("fine")}
    return {**body, "style": "pop", "title": "Fine Day", **extra}


CASES: list[tuple[str, str, dict, Check, str, str]] = [
    # (name, path, body, check, field, the term the text hides)
    (
        "kie lyrics",
        "/api/v1/generate",
        kie_custom(prompt=LYRICS.format("S.N.A.R.K.L.E")),
        kie,
        "lyrics",
        "nark",
    ),
    ("kie style", "/api/v1/generate", kie_custom(style="ｇｒｉｍｂｌｙ rock"), kie, "style", "rimb"),
    ("kie title", "/api/v1/generate", kie_custom(title="Bl0rp Bl0rp"), kie, "title", "l0rp"),
    ("kie chinese", "/api/v1/generate", kie_custom(prompt=LYRICS.format("坏 蛋")), kie, "lyrics", "坏"),
    ("kie pinyin", "/api/v1/generate", kie_custom(prompt=LYRICS.format("huai-dan")), kie, "lyrics", "huai"),
    (
        "kie description",
        "/api/v1/generate",
        {"customMode": False, "instrumental": False, "model": "V4_5", "prompt": "a sn4rkle song"},
        kie,
        "description",
        "4rk",
    ),
    (
        "kie artist",
        "/api/v1/generate",
        kie_custom(style="pop in the style of TAYLOR swift"),
        kie,
        "style",
        "wift",
    ),
    (
        "kie lyrics task",
        "/api/v1/lyrics",
        {"prompt": "an ode to snarkle", "callBackUrl": ""},
        kie,
        "description",
        "nark",
    ),
    (
        "newapi music",
        "/suno/submit/music",
        {"prompt": LYRICS.format("snarkle"), "tags": "pop", "title": "Fine", "mv": "chirp-v3-5"},
        newapi,
        "lyrics",
        "nark",
    ),
    (
        "newapi description",
        "/suno/submit/music",
        {"gpt_description_prompt": "a 周杰伦 ballad", "mv": "chirp-v3-5"},
        newapi,
        "description",
        "周杰",
    ),
    ("newapi lyrics", "/suno/submit/lyrics", {"prompt": "snarkle"}, newapi, "description", "nark"),
    (
        "qhaigc",
        "/v1/music/generations",
        {
            "prompt": LYRICS.format("fine"),
            "model": "suno-v4.5-plus",
            "custom_mode": True,
            "style": "grimbly",
            "title": "Ok",
        },
        openai_shape("sensitive_words_detected"),
        "style",
        "rimb",
    ),
    (
        "openai chat",
        "/v1/chat/completions",
        {"model": "suno-v3.5", "messages": [{"role": "user", "content": "a song about snarkle"}]},
        openai_shape("content_policy_violation", param="messages"),
        "description",
        "nark",
    ),
    (
        "zeakai custom",
        "/suno/task/submit/custom",
        {"prompt": LYRICS.format("fine"), "tags": "rock", "title": "BLORP", "mv": "chirp-v4"},
        zeakai,
        "title",
        "LORP",
    ),
    (
        "zeakai inspiration",
        "/suno/task/submit/inspiration",
        {"gpt_description_prompt": "snarkle time"},
        zeakai,
        "description",
        "nark",
    ),
    (
        "gcui custom",
        "/api/custom_generate",
        {
            "prompt": LYRICS.format("s n a r k l e"),
            "tags": "pop",
            "title": "Fine",
            "make_instrumental": False,
        },
        gcui,
        "lyrics",
        "n a r",
    ),
    ("gcui description", "/api/generate", {"prompt": "a song about snarkle"}, gcui, "description", "nark"),
    ("gcui lyrics", "/api/generate_lyrics", {"prompt": "坏蛋之歌"}, gcui, "description", "坏"),
]


def _balance_and_tasks(service: ServiceHarness, token: str) -> tuple[int, int]:
    key = service.services.keys.authenticate(f"Bearer {token}")
    charges = [e for e in service.services.store.ledger(key.id) if e["reason"].startswith("charge")]
    return service.services.keys.balance(key), len(charges)


@pytest.mark.parametrize(
    ("name", "path", "body", "check", "field", "hidden"), CASES, ids=[c[0] for c in CASES]
)
def test_a_refused_text_is_the_dialects_moderation_error_and_costs_nothing(
    policed: ServiceHarness,
    caplog: pytest.LogCaptureFixture,
    name: str,
    path: str,
    body: dict,
    check: Check,
    field: str,
    hidden: str,
) -> None:
    token = policed.new_key(credits=CREDITS)
    if not body.get("callBackUrl", "x"):
        body = {k: v for k, v in body.items() if k != "callBackUrl"}
    with caplog.at_level("WARNING", logger="tunesmith.policy"), policed.client(token) as client:
        reply = client.post(path, json=body)
    check(reply, field)
    assert hidden not in reply.text  # the client is told the field, never the term
    assert _balance_and_tasks(policed, token) == (CREDITS, 0)
    assert (
        "content policy: refused" in caplog.text and f"in the {field}" in caplog.text
    )  # the operator's line


@pytest.mark.parametrize(
    "lyrics",
    [
        "[Verse]\nsparkle and snark, a snarky lark\n[Chorus]\nhe'll be fine",
        "[Verse]\n妈妈的歌 淮安的蛋糕\n[Chorus]\n好的",
        "[Verse]\nthe grimbly-looking sky\n[Chorus]\nblorp goes the frog",  # terms of other fields
    ],
)
def test_clean_songs_with_innocent_words_are_taken(policed: ServiceHarness, lyrics: str) -> None:
    token = policed.new_key(credits=CREDITS)
    with policed.client(token) as client:
        reply = client.post("/api/v1/generate", json=kie_custom(prompt=lyrics, style="Swiftian pop"))
    assert reply.status_code == 200 and reply.json()["code"] == 200, reply.text
    assert _balance_and_tasks(policed, token) == (CREDITS - 12, 1)


@pytest.fixture
def stripping(tmp_path: Path) -> Iterator[ServiceHarness]:
    """Artist names removed rather than refused; a worker, so songs finish (for personas)."""
    (tmp_path / "blocklist.txt").write_text(BLOCKLIST, encoding="utf-8")
    (tmp_path / "artists.txt").write_text(ARTISTS, encoding="utf-8")
    settings = settings_for_tests(
        tmp_path,
        blocklist_file=tmp_path / "blocklist.txt",
        artist_names_file=tmp_path / "artists.txt",
        artist_names_action="strip",
    )
    with ServiceHarness(settings) as service:
        yield service


def test_artist_names_can_be_stripped_with_a_note(stripping: ServiceHarness) -> None:
    token = stripping.new_key(credits=CREDITS)
    with stripping.client(token) as client:
        style = "dreamy pop, in the style of Taylor Swift, 周杰伦-style piano, upbeat"
        reply = client.post("/api/v1/generate", json=kie_custom(style=style))
        assert reply.status_code == 200, reply.text
        task_id = reply.json()["data"]["taskId"]
        final, _ = poll_until_done(client, task_id)
    task = stripping.services.store.get_task(task_id)
    assert task is not None
    assert task.request.style == "dreamy pop, piano, upbeat"
    assert task.request.extra["policy_notes"] == ["2 protected artist names were removed from the style"]
    assert all(clip["tags"] == "dreamy pop, piano, upbeat" for clip in final["data"]["response"]["sunoData"])


def test_a_persona_named_with_a_term_is_refused(stripping: ServiceHarness) -> None:
    token = stripping.new_key(credits=CREDITS)
    with stripping.client(token) as client:
        task_id = client.post("/api/v1/generate", json=kie_custom(style="pop, test:seconds=20")).json()
        task_id = task_id["data"]["taskId"]
        final, _ = poll_until_done(client, task_id)
        clip = final["data"]["response"]["sunoData"][0]
        base = {"taskId": task_id, "audioId": clip["id"], "vocalStart": 1, "vocalEnd": 11}
        for body, field in (
            ({**base, "name": "Snarkle Alto", "description": "warm"}, "title"),
            ({**base, "name": "Alto", "description": "a 坏蛋 voice"}, "description"),
        ):
            reply = client.post("/api/v1/generate/generate-persona", json=body)
            kie(reply, field)
        fine = client.post(
            "/api/v1/generate/generate-persona", json={**base, "name": "Alto", "description": "warm"}
        )
        assert fine.status_code == 200, fine.text
    assert _balance_and_tasks(stripping, token) == (CREDITS - 12, 1)


def test_a_style_to_boost_is_reviewed_too(policed: ServiceHarness) -> None:
    with policed.client(policed.new_key(credits=CREDITS)) as client:
        kie(client.post("/api/v1/style/generate", json={"content": "grimbly jazz"}), "style")
        assert client.post("/api/v1/style/generate", json={"content": "smooth jazz"}).status_code == 200
