"""Migrations are the only way the schema is made; they go up and down and match the models."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

import models
from app.cli import alembic_config


def test_upgrade_then_downgrade_then_upgrade(databases):
    url = databases.empty()
    command.upgrade(alembic_config(url), "head")
    engine = databases.engine(url)
    assert {"journal_entries", "postings", "accounts", "institutions"} <= set(
        inspect(engine).get_table_names()
    )
    command.downgrade(alembic_config(url), "base")
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    command.upgrade(alembic_config(url), "head")


def test_models_and_migrations_agree(shared_engine):
    with shared_engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, models.Base.metadata) == []
