"""Fixtures: every test runs on SQLite and on PostgreSQL, inside a transaction rolled back after it.

PostgreSQL runs when BAHI_TEST_DATABASE_URL names a server we may create databases on; with
BAHI_REQUIRE_POSTGRES=1 (set by .ci/run) its absence fails the run instead of skipping.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from sqlalchemy import Connection, Engine
from sqlalchemy.orm import Session

from app import create_app
from tests.databases import DatabaseFactory, postgres_admin_url

# The browser tests' fixtures (`served`, `browser`), for every test_browser*.py module.
pytest_plugins = ["tests.browser_support"]

settings.register_profile(
    "bahi",
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
settings.load_profile("bahi")


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def databases(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[DatabaseFactory]:
    backend = request.param
    if backend == "postgresql" and postgres_admin_url() is None:
        if os.environ.get("BAHI_REQUIRE_POSTGRES") == "1":
            pytest.fail("BAHI_REQUIRE_POSTGRES=1 but BAHI_TEST_DATABASE_URL is not set")
        pytest.skip("PostgreSQL not available: set BAHI_TEST_DATABASE_URL")
    dbs = DatabaseFactory(backend, tmp_path_factory.mktemp(backend))
    yield dbs
    dbs.drop_all()


@pytest.fixture(scope="session")
def template_url(databases: DatabaseFactory) -> str:
    """A migrated, empty database that tests clone when they need to commit."""
    return databases.migrated()


@pytest.fixture(scope="session")
def shared_engine(databases: DatabaseFactory, template_url: str) -> Engine:
    return databases.engine(databases.clone(template_url))


@pytest.fixture
def backend(databases: DatabaseFactory) -> str:
    return databases.backend


@pytest.fixture
def connection(shared_engine: Engine) -> Iterator[Connection]:
    with shared_engine.connect() as conn:
        outer = conn.begin()
        yield conn
        outer.rollback()


@pytest.fixture
def session(connection: Connection) -> Iterator[Session]:
    with Session(
        bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
    ) as s:
        yield s


@pytest.fixture
def committed_engine(databases: DatabaseFactory, template_url: str) -> Engine:
    """A fresh database of its own, for tests whose transactions really commit."""
    return databases.engine(databases.clone(template_url))


def make_test_app(**overrides: Any) -> Any:
    return create_app({"BAHI_ENV": "testing", "RATELIMIT_ENABLED": False, **overrides})


@pytest.fixture
def app(connection: Connection) -> Any:
    return make_test_app(DATABASE_CONNECTION=connection)


@pytest.fixture
def client(app: Any) -> Any:
    return app.test_client()
