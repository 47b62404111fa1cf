"""Capital support, federation loans, bank loans and subvention through the HTTP API: rupee
strings in and out, problem+json naming the field, scopes, idempotent retries, and CSV."""

from __future__ import annotations

import csv
import io

import pytest

from app.services.federation import banks
from models import Role
from tests.factories import ADMIN, ApiCaller, bank_ready_federation, make_federation, token


@pytest.fixture
def setup(session, client):
    fed = bank_ready_federation(session)
    fed.district.code = "LGD-0541"
    session.flush()
    return fed, ApiCaller(client, token(session, Role.BOOKKEEPER, fed.clf))


def test_grant_then_cif_loan_then_repayment_and_utilisation(setup, session):
    fed, api = setup
    api.post(
        "/api/v1/grants",
        {
            "fund": "cif_corpus",
            "receiver_id": fed.clf.id,
            "amount": "200000",
            "value_date": "2026-04-01",
        },
    )
    passed = api.post(
        "/api/v1/grants",
        {
            "fund": "cif_corpus",
            "receiver_id": fed.vo.id,
            "giver_id": fed.clf.id,
            "amount": "1",
            "value_date": "2026-04-01",
        },
    )
    assert passed.status_code == 422
    assert passed.json["errors"][0]["field"] == "giver_id"

    loan = api.post(
        "/api/v1/federation-loans",
        {
            "fund": "cif",
            "lender_id": fed.clf.id,
            "borrower_id": fed.shg.id,
            "principal": "60000",
            "rate": "12.00",
            "rate_basis": "per_annum",
            "method": "declining",
            "instalments": 12,
            "frequency": "monthly",
            "disbursed_on": "2026-04-10",
        },
    )
    assert loan.status_code == 201, loan.json
    assert loan.json["schedule"][0]["due_on"] == "2026-05-10"
    assert loan.json["position"]["outstanding"] == "60000.00"

    # One whole monthly period of the schedule (models.interest): 60,000 x 12% / 12 = 600.00,
    # the schedule's first interest
    repaid = api.post(
        f"/api/v1/federation-loans/{loan.json['id']}/repayments",
        {"amount": "5600.00", "value_date": "2026-05-10"},
    )
    assert repaid.status_code == 201, repaid.json
    assert repaid.json["movement"]["interest"] == "600.00"
    assert loan.json["schedule"][0]["interest"] == "600.00"
    assert repaid.json["position"]["outstanding"] == "55000.00"

    used = api.get(f"/api/v1/institutions/{fed.clf.id}/fund-utilisation?as_of=2026-06-30").json
    cif = next(f for f in used["funds"] if f["fund"] == "cif")
    assert (cif["received"], cif["lent"], cif["repaid"], cif["idle"]) == (
        "200000.00",
        "60000.00",
        "5000.00",
        "145000.00",
    )
    listed = api.get(f"/api/v1/institutions/{fed.shg.id}/facilities").json["items"]
    assert [f["fund"] for f in listed] == ["cif"]


def test_bank_cash_credit_through_the_api_with_claim_csv(setup, session, client):
    fed, api = setup
    suggestion = api.get(f"/api/v1/institutions/{fed.shg.id}/drawing-power?dose=1&as_of=2025-10-01")
    assert suggestion.json["corpus"] == "20000.00"
    assert suggestion.json["drawing_power"] == "150000.00"
    body = {
        "shg_id": fed.shg.id,
        "branch_id": fed.branch.id,
        "kind": "cash_credit",
        "dose": 1,
        "sanctioned_on": "2025-10-01",
        "limit": "200000",
        "rate": "11.00",
        "account_number": "CC-77",
    }
    loan = api.post("/api/v1/bank-loans", body, key="sanction-1")
    assert loan.status_code == 201, loan.json
    again = api.post("/api/v1/bank-loans", body, key="sanction-1")
    assert again.json["id"] == loan.json["id"]  # a retry returns the first result

    loan_id = loan.json["id"]
    too_much = api.post(
        f"/api/v1/bank-loans/{loan_id}/draws", {"amount": "150000.01", "value_date": "2025-10-01"}
    )
    assert too_much.status_code == 422
    assert too_much.headers["Content-Type"] == "application/problem+json"
    assert too_much.json["errors"][0]["field"] == "amount"
    api.post(
        f"/api/v1/bank-loans/{loan_id}/draws", {"amount": "100000", "value_date": "2025-10-01"}
    )
    api.post(
        f"/api/v1/bank-loans/{loan_id}/repayments", {"amount": "10000", "value_date": "2025-10-20"}
    )
    interest = api.post(f"/api/v1/bank-loans/{loan_id}/interest", {"through": "2025-10-31"})
    assert interest.json["interest"] == "898.08"

    position = api.get(f"/api/v1/bank-loans/{loan_id}?as_of=2025-10-31").json["position"]
    assert (position["owed"], position["classification"]) == ("90898.08", "standard")

    month = api.get(f"/api/v1/bank-loans/{loan_id}/subvention?from=2025-10-01&to=2025-10-31").json
    # the interest debited on 31 October counts in that day's balance: 2,980,898.08 x 4% / 365
    assert month["total_due_to_bank"] == "326.67"

    bank_api = ApiCaller(client, token(session, Role.BANK_PARTNER, bank_id=fed.branch.bank_id))
    claim = bank_api.get(
        f"/api/v1/banks/{fed.branch.bank_id}/subvention-claims?from=2025-10-01&to=2025-10-31&format=csv"
    )
    assert claim.status_code == 200
    assert claim.mimetype == "text/csv"
    [row] = list(csv.DictReader(io.StringIO(claim.get_data(as_text=True))))
    assert (row["loan_account"], row["subvention_due_to_bank"]) == ("CC-77", "326.67")

    incentive = api.post(
        f"/api/v1/bank-loans/{loan_id}/incentives",
        {
            "period_start": "2025-10-01",
            "period_end": "2025-10-31",
            "amount": "244.93",
            "value_date": "2025-11-15",
        },
    )
    assert incentive.status_code == 201, incentive.json
    assert incentive.json["credited_to"] == "loan_account"


