"""Rows to domain objects and back: the only place that knows both shapes."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from tunesmith.domain.models import ApiKey, CallbackDelivery, Clip, Failure, MediaRecord, Persona, Task
from tunesmith.domain.operations import OperationKind, SongRequest
from tunesmith.domain.states import ClipState, FailureKind, QueueStatus, TaskState


def aware(moment: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; everything we store is UTC."""
    if moment is None:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def aware_at(moment: datetime | None) -> datetime:
    """`aware` for a NOT NULL column: the database never hands back None there."""
    value = aware(moment)
    assert value is not None, "a NOT NULL time column was empty"
    return value


def key_from_row(row: Any) -> ApiKey:
    return ApiKey(
        id=row.id,
        name=row.name,
        prefix=row.prefix,
        credits=int(row.credits),
        unlimited=bool(row.unlimited),
        webhook_secret=row.webhook_secret,
        storage_mb=row.storage_mb,
        created_at=aware_at(row.created_at),
    )


def clip_from_row(row: Any) -> Clip:
    return Clip(
        id=row.id,
        task_id=row.task_id,
        index=row.idx,
        state=ClipState(row.state),
        title=row.title,
        tags=row.tags,
        lyrics=row.lyrics,
        model_name=row.model_name,
        duration=row.duration,
        audio_key=row.audio_key,
        stream_key=row.stream_key,
        image_key=row.image_key,
        wav_key=row.wav_key,
        artifacts=json.loads(row.artifacts or "{}"),
        rebuildable=bool(row.rebuildable),
        error_message=row.error_message,
        created_at=aware_at(row.created_at),
        updated_at=aware_at(row.updated_at),
    )


def task_from_row(row: Any, clips: list[Clip]) -> Task:
    failure = None
    if row.failure_kind:
        failure = Failure(
            kind=FailureKind(row.failure_kind), message=row.error_message or "", code=row.error_code
        )
    return Task(
        id=row.id,
        key_id=row.key_id,
        operation=OperationKind(row.operation),
        request=SongRequest.from_dict(json.loads(row.request)),
        dialect=row.dialect,
        raw_request=row.raw_request,
        engine=row.engine,
        state=TaskState(row.state),
        queue_status=QueueStatus(row.queue_status),
        failure=failure,
        callback_url=row.callback_url,
        parent_clip_id=row.parent_clip_id,
        source_task_id=row.source_task_id,
        result=json.loads(row.result or "{}"),
        engine_state=json.loads(getattr(row, "engine_state", None) or "{}"),
        progress=getattr(row, "progress", None),
        cost=row.cost,
        refunded=bool(row.refunded),
        attempts=row.attempts,
        max_attempts=row.max_attempts,
        lease_owner=row.lease_owner,
        lease_expires_at=aware(row.lease_expires_at),
        created_at=aware_at(row.created_at),
        started_at=aware(row.started_at),
        finished_at=aware(row.finished_at),
        updated_at=aware_at(row.updated_at),
        clips=tuple(sorted(clips, key=lambda c: c.index)),
    )


def task_values(task: Task) -> dict[str, Any]:
    return {
        "id": task.id,
        "key_id": task.key_id,
        "operation": task.operation.value,
        "dialect": task.dialect,
        "engine": task.engine,
        "model": task.request.model,
        "state": task.state.value,
        "queue_status": task.queue_status.value,
        "failure_kind": None,
        "error_code": None,
        "error_message": None,
        "request": json.dumps(task.request.to_dict(), ensure_ascii=False),
        "raw_request": task.raw_request,
        "callback_url": task.callback_url,
        "parent_clip_id": task.parent_clip_id,
        "source_task_id": task.source_task_id,
        "persona_id": task.request.persona_id or None,
        "result": json.dumps(task.result, ensure_ascii=False),
        "engine_state": json.dumps(task.engine_state, ensure_ascii=False),
        "cost": task.cost,
        "refunded": False,
        "attempts": 0,
        "max_attempts": task.max_attempts,
        "lease_owner": None,
        "lease_expires_at": None,
        "not_before": None,
        "created_at": task.created_at,
        "started_at": None,
        "finished_at": None,
        "updated_at": task.updated_at,
    }


def clip_values(clip: Clip) -> dict[str, Any]:
    return {
        "id": clip.id,
        "task_id": clip.task_id,
        "idx": clip.index,
        "state": clip.state.value,
        "title": clip.title,
        "tags": clip.tags,
        "lyrics": clip.lyrics,
        "model_name": clip.model_name,
        "duration": clip.duration,
        "audio_key": clip.audio_key,
        "stream_key": clip.stream_key,
        "image_key": clip.image_key,
        "wav_key": clip.wav_key,
        "artifacts": json.dumps(clip.artifacts),
        "rebuildable": clip.rebuildable,
        "error_message": clip.error_message,
        "created_at": clip.created_at,
        "updated_at": clip.updated_at,
    }


def delivery_from_row(row: Any) -> CallbackDelivery:
    return CallbackDelivery(
        id=row.id,
        task_id=row.task_id,
        stage=row.stage,
        url=row.url,
        payload=json.loads(row.payload),
        status=row.status,
        attempts=row.attempts,
        last_status_code=row.last_status_code,
        last_error=row.last_error,
        next_attempt_at=aware(row.next_attempt_at),
        created_at=aware_at(row.created_at),
        updated_at=aware_at(row.updated_at),
    )


def persona_from_row(row: Any) -> Persona:
    return Persona(
        id=row.id,
        key_id=row.key_id,
        name=row.name,
        description=row.description,
        source_clip_id=row.source_clip_id,
        voice=row.voice,
        style=row.style,
        vocal_start=row.vocal_start,
        vocal_end=row.vocal_end,
        created_at=aware_at(row.created_at),
    )


def persona_values(persona: Persona) -> dict[str, Any]:
    return {
        "id": persona.id,
        "key_id": persona.key_id,
        "name": persona.name,
        "description": persona.description,
        "source_clip_id": persona.source_clip_id,
        "voice": persona.voice,
        "style": persona.style,
        "vocal_start": persona.vocal_start,
        "vocal_end": persona.vocal_end,
        "created_at": persona.created_at,
    }


def media_from_row(row: Any) -> MediaRecord:
    return MediaRecord(
        key=row.key,
        key_id=row.key_id,
        task_id=row.task_id,
        clip_id=row.clip_id,
        role=row.role,
        size=int(row.size),
        content_type=row.content_type,
        public=bool(row.public),
        digest=row.digest,
        encoding=row.encoding,
        created_at=aware_at(row.created_at),
        expires_at=aware(row.expires_at),
    )


def media_values(record: MediaRecord) -> dict[str, Any]:
    return {
        "key": record.key,
        "key_id": record.key_id,
        "task_id": record.task_id,
        "clip_id": record.clip_id,
        "role": record.role,
        "size": record.size,
        "content_type": record.content_type,
        "public": record.public,
        "digest": record.digest,
        "encoding": record.encoding,
        "created_at": record.created_at,
        "expires_at": record.expires_at,
    }
