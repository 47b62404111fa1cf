"""Which request paths' statements name their state (issue 18, "every query on a request path
filters or joins on state_code"), checked by logging the SQL of representative requests.

Method: a `before_cursor_execute` listener on the test's connection logs every statement that
representative API requests send (a bookkeeper reading books, statements and reports, and
recording a consent; a bank reading a consented credit profile); tests/state_scope.py says
whether each one on a distributed table names a state. ORM statements of a request scoped to
one state get `state_code = :state` from app/state_scope.py; a bank's session spans states and
gets none, so the credit profile's services name her state themselves once she is read. What
is still sent without it is listed by table in `UNSCOPED_TODAY`, and is one statement:

- members: the credit profile's first read of the member, by id. A bank's URL names only her
  id, so nothing can name her state before she is read; every later statement names hers.

(The token check names its scope's state since migration 0035: `api_tokens.scope_state`.)

The test fails if another table joins them (a new unscoped path), and if one leaves (strike it
off). With BAHI_STATE_SCOPE_LOG=<file>, the unscoped statements are written out for review.
"""

from __future__ import annotations

import os
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.services.federation import banks
from app.services.lending import loans
from app.services.shared.clock import today_in_india
from app.services.shared.scoped_state import in_state
from app.state_scope import STATE_KEY, install
from models import Member, Role
from models.schedule import Frequency, LoanTerms, Method, RateBasis
from tests.factories import ADMIN, ApiCaller, make_federation, token, transfer
from tests.state_scope import StatementLog, is_scoped, logging_statements

# Read without state_code by the requests below (see the module's docstring).
UNSCOPED_TODAY = {"members"}


def test_the_check_tells_scoped_from_unscoped():
    assert is_scoped("SELECT * FROM members WHERE members.state_code = %(p)s AND id = %(q)s")
    assert is_scoped("SELECT 1 FROM books JOIN accounts ON accounts.state_code = books.state_code")
    assert is_scoped("INSERT INTO members (shg_id, state_code, name) VALUES (?, ?, ?)")
    assert not is_scoped("SELECT * FROM members WHERE members.id = %(id)s")
    assert not is_scoped("INSERT INTO postings (entry_id, book_id) VALUES (?, ?)")
    log = StatementLog()
    log.see("SELECT id FROM api_tokens WHERE token_hash = ?")  # a reference table: not counted
    log.see("SELECT * FROM members JOIN institutions ON institutions.id = members.shg_id")
    assert log.unscoped_tables() == {"members", "institutions"}


@pytest.fixture
def world(session, client):
    fed = make_federation(session)
    bank = banks.create_bank(session, ADMIN, "Jharkhand Rajya Gramin Bank", "JRGB")
    bookkeeper = ApiCaller(client, token(session, Role.BOOKKEEPER, fed.clf))
    partner = ApiCaller(client, token(session, Role.BANK_PARTNER, bank_id=bank.id))
    book_id = fed.book_id(session, fed.shg)
    member = fed.members[0]
    account = fed.account(session, fed.shg, "cash")
    session.flush()
    return fed, bank, bookkeeper, partner, book_id, member, account


def _representative_requests(world) -> None:
    _fed, bank, bookkeeper, partner, book_id, member, account = world
    for path in (
        f"/api/v1/books/{book_id}",
        f"/api/v1/books/{book_id}/accounts",
        f"/api/v1/books/{book_id}/entries",
        f"/api/v1/books/{book_id}/trial-balance",
        f"/api/v1/accounts/{account.id}/statement",
        f"/api/v1/members/{member.id}",
    ):
        assert bookkeeper.get(path).status_code == 200, path
    expires = (today_in_india() + timedelta(days=180)).isoformat()
    consent = bookkeeper.post(
        f"/api/v1/members/{member.id}/consents",
        {"bank_id": bank.id, "purpose": "individual_loan", "expires_on": expires},
    )
    assert consent.status_code == 201, consent.json
    profile = partner.get(f"/api/v1/bank/members/{member.id}/credit-profile")
    assert profile.status_code == 200, profile.json


def test_request_paths_read_no_new_table_without_its_state(connection, world):
    with logging_statements(connection) as log:
        _representative_requests(world)
    if os.environ.get("BAHI_STATE_SCOPE_LOG"):
        lines = [f"{sorted(tables)}\t{' '.join(sql.split())}" for sql, tables in log.unscoped]
        Path(os.environ["BAHI_STATE_SCOPE_LOG"]).write_text("\n".join(lines) + "\n")
    assert log.unscoped, "the listener saw nothing: the check would be blind"
    assert log.scoped > 0, "no statement named its state: app/state_scope.py is not applied"
    assert sorted(log.unscoped_tables() - UNSCOPED_TODAY) == [], "read without state_code"
    assert sorted(UNSCOPED_TODAY - log.unscoped_tables()) == [], "now scoped: strike off"


