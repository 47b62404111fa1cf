"""Migration 0017 carries existing loans forward: a bank loan's one rate goes into both of its
rates, flagged to be confirmed; a federation loan gets no bank rate."""

from __future__ import annotations

from datetime import UTC, date, datetime

from alembic import command
from sqlalchemy import MetaData, insert, select

from app.cli import alembic_config

AUDIT = {"created_at": datetime(2026, 1, 1, tzinfo=UTC), "created_by": "test"}
TERMS = {
    "state_code": "JH",
    "kind": "term",
    "borrower_id": 1,
    "sanctioned_on": date(2025, 10, 1),
    "limit_paise": 10_000_000,
    "rate_basis": "per_annum",
    "method": "declining",
    "frequency": "monthly",
    "instalments": 12,
    "moratorium_periods": 0,
    **AUDIT,
}


def test_existing_loans_keep_their_rate_and_bank_loans_are_flagged(databases):
    url = databases.empty()
    command.upgrade(alembic_config(url), "0015")
    engine = databases.engine(url)
    tables = MetaData()
    tables.reflect(engine)
    audited = {**AUDIT, "updated_at": AUDIT["created_at"], "updated_by": "test"}
    with engine.begin() as conn:
        conn.execute(
            insert(tables.tables["institutions"]),
            {"id": 1, "kind": "state", "name": "JH", "state_code": "JH", "path": "/1/"}
            | {"status": "active", **audited},
        )
        conn.execute(
            insert(tables.tables["banks"]),
            {"id": 1, "name": "A bank", "ifsc_prefix": "ABCD", "status": "active", **audited},
        )
        conn.execute(
            insert(tables.tables["bank_branches"]),
            {"id": 1, "bank_id": 1, "state_code": "JH", "name": "Kanke", "ifsc": "ABCD0000001"}
            | {"status": "active", **audited},
        )
        conn.execute(
            insert(tables.tables["facilities"]),
            [
                {"id": 1, "fund": "bank", "branch_id": 1, "lender_id": None}
                | {"rate_bp": 1100, **TERMS},
                {"id": 2, "fund": "cif", "branch_id": None, "lender_id": 1}
                | {"rate_bp": 1200, **TERMS},
            ],
        )

    command.upgrade(alembic_config(url), "0017")

    tables = MetaData()
    tables.reflect(engine)
    facilities = tables.tables["facilities"]
    with engine.connect() as conn:
        rows = conn.execute(
            select(
                facilities.c.id,
                facilities.c.rate_bp,
                facilities.c.bank_rate_bp,
                facilities.c.rates_carried_forward,
            ).order_by(facilities.c.id)
        ).all()
    assert [tuple(r) for r in rows] == [(1, 1100, 1100, True), (2, 1200, None, False)]
