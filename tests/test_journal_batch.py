"""POST /journal-entries/batch: each entry posted or refused alone, answered by index, under
one Idempotency-Key; the same rules and scope as posting one entry."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from models import IdempotencyRecord, JournalEntry, Role
from tests.factories import ADMIN, ApiCaller, make_federation, token, transfer
from tests.test_journal import DAY

URL = "/api/v1/journal-entries/batch"


@pytest.fixture
def fed(session):
    fed = make_federation(session)
    book = fed.book_id(session, fed.shg)
    cash = fed.account(session, fed.shg, "cash").id
    rf = fed.account(session, fed.shg, "revolving_fund").id
    transfer(session, book, cash, rf, 100_000, DAY, "Revolving Fund received")  # ₹1,000 in cash
    fed.ids = (book, cash, rf)
    return fed


def entry(book, debit, credit, amount="10.00", narration="Savings deposited"):
    return {
        "book_id": book,
        "value_date": DAY.isoformat(),
        "narration": narration,
        "postings": [
            {"account_id": debit, "side": "debit", "amount": amount},
            {"account_id": credit, "side": "credit", "amount": amount},
        ],
    }


def count_entries(session, book):
    return session.scalar(
        select(func.count()).select_from(JournalEntry).where(JournalEntry.book_id == book)
    )


def errors_of(result):
    return {(e["field"], e["reason"]) for e in result["errors"]}


def test_each_entry_is_posted_or_refused_alone_with_its_problems_by_index(session, client, fed):
    book, cash, rf = fed.ids
    api = ApiCaller(client, token(session, Role.BOOKKEEPER, fed.clf))
    unbalanced = entry(book, rf, cash)
    unbalanced["postings"][1]["amount"] = "9.99"
    body = {
        "entries": [
            entry(book, rf, cash, "100.00"),  # cash to the RF: posted
            entry(book, rf, cash, "abc"),  # not an amount: refused by the form
            unbalanced,  # a rule of the ledger: refused
            entry(book, rf, 10**9),  # no such account
            7,  # not an entry at all
            entry(book, rf, cash, "950.00"),  # ₹900 left in cash after [0]: would overdraw
            entry(book, rf, cash, "900.00"),  # exactly what is left: posted
        ]
    }
    response = api.post(URL, body)
    assert response.status_code == 200, response.json
    result = response.json
    assert (result["posted"], result["refused"]) == (2, 5)
    statuses = [(r["index"], r["status"]) for r in result["results"]]
    assert statuses == [(0, 201), (1, 422), (2, 422), (3, 422), (4, 422), (5, 422), (6, 201)]
    posted, amount, balance, account, not_entry, overdraw, last = result["results"]
    assert posted["entry_id"] and posted["seq"] == 2 and last["seq"] == 3
    assert {e["field"] for e in amount["errors"]} == {
        "entries[1].postings[0].amount",
        "entries[1].postings[1].amount",
    }
    assert [e["field"] for e in balance["errors"]] == ["entries[2].postings"]
    assert "₹10.00" in balance["errors"][0]["reason"] and "₹9.99" in balance["errors"][0]["reason"]
    assert errors_of(account) == {
        ("entries[3].postings[1].account_id", f"no account {10**9} in book {book}")
    }
    assert [e["field"] for e in not_entry["errors"]] == ["entries[4]"]
    assert [e["field"] for e in overdraw["errors"]] == ["entries[5].postings[1].account_id"]
    assert "below zero" in overdraw["errors"][0]["reason"]
    assert count_entries(session, book) == 3  # the funding entry and the two posted
    assert fed.account(session, fed.shg, "cash").balance_paise == 0


def test_a_retry_with_the_same_key_returns_the_first_answer_and_posts_nothing_twice(
    session, client, fed
):
    book, cash, rf = fed.ids
    api = ApiCaller(client, token(session, Role.BOOKKEEPER, fed.clf))
    narration = "Meeting of 10 June: savings of Sita Devi"
    body = {"entries": [entry(book, rf, cash, narration=narration), entry(book, rf, cash, "x")]}
    first = api.post(URL, body, key="batch-2026-06-10")
    again = api.post(URL, body, key="batch-2026-06-10")
    assert first.status_code == again.status_code == 200
    assert again.json == first.json and again.headers["Idempotent-Replayed"] == "true"
    assert count_entries(session, book) == 2
    clash = api.post(URL, {"entries": [entry(book, rf, cash, "2.00")]}, key="batch-2026-06-10")
    assert clash.status_code == 409
    # The record keeps outcomes and ids, not the entries the batch carried.
    record = session.scalar(
        select(IdempotencyRecord).where(IdempotencyRecord.key == "batch-2026-06-10")
    )
    assert first.json["results"][0]["entry_id"] in record.response_body
    assert narration not in record.response_body


def test_entries_outside_her_scope_are_refused_alone(session, client, fed):
    book, cash, rf = fed.ids
    other = make_federation(session, state_code="OD")
    other_book = other.book_id(session, other.shg)
    other_cash = other.account(session, other.shg, "cash").id
    other_rf = other.account(session, other.shg, "revolving_fund").id
    transfer(session, other_book, other_cash, other_rf, 5_000, DAY, who=ADMIN)
    bookkeeper = ApiCaller(client, token(session, Role.BOOKKEEPER, fed.clf))
    body = {"entries": [entry(other_book, other_rf, other_cash), entry(book, rf, cash)]}
    result = bookkeeper.post(URL, body).json
    assert [r["status"] for r in result["results"]] == [422, 201]
    # As for one entry: a book outside her scope is not found, never said to exist.
    assert errors_of(result["results"][0]) == {
        ("entries[0].book_id", f"no book {other_book} in your scope")
    }
    auditor = ApiCaller(client, token(session, Role.AUDITOR, fed.district))
    refused = auditor.post(URL, {"entries": [entry(book, rf, cash)]}).json["results"][0]
    assert refused["status"] == 403 and refused["title"] == "Forbidden"
    assert [e["field"] for e in refused["errors"]] == ["entries[0].book_id"]
    assert count_entries(session, book) == 2 and count_entries(session, other_book) == 1


@pytest.mark.parametrize("count", [0, 1001])
def test_a_batch_holds_1_to_1000_entries(session, client, fed, count):
    book, cash, rf = fed.ids
    api = ApiCaller(client, token(session, Role.ADMIN))
    response = api.post(URL, {"entries": [entry(book, rf, cash, "0.01")] * count})
    assert response.status_code == 422
    assert response.content_type == "application/problem+json"
    (problem,) = response.json["errors"]
    assert problem["field"] == "entries" and "1000" in problem["reason"].replace(",", "")
    assert count_entries(session, book) == 1


def test_a_body_over_the_request_limit_is_refused_413(session, client, fed):
    book, cash, rf = fed.ids
    api = ApiCaller(client, token(session, Role.ADMIN))
    long = entry(book, rf, cash, "0.01", narration="न" * 500)
    response = api.post(URL, {"entries": [long] * 1000})  # about 3 MB (each letter \\u0928)
    assert response.status_code == 413
    assert response.content_type == "application/problem+json"
    assert count_entries(session, book) == 1


def test_a_thousand_entries_post_in_one_request(session, client, fed):
    book, cash, rf = fed.ids
    api = ApiCaller(client, token(session, Role.ADMIN))
    response = api.post(URL, {"entries": [entry(book, cash, rf, "0.01")] * 1000})
    assert response.status_code == 200 and response.json["posted"] == 1000
    assert [r["seq"] for r in response.json["results"]] == list(range(2, 1002))
    assert fed.account(session, fed.shg, "cash").balance_paise == 100_000 + 1000
