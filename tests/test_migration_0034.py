"""Migration 0034 carries existing credit rows forward: each consent, enquiry, income, KYC
version and bureau file row takes its member's (or SHG's) state, a KYC version keeps her
address's state under its new name, the guards still refuse changes, a row can no longer point
at a parent in another state, and the way down gives the rows back as they were."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from alembic import command
from sqlalchemy import Connection, Engine, MetaData, insert, inspect, text
from sqlalchemy.exc import DBAPIError

from app.cli import alembic_config

AT = datetime(2026, 1, 1, tzinfo=UTC)
AUDITED = {"created_at": AT, "created_by": "test", "updated_at": AT, "updated_by": "test"}
RECORDED = {"recorded_at": AT, "recorded_by": "test"}
# Table names in this test's SQL come from here, never from input.
BY_MEMBER = ("consents", "credit_enquiries", "livelihood_incomes", "member_kyc")
FILE_ROWS = ("bureau_file_members", "bureau_file_shgs")
FIGURES = {
    name: 0
    for name in (
        "facility_limit_paise",
        "books_outstanding_paise",
        "reported_outstanding_paise",
        "rounding_paise",
        "rejected_outstanding_paise",
        "not_reported_paise",
        "unattributed_outstanding_paise",
        "unattributed_loans",
        "members_reported",
        "members_rejected",
        "accounts",
    )
}


def _institutions(t: MetaData, conn: Connection, n: int, state: str) -> None:
    root, shg = n, n + 10
    for row in (
        {"id": root, "kind": "state", "name": state, "path": f"/{root}/"},
        {"id": shg, "kind": "shg", "name": f"SHG {state}", "parent_id": root}
        | {"path": f"/{root}/{shg}/"},
    ):
        conn.execute(
            insert(t.tables["institutions"]),
            row | {"state_code": state, "status": "active", **AUDITED},
        )
    conn.execute(
        insert(t.tables["members"]),
        {"id": shg, "shg_id": shg, "state_code": state, "name": "Sita", "status": "active"}
        | AUDITED,
    )


def _credit_rows(t: MetaData, conn: Connection, member: int, address: str | None) -> None:
    """A revoked consent and its enquiry, an income and its replacement, a KYC version."""
    conn.execute(
        insert(t.tables["consents"]),
        {"id": member, "member_id": member, "bank_id": 1, "purpose": "individual_loan"}
        | {"starts_on": date(2026, 1, 1), "expires_on": date(2026, 6, 30), "data_months": 36}
        | {"fetch_type": "one_time", "revoked_at": AT, "revoked_by": "test", **RECORDED},
    )
    conn.execute(
        insert(t.tables["credit_enquiries"]),
        {"member_id": member, "bank_id": 1, "consent_id": member, "purpose": "individual_loan"}
        | {"at": AT, "by": "test", "on_day": date(2026, 1, 1)},
    )
    for income_id, replaces in ((member * 10, None), (member * 10 + 1, member * 10)):
        conn.execute(
            insert(t.tables["livelihood_incomes"]),
            {"id": income_id, "member_id": member, "activity": "dairy", "income_paise": 100}
            | {"period_start": date(2025, 4, 1), "period_end": date(2025, 9, 30)}
            | {"replaces_id": replaces, **RECORDED},
        )
    conn.execute(
        insert(t.tables["member_kyc"]),
        {"member_id": member, "version": 1, "state_code": address, **RECORDED},
    )


def _file(t: MetaData, conn: Connection, shgs: tuple[int, ...]) -> None:
    conn.execute(
        insert(t.tables["bureau_files"]),
        {"id": 1, "bank_id": 1, "as_of": date(2026, 1, 15), "period_start": date(2025, 12, 31)}
        | {"header_profile": "common", "file_name": "f.txt", "sha256": "0" * 64}
        | {"byte_count": 0, "content": b"", "shgs": 2, "members_reported": 2}
        | {"members_rejected": 0, "accounts": 2, "accounts_closed": 0, "source": "cli"}
        | {"created_at": AT, "created_by": "test"},
    )
    for shg in shgs:
        conn.execute(
            insert(t.tables["bureau_file_members"]),
            {"file_id": 1, "member_id": shg, "shg_id": shg, "outcome": "reported"}
            | {"accounts": 1, "outstanding_paise": 0},
        )
        conn.execute(insert(t.tables["bureau_file_shgs"]), {"file_id": 1, "shg_id": shg} | FIGURES)


def _two_states_at_0029(engine: Engine) -> None:
    """An SHG with one member in Jharkhand and one in Odisha, each with credit rows; the
    Odisha member's KYC gives no address state; one bank file covering both."""
    tables = MetaData()
    tables.reflect(engine)
    with engine.begin() as conn:
        conn.execute(
            insert(tables.tables["banks"]),
            {"id": 1, "name": "Bank", "ifsc_prefix": "BANK", "status": "active"} | AUDITED,
        )
        for n, state, address in ((1, "JH", "JH"), (2, "OD", None)):
            _institutions(tables, conn, n, state)
            _credit_rows(tables, conn, n + 10, address)
        _file(tables, conn, (11, 12))


