"""Submitting and reading tasks, whatever dialect the request came in."""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import UTC, datetime

from tunesmith import logs
from tunesmith.dialects.text_limits import check_text
from tunesmith.domain.edits import check_continue_at, check_crop, check_infill
from tunesmith.domain.errors import (
    Expired,
    InvalidRequest,
    NotFound,
    StorageQuotaExceeded,
    Unavailable,
    Unsupported,
)
from tunesmith.domain.ids import could_be_id
from tunesmith.domain.models import ApiKey, Clip, Task
from tunesmith.domain.operations import CLIPS_PER_OPERATION, SUNO_MODEL_NAMES, OperationKind, SongRequest
from tunesmith.domain.states import ClipState, TaskState
from tunesmith.engines.registry import EngineRegistry
from tunesmith.media.prune import is_expired
from tunesmith.net.urlguard import check_callback_url
from tunesmith.policy.check import ContentPolicy
from tunesmith.policy.requests import review_request, review_texts
from tunesmith.service.chains import history_type
from tunesmith.service.limits import Limiter, make_limiter
from tunesmith.service.snapshots import TaskSnapshots
from tunesmith.settings import Settings
from tunesmith.store.base import Store

log = logging.getLogger(__name__)

# Derived operations made from the parts a Tunesmith engine keeps, not from the audio alone: the artifact
# (name or name prefix) a source clip must have, and what to call it. A song relayed from an upstream keeps
# only its audio and cover, so these are refused for it before anything is charged.
NEEDS_PARTS: dict[OperationKind, tuple[str, str]] = {
    OperationKind.STEMS: ("stem.", "stems"),
    OperationKind.MIDI: ("midi", "MIDI"),
}

# Results that are the same file however often they are asked for: a second request for the same clip gets
# the caller's live task (not failed) back and is not charged. WAV has the same rule but kie answers a repeat
# with 409 (its routes check first); MIDI repeats are answered with the existing task.
ONE_PER_CLIP = frozenset({OperationKind.MIDI})


def new_task_id() -> str:
    return uuid.uuid4().hex


def new_clip_id() -> str:
    return str(uuid.uuid4())


