"""Bank loans through the HTTP API: the two rates (and the old `rate`), the classification
history in `GET /bank-loans/{id}`, and confirming rates carried forward by migration 0017."""

from __future__ import annotations

import pytest

from models import Facility, Role
from tests.factories import ApiCaller, bank_ready_federation, token


@pytest.fixture
def setup(session, client):
    fed = bank_ready_federation(session)
    fed.district.code = "LGD-0541"
    session.flush()
    return fed, ApiCaller(client, token(session, Role.BOOKKEEPER, fed.clf))


def loan_body(fed, **rates):
    return {
        "shg_id": fed.shg.id,
        "branch_id": fed.branch.id,
        "kind": "term",
        "dose": 1,
        "sanctioned_on": "2025-10-01",
        "limit": "120000",
        "account_number": "T-9",
        **rates,
    }


def test_a_bank_loan_records_the_rate_to_the_shg_and_the_banks_rate(setup):
    fed, api = setup
    loan = api.post("/api/v1/bank-loans", loan_body(fed, rate_to_shg="7.00", bank_rate="11.00"))
    assert loan.status_code == 201, loan.json
    assert (loan.json["rate_to_shg"], loan.json["bank_rate"], loan.json["rate"]) == (
        "7.00",
        "11.00",
        "7.00",
    )
    assert loan.json["rates_carried_forward"] is False


def test_the_old_rate_is_read_as_both(setup):
    fed, api = setup
    loan = api.post("/api/v1/bank-loans", loan_body(fed, rate="11.00")).json
    assert (loan["rate_to_shg"], loan["bank_rate"]) == ("11.00", "11.00")


@pytest.mark.parametrize(
    ("rates", "field"),
    [({}, "rate_to_shg"), ({"rate": "7.00", "rate_to_shg": "7.00"}, "rate")],
)
def test_the_rate_to_the_shg_is_given_once(setup, rates, field):
    fed, api = setup
    refused = api.post("/api/v1/bank-loans", loan_body(fed, **rates))
    assert refused.status_code == 422
    assert refused.headers["Content-Type"] == "application/problem+json"
    assert [e["field"] for e in refused.json["errors"]] == [field]


def test_get_shows_the_classification_history(setup):
    """Instalments due 1 November and 1 December 2025, neither paid: SMA-0 from 1 November
    (day 1), SMA-1 from 1 December (day 31)."""
    fed, api = setup
    loan = api.post("/api/v1/bank-loans", loan_body(fed, rate_to_shg="11.00")).json
    read = api.get(f"/api/v1/bank-loans/{loan['id']}?as_of=2025-12-10").json
    assert read["classification_history"] == [
        {
            "class": "standard",
            "from": "2025-10-01",
            "to": "2025-10-31",
            "reason": "nothing due is unpaid",
        },
        {
            "class": "SMA-0",
            "from": "2025-11-01",
            "to": "2025-11-30",
            "reason": "an amount due on 2025-11-01 is unpaid: 1 day past due",
        },
        {
            "class": "SMA-1",
            "from": "2025-12-01",
            "to": None,
            "reason": "an amount due on 2025-11-01 is unpaid: 31 days past due",
        },
    ]
    position = read["position"]
    assert (position["classification"], position["classified_since"]) == ("SMA-1", "2025-12-01")
    assert position["days_past_due"] == 40


def test_rates_carried_forward_are_confirmed_once(setup, session):
    fed, api = setup
    loan = api.post("/api/v1/bank-loans", loan_body(fed, rate="11.00")).json
    path = f"/api/v1/bank-loans/{loan['id']}"
    assert api.patch(path, {"rate_to_shg": "7.00"}).status_code == 409  # recorded with both
    session.get(Facility, loan["id"]).rates_carried_forward = True  # as migration 0017 left it
    session.flush()
    assert api.patch(path, {}).status_code == 422
    confirmed = api.patch(path, {"rate_to_shg": "7.00"})
    assert confirmed.status_code == 200, confirmed.json
    assert (confirmed.json["rate_to_shg"], confirmed.json["bank_rate"]) == ("7.00", "11.00")
    assert confirmed.json["rates_carried_forward"] is False
    assert api.patch(path, {"bank_rate": "12.00"}).status_code == 409
