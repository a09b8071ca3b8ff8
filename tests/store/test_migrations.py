"""Migrations: every process runs `upgrade` on start, so it must be idempotent, and the schema it builds must
be exactly the one the store's queries are written against."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from tests.store import workers
from tests.store.factories import new_key
from tunesmith.store.database import make_engine
from tunesmith.store.migrate import current_revision, head_revision, upgrade
from tunesmith.store.sql import SqlStore
from tunesmith.store.tables import metadata


def test_upgrade_reaches_head_and_twice_is_a_no_op(blank_url: str) -> None:
    assert current_revision(blank_url) is None
    upgrade(blank_url)
    assert current_revision(blank_url) == head_revision()
    store = SqlStore(blank_url)
    try:
        key = new_key(store, credits=5)
        upgrade(blank_url)  # a second process starting later
        assert current_revision(blank_url) == head_revision()
        assert store.list_keys() == [key]
    finally:
        store.close()


def test_processes_starting_together_migrate_once(blank_url: str) -> None:
    """Every service process upgrades on start; four starting at once must all come up on the head schema."""
    outcome = workers.run_processes([(workers.migrate, f"proc-{i}", ()) for i in range(4)], blank_url)
    assert set(outcome.values()) == {head_revision()}
    store = SqlStore(blank_url)
    try:
        new_key(store)  # the schema is whole and usable
        assert store.count_keys() == 1
    finally:
        store.close()


def test_migrated_schema_matches_the_tables(store_url: str) -> None:
    """A drift between the migration and tables.py would only show up as a failing query in production."""
    engine = make_engine(store_url)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            assert compare_metadata(context, metadata) == []
    finally:
        engine.dispose()
