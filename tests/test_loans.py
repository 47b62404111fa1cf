"""Internal loans in Durga SHG, worked by hand.

Member 1 borrows ₹12,000 on 10 Apr 2026 at 2% a month (24% a year), declining balance, 12
monthly instalments (EMI ₹1,134.72), from the SHG's own funds, paid out in cash, on terms
that charge interest on the principal outstanding for the actual days (actual/365, the
loan's `interest_basis`; the default, per period, is worked in test_member_loan_interest):

  10 May  pays 1,134.72   interest 12,000.00 × 24% × 30/365 = 236.7123 → 236.71
                          principal 898.01, outstanding 11,101.99
  10 Jun  pays 500.00 with a ₹20 fine:  penalty 20.00,
                          interest 11,101.99 × 24% × 31/365 = 226.2981 → 226.30,
                          principal 253.70, outstanding 10,848.29
  20 Jun  pays 50.00      interest due 10,848.29 × 24% × 10/365 = 71.33: pays 50.00,
                          21.33 carried forward, principal 0
  10 Jul  position        interest 21.33 + 10,848.29 × 24% × 20/365 (142.66) = 163.99
"""

from __future__ import annotations

from datetime import date

import pytest

from models import Role
from tests.factories import ApiCaller, funded_shg, make_federation, token, transfer

LOAN = {
    "principal": "12000",
    "rate": "2.00",
    "rate_basis": "per_month",
    "method": "declining",
    "instalments": 12,
    "frequency": "monthly",
    "disbursed_on": "2026-04-10",
    "purpose": "dairy cow",
    "interest_basis": "actual_365",
}


@pytest.fixture
def shg(session, client):
    fed = funded_shg(session, members_count=2)
    return fed, ApiCaller(client, token(session, Role.BOOKKEEPER, fed.clf))


@pytest.fixture
def loan(shg):
    fed, api = shg
    created = api.post(f"/api/v1/members/{fed.members[0].id}/loans", LOAN)
    assert created.status_code == 201, created.json
    return created.json


def repay(api, loan, body):
    return api.post(f"/api/v1/loans/{loan['id']}/repayments", body)


def test_disbursement_stores_terms_schedule_and_posts(shg, loan):
    _fed, api = shg
    assert loan["fund_source"] == "own" and loan["rate"] == "2.00" and len(loan["schedule"]) == 12
    assert loan["schedule"][0] == {
        "number": 1,
        "due_on": "2026-05-10",
        "principal": "894.72",
        "interest": "240.00",
        "total": "1134.72",
    }
    assert loan["position"]["outstanding"] == "12000.00" and loan["position"]["status"] == "active"
    account = api.get(f"/api/v1/accounts/{loan['account_id']}").json
    assert account["balance"] == "12000.00" and account["account"]["name"] == "Loan 1 – Member 1"
    accounts = {
        a["role"]: a["balance"]
        for a in api.get(f"/api/v1/books/{loan_book(api, loan)}/accounts").json["items"]
        if a["role"]
    }
    assert accounts["cash"] == "3000.00" and accounts["member_loans"] == "12000.00"


def loan_book(api, loan):
    return api.get(f"/api/v1/accounts/{loan['account_id']}").json["account"]["book_id"]


def test_repayments_split_by_actual_days(shg, loan):
    _, api = shg
    first = repay(api, loan, {"amount": "1134.72", "value_date": "2026-05-10"}).json
    assert (first["penalty"], first["interest"], first["principal"]) == ("0.00", "236.71", "898.01")
    assert first["position"]["outstanding"] == "11101.99"
    second = repay(api, loan, {"amount": "500", "value_date": "2026-06-10", "penalty": "20"}).json
    assert (second["penalty"], second["interest"], second["principal"]) == (
        "20.00",
        "226.30",
        "253.70",
    )
    third = repay(api, loan, {"amount": "50", "value_date": "2026-06-20"}).json
    assert (third["interest"], third["principal"]) == ("50.00", "0.00")
    assert third["position"]["interest_due"] == "21.33"
    later = api.get(f"/api/v1/loans/{loan['id']}/position?as_of=2026-07-10").json
    assert (later["outstanding"], later["interest_due"], later["interest_through"]) == (
        "10848.29",
        "163.99",
        "2026-06-20",
    )
    income = api.get(
        f"/api/v1/books/{loan_book(api, loan)}/income-expenditure?from=2026-04-01&to=2026-06-30"
    ).json
    assert {line["code"]: line["amount"] for line in income["income"]["lines"]} == {
        "4100": "513.01",
        "4200": "20.00",
    }


