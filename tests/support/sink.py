"""The progress sink the tests and benchmarks hand an engine: it keeps everything the engine reports, in
order with the seconds since the sink was made (events, for checking the sequence and timing it), and by
kind (texts, finished clips by slot, operation results), so that each check reads what it needs."""

from __future__ import annotations

import time
from typing import Any

from tunesmith.engines.base import ClipResult, ProgressSink, SongText


class RecordingSinkForTests(ProgressSink):
    def __init__(self) -> None:
        self.t0 = time.perf_counter()
        self.events: list[tuple[float, str, Any]] = []  # (seconds, kind, what was reported)
        self.texts: list[SongText] = []
        self.clips: dict[int, ClipResult] = {}
        self.results: list[tuple[dict[str, str], dict[str, Any]]] = []  # an operation's (files, data)

    def _event(self, kind: str, value: Any) -> None:
        self.events.append((time.perf_counter() - self.t0, kind, value))

    def text(self, text: SongText) -> None:
        self._event("text", text)
        self.texts.append(text)

    def streaming(self, index: int, filename: str) -> None:
        self._event("streaming", (index, filename))

    def complete(self, index: int, result: ClipResult) -> None:
        self._event("complete", (index, result))
        self.clips[index] = result

    def progress(self, fraction: float) -> None:
        self._event("progress", fraction)

    def result(self, files: dict[str, str], data: dict[str, Any] | None = None) -> None:
        self._event("result", (files, data or {}))
        self.results.append((files, data or {}))

    def kinds(self) -> list[str]:
        """The kinds of event in order, progress left out."""
        return [k for _, k, _ in self.events if k != "progress"]
