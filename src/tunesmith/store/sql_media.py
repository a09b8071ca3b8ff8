"""The media records (`media_objects`): which files the store holds, whose they are, which were delivered."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, and_, delete, func, insert, or_, select
from sqlalchemy import update as sql_update

from tunesmith.domain.models import Clip, MediaRecord, Task
from tunesmith.store.base import ClipUpdate
from tunesmith.store.rows import clip_from_row, media_from_row, media_values, task_from_row
from tunesmith.store.sql_core import SqlCore
from tunesmith.store.tables import clips, media_objects, tasks

_CHUNK = 500


class MediaSql(SqlCore):
    """Mixin of SqlStore: the media-record methods of tunesmith.store.base.Store."""

    def add_media(self, records: Sequence[MediaRecord]) -> None:
        if not records:
            return
        with self._write() as conn:
            insert_media(conn, records)

    def public_object(self, key: str) -> MediaRecord | None:
        with self._read() as conn:
            row = conn.execute(
                select(media_objects).where(media_objects.c.key == key, media_objects.c.public.is_(True))
            ).first()
        return media_from_row(row) if row else None

    def media_of(self, *, clip_ids: Sequence[str] = (), task_ids: Sequence[str] = ()) -> list[MediaRecord]:
        found: dict[str, MediaRecord] = {}
        with self._read() as conn:
            for column, ids in ((media_objects.c.clip_id, clip_ids), (media_objects.c.task_id, task_ids)):
                for part in _chunks(list(dict.fromkeys(ids))):
                    for row in conn.execute(select(media_objects).where(column.in_(part))):
                        found[row.key] = media_from_row(row)
        return [found[k] for k in sorted(found)]

    def media_usage(self, key_id: str) -> int:
        with self._read() as conn:
            total = conn.execute(
                select(func.coalesce(func.sum(media_objects.c.size), 0)).where(
                    media_objects.c.key_id == key_id
                )
            ).scalar_one()
        return int(total)

    def media_to_prune(
        self, now: datetime, created_before: datetime | None, *, limit: int, offset: int = 0
    ) -> list[MediaRecord]:
        due = and_(media_objects.c.expires_at.is_not(None), media_objects.c.expires_at < now)
        if created_before is not None:
            due = or_(due, media_objects.c.created_at < created_before)
        query = (
            select(media_objects)
            .where(due)
            .order_by(media_objects.c.created_at, media_objects.c.key)
            .limit(limit)
            .offset(offset)
        )
        with self._read() as conn:
            return [media_from_row(row) for row in conn.execute(query)]

    def forget_media(self, keys: Sequence[str]) -> None:
        with self._write() as conn:
            for part in _chunks(list(keys)):
                conn.execute(delete(media_objects).where(media_objects.c.key.in_(part)))

    def update_clip_media(
        self, clip_id: str, update: ClipUpdate, *, records: Sequence[MediaRecord], forget: Sequence[str]
    ) -> None:
        values: dict[str, Any] = {k: v for k, v in vars(update).items() if v is not None}
        if "artifacts" in values:
            values["artifacts"] = json.dumps(values["artifacts"])
        with self._write() as conn:
            if values:
                conn.execute(sql_update(clips).where(clips.c.id == clip_id).values(**values))
            for part in _chunks(list(forget)):
                conn.execute(delete(media_objects).where(media_objects.c.key.in_(part)))
            if records:
                insert_media(conn, records)

    def legacy_media_clips(self) -> list[str]:
        m = media_objects.c
        old = or_(
            m.size == 0,
            and_(m.public.is_(False), m.key.like("%.wav")),
            and_(m.role == "stream", m.key.not_like("%/")),
        )
        query = select(m.clip_id).where(old, m.clip_id.is_not(None)).distinct().order_by(m.clip_id)
        with self._read() as conn:
            return [row.clip_id for row in conn.execute(query)]

    def clips_made_from(self, clip_ids: Sequence[str]) -> list[tuple[Task, Clip]]:
        out: list[tuple[Task, Clip]] = []
        with self._read() as conn:
            for part in _chunks(list(dict.fromkeys(clip_ids))):
                task_rows = conn.execute(select(tasks).where(tasks.c.parent_clip_id.in_(part))).all()
                if not task_rows:
                    continue
                by_task: dict[str, list[Clip]] = {}
                clip_rows = conn.execute(select(clips).where(clips.c.task_id.in_([t.id for t in task_rows])))
                for row in clip_rows:
                    by_task.setdefault(row.task_id, []).append(clip_from_row(row))
                for row in task_rows:
                    task = task_from_row(row, by_task.get(row.id, []))
                    out.extend((task, clip) for clip in task.clips)
        return out


def insert_media(conn: Connection, records: Sequence[MediaRecord]) -> None:
    """Record files in the caller's transaction; a key recorded again replaces its record."""
    keys = [r.key for r in records]
    for part in _chunks(keys):
        conn.execute(delete(media_objects).where(media_objects.c.key.in_(part)))
    conn.execute(insert(media_objects), [media_values(r) for r in records])


def _chunks(items: list[Any]) -> Iterator[list[Any]]:
    for start in range(0, len(items), _CHUNK):
        yield items[start : start + _CHUNK]