def test_paying_more_than_she_owes_is_refused(shg, loan):
    _, api = shg
    refused = repay(api, loan, {"amount": "20000", "value_date": "2026-05-10"})
    assert refused.status_code == 422 and refused.json["errors"][0]["field"] == "amount"
    assert "more than she owes (₹12,236.71)" in refused.json["errors"][0]["reason"]


def test_prepayment_closes_the_loan(shg, loan):
    _, api = shg
    closed = repay(api, loan, {"amount": "12236.71", "value_date": "2026-05-10"}).json
    assert closed["position"]["status"] == "closed" and closed["position"]["outstanding"] == "0.00"


def test_repayments_in_date_order_and_reversal_newest_first(shg, loan):
    _, api = shg
    first = repay(api, loan, {"amount": "1134.72", "value_date": "2026-05-10"}).json
    assert (
        repay(api, loan, {"amount": "10", "value_date": "2026-05-01"}).json["errors"][0]["field"]
        == "value_date"
    )
    second = repay(api, loan, {"amount": "500", "value_date": "2026-06-10"}).json
    refused = api.post(
        f"/api/v1/journal-entries/{first['entry']['id']}/reverse", {"value_date": "2026-06-10"}
    )
    assert refused.status_code == 409 and "later repayments" in refused.json["detail"]
    assert (
        api.post(f"/api/v1/journal-entries/{loan['disbursement_entry_id']}/reverse", {}).status_code
        == 409
    )
    assert (
        api.post(f"/api/v1/journal-entries/{second['entry']['id']}/reverse", {}).status_code == 201
    )
    position = api.get(f"/api/v1/loans/{loan['id']}/position?as_of=2026-06-10").json
    assert (position["outstanding"], position["interest_through"]) == ("11101.99", "2026-05-10")
    assert (
        api.post(f"/api/v1/journal-entries/{first['entry']['id']}/reverse", {}).status_code == 201
    )
    assert (
        api.post(f"/api/v1/journal-entries/{loan['disbursement_entry_id']}/reverse", {}).status_code
        == 201
    )
    assert api.get(f"/api/v1/loans/{loan['id']}/position").json["status"] == "cancelled"
    assert repay(api, loan, {"amount": "1", "value_date": "2026-06-11"}).status_code == 409


def test_flat_loan_interest_follows_the_schedule(shg):
    fed, api = shg
    flat = api.post(
        f"/api/v1/members/{fed.members[1].id}/loans",
        {
            **LOAN,
            "principal": "10000",
            "rate": "1.00",
            "method": "flat",
            "instalments": 10,
            "disbursed_on": "2026-04-01",
            "fund_source": "cif",
            "fund_reference": "CIF loan from Pragati VO",
            "interest_basis": "per_period",
        },
    ).json
    assert flat["fund_source"] == "cif"
    due = api.get(f"/api/v1/loans/{flat['id']}/position?as_of=2026-06-01").json
    assert due["interest_due"] == "200.00"  # two instalments of ₹100 interest have fallen due
    paid = repay(api, flat, {"amount": "1200", "value_date": "2026-06-01"}).json
    assert (paid["interest"], paid["principal"]) == ("200.00", "1000.00")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"principal": "0"}, "principal"),
        ({"rate": "2.005"}, "rate"),
        ({"instalments": 0}, "instalments"),
        ({"fund_source": "moneylender"}, "fund_source"),
        ({"allocation_order": "principal,interest"}, "allocation_order"),
        ({"principal": "50000"}, "principal"),
        ({"moratorium_periods": 13}, "moratorium_periods"),
        ({"interest_basis": "daily"}, "interest_basis"),
        ({"method": "flat"}, "interest_basis"),  # a flat loan's interest is its schedule's
    ],
)
def test_bad_terms_name_the_field(shg, change, field):
    fed, api = shg
    refused = api.post(f"/api/v1/members/{fed.members[0].id}/loans", {**LOAN, **change})
    assert refused.status_code == 422
    assert field in [e["field"] for e in refused.json["errors"]]


