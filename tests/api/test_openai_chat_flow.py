"""The OpenAI chat format over real HTTP: blocking and streaming answers with playable links, the bounded
wait, and errors in OpenAI's envelope."""

from __future__ import annotations

import re

import httpx
import orjson
import pytest

from tests.support.harness import ServiceHarness, wait_for

URL = "/v1/chat/completions"
LINK = re.compile(r"\[🎧 Listen\]\((\S+)\)")


def ask(**extra: object) -> dict:
    messages = [{"role": "user", "content": "a cheerful song about rain"}]
    return {"model": "suno-v3.5", "messages": messages, **extra}


def assert_mp3(client: httpx.Client, url: str) -> None:
    audio = client.get(url)
    assert audio.status_code == 200 and audio.headers["content-type"] == "audio/mpeg"
    assert len(audio.content) > 1000


def assert_error(reply: httpx.Response, status: int, code: str, param: str | None = None) -> dict:
    body = reply.json()
    assert reply.status_code == status, body
    assert set(body) == {"error"} and set(body["error"]) == {"message", "type", "param", "code"}, body
    assert body["error"]["code"] == code and body["error"]["message"], body
    if param is not None:
        assert body["error"]["param"] == param, body
    return body


def test_blocking_answer_has_title_lyrics_and_audio(service: ServiceHarness) -> None:
    with service.client(service.new_key()) as client:
        reply = client.post(URL, json=ask(), timeout=60)
        body = reply.json()
        assert reply.status_code == 200, body
        assert body["object"] == "chat.completion" and body["model"] == "suno-v3.5"
        assert body["id"].startswith("chatcmpl-") and isinstance(body["created"], int)
        choice = body["choices"][0]
        assert choice["finish_reason"] == "stop" and choice["message"]["role"] == "assistant"
        content = choice["message"]["content"]
        assert content.startswith("## 🎵 ") and "### Lyrics" in content and "![Cover](" in content
        links = LINK.findall(content)
        assert len(links) == 2 and all(link.endswith(".mp3") for link in links)
        for link in links:
            assert_mp3(client, link)


def test_streaming_answer_is_chunks_then_done(service: ServiceHarness) -> None:
    with (
        service.client(service.new_key()) as client,
        client.stream("POST", URL, json=ask(stream=True), timeout=60) as reply,
    ):
        assert reply.status_code == 200 and reply.headers["content-type"].startswith("text/event-stream")
        events = [line[6:] for line in reply.iter_lines() if line.startswith("data: ")]
        assert events[-1] == "[DONE]"
        chunks = [orjson.loads(e) for e in events[:-1]]
        assert all(c["object"] == "chat.completion.chunk" and c["model"] == "suno-v3.5" for c in chunks)
        assert len({c["id"] for c in chunks}) == 1
        assert chunks[0]["choices"][0]["delta"]["role"] == "assistant"
        assert chunks[-1]["choices"][0]["finish_reason"] == "stop"
        content = "".join(c["choices"][0]["delta"].get("content", "") for c in chunks)
        links = LINK.findall(content)
        assert "## 🎵 " in content and len(links) == 2
        for link in links:
            assert_mp3(client, link)


def test_bounded_wait_answers_with_stream_links_that_play_later(service: ServiceHarness) -> None:
    with service.client(service.new_key()) as client:
        body = client.post(URL, json=ask(wait_seconds=0)).json()
        content = body["choices"][0]["message"]["content"]
        assert "Still rendering" in content
        links = LINK.findall(content)
        assert len(links) == 2 and all("/stream/" in link for link in links)
        task_id = re.search(r"/suno/fetch/(\w+)", content).group(1)  # type: ignore[union-attr]
        fetch = f"/suno/fetch/{task_id}"
        wait_for(lambda: client.get(fetch).json()["data"]["status"] == "SUCCESS", timeout=60)
        for link in links:
            assert_mp3(client, link)


def test_missing_or_unknown_key_is_401(service: ServiceHarness) -> None:
    with service.client() as anonymous, service.client("tsk_nope") as wrong:
        assert_error(anonymous.post(URL, json=ask()), 401, "invalid_api_key")
        assert_error(wrong.post(URL, json=ask(stream=True)), 401, "invalid_api_key")


def test_short_balance_is_insufficient_quota(service: ServiceHarness) -> None:
    with service.client(service.new_key(credits=5)) as client:
        body = assert_error(client.post(URL, json=ask()), 429, "insufficient_quota")
        assert body["error"]["type"] == "insufficient_quota"


@pytest.mark.parametrize(
    ("body", "status", "code", "param"),
    [
        (ask(model="gpt-4o"), 404, "model_not_found", "model"),
        ({"messages": [{"role": "user", "content": "x"}]}, 400, "invalid_request", "model"),
        ({"model": "suno-v3.5"}, 400, "invalid_request", "messages"),
        ({"model": "suno-v3.5", "messages": []}, 400, "invalid_request", "messages"),
        ({"model": "suno-v3.5", "messages": "a song"}, 400, "invalid_request", "messages"),
        (ask(stream="sometimes"), 400, "invalid_request", "stream"),
        (
            {"model": "suno-v3.5", "messages": [{"role": "system", "content": "x"}]},
            400,
            "invalid_request",
            "messages",
        ),
        ([ask()], 400, "invalid_request", None),
    ],
)
def test_bad_input_is_an_openai_error(
    service: ServiceHarness, body: object, status: int, code: str, param: str | None
) -> None:
    with service.client(service.new_key()) as client:
        assert_error(client.post(URL, json=body), status, code, param)


def test_malformed_json_is_an_openai_error(service: ServiceHarness) -> None:
    with service.client(service.new_key()) as client:
        reply = client.post(URL, content=b'{"model": "suno', headers={"Content-Type": "application/json"})
        body = assert_error(reply, 400, "invalid_request")
        assert "JSON" in body["error"]["message"]
        assert_error(client.get(URL), 405, "invalid_request")
