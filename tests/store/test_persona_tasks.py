"""The songs sung with a persona: `tasks_with_persona` finds a key's tasks by the persona of their request
(an indexed column kept from `request.persona_id`), newest first, and migration 0004 fills that column in for
tasks stored before it existed."""

from __future__ import annotations

import json

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import insert, inspect, select

from tests.store.factories import T0, new_key, sung_with
from tunesmith.domain.models import Task
from tunesmith.store.database import make_engine
from tunesmith.store.migrate import alembic_config, current_revision, head_revision, upgrade
from tunesmith.store.rows import clip_values, task_values
from tunesmith.store.sql import SqlStore
from tunesmith.store.tables import api_keys, clips, metadata, tasks


def test_tasks_with_persona_are_the_keys_own_newest_first(store: SqlStore) -> None:
    key, other = new_key(store), new_key(store)
    older = store.submit_task(sung_with(key.id, "persona-a", 1))
    store.submit_task(sung_with(key.id, "persona-b", 2))  # another persona
    store.submit_task(sung_with(key.id, None, 3))  # no persona
    store.submit_task(sung_with(other.id, "persona-a", 4))  # another key, even with the same id
    newer = store.submit_task(sung_with(key.id, "persona-a", 5, clip_count=1))

    found = store.tasks_with_persona(key.id, "persona-a")
    assert [t.id for t in found] == [newer.id, older.id]
    assert found == [newer, older]  # whole tasks, with their clips
    assert [len(t.clips) for t in found] == [1, 2]
    assert all(t.request.persona_id == "persona-a" for t in found)
    assert store.tasks_with_persona(key.id, "persona-unknown") == []
    assert store.tasks_with_persona("no-such-key", "persona-a") == []


def test_tasks_created_at_once_are_ordered_by_id(store: SqlStore) -> None:
    key = new_key(store)
    same = [store.submit_task(sung_with(key.id, "p", 0)) for _ in range(3)]
    found = store.tasks_with_persona(key.id, "p")
    assert [t.id for t in found] == sorted((t.id for t in same), reverse=True)


def test_an_empty_persona_id_is_no_persona(store: SqlStore) -> None:
    key = new_key(store)
    store.submit_task(sung_with(key.id, "", 0))
    assert store.tasks_with_persona(key.id, "") == []


# ── migration 0004 ────────────────────────────────────────────────────────────────────────────────────
def _store_at_0003(url: str, rows: list[tuple[Task, str]]) -> None:
    """Write tasks (and their clips) as revision 0003 stored them: with no persona_id column, and each
    task's `request` column as given."""
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(
                insert(api_keys).values(
                    id="key-1", name="old", key_hash="h1", prefix="p1", credits=0, created_at=T0
                )
            )
            for task, request in rows:
                later = ("persona_id", "engine_state")  # columns of later revisions
                values = {k: v for k, v in task_values(task).items() if k not in later}
                conn.execute(insert(tasks).values(**{**values, "request": request}))
                if task.clips:  # without the columns later revisions added
                    later = {"rebuildable"}
                    rows_0003 = [
                        {k: v for k, v in clip_values(c).items() if k not in later} for c in task.clips
                    ]
                    conn.execute(insert(clips), rows_0003)
    finally:
        engine.dispose()


def _persona_column(url: str) -> dict[str, str | None]:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return dict(conn.execute(select(tasks.c.id, tasks.c.persona_id)).all())  # type: ignore[arg-type]
    finally:
        engine.dispose()


def _task_columns(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return {c["name"] for c in inspect(conn).get_columns("tasks")}
    finally:
        engine.dispose()


def test_upgrade_backfills_persona_id_from_the_request(blank_url: str) -> None:
    upgrade(blank_url, "0003")
    assert "persona_id" not in _task_columns(blank_url)
    with_persona = sung_with("key-1", "persona-a", 1)
    newer = sung_with("key-1", "persona-a", 2)
    without = sung_with("key-1", None, 3)
    other_persona = sung_with("key-1", "persona-b", 4)
    unreadable = sung_with("key-1", None, 5, clip_count=0)
    too_long = sung_with("key-1", None, 6, clip_count=0)
    rows = [
        (with_persona, json.dumps(with_persona.request.to_dict())),
        (newer, json.dumps(newer.request.to_dict(), ensure_ascii=False)),
        (without, json.dumps(without.request.to_dict())),
        (other_persona, json.dumps(other_persona.request.to_dict(), separators=(",", ":"))),
        (unreadable, "not json"),
        (too_long, json.dumps({"persona_id": "x" * 65})),
    ]
    _store_at_0003(blank_url, rows)

    upgrade(blank_url)
    assert current_revision(blank_url) == head_revision()
    assert _persona_column(blank_url) == {
        with_persona.id: "persona-a",
        newer.id: "persona-a",
        without.id: None,
        other_persona.id: "persona-b",
        unreadable.id: None,
        too_long.id: None,
    }
    store = SqlStore(blank_url)
    try:
        found = store.tasks_with_persona("key-1", "persona-a")
        assert [t.id for t in found] == [newer.id, with_persona.id]
        assert [len(t.clips) for t in found] == [2, 2]
    finally:
        store.close()


def test_downgrade_drops_the_column_and_upgrade_fills_it_again(blank_url: str) -> None:
    upgrade(blank_url)
    store = SqlStore(blank_url)
    try:
        key = new_key(store)
        task = store.submit_task(sung_with(key.id, "persona-a", 1))
    finally:
        store.close()
    assert _persona_column(blank_url) == {task.id: "persona-a"}

    command.downgrade(alembic_config(blank_url), "0003")
    assert current_revision(blank_url) == "0003"
    assert "persona_id" not in _task_columns(blank_url)
    engine = make_engine(blank_url)
    try:
        with engine.connect() as conn:
            indexes = {ix["name"] for ix in inspect(conn).get_indexes("tasks")}
    finally:
        engine.dispose()
    assert "ix_tasks_persona" not in indexes

    upgrade(blank_url)
    assert _persona_column(blank_url) == {task.id: "persona-a"}
    engine = make_engine(blank_url)
    try:
        with engine.connect() as conn:  # the round trip left the schema exactly as tables.py has it
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            assert compare_metadata(context, metadata) == []
    finally:
        engine.dispose()
