"""A TEST DOUBLE of an OpenAI-compatible moderation service (`POST /v1/moderations`) on 127.0.0.1.

It flags every input that contains one of `flag_words` (category "harassment"), and can misbehave on
request: `mode` "slow" (answers after `delay` seconds), "error" (HTTP 500), "garbage" (200 with a body that
is not moderation results), "short" (one result fewer than inputs). Every request is recorded (path,
headers, JSON body)."""

from __future__ import annotations

import json
import time
from typing import Any

from tests.support.loopback import JsonApiForTests


class ModerationServerForTests(JsonApiForTests):
    def __init__(self, *flag_words: str, mode: str = "ok", delay: float = 2.0) -> None:
        super().__init__()
        self.flag_words = list(flag_words) or ["FLAG-ME"]
        self.mode = mode
        self.delay = delay

    def answer(self, path: str, body: Any) -> tuple[int, str]:
        if self.mode == "slow":
            time.sleep(self.delay)
        if self.mode == "error":
            return 500, '{"error": {"message": "boom"}}'
        if self.mode == "garbage":
            return 200, '{"hello": "world"}'
        inputs = body.get("input") if isinstance(body, dict) else None
        inputs = [inputs] if isinstance(inputs, str) else list(inputs or [])
        results = []
        for text in inputs:
            flagged = any(word.lower() in str(text).lower() for word in self.flag_words)
            results.append(
                {
                    "flagged": flagged,
                    "categories": {"harassment": flagged, "violence": False},
                    "category_scores": {"harassment": 0.97 if flagged else 0.01, "violence": 0.0},
                }
            )
        if self.mode == "short":
            results = results[:-1]
        return 200, json.dumps({"id": "modr-test", "model": "test-moderation", "results": results})
