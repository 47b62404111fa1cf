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


def test_0020_carries_idle_rules_forward(databases):
    """An installation at 0015 whose rules were seeded before clf-cif-below-60 existed, one
    of them edited by an admin: 0020 adds the CIF rule, gives the untouched seeded rules their
    5% token share and leaves the edited rule counting every outflow."""
    from sqlalchemy import text

    url = databases.empty()
    command.upgrade(alembic_config(url), "0015")
    engine = databases.engine(url)
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM idle_rules WHERE code = 'clf-cif-below-60'"))
        conn.execute(
            text("UPDATE idle_rules SET updated_by = 'admin', days = 120 WHERE code = 'vo-rf-90d'")
        )
    command.upgrade(alembic_config(url), "head")
    with engine.connect() as conn:
        rules = {
            code: (token, by)
            for code, token, by in conn.execute(
                text("SELECT code, token_outflow_bp, created_by FROM idle_rules")
            )
        }
    assert rules["clf-cif-below-60"] == (0, "migration 0020")
    assert rules["vo-rf-90d"][0] == 0
    assert rules["clf-cif-90d"][0] == rules["shg-own-90d"][0] == 500
    assert rules["vo-vrf-below-60"][0] == 0
