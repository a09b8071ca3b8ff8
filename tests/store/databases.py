"""PostgreSQL schemas as clean slates: one session database holds any number of independent stores."""

from __future__ import annotations

import uuid

from sqlalchemy import create_engine, text

# A session time zone with a half-hour offset west of UTC: a value stored or read in the session's zone
# instead of UTC shows up as a wrong instant (the server's own default is UTC, which would hide it).
PG_SESSION_TZ = "America/St_Johns"


def pg_schema_url(database_url: str, schema: str) -> str:
    """A URL whose connections see only `schema` (search_path), so one database can hold many slates."""
    return f"{database_url}?options=-csearch_path%3D{schema}%20-ctimezone%3D{PG_SESSION_TZ}"


def create_pg_schema(database_url: str, prefix: str) -> tuple[str, str]:
    schema = f"{prefix}_{uuid.uuid4().hex[:8]}"
    engine = create_engine(database_url)
    with engine.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine.dispose()
    return schema, pg_schema_url(database_url, schema)


def drop_pg_schema(database_url: str, schema: str) -> None:
    engine = create_engine(database_url)
    with engine.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    engine.dispose()
