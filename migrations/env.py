"""Alembic environment: migrations are the only way the schema is made, in tests too."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

import config as bahi_config
import models
from app.db import make_engine

target_metadata = models.Base.metadata


def _configure_and_run(connection: Connection) -> None:
    if connection.dialect.name == "sqlite":
        _run_with_sqlite_foreign_keys_off(connection)
        return
    _run(connection)


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def _run_with_sqlite_foreign_keys_off(connection: Connection) -> None:
    """SQLite's own procedure for changing a table that others refer to (its ALTER TABLE
    documentation, "Making Other Kinds Of Table Schema Changes"): a key is changed by copying
    the table, and with foreign keys on, dropping the old copy deletes its rows under its
    children. So: foreign keys off before the transaction (the pragma does nothing inside
    one), the migrations, then `PRAGMA foreign_key_check`, which must find nothing, and
    foreign keys on again. The whole run is one transaction: a broken reference undoes it.
    `legacy_alter_table` keeps the copy's rename from re-reading other tables' triggers,
    which name the table while it is briefly gone (the postings' seal names journal_entries)."""
    raw = connection.connection.driver_connection
    if connection.in_transaction():
        raise RuntimeError("SQLite migrations need a connection outside a transaction")
    raw.execute("PRAGMA foreign_keys = OFF")
    raw.execute("PRAGMA legacy_alter_table = ON")
    try:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=True,
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()
            broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
            if broken:
                raise RuntimeError(f"migrations left rows without their parents: {broken[:10]}")
    finally:
        raw.execute("PRAGMA legacy_alter_table = OFF")
        raw.execute("PRAGMA foreign_keys = ON")


def run_migrations_online() -> None:
    given = context.config.attributes.get("connection")
    if given is not None:
        _configure_and_run(given)
        return
    url = context.config.attributes.get("url") or bahi_config.load()["DATABASE_URL"]
    engine = make_engine(url)
    with engine.connect() as connection:
        _configure_and_run(connection)
    engine.dispose()


run_migrations_online()