def test_a_session_scoped_to_a_state_reads_only_that_states_rows(connection, session):
    """The condition app/state_scope.py adds, on its own: a member of Jharkhand is not found by
    a session scoped to Odisha, and is by one scoped to Jharkhand."""
    member_id = make_federation(session, state_code="JH").members[0].id
    session.commit()  # a savepoint: the sessions below see the member
    for state, found in (("OD", False), ("JH", True)):
        with Session(bind=connection, info={STATE_KEY: state}) as scoped:
            install(scoped)
            assert (scoped.get(Member, member_id) is not None) is found
            by_id = select(Member.id).where(Member.id == member_id)
            assert (scoped.scalar(by_id) is not None) is found


LEDGER = {"books", "accounts", "entry_sets", "journal_entries", "postings", "members"}


def test_a_bookkeepers_ledger_requests_name_their_state(connection, session, world):
    """A bookkeeper reading her books and posting entries, one and a batch, names the state in
    every statement on the ledger's tables: the ORM's through app/state_scope.py, and the
    posting path's Core statements (entries and postings written, books' heads and accounts'
    balances moved) and relationship loads (a member's accounts) themselves. `members` stays in
    UNSCOPED_TODAY for a bank's first read of a member, by the id in its URL."""
    fed, _bank, bookkeeper, _partner, book_id, member, account = world
    revolving_fund = fed.account(session, fed.shg, "revolving_fund")
    entry = {
        "book_id": book_id,
        "value_date": today_in_india().isoformat(),
        "narration": "Revolving Fund received",
        "postings": [
            {"account_id": account.id, "side": "debit", "amount": "15000"},
            {"account_id": revolving_fund.id, "side": "credit", "amount": "15000"},
        ],
    }
    with logging_statements(connection) as log:
        for path in (f"/api/v1/books/{book_id}/entries", f"/api/v1/members/{member.id}"):
            assert bookkeeper.get(path).status_code == 200, path
        posted = bookkeeper.post("/api/v1/journal-entries", entry)
        assert posted.status_code == 201, posted.json
        batch = bookkeeper.post("/api/v1/journal-entries/batch", {"entries": [entry, entry]})
        assert batch.status_code == 200, batch.json
    assert log.scoped > 0
    assert sorted(log.unscoped_tables() & LEDGER) == []


def test_a_banks_credit_profile_names_her_state_once_she_is_read(connection, session, world):
    """A bank spans states, so its session names none; the credit profile reads the member by
    id (all its URL has), then names her state in every statement: her loan (its account,
    schedule, repayments, write-offs, reversal), her savings and their postings, her SHG, its
    VO and district, its members, books, cash and bank, and the VO's SHGs."""
    fed, bank, bookkeeper, partner, book_id, member, cash = world
    revolving_fund = fed.account(session, fed.shg, "revolving_fund")
    transfer(session, book_id, cash.id, revolving_fund.id, 50_000_00, date(2025, 12, 1))
    terms = LoanTerms(12_000_00, 0, RateBasis.PER_MONTH, Method.FLAT, 12, Frequency.MONTHLY)
    lent = loans.disburse_loan(session, ADMIN, loans.NewLoan(member.id, terms, date(2026, 1, 10)))
    loans.repay_loan(session, ADMIN, lent.id, 1_000_00, date(2026, 2, 10))
    session.flush()
    expires = (today_in_india() + timedelta(days=180)).isoformat()
    consent = bookkeeper.post(
        f"/api/v1/members/{member.id}/consents",
        {"bank_id": bank.id, "purpose": "individual_loan", "expires_on": expires},
    )
    assert consent.status_code == 201, consent.json
    with logging_statements(connection) as log:
        profile = partner.get(f"/api/v1/bank/members/{member.id}/credit-profile")
        assert profile.status_code == 200, profile.json
    unscoped = [(sql, tables) for sql, tables in log.unscoped if "api_tokens" not in sql]
    assert len(unscoped) == 1, unscoped
    sql, tables = unscoped[0]
    assert tables == {"members"} and "FROM members WHERE members.id = " in " ".join(sql.split())
    assert log.scoped > 10


def test_in_state_reads_by_id_in_that_state_only(session):
    """`in_state` on a load by id: a Jharkhand member is not found in Odisha, and is in
    Jharkhand (read again, not taken from the session)."""
    member_id = make_federation(session, state_code="JH").members[0].id
    session.flush()
    session.expunge_all()
    assert session.get(Member, member_id, options=[in_state(Member, "OD")]) is None
    assert session.get(Member, member_id, options=[in_state(Member, "JH")]) is not None
