"""Tasks, clips, keys and callback deliveries: the records the service keeps."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from tunesmith.domain.operations import OperationKind, SongRequest
from tunesmith.domain.states import ClipState, FailureKind, QueueStatus, TaskState


@dataclass(frozen=True, kw_only=True)
class Failure:
    kind: FailureKind
    message: str
    code: int | None = None  # a FailureCode, or the code an upstream reported for a relayed task


@dataclass(frozen=True, kw_only=True)
class Clip:
    """One take of a song. Media fields are keys in the media store, not URLs: dialects build the URLs."""

    id: str
    task_id: str
    index: int
    state: ClipState = ClipState.SUBMITTED
    title: str = ""
    tags: str = ""
    lyrics: str = ""
    model_name: str = ""
    duration: float | None = None
    audio_key: str | None = None
    stream_key: str | None = None
    image_key: str | None = None
    wav_key: str | None = None
    artifacts: dict[str, str] = field(default_factory=dict)  # name -> key ("" = the clip has it, not stored)
    # The engine can make this clip's files again from its task (same request, seed and sources), so its
    # lossless master and stems are not kept: the runtime rebuilds them when an operation needs them.
    rebuildable: bool = False
    error_message: str | None = None
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, kw_only=True)
class Task:
    id: str
    key_id: str
    operation: OperationKind
    request: SongRequest
    dialect: str
    raw_request: str  # the client's request body as received (kie `param`)
    engine: str
    state: TaskState = TaskState.PENDING
    queue_status: QueueStatus = QueueStatus.QUEUED
    failure: Failure | None = None
    callback_url: str | None = None
    parent_clip_id: str | None = None
    source_task_id: str | None = None
    result: dict[str, Any] = field(default_factory=dict)  # derived operations: {"files": {name: key}, ...}
    # What a hosted engine saved to resume the task elsewhere (the relay: channel, every submit attempt,
    # upstream ids). Operator-side facts: never rendered to clients, and never a secret.
    engine_state: dict[str, Any] = field(default_factory=dict)
    # How far the engine says the running attempt is, 0..1 (None before it reports): new-api's percentage.
    progress: float | None = None
    cost: int = 0
    refunded: bool = False
    attempts: int = 0
    max_attempts: int = 3
    lease_owner: str | None = None
    lease_expires_at: datetime | None = None
    created_at: datetime
    started_at: datetime | None = None
    finished_at: datetime | None = None
    updated_at: datetime
    clips: tuple[Clip, ...] = ()

    @property
    def is_terminal(self) -> bool:
        return self.state in (TaskState.SUCCESS, TaskState.FAILED)


@dataclass(frozen=True, kw_only=True)
class ApiKey:
    id: str
    name: str
    prefix: str  # the first characters of the key, to tell keys apart in listings
    credits: int
    unlimited: bool = False
    webhook_secret: str | None = None
    storage_mb: int | None = None  # media this key's songs may occupy; None: the operator's default
    created_at: datetime


@dataclass(frozen=True, kw_only=True)
class Persona:
    """A named voice and style taken from a clip, reusable by later generations (kie personaId)."""

    id: str
    key_id: str
    name: str
    description: str
    source_clip_id: str
    voice: str  # "m" | "f"
    style: str
    vocal_start: float = 0.0
    vocal_end: float = 30.0
    created_at: datetime


@dataclass(frozen=True, kw_only=True)
class Share:
    """A public link to one of a key's songs (one clip): opt-in by its owner, revocable. The token is the
    link's only secret, so it is long and random; a revoked share keeps its row (and stays dead)."""

    token: str
    key_id: str
    task_id: str
    clip_id: str
    created_at: datetime
    revoked_at: datetime | None = None


@dataclass(frozen=True, kw_only=True)
class CallbackDelivery:
    """One stage's callback to a client URL, with the outcome of its last attempt."""

    id: int
    task_id: str
    stage: str  # text | first | complete | error
    url: str
    payload: dict[str, Any]
    status: str  # pending | delivered | failed | refused
    attempts: int = 0
    last_status_code: int | None = None
    last_error: str | None = None
    next_attempt_at: datetime | None = None
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, kw_only=True)
class MediaRecord:
    """One file in the media store as the database knows it: whose it is, what it is, and whether it was
    delivered. Only a delivered (`public`) file may be fetched without a key, by the URL built from its key;
    every other file is reachable only through its owner's authenticated operations."""

    key: str  # the media store key (tunesmith.media.layout)
    key_id: str  # the API key that owns it (quota, retention)
    task_id: str
    clip_id: str | None = None
    # audio | image | master | stem.<part> | plan | timings | midi | waveform | replay | stream | upload
    # | result.<name>
    role: str
    size: int
    content_type: str
    public: bool = False
    digest: str | None = None  # sha256 of the bytes, where a rebuild is checked against it (the MP3)
    encoding: str | None = None  # how stored bytes differ from served ones ("flac-wav": media.packed_wav)
    created_at: datetime
    expires_at: datetime | None = None  # deleted after this whatever the retention (stream pieces)
