"""A test double of an OpenAI-compatible chat server on loopback (ChatServerForTests) and its canned replies,
shared by the songwriter's, the studio's and the content policy's tests of lyrics written by a chat model."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any

from tests.support.harness import free_port
from tests.support.loopback import JsonApiForTests

SNOW = "[Verse]\nFirst snow on the hutong roofs\nLanterns glow in white\n\n[Chorus]\nBeijing, hold me tonight"
RAIN = "[Verse]\nRain on the window pane\nI hear your name\n\n[Bridge]\nAnd the night comes down"


@dataclass
class CannedReply:
    """One answer of the test double: an HTTP status, a body, and how long to wait before sending it."""

    status: int = 200
    body: str = ""
    delay: float = 0.0


def completion(content: str, model: str = "test-model") -> CannedReply:
    """An OpenAI chat completion whose message says `content`."""
    return CannedReply(
        body=json.dumps(
            {
                "id": "chatcmpl-test",
                "object": "chat.completion",
                "model": model,
                "choices": [
                    {
                        "index": 0,
                        "message": {"role": "assistant", "content": content},
                        "finish_reason": "stop",
                    }
                ],
            }
        )
    )


def songs_json(*songs: dict[str, Any], fenced: bool = True) -> str:
    text = json.dumps({"songs": list(songs)}, ensure_ascii=False, indent=2)
    return f"Here are your songs!\n```json\n{text}\n```\nEnjoy." if fenced else text


class ChatServerForTests(JsonApiForTests):
    """A test double of an OpenAI-compatible chat server (Ollama, vLLM...) on 127.0.0.1: answers
    `POST /v1/chat/completions` with the canned replies in order (the last one repeats) and records every
    request (path, headers, JSON body)."""

    def __init__(self, *replies: CannedReply) -> None:
        super().__init__()
        self.replies = list(replies) or [CannedReply(status=500, body="no reply set")]

    def answer(self, path: str, body: Any) -> tuple[int, str]:
        reply = self.replies[min(len(self.requests), len(self.replies)) - 1]
        if reply.delay:
            time.sleep(reply.delay)
        return reply.status, reply.body

    def options(self, *, model: str = "test-model", key: str = "", timeout: float = 10.0) -> dict[str, Any]:
        """EngineJob.options pointing at this server."""
        return {"lyrics_model": {"url": self.url, "model": model, "key": key, "timeout": timeout}}


def dead_url() -> str:
    """A loopback URL nothing listens on."""
    return f"http://127.0.0.1:{free_port()}/v1"
