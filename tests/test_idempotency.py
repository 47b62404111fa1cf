"""A retried write returns the first result and posts nothing twice."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from models import JournalEntry, Role
from tests.factories import ApiCaller, make_federation, token


@pytest.fixture
def setup(session, client):
    fed = make_federation(session)
    api = ApiCaller(client, token(session, Role.BOOKKEEPER, fed.clf))
    book = fed.book_id(session, fed.shg)
    body = {
        "book_id": book,
        "value_date": "2026-06-01",
        "narration": "Revolving Fund",
        "postings": [
            {
                "account_id": fed.account(session, fed.shg, "bank").id,
                "side": "debit",
                "amount": "15000",
            },
            {
                "account_id": fed.account(session, fed.shg, "revolving_fund").id,
                "side": "credit",
                "amount": "15000",
            },
        ],
    }
    return api, body, book


def count_entries(session, book):
    return session.scalar(
        select(func.count()).select_from(JournalEntry).where(JournalEntry.book_id == book)
    )


def test_same_key_same_body_replays_the_first_response(session, setup):
    api, body, book = setup
    first = api.post("/api/v1/journal-entries", body, key="meeting-2026-06-01")
    again = api.post("/api/v1/journal-entries", {**body}, key="meeting-2026-06-01")
    assert first.status_code == again.status_code == 201
    assert again.json == first.json and again.headers["Idempotent-Replayed"] == "true"
    assert count_entries(session, book) == 1


def test_same_key_different_body_is_409(session, setup):
    api, body, book = setup
    api.post("/api/v1/journal-entries", body, key="k")
    clash = api.post("/api/v1/journal-entries", {**body, "narration": "other"}, key="k")
    assert clash.status_code == 409 and clash.content_type == "application/problem+json"
    assert count_entries(session, book) == 1


def test_keys_belong_to_one_token(session, client, setup):
    api, body, book = setup
    api.post("/api/v1/journal-entries", body, key="shared")
    admin = ApiCaller(client, token(session, Role.ADMIN))
    assert admin.post("/api/v1/journal-entries", body, key="shared").status_code == 201
    assert count_entries(session, book) == 2


def test_a_refused_write_is_not_remembered(session, setup):
    api, body, _book = setup
    bad = {**body, "value_date": "2099-01-01"}
    assert api.post("/api/v1/journal-entries", bad, key="retry-me").status_code == 422
    assert api.post("/api/v1/journal-entries", body, key="retry-me").status_code == 201


@pytest.mark.parametrize("key", [None, "", "x" * 201])
def test_a_write_without_a_usable_key_is_refused(setup, key):
    api, body, _ = setup
    headers = {**api.headers}
    if key is not None:
        headers["Idempotency-Key"] = key
    response = api.client.post("/api/v1/journal-entries", json=body, headers=headers)
    assert response.status_code == 400
    assert response.json["errors"][0]["field"] == "Idempotency-Key"
