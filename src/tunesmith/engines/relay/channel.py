"""The one small interface every upstream kind implements, and the shapes it speaks in.

A channel adaptor (kie.py, newapi.py, gcui.py: one module per upstream kind, as new-api keeps one adaptor per
upstream) does four things: `submit` one operation, `poll` many open tasks at once (as many as the upstream
lets one request carry), map the upstream's statuses onto `UpstreamTask` (our stages and failure kinds), and
say where each clip's media are (`UpstreamClip` URLs; the driver mirrors them).

Two exceptions tell the driver what a failed request means:
- `ChannelUnavailable`: the channel could not take or answer the request (connection refused, timeout, HTTP
  429 or 5xx, its credits ran out, maintenance, a bad key). A submit moves on to the next channel; the
  channel's breaker counts a failure. Nothing was accepted.
- `UpstreamRefused`: the channel is fine but refuses this request itself (validation, moderation). Another
  channel would refuse it too, so the task fails with the upstream's reason.

Upstream keys never leave this module family: requests carry them in a header, and every message built from
an upstream's answer passes through `ChannelHttp.redact` first.
"""

from __future__ import annotations

import json
import re
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import httpx

from tunesmith import __version__
from tunesmith.domain.operations import SUNO_MODEL_NAMES, OperationKind, SongRequest
from tunesmith.domain.states import FailureKind
from tunesmith.engines.relay.config import ChannelConfig

MAX_REASON = 300
SECTION_TAG = re.compile(r"\[[^\]]*\]")
MAX_ANSWER_BYTES = 20_000_000  # a JSON answer (200 tasks of clips) is far smaller; media never come this way


class _TooSlow(Exception):
    """The upstream's answer took longer than the request's time, a chunk at a time."""


class _TooBig(Exception):
    """The upstream's answer is larger than any answer of a Suno-style API."""