def _states(engine: Engine, table: str) -> list[tuple[int, str]]:
    column = "shg_id" if table == "bureau_file_shgs" else "member_id"
    with engine.connect() as conn:
        sql = f"SELECT {column}, state_code FROM {table} ORDER BY {column}"  # noqa: S608
        return sorted(tuple(row) for row in conn.execute(text(sql)))


def test_0034_gives_each_credit_row_its_members_state(databases):
    url = databases.empty()
    command.upgrade(alembic_config(url), "0029")
    engine = databases.engine(url)
    _two_states_at_0029(engine)

    command.upgrade(alembic_config(url), "0034")

    for table in (*BY_MEMBER, *FILE_ROWS):
        expected = [(11, "JH"), (12, "OD")]
        if table == "livelihood_incomes":
            expected = [(11, "JH"), (11, "JH"), (12, "OD"), (12, "OD")]
        assert _states(engine, table) == expected, table
    with engine.connect() as conn:
        addresses = conn.execute(
            text("SELECT member_id, address_state_code FROM member_kyc ORDER BY member_id")
        ).all()
    assert [tuple(row) for row in addresses] == [(11, "JH"), (12, None)]
    for table in ("credit_enquiries", "livelihood_incomes", "member_kyc", *FILE_ROWS):
        with engine.begin() as conn, pytest.raises(DBAPIError, match="append-only"):
            conn.execute(text(f"UPDATE {table} SET state_code = 'OD'"))  # noqa: S608
    with engine.begin() as conn, pytest.raises(DBAPIError):  # a revoked consent stays so
        conn.execute(text("UPDATE consents SET revoked_at = NULL, revoked_by = NULL"))
    with engine.begin() as conn, pytest.raises(DBAPIError):  # consent 11 is in Jharkhand
        conn.execute(
            text(
                "INSERT INTO credit_enquiries (member_id, state_code, bank_id, consent_id,"
                " purpose, at, \"by\", on_day) VALUES (12, 'OD', 1, 11, 'individual_loan',"
                " '2026-01-02 00:00:00', 'test', '2026-01-02')"
            )
        )

    command.downgrade(alembic_config(url), "0029")
    for table in (*BY_MEMBER, *FILE_ROWS):
        columns = {c["name"] for c in inspect(engine).get_columns(table)}
        assert ("state_code" in columns) is (table == "member_kyc"), table
        assert "address_state_code" not in columns
    with engine.connect() as conn:
        addresses = conn.execute(
            text("SELECT member_id, state_code FROM member_kyc ORDER BY member_id")
        ).all()
        assert conn.execute(text("SELECT count(*) FROM livelihood_incomes")).scalar() == 4
        assert conn.execute(text("SELECT count(*) FROM bureau_file_members")).scalar() == 2
    assert [tuple(row) for row in addresses] == [(11, "JH"), (12, None)]