def test_other_clfs_and_banks_see_none_of_it(setup, session, client):
    fed, api = setup
    loan = api.post(
        "/api/v1/bank-loans",
        {
            "shg_id": fed.shg.id,
            "branch_id": fed.branch.id,
            "kind": "term",
            "dose": 1,
            "sanctioned_on": "2025-10-01",
            "limit": "50000",
            "rate": "11.00",
            "account_number": "T-1",
        },
    ).json
    other = make_federation(session, state_code="BR")
    outsider = ApiCaller(client, token(session, Role.BOOKKEEPER, other.clf))
    assert outsider.get(f"/api/v1/bank-loans/{loan['id']}").status_code == 404
    refused = outsider.post(
        f"/api/v1/bank-loans/{loan['id']}/repayments", {"amount": "10", "value_date": "2025-11-01"}
    )
    assert refused.status_code == 404
    grant = outsider.post(
        "/api/v1/grants",
        {
            "fund": "revolving_fund",
            "receiver_id": fed.shg.id,
            "amount": "10",
            "value_date": "2026-04-01",
        },
    )
    assert grant.status_code == 404
    another = banks.create_bank(session, ADMIN, "Another Bank", "ANBK")
    other_bank = ApiCaller(client, token(session, Role.BANK_PARTNER, bank_id=another.id))
    assert (
        other_bank.get(
            f"/api/v1/banks/{fed.branch.bank_id}/subvention-claims?from=2025-10-01&to=2025-10-31"
        ).status_code
        == 403
    )


def _roles(api, book_id):
    items = api.get(f"/api/v1/books/{book_id}/accounts").json["items"]
    return {a["role"]: a["balance"] for a in items if a["role"]}


def test_grants_passed_on_name_their_set_which_reverses_them_in_both_books(setup, session):
    fed, api = setup
    mission = api.post(
        "/api/v1/grants",
        {
            "fund": "revolving_fund",
            "receiver_id": fed.clf.id,
            "amount": "50000",
            "value_date": "2026-04-01",
        },
    )
    assert mission.status_code == 201, mission.json
    # From the mission: one entry in the CLF's book, no set.
    assert mission.json["set_id"] is None
    assert mission.json["entry_ids"] == [mission.json["entry_id"]]

    rf_to_shg = {
        "fund": "revolving_fund",
        "receiver_id": fed.shg.id,
        "giver_id": fed.clf.id,
        "amount": "20000",
        "value_date": "2026-04-05",
    }
    ungraded = api.post("/api/v1/grants", rf_to_shg)
    assert ungraded.status_code == 422
    assert ungraded.json["errors"] == [
        {
            "field": "receiver_id",
            "code": "grant.not_eligible",
            "reason": "Durga SHG has no grading recorded on or before 05-04-2026",
        }
    ]
    grading = api.post(
        f"/api/v1/institutions/{fed.shg.id}/gradings",
        {"graded_on": "2026-04-01", "grade": "A", "score": 88, "graded_by": "CLF committee"},
    )
    assert grading.status_code == 201, grading.json
    assert (grading.json["grade"], grading.json["score"]) == ("A", 88)
    listed = api.get(f"/api/v1/institutions/{fed.shg.id}/gradings").json["items"]
    assert [(g["graded_on"], g["grade"]) for g in listed] == [("2026-04-01", "A")]
    not_an_shg = api.post(
        f"/api/v1/institutions/{fed.clf.id}/gradings",
        {"graded_on": "2026-04-01", "grade": "A", "graded_by": "CLF committee"},
    )
    assert not_an_shg.status_code == 422
    assert not_an_shg.json["errors"][0]["field"] == "institution_id"
    bad_grade = api.post(
        f"/api/v1/institutions/{fed.shg.id}/gradings",
        {"graded_on": "2026-04-01", "grade": "D", "graded_by": "CLF committee"},
    )
    assert bad_grade.status_code == 422

    passed = api.post("/api/v1/grants", rf_to_shg)
    assert passed.status_code == 201, passed.json
    set_id, entry_ids = passed.json["set_id"], passed.json["entry_ids"]
    assert set_id is not None and len(entry_ids) == 2
    assert passed.json["entry_id"] in entry_ids
    shg_book, clf_book = fed.book_id(session, fed.shg), fed.book_id(session, fed.clf)
    # bank_ready_federation's SHG already holds ₹20,000 of RF
    assert _roles(api, shg_book)["revolving_fund"] == "40000.00"

    alone = api.post(f"/api/v1/journal-entries/{passed.json['entry_id']}/reverse", {})
    assert alone.status_code == 409  # a set is undone whole, so the response must name it
    undone = api.post(f"/api/v1/entry-sets/{set_id}/reverse", {})
    assert undone.status_code == 201, undone.json
    assert undone.json["reverses_set_id"] == set_id
    assert {e["reverses_entry_id"] for e in undone.json["entries"]} == set(entry_ids)

    assert _roles(api, shg_book)["revolving_fund"] == "20000.00"
    assert _roles(api, clf_book)["revolving_fund"] == "50000.00"
    listed = api.get(f"/api/v1/institutions/{fed.shg.id}/grants").json["items"]
    assert [(g["set_id"], g["entry_ids"], g["reversed"]) for g in listed] == [
        (set_id, entry_ids, True)
    ]