class ChannelUnavailable(Exception):
    """The channel did not take (or answer) the request; try another one. `message` names no secret."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class UpstreamRefused(Exception):
    """The upstream refused this very request (not the channel's health): the task fails with `kind`."""

    def __init__(self, message: str, kind: FailureKind = FailureKind.CREATE_TASK_FAILED) -> None:
        super().__init__(message)
        self.message = message
        self.kind = kind


class Stage(StrEnum):
    """How far an upstream task got, in our words."""

    PENDING = "pending"
    TEXT = "text"  # title / lyrics / tags known
    FIRST = "first"  # at least one clip plays (a stream URL exists)
    SUCCESS = "success"  # every clip has final audio
    FAILED = "failed"


@dataclass(frozen=True, kw_only=True)
class UpstreamRef:
    """A clip that lives on a channel: the source of an extension."""

    task_id: str
    clip_id: str
    duration: float = 0.0


@dataclass(frozen=True, kw_only=True)
class Submission:
    """What to ask an upstream for: our request, the upstream's model name and (extend) the source clip as
    the upstream knows it."""

    request: SongRequest
    model: str
    clips: int = 2  # how many clips we expect back
    source: UpstreamRef | None = None

    @property
    def kind(self) -> OperationKind:
        return self.request.kind

    def ticket(self, task_id: str, clip_ids: Sequence[str] = ()) -> Ticket:
        return Ticket(
            task_id=task_id,
            kind=self.kind,
            clips=self.clips,
            instrumental=self.request.instrumental,
            clip_ids=tuple(clip_ids),
        )


@dataclass(frozen=True, kw_only=True)
class Ticket:
    """An accepted upstream task: what polling it needs. Stored with the task (engine state)."""

    task_id: str
    kind: OperationKind
    clips: int = 2  # how many clips the task makes
    instrumental: bool = False
    clip_ids: tuple[str, ...] = ()  # upstreams that name clips, not tasks (gcui)

    def to_dict(self) -> dict[str, Any]:
        return {
            "task_id": self.task_id,
            "kind": self.kind.value,
            "clips": self.clips,
            "instrumental": self.instrumental,
            "clip_ids": list(self.clip_ids),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Ticket:
        return cls(
            task_id=str(data["task_id"]),
            kind=OperationKind(data["kind"]),
            clips=int(data.get("clips", 2)),
            instrumental=bool(data.get("instrumental", False)),
            clip_ids=tuple(str(i) for i in data.get("clip_ids") or ()),
        )


@dataclass(frozen=True, kw_only=True)
class UpstreamClip:
    id: str
    status: str  # Suno's words: submitted | queued | streaming | complete | error
    title: str = ""
    tags: str = ""
    lyrics: str = ""
    audio_url: str = ""  # the final file (only when complete)
    stream_url: str = ""  # plays while the clip renders
    image_url: str = ""
    duration: float | None = None
    error: str = ""


@dataclass(frozen=True, kw_only=True)
class UpstreamTask:
    task_id: str
    stage: Stage
    clips: tuple[UpstreamClip, ...] = ()
    failure: FailureKind | None = None
    reason: str = ""
    lyrics: tuple[dict[str, str], ...] = ()  # lyrics tasks: [{"title", "text"}] once written
    files: tuple[tuple[str, str], ...] = ()  # derived tasks (stems): (part, URL) once made
    data: dict[str, Any] = field(default_factory=dict)  # derived tasks' data (MIDI: kie's midiData)


@dataclass(frozen=True, kw_only=True)
class Accepted:
    """The upstream took the task. `result` is set when it answered with the finished work at once (gcui's
    lyrics are written before the request returns)."""

    ticket: Ticket
    result: UpstreamTask | None = None


@dataclass
class ChannelHttp:
    """JSON requests to one channel with its key, its timeout and no proxies from the environment; transport
    failures, 429 and 5xx become ChannelUnavailable. Texts taken from answers are cut and redacted."""

    config: ChannelConfig
    timeout: float
    transport: httpx.BaseTransport | None = None
    _client: httpx.Client | None = field(default=None, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def client(self) -> httpx.Client:
        """One pooled client per channel, shared by the driver's threads (httpx clients may be)."""
        with self._lock:
            return self._client or self._open()

    def _open(self) -> httpx.Client:
        if self._client is None:
            headers = {"User-Agent": f"Tunesmith/{__version__} relay", "Accept": "application/json"}
            key = self.config.key.get_secret_value()
            if key:
                headers["Authorization"] = f"Bearer {key}"
            self._client = httpx.Client(
                base_url=self.config.base_url,
                headers=headers,
                timeout=httpx.Timeout(self.timeout),
                follow_redirects=False,
                trust_env=False,
                transport=self.transport,
            )
        return self._client

    def close(self) -> None:
        with self._lock:
            if self._client is not None:
                self._client.close()
                self._client = None

    def call(
        self,
        method: str,
        path: str,
        *,
        body: Mapping[str, Any] | None = None,
        params: Mapping[str, str] | None = None,
        timeout: float | None = None,
    ) -> tuple[int, Any]:
        """(HTTP status, parsed JSON or None); `timeout` replaces the channel's for slow calls. Raises
        ChannelUnavailable for transport errors, timeouts, 429 and 5xx."""
        where = f"{self.config.name}: {method} {path}"
        wait = timeout or self.timeout
        try:
            status, content = self._exchange(method, path, body, params, wait)
        except httpx.TimeoutException:
            raise ChannelUnavailable(f"{where} timed out after {wait:g} s") from None
        except httpx.HTTPError as exc:
            detail = str(exc) or type(exc).__name__
            raise ChannelUnavailable(f"{where} failed: {self.redact(detail)}") from None
        except _TooSlow:
            raise ChannelUnavailable(f"{where} timed out after {wait:g} s (the answer trickled)") from None
        except _TooBig:
            raise ChannelUnavailable(f"{where} answered more than {MAX_ANSWER_BYTES} bytes") from None
        try:
            data = json.loads(content)
        except (json.JSONDecodeError, UnicodeDecodeError, ValueError):
            data = None
        if status == 429 or status >= 500:
            raise ChannelUnavailable(f"{where} answered {status}{self.detail(data)}")
        return status, data

    def _exchange(
        self,
        method: str,
        path: str,
        body: Mapping[str, Any] | None,
        params: Mapping[str, str] | None,
        wait: float,
    ) -> tuple[int, bytes]:
        """(status, body). `wait` bounds the whole exchange, not just each read: an upstream that trickles
        its answer a byte at a time is given up on once `wait` has passed (at most one read later)."""
        deadline = time.monotonic() + wait
        with self.client.stream(method, path, json=body, params=params, timeout=wait) as response:
            content = bytearray()
            for chunk in response.iter_bytes():
                content += chunk
                if len(content) > MAX_ANSWER_BYTES:
                    raise _TooBig
                if time.monotonic() > deadline:
                    raise _TooSlow
            return response.status_code, bytes(content)

    def detail(self, data: Any) -> str:
        """': <message>' from an answer's usual message fields, redacted; '' when there is none."""
        if isinstance(data, dict):
            for name in ("msg", "message", "error", "detail"):
                value = data.get(name)
                if isinstance(value, str) and value.strip():
                    return f": {self.redact(value.strip())}"
        return ""

    def redact(self, text: str) -> str:
        """`text` without the channel's key (upstreams sometimes echo it), at most MAX_REASON characters."""
        key = self.config.key.get_secret_value()
        if key:
            text = text.replace(key, "***")
        return text if len(text) <= MAX_REASON else text[: MAX_REASON - 3] + "..."


class Channel(ABC):
    """One configured upstream account, spoken to in its kind's dialect."""

    kind: str = ""
    # Operations this kind of upstream can run for us.
    operations: frozenset[OperationKind] = frozenset()
    # How many open tasks one poll request may carry (1: the upstream has no batch query).
    batch_size: int = 1
    # Polls of one task per second at most (kie documents 3 record-info queries per second per task).
    max_polls_per_task_second: float = 3.0

    def __init__(
        self, config: ChannelConfig, *, timeout: float, transport: httpx.BaseTransport | None = None
    ):
        self.config = config
        self.http = ChannelHttp(config, timeout, transport)

    @property
    def name(self) -> str:
        return self.config.name

    def close(self) -> None:
        self.http.close()

    @classmethod
    def default_model(cls, model: str) -> str:
        """The kind's usual spelling of our model name (Suno's `chirp-*` names unless overridden)."""
        return SUNO_MODEL_NAMES.get(model, model)

    def upstream_model(self, model: str) -> str | None:
        return self.config.upstream_model(model, self.default_model(model))

    def can_run(self, kind: OperationKind, model: str) -> bool:
        return kind in self.operations and self.upstream_model(model) is not None

    @abstractmethod
    def submit(self, submission: Submission) -> Accepted:
        """Ask the upstream to start the work. Raises ChannelUnavailable or UpstreamRefused."""

    @abstractmethod
    def probe(self) -> str:
        """One cheap authenticated request (the operator's `tunesmith relay status`): what the upstream says
        (e.g. its credits). Raises ChannelUnavailable."""

    @abstractmethod
    def poll(self, tickets: Sequence[Ticket]) -> dict[str, UpstreamTask]:
        """Where each task is, by upstream task id (at most `batch_size` tickets). Tasks the upstream does not
        know are left out. Raises ChannelUnavailable."""

    def word_timings(self, ticket: Ticket, clip_id: str) -> list[dict[str, Any]] | None:
        """When each word of a finished clip is sung, as the upstream timed it (`[{word, start_s, end_s}]`),
        or None when this kind of upstream keeps no timings. Raises ChannelUnavailable."""
        return None


# ── shared mapping helpers ────────────────────────────────────────────────────────────────────────────────


def stage_from_clips(
    clips: Sequence[UpstreamClip], *, expected: int, instrumental: bool, text_known: bool = False
) -> Stage:
    """The stage Suno-style clips add up to: failed if any failed, success when every expected clip has
    final audio, first when one plays, text when words (or, for instrumentals, a title) are there."""
    if any(c.status == "error" for c in clips):
        return Stage.FAILED
    if clips and len(clips) >= expected and all(c.status == "complete" and c.audio_url for c in clips):
        return Stage.SUCCESS
    if any(c.status in ("streaming", "complete") and (c.stream_url or c.audio_url) for c in clips):
        return Stage.FIRST
    written = any((c.title if instrumental else c.lyrics) for c in clips)
    if text_known or written:
        return Stage.TEXT
    return Stage.PENDING


def suno_clip(item: dict[str, Any]) -> UpstreamClip:
    """A Suno clip object (new-api `data[]`, gcui `/api/get`)."""
    found = item.get("metadata")
    meta: dict[str, Any] = found if isinstance(found, dict) else {}
    status = text(item.get("status")).lower() or "submitted"
    status = {"queue": "queued"}.get(status, status)
    audio = text(item.get("audio_url"))
    return UpstreamClip(
        id=text(item.get("id")),
        status=status,
        title=text(item.get("title")),
        tags=text(meta.get("tags")) or text(item.get("tags")),
        lyrics=text(meta.get("prompt")) or text(item.get("prompt")) or text(item.get("lyric")),
        audio_url=audio if status == "complete" else "",
        stream_url=audio if status in ("streaming", "complete") else "",
        image_url=text(item.get("image_url")),
        duration=as_float(meta.get("duration")) or as_float(item.get("duration")),
        error=text(meta.get("error_message")) or text(item.get("error_message")),
    )


def timed_words(items: Any, start: str, end: str) -> list[dict[str, Any]]:
    """`[{word, start_s, end_s}]` from an upstream's word list (its own names for the times), without the
    section tags kie leaves on a section's first word; words the upstream could not place (`success:
    false`) or without times are left out."""
    words: list[dict[str, Any]] = []
    for item in items if isinstance(items, list) else []:
        if not isinstance(item, dict) or item.get("success") is False:
            continue
        word = " ".join(SECTION_TAG.sub(" ", text(item.get("word"))).split())  # kie: "[Verse]\nWaggin'"
        begin, finish = as_float(item.get(start)), as_float(item.get(end))
        if word and begin is not None and finish is not None:
            words.append({"word": word, "start_s": begin, "end_s": max(begin, finish)})
    return words


def first_error(clips: Sequence[UpstreamClip]) -> str:
    return next((c.error for c in clips if c.status == "error" and c.error), "")


def as_float(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if number == number and number >= 0 else None  # not NaN, not negative


def text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def moderation(reason: str) -> bool:
    """True when an upstream's refusal reads like content moderation (kie's 400 covers both)."""
    lowered = reason.lower()
    return any(word in lowered for word in ("sensitive", "copyright", "artist name", "moderat", "prohibited"))
