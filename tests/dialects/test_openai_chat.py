"""OpenAI chat format: request parsing, model names, OpenAI-shaped completions, chunks and errors."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import orjson
import pytest
from tests.support.newapi_samples import URLS, clip, task

from tunesmith.dialects.openai_chat import (
    DEFAULT_WAIT_SECONDS,
    ChatRequest,
    GenerationFailed,
    OpenAIChatDialect,
    render_chunk,
    render_completion,
    render_markdown,
    sse,
    to_song_request,
    wait_seconds,
)
from tunesmith.domain.errors import (
    InsufficientCredits,
    InvalidRequest,
    NotFound,
    PayloadTooLarge,
    RateLimited,
    ServiceError,
    Unauthorized,
)
from tunesmith.domain.states import ClipState, QueueStatus, TaskState
from tunesmith.settings import Settings


def request(content: Any = "a song about rain", model: str = "suno-v3.5", **kw: Any) -> ChatRequest:
    messages = [
        {"role": "system", "content": "You write songs."},
        {"role": "user", "content": "old idea"},
        {"role": "assistant", "content": "ok"},
        {"role": "user", "content": content},
    ]
    return ChatRequest.model_validate({"model": model, "messages": messages, **kw})


def test_the_last_user_message_is_the_description() -> None:
    song = to_song_request(request())
    assert (song.description, song.custom_mode, song.instrumental, song.model) == (
        "a song about rain",
        False,
        False,
        "V3_5",
    )


def test_content_parts_are_read() -> None:
    parts = [
        {"type": "text", "text": "a song"},
        {"type": "image_url", "image_url": {"url": "x"}},
        {"type": "text", "text": "about rain"},
    ]
    assert to_song_request(request(parts)).description == "a song\nabout rain"


@pytest.mark.parametrize(
    ("model", "expected"),
    [
        ("suno-v3", "V3_5"),
        ("suno-v3.5", "V3_5"),
        ("chirp-v3-5", "V3_5"),
        ("chirp-crow", "V5"),
        ("V4_5PLUS", "V4_5PLUS"),
        ("suno-v4.5", "V4_5"),
    ],
)
def test_model_names(model: str, expected: str) -> None:
    assert to_song_request(request(model=model)).model == expected


def test_unknown_model_is_model_not_found() -> None:
    with pytest.raises(InvalidRequest) as caught:
        to_song_request(request(model="gpt-4o"))
    status, body = OpenAIChatDialect().render_error(caught.value)
    assert status == 404 and body["error"]["code"] == "model_not_found" and body["error"]["param"] == "model"


@pytest.mark.parametrize("content", ["", "   ", None, []])
def test_an_empty_description_is_refused(content: Any) -> None:
    with pytest.raises(InvalidRequest):
        to_song_request(request(content))


def test_an_over_long_description_is_refused() -> None:
    with pytest.raises(PayloadTooLarge):
        to_song_request(request("la " * 2000))


@pytest.mark.parametrize(
    ("error", "status", "kind", "code"),
    [
        (InvalidRequest("bad", field="messages"), 400, "invalid_request_error", "invalid_request"),
        (Unauthorized(), 401, "invalid_request_error", "invalid_api_key"),
        (InsufficientCredits(), 429, "insufficient_quota", "insufficient_quota"),
        (NotFound("no"), 404, "invalid_request_error", "not_found"),
        (RateLimited(), 429, "requests", "rate_limit_exceeded"),
        (GenerationFailed("it broke"), 500, "server_error", "generation_failed"),
        (ServiceError("oops"), 500, "server_error", "internal_error"),
    ],
)
def test_openai_error_envelope(error: ServiceError, status: int, kind: str, code: str) -> None:
    got, body = OpenAIChatDialect().render_error(error)
    assert got == status
    assert body == {"error": {"message": error.message, "type": kind, "param": error.field, "code": code}}


def test_completion_is_openai_shaped_with_title_cover_lyrics_and_audio() -> None:
    reply = render_completion(
        task(), URLS, chat_id="chatcmpl-1", model="suno-v3.5", created=1, prompt_text="hi"
    )
    assert set(reply) == {"id", "object", "created", "model", "choices", "usage", "system_fingerprint"}
    assert reply["object"] == "chat.completion" and reply["model"] == "suno-v3.5"
    choice = reply["choices"][0]
    assert set(choice) == {"index", "message", "logprobs", "finish_reason"}
    assert choice["finish_reason"] == "stop"
    assert choice["message"]["role"] == "assistant"
    content = choice["message"]["content"]
    assert "## 🎵 City Lights" in content
    assert "![Cover](https://media.test/clip-0/cover.png)" in content
    assert "Walking down the streets" in content
    assert "(https://media.test/clip-0/audio.mp3)" in content
    assert "(https://media.test/clip-1/audio.mp3)" in content
    usage = reply["usage"]
    assert usage["total_tokens"] == usage["prompt_tokens"] + usage["completion_tokens"]


def test_an_unfinished_song_answers_with_stream_links() -> None:
    t = task(
        TaskState.FIRST_SUCCESS,
        (clip(0, ClipState.STREAMING), clip(1, ClipState.QUEUED)),
        queue_status=QueueStatus.RUNNING,
    )
    content = render_markdown(t, URLS)
    assert "Still rendering" in content and "/suno/fetch/task-1" in content
    assert "(https://media.test/stream/clip-0)" in content and "(https://media.test/stream/clip-1)" in content
    pending = render_markdown(
        task(TaskState.PENDING, (clip(0, ClipState.SUBMITTED),), attempts=0, queue_status=QueueStatus.QUEUED),
        URLS,
    )
    assert "still being written" in pending and "(https://media.test/stream/clip-0)" in pending


def test_chunks_and_sse() -> None:
    chunk = render_chunk(chat_id="c", model="m", created=1, content="hi")
    assert chunk["object"] == "chat.completion.chunk" and chunk["choices"][0]["delta"] == {"content": "hi"}
    assert render_chunk(chat_id="c", model="m", created=1, finish_reason="stop")["choices"][0] == {
        "index": 0,
        "delta": {},
        "logprobs": None,
        "finish_reason": "stop",
    }
    event = sse(chunk)
    assert event.startswith(b"data: ") and event.endswith(b"\n\n")
    assert orjson.loads(event[6:]) == chunk
    assert sse("[DONE]") == b"data: [DONE]\n\n"


def test_the_wait_is_bounded_by_configuration(monkeypatch: pytest.MonkeyPatch) -> None:
    assert Settings().chat_wait_seconds == DEFAULT_WAIT_SECONDS
    configured = SimpleNamespace(chat_wait_seconds=10.0)
    assert wait_seconds(configured) == 10.0
    assert wait_seconds(configured, 2) == 2
    assert wait_seconds(configured, 60) == 10.0
    monkeypatch.setenv("TUNESMITH_CHAT_WAIT_SECONDS", "7")
    assert wait_seconds(Settings()) == 7.0 and wait_seconds(Settings(), 99) == 7.0
