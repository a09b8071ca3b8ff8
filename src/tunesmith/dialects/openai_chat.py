"""OpenAI chat format for songs (`POST /v1/chat/completions`), as new-api / Suno-API (Go) offer it.

The last user message is the song's description. The answer is a real OpenAI `chat.completion` (or a stream
of `chat.completion.chunk` events ending in `data: [DONE]`) whose message is markdown with the title, cover,
lyrics and audio links, so any OpenAI client library and chat UI can show it. Unlike gcui's route (plain text,
always instrumental) the shapes here are OpenAI's own.

The wait for the song is bounded (setting `chat_wait_seconds`, default DEFAULT_WAIT_SECONDS; a request may
ask for less with the extension field `wait_seconds`). When the bound is
reached the answer carries what is ready: the lyrics if written, and each take's stream URL, which plays the
take while it renders and serves the final MP3 once done.
"""

from __future__ import annotations

import time
import uuid
from typing import Any

import orjson
from pydantic import ConfigDict, Field, field_validator

from tunesmith.dialects.base import Dialect, ErrorTable, UrlBuilder
from tunesmith.dialects.models import MODEL_ALIASES, resolve_model
from tunesmith.dialects.newapi.render import audio_url, failure_message, model_name
from tunesmith.dialects.validation import RequestBody
from tunesmith.domain.errors import (
    Conflict,
    ContentRefused,
    InsufficientCredits,
    InvalidRequest,
    NotFound,
    PayloadTooLarge,
    RateLimited,
    ServiceError,
    Unauthorized,
    Unavailable,
    Unsupported,
)
from tunesmith.domain.models import Task
from tunesmith.domain.operations import OperationKind, SongRequest
from tunesmith.domain.states import ClipState, FailureKind, TaskState

DEFAULT_WAIT_SECONDS = 300.0  # Suno-API (Go) waits 5 minutes
DESCRIPTION_LIMIT = 3000  # a chat message is a description, not a document

# Per error class: (HTTP status, OpenAI `type`, OpenAI `code`).
OpenAIErrors = ErrorTable[tuple[int, str, str]]
INTERNAL = (500, "server_error", "internal_error")

_EXAMPLE: dict[str, Any] = {
    "model": "suno-v3.5",
    "messages": [{"role": "user", "content": "A cheerful pop song about a rainy afternoon in the city"}],
    "stream": False,
}


class GenerationFailed(ServiceError):
    """The song could not be generated."""


class ModelNotFound(InvalidRequest):
    """The model does not exist (OpenAI's `model_not_found`)."""


class ChatMessage(RequestBody):
    model_config = ConfigDict(extra="ignore")

    role: str = Field(description="system | user | assistant | tool")
    content: str | list[dict[str, Any]] | None = Field(None, description="Text, or OpenAI content parts.")

    def text(self) -> str:
        """The message's text: a plain string, or the `text` parts of a multi-part content list."""
        if isinstance(self.content, str):
            return self.content
        parts = self.content or []
        return "\n".join(str(p.get("text", "")) for p in parts if p.get("type") == "text")


class ChatRequest(RequestBody):
    """OpenAI's chat request; fields other than these (temperature, top_p, ...) are accepted and ignored."""

    model_config = ConfigDict(extra="ignore", json_schema_extra={"examples": [_EXAMPLE]})

    model: str = Field(description="suno-v3.5, suno-v4, chirp-v3-5, chirp-auk, V4_5, ...")
    messages: list[ChatMessage] = Field(min_length=1, description="The last user message describes the song.")
    stream: bool = Field(False, description="true: server-sent chat.completion.chunk events.")
    make_instrumental: bool = Field(False, description="Extension: true for no vocals.")
    wait_seconds: float | None = Field(
        None,
        ge=0,
        description="Extension: wait at most this long (capped by the server's bound) before answering.",
    )

    @field_validator("stream", "make_instrumental", mode="before")
    @classmethod
    def _null_false(cls, value: Any) -> Any:
        return False if value is None else value


