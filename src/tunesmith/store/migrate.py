"""Bring a database's schema to the newest revision; safe to run on every start, from many processes at once.

Alembic is configured in code (the migration scripts ship inside the package), and the whole upgrade runs
in ONE transaction that first takes a lock: a PostgreSQL advisory transaction lock, or SQLite's write lock
through BEGIN IMMEDIATE. A second process starting at the same time waits for the first, then finds the
schema at the head and does nothing. Both backends have transactional DDL, so a failed upgrade leaves
nothing half-made.
"""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import func, select

from tunesmith.store.database import WRITE, is_sqlite, make_engine

SCRIPT_LOCATION = "tunesmith.store:migrations"
# pg_advisory_xact_lock key: any constant shared by every Tunesmith process ("tunesmith" in ASCII, truncated).
_PG_LOCK_KEY = 0x74756E65736D6974


def alembic_config(url: str | None = None) -> Config:
    """An Alembic Config pointing at the packaged migrations (usable with alembic.command by hand)."""
    config = Config()
    config.set_main_option("script_location", SCRIPT_LOCATION)
    if url is not None:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))  # configparser interpolation
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:
        raise RuntimeError("no migration scripts found")
    return head


def upgrade(url: str, revision: str = "head") -> None:
    """Migrate the database at `url` to `revision`, under a lock that serialises concurrent callers."""
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            if is_sqlite(engine):
                connection.execution_options(**WRITE)  # BEGIN IMMEDIATE
            with connection.begin():
                if not is_sqlite(engine):
                    connection.execute(select(func.pg_advisory_xact_lock(_PG_LOCK_KEY)))
                config = alembic_config(url)
                config.attributes["connection"] = connection
                command.upgrade(config, revision)
    finally:
        engine.dispose()


def current_revision(url: str) -> str | None:
    """The revision the database at `url` is at; None for a database never migrated."""
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    finally:
        engine.dispose()
