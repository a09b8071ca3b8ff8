"""Shared fixtures: a running service (real HTTP, real worker, tone test-double engine) on SQLite or
PostgreSQL."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest

from tests.support.harness import ServiceHarness, settings_for_tests
from tests.support.inprocess import InProcessService

# The real-browser fixtures (Debian's Chromium through Playwright, outside network blocked): `offline_page`;
# and, when the suite runs in parallel (scripts/test.sh), the longest test files handed out first.
pytest_plugins = ["tests.support.browser", "tests.support.slow_first"]

PG_ADMIN_URL = os.environ.get(
    "TUNESMITH_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)


def _pg_reason() -> str | None:
    try:
        import psycopg

        with psycopg.connect(PG_ADMIN_URL.replace("+psycopg", ""), connect_timeout=3):
            return None
    except Exception as exc:  # noqa: BLE001
        return f"PostgreSQL not reachable on 127.0.0.1:5432: {exc}"


@pytest.fixture(scope="session")
def pg_database_url() -> Iterator[str]:
    """A fresh PostgreSQL database for this test session, dropped afterwards."""
    reason = _pg_reason()
    if reason:
        pytest.skip(reason)
    import psycopg

    name = f"tunesmith_svc_{uuid.uuid4().hex[:10]}"
    admin = PG_ADMIN_URL.replace("+psycopg", "")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def backend_url(request: pytest.FixtureRequest, tmp_path) -> str:  # type: ignore[no-untyped-def]
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'tunesmith.db'}"
    return request.getfixturevalue("pg_database_url")


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServiceHarness]:
    """One running service (SQLite) shared by a test module."""
    harness = ServiceHarness(settings_for_tests(tmp_path_factory.mktemp("svc"), workers=2))
    with harness:
        yield harness


@pytest.fixture(scope="module")
def fast_service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[InProcessService]:
    """The same service in this process (tests.support.inprocess), shared by a test module: requests through
    the ASGI app, engine jobs in threads. For what a request answers; `service` for what needs processes."""
    with InProcessService(settings_for_tests(tmp_path_factory.mktemp("fast"), workers=2)) as harness:
        yield harness


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    """A real S3-compatible server (moto's standalone server process) on loopback for this session, with
    test credentials in the environment the way an operator would give them (AWS_*)."""
    from tests.support.s3server import S3_ENV, s3_server, s3_unavailable

    reason = s3_unavailable()
    if reason:
        pytest.skip(reason)
    saved = {name: os.environ.get(name) for name in S3_ENV}
    os.environ.update(S3_ENV)
    try:
        with s3_server() as endpoint:
            yield endpoint
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
