"""Alembic environment: migrations are the only way the schema is made, in tests too."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

import config as bahi_config
import models
from app.db import make_engine

target_metadata = models.Base.metadata


def _configure_and_run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


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
