"""The external moderation service, through a test double on loopback: flagged, clean, slow, down (and
broken answers); its outage lets texts through unless the operator chose fail_closed; through the service,
a flagged text is refused at submit or, once written, ends the task in SENSITIVE_WORD_ERROR."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.chat_server import dead_url
from tests.support.harness import ServiceHarness, settings_for_tests, wait_for
from tests.support.moderation_server import ModerationServerForTests
from tests.support.refusals import assert_refused_and_refunded
from tunesmith.policy.check import ContentPolicy, Finding
from tunesmith.policy.moderation import ModerationClient, ModerationUnavailable, Verdict, endpoint

CREDITS = 100


def test_flagged_and_clean_texts_in_one_call() -> None:
    with ModerationServerForTests("FLAG-ME") as server:
        client = ModerationClient(server.url, key="sk-mod", model="omni-moderation-latest", timeout=5)
        verdicts = client.check(["a calm song", "please FLAG-ME now"])
        client.close()
    assert verdicts == [Verdict(flagged=False), Verdict(flagged=True, categories=("harassment",))]
    (request,) = server.requests
    assert request["path"] == "/v1/moderations"
    assert request["headers"]["Authorization"] == "Bearer sk-mod"
    assert request["json"] == {
        "input": ["a calm song", "please FLAG-ME now"],
        "model": "omni-moderation-latest",
    }


def test_endpoint_from_a_base_or_the_full_url() -> None:
    assert endpoint("http://h:1/v1/") == "http://h:1/v1/moderations"
    assert endpoint("https://api.openai.com/v1/moderations") == "https://api.openai.com/v1/moderations"


@pytest.mark.parametrize(
    ("mode", "words"),
    [
        ("slow", "no answer from"),
        ("error", "HTTP 500"),
        ("garbage", "something other"),
        ("short", "1 results"),
    ],
)
def test_a_service_that_gives_no_verdict_is_unavailable(mode: str, words: str) -> None:
    with ModerationServerForTests(mode=mode, delay=3.0) as server:
        client = ModerationClient(server.url, timeout=0.5)
        started = time.monotonic()
        with pytest.raises(ModerationUnavailable, match=words):
            client.check(["one", "two"])
        assert time.monotonic() - started < 2.5  # the timeout bounds the wait
        client.close()


def test_a_service_that_is_down_is_unavailable() -> None:
    client = ModerationClient(dead_url(), timeout=2)
    with pytest.raises(ModerationUnavailable, match="cannot be reached"):
        client.check(["one"])


def test_outage_lets_texts_through_unless_fail_closed(caplog: pytest.LogCaptureFixture) -> None:
    texts = [("lyrics", "[Verse]\nhello")]
    open_policy = ContentPolicy(moderation=ModerationClient(dead_url(), timeout=1))
    with caplog.at_level(logging.WARNING, logger="tunesmith.policy"):
        assert open_policy.review(texts) is None
    assert "let through" in caplog.text
    closed = ContentPolicy(moderation=ModerationClient(dead_url(), timeout=1), fail_closed=True)
    with pytest.raises(ModerationUnavailable):
        closed.review(texts)


def test_only_lyrics_and_descriptions_are_sent() -> None:
    with ModerationServerForTests("FLAG-ME") as server:
        policy = ContentPolicy(moderation=ModerationClient(server.url))
        found = policy.review(
            [("title", "FLAG-ME"), ("style", "pop"), ("lyrics", "la"), ("description", "FLAG-ME")]
        )
    assert found == Finding("description", "moderation", "harassment")
    assert server.requests[0]["json"]["input"] == ["la", "FLAG-ME"]


@pytest.fixture
def moderated(tmp_path: Path) -> Iterator[tuple[ServiceHarness, ModerationServerForTests]]:
    with ModerationServerForTests("FLAG-ME", "la la la") as server:
        settings = settings_for_tests(tmp_path, moderation_url=server.url, moderation_key="sk-mod")
        with ServiceHarness(settings) as service:
            yield service, server


def test_a_flagged_request_is_refused_and_a_flagged_written_text_fails_the_task(
    moderated: tuple[ServiceHarness, ModerationServerForTests],
) -> None:
    service, server = moderated
    token = service.new_key(credits=CREDITS)
    custom = {"customMode": True, "instrumental": False, "model": "V4_5", "style": "pop", "title": "Hi"}
    with service.client(token) as client:
        reply = client.post("/api/v1/generate", json={**custom, "prompt": "[Verse]\nFLAG-ME please"})
        body = reply.json()
        assert reply.status_code == 400 and body["code"] == 400, body
        assert (
            body["msg"]
            == "The lyrics contain content the moderation service flagged; change it and try again"
        )
        assert service.services.keys.balance(service.services.keys.authenticate(f"Bearer {token}")) == CREDITS
        # description mode: the tone engine writes "la la la", which this service flags
        described = {"customMode": False, "instrumental": False, "model": "V4_5", "prompt": "a calm song"}
        task_id = client.post("/api/v1/generate", json=described).json()["data"]["taskId"]
    task = wait_for(
        lambda: (t := service.services.store.get_task(task_id)) is not None and t.is_terminal and t
    )
    assert task.failure is not None and task.failure.kind.value == "SENSITIVE_WORD_ERROR"
    assert_refused_and_refunded(
        service, token, task_id, "lyrics", "harassment", source="moderation", granted=CREDITS
    )
    assert all(r["headers"]["Authorization"] == "Bearer sk-mod" for r in server.requests)


@pytest.mark.parametrize("fail_closed", [False, True])
def test_an_outage_blocks_songs_only_when_the_operator_says_so(tmp_path: Path, fail_closed: bool) -> None:
    settings = settings_for_tests(tmp_path, moderation_url=dead_url(), moderation_fail_closed=fail_closed)
    with ServiceHarness(settings, with_worker=False) as service:
        token = service.new_key(credits=CREDITS)
        body = {"customMode": True, "instrumental": False, "model": "V4_5", "style": "pop", "title": "Hi"}
        with service.client(token) as client:
            reply = client.post("/api/v1/generate", json={**body, "prompt": "[Verse]\nhello"})
    if fail_closed:
        assert reply.status_code == 455 and reply.json()["code"] == 455, reply.text
        assert "moderation is unavailable" in reply.json()["msg"]
    else:
        assert reply.status_code == 200 and reply.json()["code"] == 200, reply.text
