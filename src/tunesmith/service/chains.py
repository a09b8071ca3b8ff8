"""The extension chain of a clip: the clips it continues, back to the first generation.

A concat joins the chain into one song: the worker hands the chain's files to the engine, and every dialect
shows it as Suno's `concat_history`.
"""

from __future__ import annotations

from typing import Any

from tunesmith.domain.edits import finished
from tunesmith.domain.models import Clip, Task
from tunesmith.domain.operations import OperationKind, SongRequest
from tunesmith.store.base import Store

MAX_CHAIN = 100
# Suno's `type` of a clip in a history entry: what the clip is, by the operation that made it (an imported
# recording is "upload"; a song made here, an extension of one included, is "gen").
HISTORY_TYPES = {OperationKind.UPLOAD: "upload"}


def history_type(operation: OperationKind) -> str:
    """Suno's `type` of a clip made by `operation`, as a history entry names it."""
    return HISTORY_TYPES.get(operation, "gen")


def extension_chain(store: Store, clip_id: str) -> list[tuple[Clip, float | None]]:
    """(clip, continue_at) from the first part to `clip_id`; each part continues the one before it at its
    own `continue_at` (None for the first)."""
    return [(clip, at) for clip, at, _ in _chain(store, clip_id)]


def _chain(store: Store, clip_id: str) -> list[tuple[Clip, float | None, OperationKind]]:
    """`extension_chain`, each link with the operation of the task that made its clip."""
    links: list[tuple[Clip, float | None, OperationKind]] = []
    current: str | None = clip_id
    while current and len(links) < MAX_CHAIN:
        clip = store.get_clip(current)
        made_by = store.get_task(clip.task_id) if clip is not None else None
        if clip is None or made_by is None:
            break
        continues = made_by.operation is OperationKind.EXTEND and made_by.parent_clip_id
        links.append((clip, made_by.request.continue_at if continues else None, made_by.operation))
        current = made_by.parent_clip_id if continues else None
    return links[::-1]


def concat_history(store: Store, clip_id: str) -> list[dict[str, Any]]:
    """Suno's `metadata.concat_history` of a join ending at `clip_id`. The routes store it in the CONCAT
    request's `extra`, so every dialect renders it without walking the chain again."""
    return [
        {"id": clip.id, "continue_at": at, "type": history_type(op), "source": "web"}
        for clip, at, op in _chain(store, clip_id)
    ]


def concat_request(store: Store, source: Task, clip: Clip, *, clip_field: str, **extra: Any) -> SongRequest:
    """The CONCAT of the chain ending at the caller's finished `clip` (of `source`): it makes no music of its
    own, so it keeps the source's model, title and style."""
    finished(clip, clip_field)
    return SongRequest(
        kind=OperationKind.CONCAT,
        model=source.request.model,
        custom_mode=True,
        instrumental=source.request.instrumental,
        title=clip.title,
        style=clip.tags,
        source_clip_id=clip.id,
        source_task_id=source.id,
        extra={**extra, "concat_history": concat_history(store, clip.id)},
    )
