"""Concurrency on real PostgreSQL: racing requests cannot overdraw, fork a chain or double-post."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import pytest
from sqlalchemy.orm import sessionmaker

from app.services.ledger.balances import balance_as_of
from app.services.ledger.verify import verify_books
from app.services.lending.reversals import reverse_entry
from app.services.shared.errors import DomainError
from models import Account, Book, Role
from tests.conftest import make_test_app
from tests.factories import ADMIN, make_federation, token, transfer

THREADS = 8


@pytest.fixture
def committed(backend, committed_engine):
    if backend != "postgresql":
        pytest.skip("concurrency is proven on PostgreSQL; SQLite serialises every writer")
    factory = sessionmaker(bind=committed_engine, expire_on_commit=False)
    with factory() as session:
        fed = make_federation(session, members_count=1)
        book = fed.book_id(session, fed.shg)
        ids = {
            r: fed.account(session, fed.shg, r).id
            for r in ("cash", "revolving_fund", "admin_expenses")
        }
        entry = transfer(
            session, book, ids["cash"], ids["revolving_fund"], 10_000, date(2026, 6, 1)
        )
        session.commit()
    return factory, book, ids, entry.id, committed_engine


def race(count, work):
    """Run `work(i)` in `count` threads released together; return what each returned or raised."""
    barrier = threading.Barrier(count)

    def run(i):
        barrier.wait()
        try:
            return work(i)
        except DomainError as error:
            return error
        except Exception as error:
            return error

    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(run, range(count)))


def in_session(factory, fn):
    with factory() as session:
        result = fn(session)
        session.commit()
        return result


def test_concurrent_withdrawals_never_overdraw_cash(committed):
    factory, book, ids, _, _ = committed

    def withdraw(_):
        return in_session(
            factory,
            lambda s: transfer(
                s, book, ids["admin_expenses"], ids["cash"], 6_000, date(2026, 6, 2)
            ),
        )

    outcomes = race(THREADS, withdraw)
    assert sum(not isinstance(o, Exception) for o in outcomes) == 1
    with factory() as session:
        assert session.get(Account, ids["cash"]).balance_paise == 4_000
        assert verify_books(session, [session.get(Book, book)]).ok


def test_concurrent_back_dated_withdrawals_never_overdraw_the_past(committed):
    """Cash: ₹100 from 1 June, ₹200 from 20 June. Withdrawals of ₹60 dated 5 June each fit
    alone (₹40 left from 5 June), and today's ₹200 would cover three; but any two leave
    -₹20 from 5 June to 19 June. Racing, exactly one is posted; the others are refused
    naming 5 June, each seeing the winner's posting once it holds the locks."""
    factory, book, ids, _, _ = committed
    in_session(
        factory,
        lambda s: transfer(s, book, ids["cash"], ids["revolving_fund"], 10_000, date(2026, 6, 20)),
    )

    def withdraw(_):
        return in_session(
            factory,
            lambda s: transfer(
                s, book, ids["admin_expenses"], ids["cash"], 6_000, date(2026, 6, 5)
            ),
        )

    outcomes = race(THREADS, withdraw)
    refused = [o for o in outcomes if isinstance(o, Exception)]
    assert len(refused) == THREADS - 1
    assert all(
        "below zero on 05-06-2026: balance that day ₹40.00, change -₹60.00" in str(o)
        for o in refused
    ), refused
    with factory() as session:
        cash = session.get(Account, ids["cash"])
        assert cash.balance_paise == 14_000
        assert balance_as_of(session, cash, date(2026, 6, 5)) == 4_000
        assert balance_as_of(session, cash, date(2026, 6, 19)) == 4_000
        assert verify_books(session, [session.get(Book, book)]).ok


def test_concurrent_posts_to_one_book_keep_one_unbroken_chain(committed):
    factory, book, ids, _, _ = committed

    def deposit(i):
        for _ in range(5):
            in_session(
                factory,
                lambda s: transfer(
                    s, book, ids["cash"], ids["revolving_fund"], 100 + i, date(2026, 6, 3)
                ),
            )

    assert all(o is None for o in race(THREADS, deposit))
    with factory() as session:
        book_row = session.get(Book, book)
        assert book_row.last_seq == 1 + THREADS * 5
        report = verify_books(session, [book_row])
        assert report.ok and report.entries == 1 + THREADS * 5


def test_an_entry_reversed_concurrently_is_reversed_once(committed):
    factory, _book, ids, entry_id, _ = committed
    outcomes = race(
        THREADS,
        lambda _: in_session(
            factory, lambda s: reverse_entry(s, ADMIN, entry_id, today=date(2030, 1, 1))
        ),
    )
    assert sum(not isinstance(o, Exception) for o in outcomes) == 1
    with factory() as session:
        assert session.get(Account, ids["cash"]).balance_paise == 0


def test_concurrent_retries_with_one_key_post_once(committed):
    factory, book, ids, _, engine = committed
    with factory() as session:
        secret = token(session, Role.ADMIN)
        session.commit()
    app = make_test_app(DATABASE_URL=engine.url.render_as_string(hide_password=False))
    body = {
        "book_id": book,
        "value_date": "2026-06-04",
        "narration": "retried",
        "postings": [
            {"account_id": ids["cash"], "side": "debit", "amount": "1.00"},
            {"account_id": ids["revolving_fund"], "side": "credit", "amount": "1.00"},
        ],
    }
    headers = {"Authorization": f"Bearer {secret}", "Idempotency-Key": "same-key"}

    def send(_):
        return app.test_client().post("/api/v1/journal-entries", json=body, headers=headers)

    responses = race(THREADS, send)
    app.extensions["bahi.sessions"].kw["bind"].dispose()
    assert {r.status_code for r in responses} <= {201, 409}
    created = {r.json["id"] for r in responses if r.status_code == 201}
    assert len(created) == 1
    with factory() as session:
        assert session.get(Book, book).last_seq == 2