def to_song_request(req: ChatRequest) -> SongRequest:
    """A description-mode song from the last user message."""
    model = resolve_model(req.model)
    if model is None:
        known = ", ".join(sorted(MODEL_ALIASES))
        raise ModelNotFound(f"model: unknown model {req.model!r}; use one of {known}", field="model")
    users = [m for m in req.messages if m.role == "user"]
    text = users[-1].text().strip() if users else ""
    if not text:
        raise InvalidRequest("messages: the last user message must describe the song", field="messages")
    if len(text) > DESCRIPTION_LIMIT:
        raise PayloadTooLarge(
            f"messages: the song description is {len(text)} characters, the limit is {DESCRIPTION_LIMIT}",
            field="messages",
        )
    return SongRequest(
        kind=OperationKind.GENERATE,
        model=model,
        custom_mode=False,
        instrumental=req.make_instrumental,
        description=text,
        extra={"chat_model": req.model},
    )


def wait_seconds(settings: Any, requested: float | None = None) -> float:
    """The bound on the wait: the configured one, shortened when the request asks for less."""
    bound = max(0.0, float(settings.chat_wait_seconds))
    return min(bound, requested) if requested is not None else bound


# ── errors ────────────────────────────────────────────────────────────────────────────────────────────
# Looked up along the error's class hierarchy (ModelNotFound is an InvalidRequest). OpenAI answers a missing
# balance with 429 insufficient_quota, and rate limits with 429 rate_limit_exceeded.
_ERRORS = OpenAIErrors(
    {
        Unauthorized: (401, "invalid_request_error", "invalid_api_key"),
        InsufficientCredits: (429, "insufficient_quota", "insufficient_quota"),
        NotFound: (404, "invalid_request_error", "not_found"),
        Conflict: (409, "invalid_request_error", "conflict"),
        PayloadTooLarge: (413, "invalid_request_error", "request_too_large"),
        ContentRefused: (400, "invalid_request_error", "content_policy_violation"),  # OpenAI's own code
        ModelNotFound: (404, "invalid_request_error", "model_not_found"),
        InvalidRequest: (400, "invalid_request_error", "invalid_request"),
        Unsupported: (400, "invalid_request_error", "unsupported"),
        RateLimited: (429, "requests", "rate_limit_exceeded"),
        Unavailable: (503, "server_error", "service_unavailable"),
        GenerationFailed: (500, "server_error", "generation_failed"),
    },
    default=INTERNAL,
)


def openai_error(
    err: ServiceError, table: OpenAIErrors, *, code: str | None = None
) -> tuple[int, dict[str, Any]]:
    """OpenAI's envelope `{"error": {"message", "type", "param", "code"}}` with the status, type and code of
    `table`'s entry for the nearest of `err`'s classes (500 internal_error for none); `code` overrides
    the table's code. Shared with qhaigc, whose `/v1` gateway answers in the same shape."""
    status, kind, found = table.lookup(err)
    body = {"message": err.message, "type": kind, "param": err.field, "code": code or found}
    return status, {"error": body}


def error_body(err: ServiceError) -> tuple[int, dict[str, Any]]:
    return openai_error(err, _ERRORS)


class OpenAIChatDialect(Dialect):
    """OpenAI's error envelope `{"error": {"message", "type", "param", "code"}}`."""

    name = "openai_chat"

    def render_error(self, err: ServiceError) -> tuple[int, dict[str, Any]]:
        if isinstance(err, ContentRefused) and err.field != "messages":  # a chat's texts are its messages
            err = ContentRefused(err.message, field="messages")
        return error_body(err)


# ── responses ─────────────────────────────────────────────────────────────────────────────────────────
def new_chat_id() -> str:
    return f"chatcmpl-{uuid.uuid4().hex}"


