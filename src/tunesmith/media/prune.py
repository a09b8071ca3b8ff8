"""Freeing media: files past the retention period, stream pieces past their own expiry, and files nothing
records (orphans). `tunesmith media prune` plans first and deletes only with `--apply`.

What is never deleted: a private file (master, stems, plan, word timings, MIDI, replay notes, an uploaded
recording) of an expired clip that a live clip was made from, directly or through a chain of edits
(extend, concat, crop, replace section): rebuilding or editing the live clip reads it. The expired clip's
delivered files (its MP3 and cover) do go, and its task record stays readable in every dialect.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from tunesmith.domain.models import MediaRecord
from tunesmith.media.store import MediaStore
from tunesmith.store.base import Store

log = logging.getLogger(__name__)

PAGE = 500
ORPHAN_GRACE = timedelta(days=1)  # unrecorded files younger than this may still be in the middle of a publish
RECORDED_PREFIXES = ("pub/", "clips/", "tasks/", "streams/")


def retention_cutoff(days: float, now: datetime | None = None) -> datetime | None:
    """Files created before this instant have expired; None when they are kept forever."""
    if not days or days <= 0:
        return None
    return (now or datetime.now(UTC)) - timedelta(days=days)


def is_expired(created_at: datetime, days: float, now: datetime | None = None) -> bool:
    cutoff = retention_cutoff(days, now)
    if cutoff is None:
        return False
    moment = created_at if created_at.tzinfo else created_at.replace(tzinfo=UTC)
    return moment < cutoff


@dataclass
class PrunePlan:
    delete: list[MediaRecord] = field(default_factory=list)
    kept: list[MediaRecord] = field(default_factory=list)  # expired, but a live clip still needs them
    orphans: list[tuple[str, int]] = field(default_factory=list)  # (key, bytes) with no record

    @property
    def bytes_freed(self) -> int:
        return sum(r.size for r in self.delete) + sum(size for _, size in self.orphans)

    def by_role(self) -> Counter[str]:
        sizes: Counter[str] = Counter()
        for record in self.delete:
            sizes[record.role.split(".", 1)[0]] += record.size
        for _, size in self.orphans:
            sizes["orphan"] += size
        return sizes


def plan_prune(
    store: Store,
    media: MediaStore,
    *,
    retention_days: float,
    now: datetime | None = None,
    orphans: bool = False,
) -> PrunePlan:
    """What a prune would delete now, and what it keeps although expired."""
    now = now or datetime.now(UTC)
    cutoff = retention_cutoff(retention_days, now)
    plan = PrunePlan()
    lineage = _Lineage(store, cutoff)
    seen: set[str] = set()
    for record in _all_due(store, now, cutoff):
        if record.key in seen:
            continue
        seen.add(record.key)
        own_expiry = record.expires_at is not None and _aware(record.expires_at) < now
        if own_expiry or record.public or not lineage.needed(record):
            plan.delete.append(record)
        else:
            plan.kept.append(record)
    if orphans:
        plan.orphans = list(_orphans(store, media, now))
    return plan


def apply_prune(store: Store, media: MediaStore, plan: PrunePlan) -> None:
    """Delete what `plan` lists: files first, then their records (a crash in between leaves records of
    missing files, which the next prune deletes again harmlessly)."""
    for batch in _batches(plan.delete, PAGE):
        _delete_files(media, batch)
        store.forget_media([r.key for r in batch])
    media.delete(key for key, _ in plan.orphans)


def reap_expired(store: Store, media: MediaStore, now: datetime, limit: int = 200) -> int:
    """Delete files past their own `expires_at` (the pieces of finished streams); returns how many."""
    due = [r for r in store.media_to_prune(now, None, limit=limit) if r.expires_at is not None]
    if due:
        _delete_files(media, due)
        store.forget_media([r.key for r in due])
    return len(due)


def _delete_files(media: MediaStore, records: Iterable[MediaRecord]) -> None:
    keys: list[str] = []
    for record in records:
        if record.key.endswith("/"):  # a folder of pieces (a stream)
            keys.extend(obj.key for obj in media.list(record.key))
        else:
            keys.append(record.key)
    media.delete(keys)


def _all_due(store: Store, now: datetime, cutoff: datetime | None) -> Iterable[MediaRecord]:
    """Every record due for deletion, page by page (the store hands them oldest first)."""
    offset = 0
    while True:
        page = store.media_to_prune(now, cutoff, limit=PAGE, offset=offset)
        yield from page
        if len(page) < PAGE:
            return
        offset += len(page)


def _orphans(store: Store, media: MediaStore, now: datetime) -> Iterable[tuple[str, int]]:
    """Files under the recorded prefixes that no record names (left by a publish a crash interrupted),
    old enough not to be one in progress."""
    for prefix in RECORDED_PREFIXES:
        for obj in media.list(prefix):
            if obj.modified is not None and _aware(obj.modified) > now - ORPHAN_GRACE:
                continue
            if not _recorded(store, obj.key):
                yield obj.key, obj.size


def _recorded(store: Store, key: str) -> bool:
    parts = key.split("/")
    if parts[0] == "pub":
        return store.public_object(key) is not None
    if parts[0] == "streams":  # recorded as the folder of its pieces
        key = key.rsplit("/", 1)[0] + "/"
    owner = {"task_ids": [parts[1]]} if parts[0] == "tasks" else {"clip_ids": [parts[1]]}
    return any(r.key == key for r in store.media_of(**owner))


class _Lineage:
    """Whether an expired clip's private files are still needed by a live clip made from it."""

    def __init__(self, store: Store, cutoff: datetime | None) -> None:
        self.store = store
        self.cutoff = cutoff
        self._memo: dict[str, bool] = {}

    def needed(self, record: MediaRecord) -> bool:
        if self.cutoff is None:
            return True  # nothing expires by age; only files with their own expiry are due
        if record.clip_id:
            return self._has_live_descendant(record.clip_id)
        task = self.store.get_task(record.task_id)
        clips = [c.id for c in task.clips] if task is not None else []
        return any(self._live(c) or self._has_live_descendant(c) for c in clips)

    def _live(self, clip_id: str) -> bool:
        clip = self.store.get_clip(clip_id)
        return clip is not None and self.cutoff is not None and _aware(clip.created_at) >= self.cutoff

    def _has_live_descendant(self, clip_id: str) -> bool:
        if clip_id in self._memo:
            return self._memo[clip_id]
        self._memo[clip_id] = False  # a cycle (there should be none) ends here
        found = False
        frontier = [clip_id]
        seen = {clip_id}
        while frontier and not found:
            made = self.store.clips_made_from(frontier)
            frontier = []
            for _task, clip in made:
                if clip.id in seen:
                    continue
                seen.add(clip.id)
                if self.cutoff is not None and _aware(clip.created_at) >= self.cutoff:
                    found = True
                    break
                frontier.append(clip.id)
        self._memo[clip_id] = found
        return found


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _batches(items: list[MediaRecord], size: int) -> Iterable[list[MediaRecord]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
