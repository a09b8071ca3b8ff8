"""Database engines for SQLite (the embedded default) and PostgreSQL (scale-out).

SQLite runs in WAL mode so readers never wait for the writer. Python's sqlite3 driver normally opens
transactions lazily and cannot issue BEGIN IMMEDIATE; we take over transaction control so every write
transaction starts with BEGIN IMMEDIATE (the write lock up front: no deadlocks between two writers that both
read first), while read-only transactions stay deferred.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url

WRITE = {"tunesmith_write": True}


# PostgreSQL URLs without a driver would make SQLAlchemy look for psycopg2; Tunesmith ships psycopg (3).
_POSTGRES_PREFIXES = ("postgresql://", "postgres://")


def normalize_url(url: str) -> str:
    """`postgresql://...` (or Heroku-style `postgres://...`) means psycopg 3: the driver Tunesmith ships."""
    for prefix in _POSTGRES_PREFIXES:
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def make_engine(url: str) -> Engine:
    url = normalize_url(url)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(url, parsed.database)
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def _sqlite_engine(url: str, database: str | None) -> Engine:
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    # A connection per API thread (the thread pool has 40): opening SQLite connections on overflow costs far
    # more than keeping them.
    engine = create_engine(
        url, connect_args={"timeout": 30, "check_same_thread": False}, pool_size=48, max_overflow=16
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        write = conn.get_execution_options().get("tunesmith_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    return engine
