"""Tamper evidence: verification recomputes balances and hash chains and names what is wrong."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import text

from app.services.ledger.verify import verify_books
from models import Book
from tests.factories import make_federation, transfer


@pytest.fixture
def fed(session):
    fed = make_federation(session)
    book = fed.book_id(session, fed.shg)
    cash, rf = (
        fed.account(session, fed.shg, "cash"),
        fed.account(session, fed.shg, "revolving_fund"),
    )
    for day in (1, 2, 3):
        transfer(session, book, cash.id, rf.id, 1000 * day, date(2026, 6, day))
    return fed


def shg_book(session, fed):
    return session.get(Book, fed.book_id(session, fed.shg))


def bypass_append_only(session, backend):
    """What an attacker with database access could do: switch the guards off."""
    if backend == "postgresql":
        session.execute(text("SET CONSTRAINTS ALL IMMEDIATE"))  # settle deferred checks first
        session.execute(text("ALTER TABLE journal_entries DISABLE TRIGGER USER"))
        session.execute(text("ALTER TABLE postings DISABLE TRIGGER USER"))
    else:
        for name in ("journal_entries_no_update", "postings_no_update", "postings_no_delete"):
            session.execute(text(f"DROP TRIGGER {name}"))


def test_clean_books_verify(session, fed):
    report = verify_books(session, [shg_book(session, fed)])
    assert report.ok and report.entries == 3 and report.postings == 6


def test_a_changed_narration_breaks_the_chain(session, fed, backend):
    bypass_append_only(session, backend)
    session.execute(
        text("UPDATE journal_entries SET narration = 'edited' WHERE seq = 2 AND book_id = :b"),
        {"b": fed.book_id(session, fed.shg)},
    )
    report = verify_books(session, [shg_book(session, fed)])
    assert [(m.kind, m.detail.split(" (")[0]) for m in report.mismatches] == [("chain", "entry 2")]


def test_a_changed_amount_breaks_balance_chain_and_entry(session, fed, backend):
    bypass_append_only(session, backend)
    session.execute(
        text(
            "UPDATE postings SET amount_paise = 999, delta_paise = 999"
            " WHERE side = 'D' AND entry_id IN"
            " (SELECT id FROM journal_entries WHERE seq = 1 AND book_id = :b)"
        ),
        {"b": fed.book_id(session, fed.shg)},
    )
    kinds = {m.kind for m in verify_books(session, [shg_book(session, fed)]).mismatches}
    assert kinds == {"balance", "chain", "unbalanced_entry"}


def test_a_changed_maintained_balance_is_reported(session, fed):
    cash = fed.account(session, fed.shg, "cash")
    session.execute(
        text("UPDATE accounts SET balance_paise = balance_paise + 1 WHERE id = :id"),
        {"id": cash.id},
    )
    session.expire_all()
    (mismatch,) = verify_books(session, [shg_book(session, fed)]).mismatches
    assert mismatch.kind == "balance" and "1100" in mismatch.detail


def test_a_deleted_last_entry_breaks_the_head(session, fed, backend):
    bypass_append_only(session, backend)
    if backend == "sqlite":
        session.execute(text("DROP TRIGGER journal_entries_no_delete"))
    session.execute(
        text(
            "DELETE FROM postings WHERE entry_id IN (SELECT id FROM journal_entries WHERE seq = 3)"
        )
    )
    session.execute(text("DELETE FROM journal_entries WHERE seq = 3"))
    kinds = {m.kind for m in verify_books(session, [shg_book(session, fed)]).mismatches}
    assert "head" in kinds and "balance" in kinds