CIF_LOAN = {
    "fund": "cif",
    "principal": "60000",
    "rate": "12.00",
    "rate_basis": "per_annum",
    "method": "declining",
    "instalments": 12,
    "frequency": "monthly",
    "disbursed_on": "2026-04-10",
}


def test_cif_lending_and_repayments_name_their_sets_which_reverse_newest_first(setup, session):
    fed, api = setup
    api.post(
        "/api/v1/grants",
        {
            "fund": "cif_corpus",
            "receiver_id": fed.clf.id,
            "amount": "200000",
            "value_date": "2026-04-01",
        },
    )
    loan = api.post(
        "/api/v1/federation-loans",
        {**CIF_LOAN, "lender_id": fed.clf.id, "borrower_id": fed.shg.id},
    )
    assert loan.status_code == 201, loan.json
    lent_set = loan.json["disbursement_set_id"]
    assert len(loan.json["disbursement_entry_ids"]) == 2
    assert loan.json["disbursement_entry_id"] in loan.json["disbursement_entry_ids"]
    assert api.get(f"/api/v1/federation-loans/{loan.json['id']}").json["disbursement_set_id"] == (
        lent_set
    )

    repaid = api.post(
        f"/api/v1/federation-loans/{loan.json['id']}/repayments",
        {"amount": "5591.78", "value_date": "2026-05-10"},
    )
    assert repaid.status_code == 201, repaid.json
    movement = repaid.json["movement"]
    assert movement["set_id"] not in (None, lent_set)
    assert len(movement["entry_ids"]) == 2 and movement["entry_id"] in movement["entry_ids"]

    assert api.post(f"/api/v1/entry-sets/{lent_set}/reverse", {}).status_code == 409
    assert api.post(f"/api/v1/entry-sets/{movement['set_id']}/reverse", {}).status_code == 201
    assert api.post(f"/api/v1/entry-sets/{lent_set}/reverse", {}).status_code == 201
    after = api.get(f"/api/v1/federation-loans/{loan.json['id']}").json
    assert after["position"]["status"] == "cancelled"
    assert _roles(api, fed.book_id(session, fed.clf))["cif_loans_to_shgs"] == "0.00"


def test_bank_loan_movements_are_single_entries_without_a_set(setup):
    fed, api = setup
    loan = api.post(
        "/api/v1/bank-loans",
        {
            "shg_id": fed.shg.id,
            "branch_id": fed.branch.id,
            "kind": "cash_credit",
            "dose": 1,
            "sanctioned_on": "2025-10-01",
            "limit": "200000",
            "rate": "11.00",
            "account_number": "CC-78",
        },
    ).json
    drawn = api.post(
        f"/api/v1/bank-loans/{loan['id']}/draws", {"amount": "1000", "value_date": "2025-10-02"}
    )
    assert drawn.status_code == 201, drawn.json
    assert (drawn.json["set_id"], drawn.json["entry_ids"]) == (None, [drawn.json["entry_id"]])
    undone = api.post(f"/api/v1/journal-entries/{drawn.json['entry_id']}/reverse", {})
    assert undone.status_code == 201
