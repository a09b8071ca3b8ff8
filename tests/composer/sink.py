"""A ProgressSink that records every event with a timestamp, for tests and the benchmark."""

from __future__ import annotations

import time
from typing import Any

from tunesmith.engines.base import ClipResult, ProgressSink, SongText


class RecordingSink(ProgressSink):
    def __init__(self) -> None:
        self.t0 = time.perf_counter()
        self.events: list[tuple[float, str, Any]] = []

    def text(self, text: SongText) -> None:
        self.events.append((time.perf_counter() - self.t0, "text", text))

    def streaming(self, index: int, filename: str) -> None:
        self.events.append((time.perf_counter() - self.t0, "streaming", (index, filename)))

    def complete(self, index: int, result: ClipResult) -> None:
        self.events.append((time.perf_counter() - self.t0, "complete", (index, result)))

    def progress(self, fraction: float) -> None:
        self.events.append((time.perf_counter() - self.t0, "progress", fraction))

    def result(self, files: dict[str, str], data: dict[str, Any] | None = None) -> None:
        self.events.append((time.perf_counter() - self.t0, "result", (files, data or {})))

    def kinds(self) -> list[str]:
        return [k for _, k, _ in self.events if k != "progress"]

    def results(self) -> dict[int, ClipResult]:
        return {v[0]: v[1] for _, k, v in self.events if k == "complete"}