class TaskService:
    def __init__(
        self,
        store: Store,
        registry: EngineRegistry,
        settings: Settings,
        policy: ContentPolicy | None = None,
        *,
        submit_limiter: Limiter | None = None,
        query_limiter: Limiter | None = None,
    ) -> None:
        """The limiters default to the ones `settings` describe (tunesmith.services passes them in)."""
        self.store = store
        self.registry = registry
        self.settings = settings
        self.policy = policy or ContentPolicy()
        self.submit_limiter = submit_limiter or submit_limiter_for(settings)
        self.query_limiter = query_limiter or query_limiter_for(settings)
        self._one_per_clip = threading.Lock()
        self.snapshots = TaskSnapshots()
        # called once a task is queued: a worker in this process (`tunesmith serve`) claims it at once, not at
        # its next poll (up to TUNESMITH_POLL_INTERVAL_SECONDS later, all of it before the first audio)
        self.on_queued: list[Callable[[], None]] = []

    def submit(
        self,
        key: ApiKey,
        request: SongRequest,
        *,
        dialect: str,
        raw_request: str,
        callback_url: str | None = None,
        callback_field: str = "callBackUrl",
    ) -> Task:
        """Validate against the engine, charge the key and queue the task. Nothing is stored on refusal."""
        if self.settings.maintenance:
            raise Unavailable("The service is under maintenance and takes no new tasks; try again later")
        check_text(request, dialect)
        if request.kind is not OperationKind.LYRICS:  # everything else stores files
            self.check_storage(key)
        if request.persona_id:
            request = self._with_persona(key, request)
        engine_name = self.registry.engine_name_for(request.model, request.kind, made_by=self._maker(request))
        engine = self.registry.get(engine_name)
        if not engine.supports(request.kind):
            raise Unsupported(
                f"{request.kind.value} is not supported for model {request.model} (engine {engine_name})",
                field="model",
            )
        ready = engine.readiness()
        if not ready.ready:
            raise Unavailable(
                f"model {request.model} runs on engine {engine_name}, which is not ready: {ready.reason}",
                field="model",
            )
        engine.check(request)
        source = self._check_sources(key, request, own_parts=engine_name == self.registry.derived)
        if source is not None:
            engine.check_source(request, source)
            if request.kind is OperationKind.EXTEND:  # the dialects' metadata.history names what it continues
                request = replace(
                    request, extra={**request.extra, "history_type": history_type(source.operation)}
                )
        if callback_url:
            callback_url = check_callback_url(
                callback_url, allow=self.settings.callback_allow, field=callback_field
            )
        # a private address is refused now; the worker checks again when it fetches
        for upload_url, field in upload_urls(request):
            check_callback_url(upload_url, allow=self.settings.upload_allow, field=field)
        if request.kind in ONE_PER_CLIP and request.source_clip_id:
            with self._one_per_clip:  # two first requests at once must not both get in (in this process)
                earlier = self.existing(key, request.kind, clip_id=request.source_clip_id)
                if earlier is not None:  # the same file again: the live result answers, nothing is charged
                    return earlier
                return self._queue(key, request, dialect, raw_request, callback_url, engine_name)
        return self._queue(key, request, dialect, raw_request, callback_url, engine_name)

    def _queue(
        self,
        key: ApiKey,
        request: SongRequest,
        dialect: str,
        raw_request: str,
        callback_url: str | None,
        engine_name: str,
    ) -> Task:
        """The end of `submit`, once the request is valid: the content policy, the rate limit, then the task
        is stored, charged and queued."""
        # last of the checks: it may ask the moderation service, the slowest of them
        request = review_request(self.policy, request, who=f"{dialect} {request.kind.value} by key {key.id}")
        self.submit_limiter.hit(
            key.id,
            "Too many generation requests: at most "
            f"{self.settings.submit_limit} per {self.settings.submit_window_seconds:g} s",
        )
        now = datetime.now(UTC)
        task_id = new_task_id()
        logs.bind(task_id=task_id)
        model_name = SUNO_MODEL_NAMES.get(request.model, request.model)
        clips = tuple(
            Clip(
                id=new_clip_id(),
                task_id=task_id,
                index=i,
                state=ClipState.SUBMITTED,
                title=request.title,
                tags=request.style,
                model_name=model_name,
                created_at=now,
                updated_at=now,
            )
            for i in range(CLIPS_PER_OPERATION[request.kind])
        )
        task = Task(
            id=task_id,
            key_id=key.id,
            operation=request.kind,
            request=request,
            dialect=dialect,
            raw_request=raw_request,
            engine=engine_name,
            callback_url=callback_url or None,
            parent_clip_id=request.source_clip_id,
            source_task_id=request.source_task_id,
            cost=self.settings.cost_of(request.kind.value),
            max_attempts=self.settings.max_attempts,
            created_at=now,
            updated_at=now,
            clips=clips,
        )
        stored = self.store.submit_task(task)
        log.info("task %s: submitted (%s, %s, engine %s)", task_id, request.kind.value, dialect, engine_name)
        for wake in self.on_queued:
            wake()
        return stored

    def review_texts(self, key: ApiKey, texts: Sequence[tuple[str, str]], *, what: str) -> None:
        """The content policy on texts that are not a song request (a persona's name, a style to boost):
        ContentRefused on a finding, before anything is stored."""
        if self.policy.active:
            review_texts(self.policy, texts, who=f"{what} by key {key.id}")

    def _with_persona(self, key: ApiKey, request: SongRequest) -> SongRequest:
        """Sing with the persona's voice and style: its voice replaces vocal_gender, its style is added to
        the request's (the persona must be the caller's; another key's persona is reported as not found)."""
        persona_id = request.persona_id
        persona = self.store.get_persona(persona_id) if persona_id and could_be_id(persona_id) else None
        if persona is None or persona.key_id != key.id:
            raise NotFound(f"Persona not found: {request.persona_id}", field="personaId")
        own = [part.strip() for part in request.style.split(",") if part.strip()]
        extra = [
            part.strip()
            for part in persona.style.split(",")
            if part.strip() and part.strip().lower() not in {o.lower() for o in own}
        ]
        return replace(request, style=", ".join(own + extra), vocal_gender=persona.voice)

    def _maker(self, request: SongRequest) -> str | None:
        """The engine that made the song an operation works on (None without a source, or an unknown one:
        `_check_sources` reports that)."""
        if request.source_clip_id and could_be_id(request.source_clip_id):
            clip = self.store.get_clip(request.source_clip_id)
            owner = self.store.get_task(clip.task_id) if clip is not None else None
            return owner.engine if owner is not None else None
        if request.source_task_id and could_be_id(request.source_task_id):
            task = self.store.get_task(request.source_task_id)
            return task.engine if task is not None else None
        return None

    def _check_sources(self, key: ApiKey, request: SongRequest, *, own_parts: bool) -> Task | None:
        """The clip or task an operation works on must exist, be the caller's, and be finished; and, when
        the operation is made from the parts the engine kept (`own_parts`), have them. Returns the task
        that made the source (None without one)."""
        made: Task | None = None
        if request.source_task_id:
            made = self.get(key, request.source_task_id)
        if request.source_clip_id:
            clip = self.own_clip(key, request.source_clip_id)
            if clip.state is not ClipState.COMPLETE:
                raise InvalidRequest(f"The audio {clip.id} is not finished yet", field="audioId")
            check_against_source(request, clip)
            if own_parts:
                check_parts(request, clip)
            if made is None or made.id != clip.task_id:
                made = self.store.get_task(clip.task_id)
        return made

    def own_clip(self, key: ApiKey, clip_id: str) -> Clip:
        """The caller's clip, to work on; another key's clip is reported as not found, and one past the
        retention period as expired (its files are gone; its task can still be read)."""
        clip = self.store.get_clip(clip_id) if could_be_id(clip_id) else None
        owner = self.store.get_task(clip.task_id) if clip is not None else None
        if clip is None or owner is None or owner.key_id != key.id:
            raise NotFound(f"Audio not found: {clip_id}", field="audioId")
        self.check_live(clip)
        return clip

    def check_live(self, clip: Clip) -> None:
        """Expired (a NotFound) when the clip is past the retention period."""
        days = self.settings.media_retention_days
        if is_expired(clip.created_at, days):
            raise Expired(
                f"The audio {clip.id} has expired: files are kept {days:g} days after they are made",
                field="audioId",
            )

    def check_storage(self, key: ApiKey) -> None:
        """StorageQuotaExceeded when the key's songs already fill its storage quota (its own, else the
        operator's default; 0 or none: no limit). Checked before a task is charged."""
        limit_mb = key.storage_mb if key.storage_mb is not None else self.settings.key_storage_mb
        if not limit_mb or limit_mb <= 0:
            return
        used = self.store.media_usage(key.id)
        if used >= limit_mb * 1_000_000:
            raise StorageQuotaExceeded(
                f"Storage quota used up: your songs occupy {used / 1e6:.1f} MB of {limit_mb} MB. "
                "Files expire after the retention period, or ask the operator for more space"
            )

    def existing(
        self, key: ApiKey, kind: OperationKind, *, clip_id: str | None = None, task_id: str | None = None
    ) -> Task | None:
        """The caller's earlier task of this kind on the same clip or task that did not fail (e.g. the WAV
        record a second WAV request conflicts with)."""
        found = self.store.find_tasks(key.id, kind.value, parent_clip_id=clip_id, source_task_id=task_id)
        return next((t for t in found if t.state is not TaskState.FAILED), None)

    def get(self, key: ApiKey, task_id: str, *, rate_limited: bool = False) -> Task:
        """The caller's task; another key's task is reported as not found (no existence leak)."""
        return self.peek(key, task_id, rate_limited=rate_limited) or self.load(key, task_id)

    def peek(self, key: ApiKey, task_id: str, *, rate_limited: bool = False) -> Task | None:
        """The in-memory part of `get` (rate limit, finished tasks), safe to call on the event loop;
        None means `load` must ask the store.

        The per-task limit is counted per (caller, task id): a key polling an id that is not its own (another
        key's task, or none at all) spends its own budget and is then told "not found"; it never touches the
        owner's budget, so one tenant cannot keep another's polls at 429."""
        if rate_limited:
            self.query_limiter.hit(
                f"{key.id}:{task_id}",
                f"Too many queries for this task: at most {self.settings.query_limit_per_task} per second",
            )
        task = self.snapshots.get_final(task_id)
        if task is not None and task.key_id != key.id:
            raise NotFound(f"Task not found: {task_id}", field="taskId")
        return task

    def load(self, key: ApiKey, task_id: str) -> Task:
        """The task as the store has it now (blocking): the cached snapshot when its version is current."""
        task = None
        if could_be_id(task_id):
            version = self.store.task_version(task_id)
            if version is not None:
                task = self.snapshots.get_current(task_id, version)
                if task is None:
                    task = self.store.get_task(task_id)
                    if task is not None:
                        self.snapshots.offer(task)
        if task is None or task.key_id != key.id:
            raise NotFound(f"Task not found: {task_id}", field="taskId")
        return task

    def get_many(self, key: ApiKey, task_ids: Sequence[str]) -> list[Task]:
        """The caller's tasks among `task_ids`, in the order asked; unknown and foreign ids are left out."""
        ids = [t for t in dict.fromkeys(task_ids) if could_be_id(t)]
        cached = {t: task for t in ids if (task := self.snapshots.get_final(t)) is not None}
        loaded = {task.id: task for task in self.store.get_tasks([t for t in ids if t not in cached])}
        for task in loaded.values():
            self.snapshots.offer(task)
        found = cached | loaded
        return [found[t] for t in ids if t in found and found[t].key_id == key.id]


