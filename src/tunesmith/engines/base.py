"""The one interface every engine implements, and the events it reports while it works.

An engine never touches the database or the HTTP layer. The worker hands it an EngineJob (what to make and
where to write each clip's files) and a ProgressSink; the engine writes files into each clip's directory and
reports them by file name. The runtime publishes those files to the media store (engines never see it) and
turns the reports into state transitions, media URLs and callbacks.

Engines run in a child process of the worker (see runtime.executor), so they may be CPU-heavy, may use a GPU
and may be killed on timeout without harming the service.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tunesmith.domain.models import Task
from tunesmith.domain.operations import OperationKind, SongRequest
from tunesmith.domain.states import FailureKind


@dataclass(frozen=True, kw_only=True)
class ClipSlot:
    """Where one take goes: its public id, its index in the task (0 or 1) and a directory to write into."""

    clip_id: str
    index: int
    workdir: Path


@dataclass(frozen=True, kw_only=True)
class SourceClip:
    """An existing clip an operation works on (extend, concat, stems, video...), with the absolute paths of
    its stored files: `audio` (final MP3), `wav`, `image`, and `artifacts` by name (midi, timings, plan,
    stem.vocals, ...)."""

    clip_id: str
    duration: float
    workdir: Path
    title: str = ""
    tags: str = ""
    lyrics: str = ""
    audio: Path | None = None
    wav: Path | None = None
    image: Path | None = None
    artifacts: dict[str, Path] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class EngineJob:
    task_id: str
    request: SongRequest
    clips: tuple[ClipSlot, ...]
    seed: int
    source: SourceClip | None = None
    # Where a derived operation (wav, stems, midi, video, cover art, lyrics) writes its result files.
    workdir: Path | None = None
    # Operator configuration for engines (never from clients), from Settings.engine_options(): plain dicts,
    # strings and numbers, e.g. {"lyrics_model": {"url", "model", "key", "timeout"}} (see
    # engines.composer.songwriter.chat_model). Empty when the operator configured nothing. Not in repr: it may
    # hold a bearer token.
    options: Mapping[str, Any] = field(default_factory=dict, repr=False)


@dataclass(frozen=True, kw_only=True)
class SongText:
    """What the song says: reported once, before any audio (TEXT_SUCCESS)."""

    title: str
    tags: str
    lyrics: str  # empty for instrumentals


@dataclass(frozen=True, kw_only=True)
class ClipResult:
    """A finished take. File names are relative to the clip's workdir."""

    audio: str  # final MP3
    duration: float
    wav: str | None = None
    image: str | None = None
    title: str | None = None
    tags: str | None = None
    lyrics: str | None = None
    artifacts: dict[str, str] = field(default_factory=dict)  # e.g. {"midi": "song.mid", "stem.vocals": ...}
    # True when running the same job again (same request, seed and sources, for this clip alone) makes the
    # same files, byte for byte: the runtime then stores no lossless master or stems and re-runs the job
    # when an operation needs them (the MP3 is checked to be identical). Leave False for engines whose
    # output varies from run to run (sampling on a GPU, an upstream service).
    rebuildable: bool = False
    # What the engine decided on its own that a re-run must decide the same way (e.g. lyrics a language
    # model wrote): plain JSON values, handed back as `request.extra["replay"]` when the clip is rebuilt.
    replay: dict[str, Any] = field(default_factory=dict)


class ProgressSink(ABC):
    """Receives an engine's reports. Calls may come in any order the engine likes, but per clip:
    streaming (optional) before complete. Every call is also a sign of life for the task's lease."""

    @abstractmethod
    def text(self, text: SongText) -> None:
        """The title, tags and lyrics are known."""

    @abstractmethod
    def streaming(self, index: int, filename: str) -> None:
        """Clip `index` has a playable, growing MP3 at `filename` in its workdir."""

    @abstractmethod
    def complete(self, index: int, result: ClipResult) -> None:
        """Clip `index` is finished."""

    def progress(self, fraction: float) -> None:  # noqa: B027 - optional hook, default does nothing
        """Overall progress in [0, 1], for dialects that report a percentage."""

    def result(self, files: dict[str, str], data: dict[str, Any] | None = None) -> None:
        """The outcome of a derived operation: `files` (name -> file name in the job's workdir) and JSON
        `data`. Sinks of engines that only make clips need not take it."""
        raise NotImplementedError("this sink does not take derived results")


@dataclass(frozen=True, kw_only=True)
class Readiness:
    """Whether an engine can run with the operator's configuration now; when not, `reason` says why in one
    line. `details` are what `tunesmith engines` shows (checkpoint, device, operations...)."""

    ready: bool
    reason: str = ""
    details: dict[str, str] = field(default_factory=dict)


class EngineError(Exception):
    """The engine could not make what was asked. `retryable` says whether another attempt might succeed."""

    def __init__(
        self,
        message: str,
        *,
        kind: FailureKind = FailureKind.GENERATE_AUDIO_FAILED,
        code: int | None = None,
        retryable: bool = False,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.kind = kind
        self.code = code
        self.retryable = retryable


class Engine(ABC):
    """Makes music. Subclasses set `name` and `operations` and implement `run`."""

    name: str = ""
    operations: frozenset[OperationKind] = frozenset({OperationKind.GENERATE})

    def supports(self, kind: OperationKind) -> bool:
        return kind in self.operations

    def configure(self, options: Mapping[str, Any]) -> None:  # noqa: B027 - optional hook
        """Take the operator's configuration (Settings.registry_options()) once, after construction, in the
        process that builds the engine (API or worker). Engine child processes get theirs per job instead
        (`EngineJob.options`)."""

    def readiness(self) -> Readiness:
        """Whether the configuration given to `configure` lets this engine run (cheap, no heavy imports: the
        API asks at every submit and refuses requests for an engine that is not ready)."""
        return Readiness(ready=True)

    def check_source(self, request: SongRequest, source: Task) -> None:  # noqa: B027 - optional hook
        """Refuse an operation on a song this engine made (`source`) before it is queued (raise
        tunesmith.domain.errors.Unsupported); asked only when this engine runs the operation."""

    def check(self, request: SongRequest) -> None:  # noqa: B027 - optional hook
        """Refuse a request before it is queued (raise tunesmith.domain.errors.InvalidRequest/Unsupported)."""

    def warm_up(self) -> None:  # noqa: B027 - optional hook
        """Load what the engine needs once per process (sound fonts, models), before the first job."""

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release what warm_up and run took (process pools, GPU memory) when the engine process stops.
        Required of an engine that starts child processes: the engine process exits without atexit hooks."""

    @abstractmethod
    def run(self, job: EngineJob, sink: ProgressSink) -> None:
        """Render every clip of `job`, reporting through `sink`; raise EngineError on failure."""
        raise NotImplementedError