def render_markdown(task: Task, urls: UrlBuilder) -> str:
    """The assistant's answer: title, cover, lyrics, and a link per take (stream links while rendering)."""
    clips = sorted(task.clips, key=lambda c: c.index)
    first = clips[0] if clips else None
    done = task.state is TaskState.SUCCESS
    title = (first.title if first else "") or ("Untitled" if done else "Untitled (still being written)")
    lines = [f"## 🎵 {title}", ""]
    image = next((urls.media(c.image_key) for c in clips if c.image_key), "")
    if image:
        lines += [f"![Cover]({image})", ""]
    lines += ["### Lyrics", ""]
    if task.request.instrumental:
        lines.append("_Instrumental_")
    elif first and first.lyrics and task.state is not TaskState.PENDING:
        lines.append(first.lyrics.strip())
    else:
        lines.append("_(still being written)_")
    lines += ["", "### Listen", ""]
    if not done:
        lines += [
            "_Still rendering: each link plays its take as it renders and serves the final MP3 once it "
            f"is done. Poll `GET /suno/fetch/{task.id}` for the status._",
            "",
        ]
    for number, clip in enumerate(clips, start=1):
        link = audio_url(clip, urls) if clip.state is ClipState.COMPLETE else urls.stream(clip.id)
        details = [f"{clip.duration:.0f} s" if clip.duration else "", clip.tags]
        about = " · ".join(d for d in details if d)
        lines.append(f"- **Take {number}**{f' ({about})' if about else ''}: [🎧 Listen]({link})")
    name = model_name(task, first) if first else task.request.model
    lines += ["", f"_Task `{task.id}` · {name}_"]
    return "\n".join(lines)


def failure_error(task: Task) -> ServiceError:
    """The error a failed task answers with: OpenAI's content_policy_violation when the content policy
    refused the text written for it (SENSITIVE_WORD_ERROR), else generation_failed."""
    if task.failure is not None and task.failure.kind is FailureKind.SENSITIVE_WORD_ERROR:
        return ContentRefused(failure_text(task), field="messages")
    return GenerationFailed(failure_text(task))


def failure_text(task: Task) -> str:
    return f"The song could not be generated: {failure_message(task)} (task {task.id})"


def render_completion(
    task: Task, urls: UrlBuilder, *, chat_id: str, model: str, created: int, prompt_text: str
) -> dict[str, Any]:
    content = render_markdown(task, urls)
    prompt_tokens = _tokens(prompt_text)
    completion_tokens = _tokens(content)
    return {
        "id": chat_id,
        "object": "chat.completion",
        "created": created,
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content},
                "logprobs": None,
                "finish_reason": "stop",
            }
        ],
        "usage": {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
        },
        "system_fingerprint": None,
    }


def render_chunk(
    *,
    chat_id: str,
    model: str,
    created: int,
    content: str | None = None,
    role: str | None = None,
    finish_reason: str | None = None,
) -> dict[str, Any]:
    delta: dict[str, Any] = {}
    if role is not None:
        delta["role"] = role
    if content is not None:
        delta["content"] = content
    return {
        "id": chat_id,
        "object": "chat.completion.chunk",
        "created": created,
        "model": model,
        "system_fingerprint": None,
        "choices": [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish_reason}],
    }


def sse(payload: dict[str, Any] | str) -> bytes:
    """One server-sent event: `data: <json>` (or the literal `[DONE]`) and a blank line."""
    data = payload.encode() if isinstance(payload, str) else orjson.dumps(payload)
    return b"data: " + data + b"\n\n"


DONE = sse("[DONE]")

STAGE_NOTES = {
    TaskState.TEXT_SUCCESS: "✍️ Lyrics written, recording…\n\n",
    TaskState.FIRST_SUCCESS: "🎧 The first take is playable…\n\n",
}


def submitted_note(task: Task) -> str:
    return f"Composing your song (task `{task.id}`)…\n\n"


def now() -> int:
    return int(time.time())


def prompt_text(req: ChatRequest) -> str:
    return "\n".join(m.text() for m in req.messages)


def _tokens(text: str) -> int:
    """A rough token count (words), for OpenAI's `usage`; no tokenizer involved."""
    return len(text.split())