def upload_urls(request: SongRequest) -> list[tuple[str, str]]:
    """(URL, field name) of each outside recording the request names."""
    single = request.extra.get("upload_url")
    if single:
        return [(str(single), str(request.extra.get("upload_field") or "uploadUrl"))]
    return [(str(u), "uploadUrlList") for u in request.extra.get("upload_urls") or []]


def check_parts(request: SongRequest, clip: Clip) -> None:
    """Stems and MIDI need the parts the engine kept; a clip without them (a relayed song) is refused."""
    need = NEEDS_PARTS.get(request.kind)
    if need is None:
        return
    prefix, what = need
    if not any(name.startswith(prefix) for name in clip.artifacts):
        raise Unsupported(
            f"No {what} can be made from the audio {clip.id}: it keeps no separate parts (ACE-Step songs "
            "and songs relayed from an upstream provider keep only their audio and cover; WAV, video and "
            "cover art still work)",
            field="audioId",
        )


def check_against_source(request: SongRequest, clip: Clip) -> None:
    """Points and spans must lie inside the source song (tunesmith.domain.edits). Every dialect checks them
    with its own field names first; this is the backstop for any route, so a bad edit is never queued."""
    if request.continue_at is not None:
        check_continue_at(clip, request.continue_at, field="continueAt", clip_field="audioId")
    if request.span is not None:
        start, end = request.span
        check = check_infill if request.kind is OperationKind.REPLACE_SECTION else check_crop
        check(clip, start, end, fields=("infillStartS", "infillEndS"), clip_field="audioId")


def submit_limiter_for(settings: Settings) -> Limiter:
    """Submissions per key in a sliding window (shared through Redis when one is configured)."""
    return make_limiter(
        settings.redis_url, settings.submit_limit, settings.submit_window_seconds, namespace="submit"
    )


def query_limiter_for(settings: Settings) -> Limiter:
    """Status queries per task and second."""
    return make_limiter(settings.redis_url, settings.query_limit_per_task, 1.0, namespace="query")
