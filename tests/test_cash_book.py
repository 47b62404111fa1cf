"""Durga SHG's cash book outside savings and loans, through the HTTP API, by name.

1 Apr  RF ₹15,000 received in cash (funded_shg).
2 Apr  ₹10,000 taken to the bank              cash  5,000.00   bank 10,000.00
30 Jun the bank credits ₹87.50 interest        cash  5,000.00   bank 10,087.50
1 Jul  ₹2,000 drawn from the bank              cash  7,000.00   bank  8,087.50
1 Jul  stationery ₹150 (cash, the default)     cash  6,850.00
1 Jul  travel ₹200, paid from the bank                          bank  7,887.50
1 Jul  a fine of ₹20 received in cash          cash  6,870.00
Expenses 350.00, interest on deposits 87.50, fines 20.00.
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from models import Role
from models.access import AccessLogEntry
from models.charts import cash_book_categories, chart_for
from tests.factories import ApiCaller, funded_shg, make_federation, token, transfer

BOOK = "/api/v1/cash-book"


@pytest.fixture
def shg(session, client):
    fed = funded_shg(session, members_count=1)
    return fed, ApiCaller(client, token(session, Role.BOOKKEEPER, fed.clf))


def line(institution, day, amount, **more):
    return {"institution_id": institution.id, "value_date": day, "amount": amount, **more}


def balances(api, fed, session, institution=None):
    book = fed.book_id(session, institution or fed.shg)
    items = api.get(f"/api/v1/books/{book}/accounts").json["items"]
    return {a["role"]: a["balance"] for a in items if a["role"]}


def test_a_quarter_of_the_cash_book_by_name(session, shg):
    fed, api = shg
    deposited = api.post(f"{BOOK}/bank-deposits", line(fed.shg, "2026-04-02", "10000"))
    assert deposited.status_code == 201, deposited.json
    assert deposited.json["narration"] == "Cash deposited in the bank"
    posted = [
        api.post(f"{BOOK}/bank-interest", line(fed.shg, "2026-06-30", "87.50")),
        api.post(f"{BOOK}/bank-withdrawals", line(fed.shg, "2026-07-01", "2000")),
        api.post(
            f"{BOOK}/expenses",
            line(fed.shg, "2026-07-01", "150", category="stationery", narration="Registers"),
        ),
        api.post(
            f"{BOOK}/expenses", line(fed.shg, "2026-07-01", "200", category="travel", via="bank")
        ),
        api.post(f"{BOOK}/income", line(fed.shg, "2026-07-01", "20", category="fines")),
    ]
    assert [p.status_code for p in posted] == [201] * 5, [p.json for p in posted]
    assert posted[2].json["narration"] == "Registers"
    book = balances(api, fed, session)
    assert (book["cash"], book["bank"]) == ("6870.00", "7887.50")
    assert (book["admin_expenses"], book["bank_interest_income"], book["fines_income"]) == (
        "350.00",
        "87.50",
        "20.00",
    )
    income = api.get(
        f"/api/v1/books/{fed.book_id(session, fed.shg)}/income-expenditure"
        "?from=2026-04-01&to=2026-07-31"
    ).json
    assert income["surplus"] == "-242.50"  # 87.50 + 20.00 - 350.00

    undone = api.post(f"/api/v1/journal-entries/{posted[3].json['id']}/reverse", {})
    assert undone.status_code == 201
    assert balances(api, fed, session)["bank"] == "8087.50"


def test_cash_and_bank_never_go_below_zero_and_the_field_is_amount(session, shg):
    fed, api = shg
    for path, body in [
        ("bank-withdrawals", line(fed.shg, "2026-04-02", "1")),
        ("bank-deposits", line(fed.shg, "2026-04-02", "15000.01")),
        ("expenses", line(fed.shg, "2026-04-02", "5", category="meeting", via="bank")),
    ]:
        refused = api.post(f"{BOOK}/{path}", body)
        assert refused.status_code == 422, (path, refused.json)
        assert refused.headers["Content-Type"] == "application/problem+json"
        assert [e["field"] for e in refused.json["errors"]] == ["amount"]
        assert "below zero" in refused.json["errors"][0]["reason"]
    assert balances(api, fed, session)["cash"] == "15000.00"


def test_categories_follow_each_kind_of_book(session, shg):
    fed, api = shg
    not_here = api.post(
        f"{BOOK}/income", line(fed.shg, "2026-04-02", "5", category="membership_fees")
    )
    assert not_here.status_code == 422
    [problem] = not_here.json["errors"]
    assert problem["field"] == "category" and "use one of fines" in problem["reason"]
    unknown = api.post(f"{BOOK}/expenses", line(fed.shg, "2026-04-02", "5", category="biryani"))
    assert unknown.status_code == 422 and unknown.json["errors"][0]["field"] == "category"

    clf_cash = fed.account(session, fed.clf, "cash")
    clf_grants = fed.account(session, fed.clf, "other_grants")
    transfer(
        session,
        fed.book_id(session, fed.clf),
        clf_cash.id,
        clf_grants.id,
        5_000_00,
        date(2026, 4, 1),
    )
    paid = api.post(f"{BOOK}/expenses", line(fed.clf, "2026-04-30", "3000", category="honorarium"))
    assert paid.status_code == 201, paid.json
    assert balances(api, fed, session, fed.clf)["staff_costs"] == "3000.00"
    fees = api.post(
        f"{BOOK}/income", line(fed.vo, "2026-04-30", "600", category="membership_fees", via="bank")
    )
    assert fees.status_code == 201, fees.json
    vo = balances(api, fed, session, fed.vo)
    assert (vo["bank"], vo["membership_fees"]) == ("600.00", "600.00")


def test_every_category_posts_to_an_account_of_the_right_type_in_its_chart():
    for income, wanted in ((False, "expense"), (True, "income")):
        for category, roles in cash_book_categories().of(income).items():
            for kind, role in roles.items():
                types = {a.role: a.type.value for a in chart_for(kind).accounts}
                assert types.get(role) == wanted, (category, kind, role)


def test_closed_months_scope_and_books(session, client, shg):
    fed, api = shg
    book = fed.book_id(session, fed.shg)
    assert api.post(f"/api/v1/books/{book}/periods/close", {"month": "2026-04"}).status_code == 201
    closed = api.post(f"{BOOK}/bank-deposits", line(fed.shg, "2026-04-30", "100"))
    assert closed.status_code == 422
    assert closed.json["errors"][0]["field"] == "value_date"
    assert "closed through 2026-04-30" in closed.json["errors"][0]["reason"]

    other = make_federation(session, "BR")
    stranger = ApiCaller(client, token(session, Role.BOOKKEEPER, other.clf))
    assert (
        stranger.post(f"{BOOK}/bank-deposits", line(fed.shg, "2026-05-02", "1")).status_code == 404
    )
    auditor = ApiCaller(client, token(session, Role.AUDITOR, fed.district))
    assert (
        auditor.post(f"{BOOK}/bank-deposits", line(fed.shg, "2026-05-02", "1")).status_code == 403
    )
    admin = ApiCaller(client, token(session, Role.ADMIN))
    block = admin.post(f"{BOOK}/bank-interest", line(fed.block, "2026-05-02", "1"))
    assert block.status_code == 422 and block.json["errors"][0]["field"] == "institution_id"
    assert admin.post(f"{BOOK}/bank-deposits", line(fed.shg, "2026-05-02", "1")).status_code == 201


def test_a_retry_posts_once_and_every_write_is_logged(session, shg):
    fed, api = shg
    body = line(fed.shg, "2026-05-02", "500")
    first = api.post(f"{BOOK}/bank-deposits", body, key="deposit-2-may")
    again = api.post(f"{BOOK}/bank-deposits", body, key="deposit-2-may")
    assert again.headers["Idempotent-Replayed"] == "true" and again.json["id"] == first.json["id"]
    assert balances(api, fed, session)["bank"] == "500.00"
    other = api.post(f"{BOOK}/bank-deposits", {**body, "amount": "1"}, key="deposit-2-may")
    assert other.status_code == 409
    logged = session.scalars(
        select(AccessLogEntry.status_code).where(AccessLogEntry.idempotency_key == "deposit-2-may")
    ).all()
    assert sorted(logged) == [201, 201, 409]  # the first, its replay, the refused reuse


def test_without_an_idempotency_key_nothing_posts(session, client, shg):
    fed, api = shg
    response = client.post(
        f"{BOOK}/bank-deposits", json=line(fed.shg, "2026-05-02", "1"), headers=api.headers
    )
    assert response.status_code == 400
    assert balances(api, fed, session)["bank"] == "0.00"
