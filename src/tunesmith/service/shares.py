"""Share links: the owner of a finished song opts in to a public page for one clip, and can revoke it.

The page shows only what the owner chose to share: the clip's title, style, lyrics, cover and audio (whose
URLs are public by design). A revoked share, an expired song or a token nobody made all read as not found."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime

from tunesmith.domain.errors import InvalidRequest, NotFound
from tunesmith.domain.ids import could_be_id
from tunesmith.domain.models import ApiKey, Clip, Share, Task
from tunesmith.domain.states import ClipState
from tunesmith.media.prune import is_expired
from tunesmith.service.tasks import TaskService
from tunesmith.store.base import Store


def new_token() -> str:
    """128 random bits: the link is the only secret, so it cannot be guessed or enumerated."""
    return secrets.token_hex(16)


class ShareService:
    def __init__(self, store: Store, tasks: TaskService, retention_days: float) -> None:
        self.store = store
        self.tasks = tasks
        self.retention_days = retention_days

    def share(self, key: ApiKey, task_id: str, clip_id: str) -> Share:
        """The clip's public link, made on first request (the same link afterwards until revoked)."""
        task = self.tasks.get(key, task_id)
        clip = self.tasks.own_clip(key, clip_id)
        if clip.task_id != task.id:
            raise NotFound(f"Audio {clip_id} is not part of task {task_id}", field="audioId")
        if clip.state is not ClipState.COMPLETE or not clip.audio_key:
            raise InvalidRequest(f"The audio {clip.id} is not finished yet", field="audioId")
        share = Share(
            token=new_token(), key_id=key.id, task_id=task.id, clip_id=clip.id, created_at=datetime.now(UTC)
        )
        return self.store.create_share(share)

    def live(self, key: ApiKey, clip_id: str | None = None) -> list[Share]:
        return self.store.live_shares(key.id, clip_id)

    def revoke(self, key: ApiKey, token: str) -> Share:
        share = self.store.revoke_share(key.id, token) if could_be_id(token) else None
        if share is None:
            raise NotFound("No such share link", field="token")
        return share

    def public(self, token: str) -> tuple[Task, Clip]:
        """What a share link shows; NotFound for a revoked, expired or unknown link."""
        share = self.store.get_share(token) if could_be_id(token) else None
        task = self.store.get_task(share.task_id) if share and share.revoked_at is None else None
        clip = next((c for c in task.clips if c.id == share.clip_id), None) if task and share else None
        if (
            task is None
            or clip is None
            or clip.state is not ClipState.COMPLETE
            or is_expired(clip.created_at, self.retention_days)
        ):
            raise NotFound("No such share link", field="token")
        return task, clip
