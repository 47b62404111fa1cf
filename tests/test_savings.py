"""Member savings in Durga SHG, June 2026, with figures worked out by hand.

Jun  5  Member 1 saves ₹300, Member 2 ₹200, Member 3 ₹100 (cash)
Jun 20  Member 1 withdraws ₹50 (cash)                 balances 250 / 200 / 100
Jun 30  ₹10.00 savings interest shared on 550:
          exact shares 4.5454.., 3.6363.., 1.8181..; rounded down 4.54 + 3.63 + 1.81 = 9.98;
          the 2 paise left go to the largest remainders (Member 3, then Member 2):
          4.54 / 3.64 / 1.82
"""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.services.lending.savings import share_by_weight
from models import Role
from tests.factories import ApiCaller, make_federation, token


@pytest.fixture
def june(session, client):
    fed = make_federation(session, members_count=3)
    api = ApiCaller(client, token(session, Role.BOOKKEEPER, fed.clf))
    m1, m2, m3 = (m.id for m in fed.members)
    for member, amount in ((m1, "300"), (m2, "200"), (m3, "100")):
        saved = api.post(
            f"/api/v1/members/{member}/savings/deposits",
            {"amount": amount, "value_date": "2026-06-05"},
        )
        assert saved.status_code == 201, saved.json
    withdrawal = api.post(
        f"/api/v1/members/{m1}/savings/withdrawals", {"amount": "50", "value_date": "2026-06-20"}
    )
    assert withdrawal.status_code == 201
    interest = api.post(
        "/api/v1/savings-interest",
        {"shg_id": fed.shg.id, "amount": "10.00", "value_date": "2026-06-30"},
    )
    assert interest.status_code == 201, interest.json
    return fed, api, (m1, m2, m3), withdrawal.json, interest.json


def savings_balance(api, member):
    return api.get(f"/api/v1/members/{member}").json["accounts"][0]["balance"]


def test_balances_and_interest_shares(june):
    _, api, members, _, interest = june
    assert [savings_balance(api, m) for m in members] == ["254.54", "203.64", "101.82"]
    credits = sorted(p["amount"] for p in interest["postings"] if p["side"] == "credit")
    assert credits == ["1.82", "3.64", "4.54"]


def test_withdrawal_beyond_balance_is_refused_naming_amount(june):
    _, api, (_, _, m3), _, _ = june
    refused = api.post(
        f"/api/v1/members/{m3}/savings/withdrawals", {"amount": "150", "value_date": "2026-06-30"}
    )
    assert refused.status_code == 422
    (problem,) = refused.json["errors"]
    assert (
        problem["field"] == "amount"
        and "below zero" in problem["reason"]
        and "₹101.82" in problem["reason"]
    )
    assert savings_balance(api, m3) == "101.82"


def test_withdrawal_from_bank_needs_money_in_the_bank(june):
    _, api, (m1, _, _), _, _ = june
    refused = api.post(
        f"/api/v1/members/{m1}/savings/withdrawals",
        {"amount": "10", "value_date": "2026-06-30", "via": "bank"},
    )
    assert (
        refused.status_code == 422 and "Savings bank account" in refused.json["errors"][0]["reason"]
    )


def test_a_withdrawal_is_undone_by_reversing_it(june):
    _, api, (m1, _, _), withdrawal, _ = june
    assert api.post(f"/api/v1/journal-entries/{withdrawal['id']}/reverse", {}).status_code == 201
    assert savings_balance(api, m1) == "304.54"


def test_passbook_json_has_every_movement_with_running_balance(june):
    _, api, (m1, _, _), _, _ = june
    book = api.get(f"/api/v1/members/{m1}/passbook?from=2026-06-01&to=2026-06-30").json
    (savings,) = book["accounts"]
    assert savings["opening_balance"] == "0.00" and savings["closing_balance"] == "254.54"
    assert [
        (line["value_date"], line["side"], line["amount"], line["balance"])
        for line in savings["lines"]
    ] == [
        ("2026-06-05", "credit", "300.00", "300.00"),
        ("2026-06-20", "debit", "50.00", "250.00"),
        ("2026-06-30", "credit", "4.54", "254.54"),
    ]


def test_printable_passbook(june):
    _, api, (m1, _, _), _, _ = june
    page = api.get(f"/api/v1/members/{m1}/passbook.html?from=2026-06-01&to=2026-06-30")
    assert page.status_code == 200 and page.content_type.startswith("text/html")
    html = page.get_data(as_text=True)
    for text in (
        "Passbook: Member 1",
        "Durga SHG",
        "30-06-2026",
        "₹254.54",
        "₹300.00",
        "Withdrawn",
    ):
        assert text in html


def test_other_clf_cannot_see_or_move_her_savings(session, client, june):
    other = make_federation(session, "BR")
    stranger = ApiCaller(client, token(session, Role.BOOKKEEPER, other.clf))
    member = june[2][0]
    assert stranger.get(f"/api/v1/members/{member}/passbook").status_code == 404
    moved = stranger.post(
        f"/api/v1/members/{member}/savings/deposits", {"amount": "1", "value_date": "2026-06-30"}
    )
    assert moved.status_code == 404


@given(
    total=st.integers(0, 10**9), weights=st.lists(st.integers(1, 10**9), min_size=1, max_size=30)
)
def test_shares_sum_exactly_and_stay_within_a_paisa(total, weights):
    by_key = dict(enumerate(weights))
    shares = share_by_weight(total, by_key)
    assert sum(shares.values()) == total
    whole = sum(weights)
    for key, weight in by_key.items():
        assert abs(shares[key] * whole - total * weight) < whole


def test_interest_needs_someone_with_savings(session, client):
    fed = make_federation(session, members_count=2)
    api = ApiCaller(client, token(session, Role.BOOKKEEPER, fed.clf))
    refused = api.post(
        "/api/v1/savings-interest",
        {"shg_id": fed.shg.id, "amount": "1", "value_date": str(date(2026, 6, 30))},
    )
    assert refused.status_code == 422 and refused.json["errors"][0]["field"] == "amount"