def test_allocation_order_is_configurable(shg):
    fed, api = shg
    loan = api.post(
        f"/api/v1/members/{fed.members[0].id}/loans",
        {**LOAN, "allocation_order": "principal,interest,penalty"},
    ).json
    paid = repay(api, loan, {"amount": "100", "value_date": "2026-05-10", "penalty": "20"}).json
    assert (paid["principal"], paid["interest"], paid["penalty"]) == ("100.00", "0.00", "0.00")
    assert paid["position"]["penalty_due"] == "20.00"


@pytest.fixture
def two_loans(session, shg, loan):
    """Member 1's loan is never repaid; Member 2 borrows the same and pays her first EMI on time."""
    fed, api = shg
    cash, rf = (
        fed.account(session, fed.shg, "cash"),
        fed.account(session, fed.shg, "revolving_fund"),
    )
    transfer(session, fed.book_id(session, fed.shg), cash.id, rf.id, 10_000_00, date(2026, 4, 1))
    second = api.post(f"/api/v1/members/{fed.members[1].id}/loans", LOAN).json
    assert repay(api, second, {"amount": "1134.72", "value_date": "2026-05-10"}).status_code == 201
    return fed, api, loan, second


def test_days_past_due_count_from_the_oldest_unpaid_instalment(two_loans):
    _, api, unpaid, paid = two_loans

    def dpd(loan, day):
        return api.get(f"/api/v1/loans/{loan['id']}/position?as_of={day}").json["days_past_due"]

    # At day end (models.overdue): due 10 May and unpaid is day 1 on 10 May itself.
    days = ("2026-05-09", "2026-05-10", "2026-05-11", "2026-06-20", "2026-08-15")
    assert [dpd(unpaid, d) for d in days] == [0, 1, 2, 42, 98]
    # first instalment covered (898.01 ≥ 894.72); the second, due 10 Jun, unpaid: day 1 on
    # 10 Jun, day 11 on 20 Jun
    assert [dpd(paid, d) for d in ("2026-06-09", "2026-06-10", "2026-06-20")] == [0, 1, 11]


def test_ageing_buckets_for_shg_vo_and_clf(two_loans):
    fed, api, _, _ = two_loans
    shg = api.get(f"/api/v1/institutions/{fed.shg.id}/arrears?as_of=2026-06-20").json
    assert {b["bucket"]: (b["loans"], b["outstanding"]) for b in shg["buckets"]} == {
        "current": (0, "0.00"),
        "1-30": (1, "11101.99"),
        "31-60": (1, "12000.00"),
        "61-90": (0, "0.00"),
        "90+": (0, "0.00"),
    }
    vo = api.get(f"/api/v1/institutions/{fed.vo.id}/arrears?as_of=2026-06-20").json
    assert vo["buckets"] == shg["buckets"] and vo["children"][0]["institution_id"] == fed.shg.id
    clf = api.get(f"/api/v1/institutions/{fed.clf.id}/arrears?as_of=2026-08-15").json
    assert {b["bucket"]: b["loans"] for b in clf["buckets"]}["90+"] == 1
    early = api.get(f"/api/v1/institutions/{fed.clf.id}/arrears?as_of=2026-05-09").json
    assert {b["bucket"]: b["loans"] for b in early["buckets"]}["current"] == 2
    # 10 May, day end: Member 1's first instalment, due that day, is unpaid (1 day)
    due_day = api.get(f"/api/v1/institutions/{fed.clf.id}/arrears?as_of=2026-05-10").json
    assert {b["bucket"]: b["loans"] for b in due_day["buckets"]} == {
        "current": 1,
        "1-30": 1,
        "31-60": 0,
        "61-90": 0,
        "90+": 0,
    }


