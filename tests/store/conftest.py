"""The `store` fixture: the same contract tests run against SQLite and PostgreSQL.

SQLite gets a copy of a database migrated once per session (migrating per test would dominate the run time).
PostgreSQL gets its own schema inside the session database (so other suites sharing `pg_database_url` are
untouched), migrated once and truncated before every test, and a session time zone other than UTC.
`blank_url` is either backend never migrated.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from tests.store.databases import create_pg_schema, drop_pg_schema
from tunesmith.store.migrate import upgrade
from tunesmith.store.sql import SqlStore

TABLES = (
    "media_objects, callback_attempts, callback_deliveries, clips, credit_ledger, tasks, api_keys, "
    "engine_health, shares"
)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("store-template") / "template.db"
    upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def pg_store_url(pg_database_url: str) -> Iterator[str]:
    schema, url = create_pg_schema(pg_database_url, "store_contract")
    upgrade(url)
    yield url
    drop_pg_schema(pg_database_url, schema)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A migrated, empty database of each backend."""
    if request.param == "sqlite":
        path = tmp_path / "store.db"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        return f"sqlite:///{path}"
    url: str = request.getfixturevalue("pg_store_url")
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {TABLES} RESTART IDENTITY CASCADE"))
    engine.dispose()
    return url


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def blank_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database (or PostgreSQL schema) never migrated, for the migrations' own tests."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'blank.db'}"
        return
    database_url: str = request.getfixturevalue("pg_database_url")
    schema, url = create_pg_schema(database_url, "store_blank")
    yield url
    drop_pg_schema(database_url, schema)


@pytest.fixture
def store(store_url: str) -> Iterator[SqlStore]:
    """One SqlStore per test, closed after it so no connection outlives the slate it was opened on."""
    store = SqlStore(store_url)
    yield store
    store.close()
