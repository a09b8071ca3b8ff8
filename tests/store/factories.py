"""Builders for keys and tasks, so each test states only what it is about."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from tunesmith.domain.models import ApiKey, Clip, Task
from tunesmith.domain.operations import OperationKind, SongRequest
from tunesmith.store.base import Store

# A fixed past moment: tasks that must be ordered get explicit offsets from it.
T0 = datetime(2024, 5, 6, 7, 8, 9, 123456, tzinfo=UTC)


def new_key(store: Store, *, credits: int = 1000, unlimited: bool = False) -> ApiKey:
    digest = uuid.uuid4().hex
    return store.create_key(
        name=f"key-{digest[:6]}", key_hash=digest, prefix=digest[:8], credits=credits, unlimited=unlimited
    )


def new_task(
    key_id: str,
    *,
    engine: str = "tone",
    cost: int = 0,
    clips: int = 2,
    created_at: datetime | None = None,
    max_attempts: int = 3,
) -> Task:
    """A fresh PENDING/queued task as the API would submit it."""
    task_id = "task-" + uuid.uuid4().hex
    moment = created_at or datetime.now(UTC)
    return Task(
        id=task_id,
        key_id=key_id,
        operation=OperationKind.GENERATE,
        request=SongRequest(description="a song about tests"),
        dialect="kie",
        raw_request="{}",
        engine=engine,
        cost=cost,
        max_attempts=max_attempts,
        created_at=moment,
        updated_at=moment,
        clips=tuple(
            Clip(id=f"{task_id}-c{i}", task_id=task_id, index=i, created_at=moment, updated_at=moment)
            for i in range(clips)
        ),
    )


def sung_with(key_id: str, persona_id: str | None, seconds: int, clip_count: int = 2) -> Task:
    """A task whose request is sung with `persona_id`, created `seconds` after T0."""
    task = new_task(key_id, created_at=T0 + timedelta(seconds=seconds), clips=clip_count)
    return replace(task, request=SongRequest(lyrics="la la", persona_id=persona_id))


def queued(store: Store, key_id: str, count: int, **kwargs: object) -> list[Task]:
    """Submit `count` tasks with strictly increasing created_at (claim order is then the list order)."""
    return [
        store.submit_task(new_task(key_id, created_at=T0 + timedelta(seconds=i), **kwargs))  # type: ignore[arg-type]
        for i in range(count)
    ]
