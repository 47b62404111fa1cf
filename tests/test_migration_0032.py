"""Migration 0032 carries capital support recorded before it: each row of a facility (its
schedule, movements, drawing powers and subvention receipts) takes its own facility's state,
and nothing else in any row of the six tables changes. Made as 0016's test is: recorded at
head, the schema taken back to before 0032, and up again."""

from __future__ import annotations

from datetime import date
from typing import Any

from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, inspect, text
from sqlalchemy.orm import Session

from app.cli import alembic_config
from app.services.capital import grants, subvention
from app.services.federation import banks
from app.services.lending import bank_loans, federation_loans
from models.schedule import Frequency, LoanTerms, Method, RateBasis
from tests.factories import ADMIN, Federation, make_federation, transfer

LATER = date(2030, 1, 1)
TABLES = (
    "grants",
    "facilities",
    "facility_instalments",
    "drawing_powers",
    "facility_movements",
    "subvention_receipts",
)
ROWS = TABLES[2:]  # the tables 0032 gives a state_code


def _capital_in(session: Session, state_code: str, bank_id: int, ifsc: str) -> Federation:
    """In one state: CIF from the mission to a CLF, lent on to its VO; an SHG's bank term loan
    (its schedule and draw) with an incentive credited to it, and a cash credit (its drawing
    power)."""
    fed = make_federation(session, state_code)
    bank = fed.account(session, fed.shg, "bank").id
    rf = fed.account(session, fed.shg, "revolving_fund").id
    transfer(session, fed.book_id(session, fed.shg), bank, rf, 2_000_000, date(2025, 4, 1))
    fed.branch = banks.create_branch(session, ADMIN, bank_id, "Main", ifsc, state_code)
    cif = grants.NewGrant("cif_corpus", fed.clf.id, 500_000_00, date(2025, 4, 1))
    grants.give_grant(session, ADMIN, cif, LATER)
    terms = LoanTerms(
        100_000_00, 1000, RateBasis.PER_ANNUM, Method.DECLINING, 12, Frequency.MONTHLY
    )
    new = federation_loans.NewFederationLoan("cif", fed.clf.id, fed.vo.id, terms, date(2025, 5, 1))
    federation_loans.lend(session, ADMIN, new, LATER)
    term = bank_loans.sanction(session, ADMIN, _bank_loan(fed, "term", "TL-1"), LATER)
    incentive = subvention.NewReceipt(
        term.id, date(2025, 10, 1), date(2025, 10, 31), 1_000_00, date(2025, 11, 1), "loan_account"
    )
    subvention.receive_incentive(session, ADMIN, term, incentive, LATER)
    bank_loans.sanction(session, ADMIN, _bank_loan(fed, "cash_credit", "CC-1"), LATER)
    return fed


def _bank_loan(fed: Federation, kind: str, account_number: str) -> bank_loans.NewBankLoan:
    assert fed.branch is not None
    return bank_loans.NewBankLoan(
        shg_id=fed.shg.id,
        branch_id=fed.branch.id,
        kind=kind,
        dose=1,
        sanctioned_on=date(2025, 10, 1),
        limit_paise=120_000_00,
        rate_bp=1100,
        account_number=account_number,
    )


def _rows(conn: Connection, table: str) -> list[tuple[Any, ...]]:
    """The table's rows without `state_code`, in a stable order."""
    columns = [c["name"] for c in inspect(conn).get_columns(table) if c["name"] != "state_code"]
    listed = ", ".join(columns)
    rows = conn.execute(text(f"SELECT {listed} FROM {table} ORDER BY {listed}"))  # noqa: S608
    return [tuple(row) for row in rows]


def _states(conn: Connection, table: str) -> set[tuple[str, str]]:
    """Each row's own state beside its facility's."""
    sql = (
        f"SELECT t.state_code, f.state_code FROM {table} t"  # noqa: S608
        " JOIN facilities f ON f.id = t.facility_id"
    )
    return {tuple(row) for row in conn.execute(text(sql))}


def test_rows_recorded_before_0032_take_their_facilitys_state(databases, template_url):
    url = databases.clone(template_url)
    engine = databases.engine(url)
    with Session(engine) as session:
        bank = banks.create_bank(session, ADMIN, "Gramin Bank", "GRMB")
        _capital_in(session, "JH", bank.id, "GRMB0000001")
        _capital_in(session, "OD", bank.id, "GRMB0000002")
        session.commit()
    with engine.connect() as conn:
        before = {table: _rows(conn, table) for table in TABLES}
    assert all(len(before[table]) >= 2 for table in TABLES)  # rows of both states to carry
    engine.dispose()
    config = alembic_config(url)
    command.downgrade(
        config, ScriptDirectory.from_config(config).get_revision("0032").down_revision
    )
    with engine.connect() as conn:
        assert not any(
            c["name"] == "state_code" for t in ROWS for c in inspect(conn).get_columns(t)
        )
    engine.dispose()
    command.upgrade(config, "head")
    with engine.connect() as conn:
        assert {table: _rows(conn, table) for table in TABLES} == before
        for table in ROWS:
            assert _states(conn, table) == {("JH", "JH"), ("OD", "OD")}, table