def test_write_off_and_its_reversal(two_loans):
    fed, api, unpaid, _ = two_loans
    url = f"/api/v1/loans/{unpaid['id']}"
    assert (
        api.post(f"{url}/write-off", {"value_date": "2026-09-01", "reason": " "}).status_code == 422
    )
    written = api.post(
        f"{url}/write-off", {"value_date": "2026-09-01", "reason": "member migrated"}
    )
    assert written.status_code == 201 and written.json["principal"] == "12000.00"
    position = api.get(f"{url}/position?as_of=2026-09-02").json
    assert position["status"] == "written_off" and position["outstanding"] == "0.00"
    ageing = api.get(f"/api/v1/institutions/{fed.shg.id}/arrears?as_of=2026-09-02").json
    assert sum(b["loans"] for b in ageing["buckets"]) == 1
    assert repay(api, unpaid, {"amount": "100", "value_date": "2026-09-02"}).status_code == 409
    assert (
        api.post(
            f"/api/v1/journal-entries/{unpaid['disbursement_entry_id']}/reverse", {}
        ).status_code
        == 409
    )
    assert (
        api.post(f"/api/v1/journal-entries/{written.json['entry_id']}/reverse", {}).status_code
        == 201
    )
    assert api.get(f"{url}/position?as_of=2026-09-02").json["status"] == "active"


def test_her_second_loan_is_named_loan_2(shg, loan):
    """Member 1 already has loan 1; Member 2's loans get ids 2 and 3 but are her 1st and 2nd."""
    fed, api = shg
    url = f"/api/v1/members/{fed.members[1].id}/loans"
    first, second = (api.post(url, {**LOAN, "principal": "1000"}).json for _ in range(2))
    names = [
        api.get(f"/api/v1/accounts/{made['account_id']}").json["account"]["name"]
        for made in (first, second)
    ]
    assert names == ["Loan 1 – Member 2", "Loan 2 – Member 2"]


def test_her_loans_running_and_closed_a_page_at_a_time(session, client, shg, loan):
    """Member 1: the ₹12,000 loan (never repaid); ₹1,000 on 1 May repaid in full on 1 Jun
    (interest 1,000 x 24% x 31/365 = 20.38); ₹500 on 1 Jul, after the day asked about."""
    fed, api = shg
    url = f"/api/v1/members/{fed.members[0].id}/loans"
    small = api.post(url, {**LOAN, "principal": "1000", "disbursed_on": "2026-05-01"}).json
    assert repay(api, small, {"amount": "1020.38", "value_date": "2026-06-01"}).status_code == 201
    api.post(url, {**LOAN, "principal": "500", "disbursed_on": "2026-07-01"})

    listed = api.get(f"{url}?as_of=2026-06-20")
    assert listed.status_code == 200, listed.json
    assert listed.json["next_after"] is None
    running, closed = listed.json["items"]
    assert (running["id"], closed["id"]) == (loan["id"], small["id"])
    assert {k: running[k] for k in ("fund_source", "principal", "rate", "disbursed_on")} == {
        "fund_source": "own",
        "principal": "12000.00",
        "rate": "2.00",
        "disbursed_on": "2026-04-10",
    }
    assert running["last_due_on"] == "2027-04-10"
    assert {k: running["position"][k] for k in ("status", "outstanding", "days_past_due")} == {
        "status": "active",
        "outstanding": "12000.00",
        "days_past_due": 42,  # due 10 May, unpaid: 10 May is day 1, 20 Jun day 42
    }
    assert (closed["position"]["status"], closed["position"]["outstanding"]) == ("closed", "0.00")

    first = api.get(f"{url}?as_of=2026-06-20&limit=1").json
    assert [i["id"] for i in first["items"]] == [loan["id"]]
    rest = api.get(f"{url}?as_of=2026-06-20&limit=1&after={first['next_after']}").json
    assert [i["id"] for i in rest["items"]] == [small["id"]] and rest["next_after"] is None
    assert len(api.get(url).json["items"]) == 3  # today: the July loan too

    auditor = ApiCaller(client, token(session, Role.AUDITOR, fed.district))
    assert auditor.get(url).status_code == 200
    other = make_federation(session, "BR")
    stranger = ApiCaller(client, token(session, Role.BOOKKEEPER, other.clf))
    assert stranger.get(url).status_code == 404
    assert api.get("/api/v1/members/999999/loans").status_code == 404
