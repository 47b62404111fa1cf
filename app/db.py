"""Engines and sessions. One session per request (or CLI command, or job), committed at the edge."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url

DEFAULT_BUSY_TIMEOUT_MS = 10_000


def _sqlite_pragmas(busy_timeout_ms: int) -> Any:
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        # pysqlite's own transaction handling breaks SAVEPOINT and deferred constraints:
        # switch it off and let SQLAlchemy emit BEGIN itself (see the "begin" hook).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.close()

    return on_connect


def _sqlite_begin(connection: Any) -> None:
    # IMMEDIATE takes the write lock up front, so two writers queue instead of one failing
    # half-way with "database is locked".
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def make_engine(
    url: str,
    *,
    echo: bool = False,
    busy_timeout_ms: int = DEFAULT_BUSY_TIMEOUT_MS,
    **kwargs: Any,
) -> Engine:
    """An engine for `url`; SQLite gets foreign keys, WAL and real transactions switched on.

    `busy_timeout_ms` is how long SQLite waits for another writer's lock before the request
    is answered 503 (PostgreSQL waits on row locks as long as the holder runs).
    """
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        engine = create_engine(url, echo=echo, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas(busy_timeout_ms))
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    # A pooled connection is pinged when checked out: after PostgreSQL restarts, every idle
    # connection in the pool is dead, and without the ping the first request on each worker
    # would fail. The ping is a round trip of well under a millisecond on a local server.
    kwargs.setdefault("pool_pre_ping", True)
    kwargs.setdefault("pool_recycle", 1800)
    return create_engine(url, echo=echo, **kwargs)


def session_factory_for(app_config: dict[str, Any]) -> Any:
    """A sessionmaker for the app: on the configured URL, or joined to a test's connection."""
    from sqlalchemy.orm import sessionmaker

    connection = app_config.get("DATABASE_CONNECTION")
    if connection is not None:
        # Tests: every commit becomes a SAVEPOINT release inside the test's outer transaction.
        return sessionmaker(
            bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
        )
    engine = make_engine(
        app_config["DATABASE_URL"],
        echo=app_config.get("DATABASE_ECHO", False),
        busy_timeout_ms=app_config.get("DATABASE_BUSY_TIMEOUT_MS", DEFAULT_BUSY_TIMEOUT_MS),
    )
    return sessionmaker(bind=engine, expire_on_commit=False)
