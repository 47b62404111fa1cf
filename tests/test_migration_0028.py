"""Migration 0028 carries existing rows forward: each credit score, SHG grading and period
close takes its parent's state (the member's, the SHG's, the book's), the append-only guards
still refuse changes afterwards, and the way down gives the rows back without the column."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from alembic import command
from sqlalchemy import Engine, MetaData, insert, inspect, text
from sqlalchemy.exc import DBAPIError

from app.cli import alembic_config

AT = datetime(2026, 1, 1, tzinfo=UTC)
AUDITED = {"created_at": AT, "created_by": "test", "updated_at": AT, "updated_by": "test"}
# Table names in this test's SQL come from here, never from input.
TABLES = ("credit_scores", "shg_gradings", "period_events")


def _two_states_at_0022(engine: Engine) -> None:
    """A state root and one SHG (a member, a book) in Jharkhand and in Odisha; one score, one
    grading and one period close for each SHG."""
    tables = MetaData()
    tables.reflect(engine)
    t = tables.tables
    with engine.begin() as conn:
        for n, state in ((1, "JH"), (2, "OD")):
            root, shg = n, n + 10
            for row in (
                {"id": root, "kind": "state", "name": state, "path": f"/{root}/"},
                {"id": shg, "kind": "shg", "name": f"SHG {state}", "parent_id": root}
                | {"path": f"/{root}/{shg}/"},
            ):
                conn.execute(
                    insert(t["institutions"]),
                    row | {"state_code": state, "status": "active", **AUDITED},
                )
            conn.execute(
                insert(t["members"]),
                {"id": shg, "shg_id": shg, "state_code": state, "name": "Sita"}
                | {"member_code": f"M{shg}", "joined_on": date(2025, 4, 1), "status": "active"}
                | AUDITED,
            )
            conn.execute(
                insert(t["books"]),
                {"id": shg, "institution_id": shg, "state_code": state, "chart": "shg"}
                | {"last_seq": 0, "head_hash": "0" * 64, "created_at": AT},
            )
            conn.execute(
                insert(t["credit_scores"]),
                {"member_id": shg, "as_of": date(2026, 1, 1), "model": "expert", "score": 700}
                | {"inputs": {}, "reasons": [], "scored_at": AT, "scored_by": "test"},
            )
            conn.execute(
                insert(t["shg_gradings"]),
                {"shg_id": shg, "graded_on": date(2025, 10, 1), "grade": "A"}
                | {"graded_by": "CLF committee", "recorded_at": AT, "recorded_by": "test"},
            )
            conn.execute(
                insert(t["period_events"]),
                {"book_id": shg, "action": "close", "month": "2025-12"}
                | {"closed_through_after": date(2025, 12, 31), "recorded_at": AT}
                | {"recorded_by": "test"},
            )


def _states(engine: Engine, table: str, parent_column: str) -> list[tuple[int, str]]:
    with engine.connect() as conn:
        sql = f"SELECT {parent_column}, state_code FROM {table} ORDER BY {parent_column}"  # noqa: S608
        return [tuple(row) for row in conn.execute(text(sql))]


def test_0028_gives_each_row_its_parents_state_and_keeps_the_guards(databases):
    url = databases.empty()
    command.upgrade(alembic_config(url), "0022")
    engine = databases.engine(url)
    _two_states_at_0022(engine)

    command.upgrade(alembic_config(url), "0028")

    assert _states(engine, "credit_scores", "member_id") == [(11, "JH"), (12, "OD")]
    assert _states(engine, "shg_gradings", "shg_id") == [(11, "JH"), (12, "OD")]
    assert _states(engine, "period_events", "book_id") == [(11, "JH"), (12, "OD")]
    for table in TABLES:
        with engine.begin() as conn, pytest.raises(DBAPIError, match="append-only"):
            conn.execute(text(f"UPDATE {table} SET state_code = 'OD'"))  # noqa: S608
    with engine.begin() as conn, pytest.raises(DBAPIError):  # the member is in Odisha
        conn.execute(
            text(
                "INSERT INTO credit_scores (member_id, state_code, as_of, model, inputs,"
                " reasons, scored_at, scored_by) VALUES (12, 'JH', '2026-01-02', 'expert',"
                " '{}', '[]', '2026-01-02 00:00:00', 'test')"
            )
        )

    command.downgrade(alembic_config(url), "0022")
    for table in TABLES:
        assert "state_code" not in {c["name"] for c in inspect(engine).get_columns(table)}
        with engine.connect() as conn:
            assert conn.execute(text(f"SELECT count(*) FROM {table}")).scalar() == 2  # noqa: S608
