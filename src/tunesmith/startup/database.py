"""The database checks at start: a URL Tunesmith can use, a server that answers, a schema brought up to date
with one line saying so, and (for `tunesmith keys`) a database that already exists."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError
from sqlalchemy.pool import NullPool

from tunesmith.settings import Settings
from tunesmith.startup.errors import OperatorError
from tunesmith.store import migrate
from tunesmith.store.database import normalize_url

SUPPORTED_BACKENDS = ("sqlite", "postgresql")
URL_FORMS = "sqlite:///PATH or postgresql+psycopg://USER:PASSWORD@HOST:5432/DATABASE"
CONNECT_TIMEOUT_S = 5


def shown(url: str) -> str:
    """The URL as it may be printed: any password masked."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url


def parse_database_url(url: str) -> URL:
    """The settings' database URL, refused with a clear line when Tunesmith cannot use it."""
    try:
        parsed = make_url(normalize_url(url))
    except ArgumentError:
        raise OperatorError(
            f"database URL {url!r} (TUNESMITH_DATABASE_URL) cannot be parsed: use {URL_FORMS}"
        ) from None
    backend = parsed.get_backend_name()
    if backend not in SUPPORTED_BACKENDS:
        raise OperatorError(
            f"database {backend!r} in {shown(url)} (TUNESMITH_DATABASE_URL) is not supported: "
            f"Tunesmith runs on SQLite or PostgreSQL ({URL_FORMS})"
        )
    try:
        parsed.get_dialect()
    except (NoSuchModuleError, ImportError) as exc:
        raise OperatorError(
            f"database URL {shown(url)} names a driver that is not installed ({exc}): use {URL_FORMS}"
        ) from None
    if backend == "sqlite" and parsed.database in (None, "", ":memory:"):
        raise OperatorError(
            f"database URL {shown(url)} names no file: use sqlite:///PATH "
            "(an in-memory database would lose everything)"
        )
    return parsed


def sqlite_path(url: URL) -> Path | None:
    return Path(url.database) if url.get_backend_name() == "sqlite" and url.database else None


def check_reachable(url: str) -> None:
    """Connect once (within CONNECT_TIMEOUT_S): an unreachable server or an unwritable SQLite folder is one
    line now, not a traceback from the first request."""
    parsed = parse_database_url(url)
    path = sqlite_path(parsed)
    if path is not None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise OperatorError(
                f"cannot create the folder {path.parent} for the database: {exc.strerror}"
            ) from None
    connect_args = {"connect_timeout": CONNECT_TIMEOUT_S} if path is None else {"timeout": CONNECT_TIMEOUT_S}
    engine = create_engine(parsed, poolclass=NullPool, connect_args=connect_args)
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except DBAPIError as exc:
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        hint = (
            "is PostgreSQL running there, and are TUNESMITH_DATABASE_URL's user and database right?"
            if path is None
            else "check the data directory (--data-dir) or TUNESMITH_DATABASE_URL"
        )
        raise OperatorError(f"cannot reach the database {shown(url)}: {reason}; {hint}") from None
    finally:
        engine.dispose()


def has_schema(url: str) -> bool:
    """Whether a Tunesmith database is already there (never makes one: a missing SQLite file stays so)."""
    parsed = parse_database_url(url)
    path = sqlite_path(parsed)
    if path is not None and not path.is_file():
        return False
    check_reachable(url)
    return migrate.current_revision(url) is not None


def migrate_with_summary(url: str) -> str:
    """Bring the schema to the newest revision; one line for the log saying what was done."""
    before = migrate.current_revision(url)
    migrate.upgrade(url)
    after = migrate.head_revision()
    if before is None:
        change = "created"
    elif before != after:
        change = f"upgraded from {before}"
    else:
        change = "up to date"
    return f"database {shown(url)}: schema {after} ({change})"


def database_for(settings: Settings) -> str:
    """The URL the settings point at, checked (see parse_database_url)."""
    url = settings.effective_database_url
    parse_database_url(url)
    return url
