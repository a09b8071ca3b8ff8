"""Media records on SQLite and PostgreSQL: what was delivered, whose it is, quota usage, retention and prune
(which never deletes what a live clip was made from), with real files in a local media store."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.store.factories import new_key, new_task
from tunesmith.domain.models import Clip, MediaRecord, Task
from tunesmith.domain.operations import OperationKind, SongRequest
from tunesmith.media import layout
from tunesmith.media.local import LocalMediaStore
from tunesmith.media.prune import apply_prune, plan_prune, reap_expired
from tunesmith.store.base import ClipUpdate
from tunesmith.store.sql import SqlStore

NOW = datetime.now(UTC)
OLD = NOW - timedelta(days=30)
RETENTION_DAYS = 14.0


def _record(
    task: Task, clip: Clip | None, key: str, role: str, *, public: bool, when: datetime
) -> MediaRecord:
    return MediaRecord(
        key=key,
        key_id=task.key_id,
        task_id=task.id,
        clip_id=clip.id if clip else None,
        role=role,
        size=1000,
        content_type="audio/mpeg",
        public=public,
        created_at=when,
    )


def _song(
    store: SqlStore,
    media: LocalMediaStore,
    key_id: str,
    when: datetime,
    *,
    parent: Clip | None = None,
    operation: OperationKind = OperationKind.GENERATE,
) -> tuple[Task, Clip, dict[str, str]]:
    """A finished one-clip task made at `when` (from `parent`, when given), with a delivered MP3 and private
    plan and master files, recorded and stored."""
    task = new_task(key_id, clips=1, created_at=when)
    if parent is not None:
        task = replace(
            task,
            operation=operation,
            parent_clip_id=parent.id,
            request=SongRequest(kind=operation, source_clip_id=parent.id),
        )
    store.submit_task(task)
    assert store.claim_next("w", 3600) is not None
    clip = task.clips[0]
    keys = {
        "audio": layout.public_key("audio.mp3"),
        "plan": layout.clip_key(clip.id, "plan.json"),
        "master": layout.clip_key(clip.id, "master.flac"),
    }
    records = [
        _record(task, clip, keys["audio"], "audio", public=True, when=when),
        _record(task, clip, keys["plan"], "plan", public=False, when=when),
        _record(task, clip, keys["master"], "master", public=False, when=when),
    ]
    for key in keys.values():
        media.put_bytes(key, b"x" * 1000)
    update = ClipUpdate(audio_key=keys["audio"], wav_key=keys["master"], artifacts={"plan": keys["plan"]})
    done = store.record_clip(task.id, "w", 0, state="complete", update=update, media=records)
    assert done is not None
    store.finish_task(task.id, "w")
    return task, clip, keys


@pytest.fixture
def media(tmp_path: Path) -> LocalMediaStore:
    return LocalMediaStore(tmp_path / "media")


def test_only_delivered_files_are_public_and_usage_adds_up(store: SqlStore, media: LocalMediaStore) -> None:
    key = new_key(store)
    task, clip, keys = _song(store, media, key.id, NOW)
    assert store.public_object(keys["audio"]) is not None
    assert store.public_object(keys["plan"]) is None
    assert store.public_object(keys["master"]) is None
    assert store.public_object("pub/unknown/audio.mp3") is None
    assert {r.key for r in store.media_of(clip_ids=[clip.id])} == set(keys.values())
    assert {r.key for r in store.media_of(task_ids=[task.id])} == set(keys.values())
    assert store.media_usage(key.id) == 3000
    assert store.media_usage(new_key(store).id) == 0
    got = store.public_object(keys["audio"])
    assert got is not None and (got.role, got.size, got.key_id, got.clip_id) == (
        "audio",
        1000,
        key.id,
        clip.id,
    )
    assert abs((got.created_at - NOW).total_seconds()) < 0.001


def test_a_report_without_the_lease_records_no_media(store: SqlStore, media: LocalMediaStore) -> None:
    key = new_key(store)
    task = store.submit_task(new_task(key.id, clips=1))
    store.claim_next("w", 3600)
    record = _record(task, task.clips[0], "pub/t/audio.mp3", "audio", public=True, when=NOW)
    update = ClipUpdate(audio_key=record.key)
    assert store.record_clip(task.id, "intruder", 0, state="complete", update=update, media=[record]) is None
    assert store.public_object(record.key) is None and store.media_usage(key.id) == 0


def test_stream_pieces_are_reaped_after_their_own_expiry(store: SqlStore, media: LocalMediaStore) -> None:
    key = new_key(store)
    task, clip, _ = _song(store, media, key.id, NOW)
    prefix = layout.stream_prefix(clip.id, 1)
    for i in range(3):
        media.put_bytes(f"{prefix}{i:06d}.mp3", b"piece")
    stream = replace(
        _record(task, clip, prefix, "stream", public=False, when=NOW), expires_at=NOW + timedelta(minutes=10)
    )
    store.add_media([stream])
    assert reap_expired(store, media, NOW) == 0
    assert reap_expired(store, media, NOW + timedelta(minutes=11)) == 1
    assert list(media.list(prefix)) == []
    assert prefix not in {r.key for r in store.media_of(clip_ids=[clip.id])}


def test_prune_keeps_what_a_live_clip_was_made_from(store: SqlStore, media: LocalMediaStore) -> None:
    key = new_key(store)
    _old_task, first, first_keys = _song(store, media, key.id, OLD)  # expired, extended by a live clip...
    _ext_task, second, second_keys = _song(
        store, media, key.id, OLD + timedelta(days=1), parent=first, operation=OperationKind.EXTEND
    )  # ...through an expired extension
    _live_task, live, live_keys = _song(
        store, media, key.id, NOW, parent=second, operation=OperationKind.CONCAT
    )
    _lone_task, lone, lone_keys = _song(store, media, key.id, OLD)  # expired, nothing made from it
    before = {o.key for o in media.list()}

    dry = plan_prune(store, media, retention_days=RETENTION_DAYS, now=NOW)
    assert {o.key for o in media.list()} == before  # a plan deletes nothing
    deleted = {r.key for r in dry.delete}
    assert deleted == {first_keys["audio"], second_keys["audio"], *lone_keys.values()}
    assert {r.key for r in dry.kept} == {
        first_keys["plan"],
        first_keys["master"],
        second_keys["plan"],
        second_keys["master"],
    }
    assert dry.bytes_freed == 5000

    apply_prune(store, media, dry)
    remaining = {o.key for o in media.list()}
    assert remaining == before - deleted
    assert set(live_keys.values()) <= remaining
    assert store.public_object(first_keys["audio"]) is None
    assert store.get_task(_old_task.id) is not None  # the task record stays readable
    assert store.get_clip(lone.id) is not None and store.get_clip(live.id) is not None
    assert plan_prune(store, media, retention_days=RETENTION_DAYS, now=NOW).delete == []
    assert store.media_usage(key.id) == 3000 + 4000  # the live song, and what it was made from


def test_without_retention_nothing_expires_by_age(store: SqlStore, media: LocalMediaStore) -> None:
    key = new_key(store)
    _song(store, media, key.id, OLD - timedelta(days=3650))
    plan = plan_prune(store, media, retention_days=0, now=NOW)
    assert plan.delete == [] and plan.kept == []


def test_orphans_are_found_only_when_asked_and_only_when_old(store: SqlStore, media: LocalMediaStore) -> None:
    key = new_key(store)
    _song(store, media, key.id, NOW)
    media.put_bytes("clips/gone/plan.json", b"{}")
    assert plan_prune(store, media, retention_days=0, now=NOW).orphans == []
    later = NOW + timedelta(days=2)
    plan = plan_prune(store, media, retention_days=0, now=later, orphans=True)
    assert plan.orphans == [("clips/gone/plan.json", 2)]
    apply_prune(store, media, plan)
    assert media.stat("clips/gone/plan.json") is None


def test_keys_carry_their_storage_quota(store: SqlStore) -> None:
    made = store.create_key(name="q", key_hash="h-quota", prefix="p", credits=0, storage_mb=250)
    assert made.storage_mb == 250 and store.get_key(made.id).storage_mb == 250  # type: ignore[union-attr]
    assert new_key(store).storage_mb is None
