"""Helpers for tests of a relaying Tunesmith: its settings, channel entries, a kie client, and a log watch."""

from __future__ import annotations

import io
import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import soundfile as sf

from tests.support.harness import settings_for_tests
from tunesmith.domain.operations import MODEL_NAMES
from tunesmith.settings import Settings

TERMINAL = (
    "SUCCESS",
    "CREATE_TASK_FAILED",
    "GENERATE_AUDIO_FAILED",
    "SENSITIVE_WORD_ERROR",
    "CALLBACK_EXCEPTION",
)


def relay_settings(data_dir: Path, channels: list[dict[str, Any]], **overrides: Any) -> Settings:
    """Every model served by the relay engine, polling fast, through `channels`."""
    values: dict[str, Any] = dict(
        models={m: "relay" for m in MODEL_NAMES},
        relay_channels=channels,
        relay_poll_interval_seconds=0.3,
        relay_request_timeout_seconds=3.0,
        relay_breaker_cooldown_seconds=5.0,
        relay_media_timeout_seconds=20.0,
        submit_limit=1000,
    )
    values.update(overrides)
    return settings_for_tests(data_dir, **values)


def channel(name: str, kind: str, url: str, key: str, **values: Any) -> dict[str, Any]:
    return {"name": name, "kind": kind, "base_url": url, "key": key, **values}


def generate_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "customMode": True,
        "instrumental": False,
        "model": "V4_5",
        "title": "Harbor Lights",
        "style": "folk pop",
        "prompt": "[Verse]\nLanterns on the harbor\n[Chorus]\nHold on, hold on",
    }
    body.update(overrides)
    return body


def submit(client: httpx.Client, body: dict[str, Any], path: str = "/api/v1/generate") -> str:
    answer = client.post(path, json=body)
    assert answer.status_code == 200, answer.text
    data = answer.json()
    assert data["code"] == 200, data
    return str(data["data"]["taskId"])


def record(client: httpx.Client, task_id: str, path: str = "/api/v1/generate/record-info") -> dict[str, Any]:
    answer = client.get(path, params={"taskId": task_id})
    assert answer.status_code == 200, answer.text
    return answer.json()["data"]


def wait_record(
    client: httpx.Client,
    task_id: str,
    done: tuple[str, ...] = TERMINAL,
    timeout: float = 60.0,
    path: str = "/api/v1/generate/record-info",
    field: str = "status",
) -> dict[str, Any]:
    """Poll record-info (within kie's 3 per second) until its `field` is one of `done`."""
    deadline = time.monotonic() + timeout
    while True:
        data = record(client, task_id, path)
        if data[field] in done:
            return data
        if time.monotonic() > deadline:
            raise AssertionError(f"task {task_id} still {data[field]} after {timeout} s")
        time.sleep(0.4)


def decoded_seconds(client: httpx.Client, url: str) -> float:
    answer = client.get(url)
    assert answer.status_code == 200, url
    data, rate = sf.read(io.BytesIO(answer.content), dtype="float32")
    assert len(data) > 0
    return len(data) / rate


class LogWatch(logging.Handler):
    """Every log record of every thread, formatted with its arguments (what an operator's log would hold)."""

    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        text = record.getMessage()
        if record.exc_info:
            text += "\n" + logging.Formatter().formatException(record.exc_info)
        self.lines.append(f"{record.name}: {text}")

    def holding(self, secret: str) -> list[str]:
        return [line for line in self.lines if secret in line]


@contextmanager
def watched_logs() -> Iterator[LogWatch]:
    watch = LogWatch()
    root = logging.getLogger()
    old = root.level
    root.addHandler(watch)
    root.setLevel(logging.DEBUG)
    try:
        yield watch
    finally:
        root.removeHandler(watch)
        root.setLevel(old)
