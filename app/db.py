"""Engines and sessions. One session per request (or CLI command, or job), committed at the edge."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # pysqlite's own transaction handling breaks SAVEPOINT and deferred constraints:
    # switch it off and let SQLAlchemy emit BEGIN itself (see the "begin" hook).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA busy_timeout = 10000")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.close()


def _sqlite_begin(connection: Any) -> None:
    # IMMEDIATE takes the write lock up front, so two writers queue instead of one failing
    # half-way with "database is locked".
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def make_engine(url: str, *, echo: bool = False, **kwargs: Any) -> Engine:
    """An engine for `url`; SQLite gets foreign keys, WAL and real transactions switched on."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        engine = create_engine(url, echo=echo, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    # Recycle instead of pinging before every checkout: a ping is a round trip on every
    # request, and a connection that died anyway surfaces as a 503 the client retries.
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
    engine = make_engine(app_config["DATABASE_URL"], echo=app_config.get("DATABASE_ECHO", False))
    return sessionmaker(bind=engine, expire_on_commit=False)
