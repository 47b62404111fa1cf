"""Durga SHG's meetings recorded as the register has them, one line per member.

5 May: all three save ₹100; Member 2 takes ₹5,000 at 2% a month, declining, 10 months.
5 Jun: Member 1 saves ₹100 and pays a ₹10 fine for coming late; Member 2 repays ₹600
       (interest for one whole monthly period, 5,000 × 2% = 100.00, principal 500.00: her
       first instalment is 556.63, so she pays ahead); Member 3 is absent.
Cash: 15,000 (RF) + 300 − 5,000 on 5 May; + 100 + 10 + 600 on 5 Jun = 11,010.00.
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from models import Book, Meeting, MemberLoan, Role
from tests.factories import ApiCaller, funded_shg, make_federation, token

NEW_LOAN = {
    "principal": "5000",
    "rate": "2.00",
    "rate_basis": "per_month",
    "method": "declining",
    "instalments": 10,
    "frequency": "monthly",
    "purpose": "goats",
}


@pytest.fixture
def shg(session, client):
    fed = funded_shg(session, members_count=3)
    api = ApiCaller(client, token(session, Role.BOOKKEEPER, fed.clf))
    return fed, api, [m.id for m in fed.members]


@pytest.fixture
def two_meetings(shg):
    fed, api, (m1, m2, m3) = shg
    may = api.post(
        "/api/v1/meetings",
        {
            "shg_id": fed.shg.id,
            "meeting_date": "2026-05-05",
            "lines": [
                {"member_id": m1, "savings": "100"},
                {"member_id": m2, "savings": "100", "new_loan": NEW_LOAN},
                {"member_id": m3, "savings": "100"},
            ],
        },
    )
    assert may.status_code == 201, may.json
    june = api.post(
        "/api/v1/meetings",
        {
            "shg_id": fed.shg.id,
            "meeting_date": "2026-06-05",
            "lines": [
                {"member_id": m1, "savings": "100", "fine": "10"},
                {"member_id": m2, "repayment": {"amount": "600"}},
                {"member_id": m3, "present": False},
            ],
        },
    )
    assert june.status_code == 201, june.json
    return fed, api, (m1, m2, m3), may.json, june.json


def balances(api, fed, session):
    accounts = api.get(f"/api/v1/books/{fed.book_id(session, fed.shg)}/accounts").json["items"]
    return {a["role"]: a["balance"] for a in accounts if a["role"]}


def test_meetings_post_every_line(session, two_meetings):
    fed, api, (m1, m2, m3), may, june = two_meetings
    assert (may["members_present"], june["members_present"], june["members_total"]) == (3, 2, 3)
    # collections post as one entry per meeting; each new loan is its own disbursement
    assert len(may["entries"]) == 2 and len(june["entries"]) == 1
    (june_entry,) = june["entries"]
    assert (
        june_entry["postings"][0]["side"] == "debit"
        and june_entry["postings"][0]["amount"] == "710.00"
    )
    assert {a["member_id"]: a["present"] for a in june["attendance"]} == {
        m1: True,
        m2: True,
        m3: False,
    }
    book = balances(api, fed, session)
    assert (book["cash"], book["member_savings"], book["member_loans"]) == (
        "11010.00",
        "400.00",
        "4500.00",
    )
    assert (book["fines_income"], book["loan_interest_income"]) == ("10.00", "100.00")


def test_a_meeting_names_the_loans_it_made_and_how_each_repayment_was_split(two_meetings):
    _, api, (_, m2, _), may, june = two_meetings
    (made,) = may["new_loans"]
    assert (made["member_id"], made["principal"]) == (m2, "5000.00")
    assert made["disbursement_entry_id"] in {e["id"] for e in may["entries"]}
    assert may["repayments"] == [] and june["new_loans"] == []
    loan = api.get(f"/api/v1/loans/{made['loan_id']}?as_of=2026-06-05").json
    assert (loan["member_id"], loan["disbursement_entry_id"]) == (m2, made["disbursement_entry_id"])
    # 5 Jun: ₹600 is one period's interest, 5,000 x 2% = 100.00, then principal 500.00
    (june_entry,) = june["entries"]
    assert june["repayments"] == [
        {
            "member_id": m2,
            "loan_id": made["loan_id"],
            "penalty": "0.00",
            "interest": "100.00",
            "principal": "500.00",
            "entry_id": june_entry["id"],
        }
    ]
    assert loan["position"]["outstanding"] == "4500.00"
    read = api.get(f"/api/v1/meetings/{june['id']}").json
    assert (read["repayments"], read["new_loans"]) == (june["repayments"], [])


def test_a_meeting_with_bad_lines_names_them_all_and_posts_nothing(session, two_meetings):
    fed, api, (m1, m2, m3), _, _ = two_meetings
    book = session.get(Book, fed.book_id(session, fed.shg))
    seq_before = book.last_seq
    lines = [
        {"member_id": m1, "savings": "100"},
        {"member_id": m2, "new_loan": {**NEW_LOAN, "principal": "50000"}},
        {"member_id": m3, "repayment": {"amount": "50"}},
    ]
    meeting = {"shg_id": fed.shg.id, "meeting_date": "2026-07-05"}
    refused = api.post("/api/v1/meetings", {**meeting, "lines": [*lines, {"member_id": 999999}]})
    assert refused.status_code == 422
    assert [e["field"] for e in refused.json["errors"]] == ["lines[3].member_id"]
    refused = api.post("/api/v1/meetings", {**meeting, "lines": lines})
    assert refused.status_code == 422
    problems = {e["field"]: e["reason"] for e in refused.json["errors"]}
    assert set(problems) == {"lines[1].new_loan.principal", "lines[2].repayment.loan_id"}
    assert "below zero" in problems["lines[1].new_loan.principal"]
    assert problems["lines[2].repayment.loan_id"] == "she has no loan running"
    session.expire_all()
    assert session.get(Book, book.id).last_seq == seq_before
    assert (
        session.scalar(
            select(func.count())
            .select_from(Meeting)
            .where(Meeting.meeting_date == date(2026, 7, 5))
        )
        == 0
    )


def test_schema_errors_name_the_line(shg):
    fed, api, (m1, _, _) = shg
    refused = api.post(
        "/api/v1/meetings",
        {
            "shg_id": fed.shg.id,
            "meeting_date": "2026-05-05",
            "lines": [
                {"member_id": m1, "savings": 100},
                {"member_id": m1, "new_loan": {**NEW_LOAN, "rate": "two"}},
            ],
        },
    )
    assert refused.status_code == 422
    assert {e["field"] for e in refused.json["errors"]} == {
        "lines[0].savings",
        "lines[1].new_loan.rate",
    }


def test_a_meeting_is_recorded_once_until_reversed(session, two_meetings):
    fed, api, (m1, _, _), _, june = two_meetings
    again = api.post(
        "/api/v1/meetings",
        {
            "shg_id": fed.shg.id,
            "meeting_date": "2026-06-05",
            "lines": [{"member_id": m1, "savings": "5"}],
        },
    )
    assert again.status_code == 409 and "already recorded" in again.json["detail"]
    reversed_ = api.post(f"/api/v1/meetings/{june['id']}/reverse", {})
    # 201 like every other reversal, with the reversal it posted
    assert reversed_.status_code == 201 and reversed_.json["reversed_by"].startswith("token:")
    (june_entry,) = june["entries"]
    (mirror,) = reversed_.json["reversal_entries"]
    assert mirror["reverses_entry_id"] == june_entry["id"]
    assert api.get(f"/api/v1/meetings/{june['id']}").json["reversal_entries"] == [mirror]
    assert balances(api, fed, session)["cash"] == "10300.00"
    redo = api.post(
        "/api/v1/meetings",
        {
            "shg_id": fed.shg.id,
            "meeting_date": "2026-06-05",
            "lines": [{"member_id": m1, "savings": "5"}],
        },
    )
    assert redo.status_code == 201 and redo.json["revision"] == 1
    assert api.post(f"/api/v1/meetings/{june['id']}/reverse", {}).status_code == 409


def test_another_clf_cannot_record_or_read(session, client, two_meetings):
    fed, _, (m1, _, _), may, _ = two_meetings
    other = make_federation(session, "BR")
    stranger = ApiCaller(client, token(session, Role.BOOKKEEPER, other.clf))
    assert stranger.get(f"/api/v1/meetings/{may['id']}").status_code == 404
    refused = stranger.post(
        "/api/v1/meetings",
        {
            "shg_id": fed.shg.id,
            "meeting_date": "2026-07-05",
            "lines": [{"member_id": m1, "savings": "5"}],
        },
    )
    assert refused.status_code == 404


def test_a_repayment_must_name_one_of_her_own_loans(session, two_meetings):
    fed, api, (m1, m2, _), _, _ = two_meetings
    loan_of_m2 = session.scalar(select(MemberLoan.id).where(MemberLoan.member_id == m2))
    line = {"member_id": m1, "repayment": {"amount": "100", "loan_id": loan_of_m2}}
    refused = api.post(
        "/api/v1/meetings", {"shg_id": fed.shg.id, "meeting_date": "2026-07-05", "lines": [line]}
    )
    assert refused.status_code == 422
    assert refused.json["errors"] == [
        {
            "field": "lines[0].repayment.loan_id",
            "code": "loan.not_found",
            "reason": f"she has no loan {loan_of_m2}",
        }
    ]
