"""OpenAI chat format (`POST /v1/chat/completions`): describe a song in a chat message, get it as markdown.

Blocking requests wait (boundedly) for the song and answer one `chat.completion`; streaming requests get
`chat.completion.chunk` events while it renders (a 🎵 tick every few seconds keeps proxies from closing the
connection) and end with `data: [DONE]`. Errors before the stream starts use OpenAI's error envelope with its
HTTP status; an error after it started arrives as an `{"error": ...}` event before `[DONE]`.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator

from fastapi import APIRouter, Request
from fastapi.responses import StreamingResponse
from starlette.concurrency import run_in_threadpool

from tunesmith.api.deps import ApiKeyDep, ServicesDep
from tunesmith.api.errors import JsonResponse, dialect_route
from tunesmith.dialects import openai_chat as chat
from tunesmith.domain.errors import ServiceError
from tunesmith.domain.models import ApiKey, Task
from tunesmith.domain.states import TaskState
from tunesmith.services import Services

log = logging.getLogger(__name__)

DIALECT = chat.OpenAIChatDialect()
PREFIXES = ("/v1/chat",)
POLL_SECONDS = 0.5
TICK_SECONDS = 5.0

router = APIRouter(prefix="/v1", tags=["OpenAI chat (songs)"], route_class=dialect_route(DIALECT))


@router.post(
    "/chat/completions",
    summary="Make a song from the last user message (blocking or streaming)",
    response_model=None,
)
async def chat_completions(
    body: chat.ChatRequest, request: Request, key: ApiKeyDep, services: ServicesDep
) -> JsonResponse | StreamingResponse:
    song = chat.to_song_request(body)
    raw = (await request.body()).decode("utf-8", errors="replace")
    task: Task = await run_in_threadpool(
        services.tasks.submit, key, song, dialect=DIALECT.name, raw_request=raw
    )
    wait = chat.wait_seconds(services.settings, body.wait_seconds)
    chat_id, created = chat.new_chat_id(), chat.now()
    if body.stream:
        events = _events(services, key, task, chat_id=chat_id, model=body.model, created=created, wait=wait)
        return StreamingResponse(
            events,
            media_type="text/event-stream",
            headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
        )
    deadline = time.monotonic() + wait
    while not task.is_terminal and time.monotonic() < deadline:
        await asyncio.sleep(min(POLL_SECONDS, max(0.0, deadline - time.monotonic())))
        if await request.is_disconnected():
            return JsonResponse(None, status_code=499)  # nobody is listening; the task carries on
        task = await run_in_threadpool(services.tasks.get, key, task.id)
    if task.state is TaskState.FAILED:
        raise chat.failure_error(task)
    return JsonResponse(
        chat.render_completion(
            task,
            services.urls,
            chat_id=chat_id,
            model=body.model,
            created=created,
            prompt_text=chat.prompt_text(body),
        )
    )


async def _events(
    services: Services, key: ApiKey, task: Task, *, chat_id: str, model: str, created: int, wait: float
) -> AsyncIterator[bytes]:
    def chunk(content: str | None = None, role: str | None = None, finish_reason: str | None = None) -> bytes:
        return chat.sse(
            chat.render_chunk(
                chat_id=chat_id,
                model=model,
                created=created,
                content=content,
                role=role,
                finish_reason=finish_reason,
            )
        )

    try:
        yield chunk(role="assistant", content="")
        yield chunk(content=chat.submitted_note(task))
        deadline = time.monotonic() + wait
        last_state, last_sent = task.state, time.monotonic()
        while not task.is_terminal and time.monotonic() < deadline:
            await asyncio.sleep(min(POLL_SECONDS, max(0.0, deadline - time.monotonic())))
            task = await run_in_threadpool(services.tasks.get, key, task.id)
            note = chat.STAGE_NOTES.get(task.state) if task.state is not last_state else None
            last_state = task.state
            if note:
                yield chunk(content=note)
                last_sent = time.monotonic()
            elif time.monotonic() - last_sent >= TICK_SECONDS and not task.is_terminal:
                yield chunk(content="🎵")
                last_sent = time.monotonic()
        if task.state is TaskState.FAILED:
            yield chat.sse(chat.error_body(chat.failure_error(task))[1])
        else:
            for line in chat.render_markdown(task, services.urls).splitlines(keepends=True):
                yield chunk(content=line)
            yield chunk(finish_reason="stop")
    except Exception:  # noqa: BLE001 - the status line is sent already: report in-band
        log.exception("chat stream for task %s failed", task.id)
        yield chat.sse(chat.error_body(ServiceError("Internal server error"))[1])
    yield chat.DONE
