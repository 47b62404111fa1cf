"""June 2026 in the books of Durga SHG, entered through the API by the CLF bookkeeper.

Figures worked out by hand:

    Jun  1  Revolving Fund into bank                       bank +15,000.00   RF 15,000.00
    Jun  5  three members save ₹200 each in cash            cash +600.00      savings 600.00
    Jun  5  loan to Member 1 from the bank account           loan +5,000.00   bank -5,000.00
    Jun 12  stationery paid in cash                         expense 150.00    cash -150.00
    Jun 19  Member 1 repays 1,000 principal + 100 interest  cash +1,100.00    loan -1,000.00,
                                                                              income 100.00
    Jun 26  bank credits interest                           bank +45.50       income 45.50
    Jun 30  cash deposited in bank                          bank +1,000.00    cash -1,000.00

    30 June: cash 550.00, bank 11,045.50, loans 4,000.00 | savings 600.00, RF 15,000.00,
             income 145.50, expenses 150.00: trial balance 15,745.50 = 15,745.50.
    Balance sheet: assets 15,595.50 = liabilities 600.00 + funds 15,000.00 + surplus (-4.50).
"""

from __future__ import annotations

import pytest

from models import Role
from tests.factories import ApiCaller, make_federation, token


@pytest.fixture
def june(session, client):
    fed = make_federation(session, members_count=3)
    api = ApiCaller(client, token(session, Role.BOOKKEEPER, fed.clf))
    book = fed.book_id(session, fed.shg)
    accounts = {
        a["role"]: a["id"]
        for a in api.get(f"/api/v1/books/{book}/accounts").json["items"]
        if a["role"]
    }
    member = api.get(f"/api/v1/members/{fed.members[0].id}").json
    savings = [api.get(f"/api/v1/members/{m.id}").json["accounts"][0]["id"] for m in fed.members]
    loan = api.post(f"/api/v1/members/{member['id']}/accounts", {"kind": "loan"}).json["id"]

    def post(day, narration, *lines):
        body = {
            "book_id": book,
            "value_date": f"2026-06-{day:02d}",
            "narration": narration,
            "postings": [{"account_id": a, "side": s, "amount": amt} for a, s, amt in lines],
        }
        response = api.post("/api/v1/journal-entries", body)
        assert response.status_code == 201, response.json
        return response.json

    post(
        1,
        "Revolving Fund received",
        (accounts["bank"], "debit", "15000"),
        (accounts["revolving_fund"], "credit", "15000"),
    )
    for account in savings:
        post(5, "Monthly saving", (accounts["cash"], "debit", "200"), (account, "credit", "200.00"))
    post(5, "Loan to Member 1", (loan, "debit", "5000"), (accounts["bank"], "credit", "5000"))
    post(
        12,
        "Stationery",
        (accounts["admin_expenses"], "debit", "150"),
        (accounts["cash"], "credit", "150"),
    )
    post(
        19,
        "Repayment by Member 1",
        (accounts["cash"], "debit", "1100"),
        (loan, "credit", "1000"),
        (accounts["loan_interest_income"], "credit", "100"),
    )
    post(
        26,
        "Bank interest",
        (accounts["bank"], "debit", "45.50"),
        (accounts["bank_interest_income"], "credit", "45.50"),
    )
    post(
        30,
        "Cash deposited",
        (accounts["bank"], "debit", "1000"),
        (accounts["cash"], "credit", "1000"),
    )
    return api, book, accounts, loan


def test_balances_on_30_june(june):
    api, _, accounts, loan = june
    balance = lambda account, q="": api.get(f"/api/v1/accounts/{account}{q}").json["balance"]  # noqa: E731
    assert balance(accounts["cash"]) == "550.00"
    assert balance(accounts["bank"]) == "11045.50"
    assert balance(loan) == "4000.00"
    assert balance(accounts["member_loans"]) == "4000.00"  # control account: sum of sub-accounts
    assert balance(accounts["member_savings"]) == "600.00"
    assert balance(accounts["cash"], "?as_of=2026-06-15") == "450.00"
    assert balance(accounts["member_savings"], "?as_of=2026-06-04") == "0.00"


def test_trial_balance_nets_to_zero(june):
    api, book, _, _ = june
    tb = api.get(f"/api/v1/books/{book}/trial-balance?as_of=2026-06-30").json
    assert tb["total_debit"] == tb["total_credit"] == "15745.50"
    rows = {r["code"]: (r["debit"], r["credit"]) for r in tb["rows"]}
    assert rows["1100"] == ("550.00", "0.00")
    assert rows["4300"] == ("0.00", "45.50")
    early = api.get(f"/api/v1/books/{book}/trial-balance?as_of=2026-06-01").json
    assert early["total_debit"] == early["total_credit"] == "15000.00"


def test_balance_sheet_and_income_and_expenditure(june):
    api, book, _, _ = june
    bs = api.get(f"/api/v1/books/{book}/balance-sheet?as_of=2026-06-30").json
    assert bs["assets"]["total"] == "15595.50"
    assert {line["code"]: line["amount"] for line in bs["assets"]["lines"]} == {
        "1100": "550.00",
        "1200": "11045.50",
        "1300": "4000.00",
    }
    assert bs["liabilities"]["total"] == "600.00"
    assert bs["funds"]["total"] == "15000.00"
    assert bs["surplus"] == "-4.50"
    assert bs["balances"] is True
    ie = api.get(f"/api/v1/books/{book}/income-expenditure?from=2026-06-01&to=2026-06-30").json
    assert ie["income"]["total"] == "145.50"
    assert ie["expenditure"]["total"] == "150.00"
    assert ie["surplus"] == "-4.50"


def test_cash_statement_with_running_balance_across_pages(june):
    api, _, accounts, _ = june
    url = f"/api/v1/accounts/{accounts['cash']}/statement?from=2026-06-01&to=2026-06-30&limit=4"
    first = api.get(url).json
    assert first["opening_balance"] == "0.00" and first["closing_balance"] == "550.00"
    assert [line["balance"] for line in first["lines"]] == ["200.00", "400.00", "600.00", "450.00"]
    second = api.get(url + f"&after={first['next_after']}").json
    assert [(line["side"], line["amount"], line["balance"]) for line in second["lines"]] == [
        ("debit", "1100.00", "1550.00"),
        ("credit", "1000.00", "550.00"),
    ]
    assert second["next_after"] is None
    mid = api.get(
        f"/api/v1/accounts/{accounts['cash']}/statement?from=2026-06-13&to=2026-06-30"
    ).json
    assert mid["opening_balance"] == "450.00" and mid["lines"][0]["balance"] == "1550.00"


def test_book_journal_and_verification(june):
    api, book, _, _ = june
    entries = api.get(f"/api/v1/books/{book}/entries?limit=5").json
    assert [e["seq"] for e in entries["items"]] == [1, 2, 3, 4, 5]
    rest = api.get(f"/api/v1/books/{book}/entries?after={entries['next_after']}").json
    assert [e["seq"] for e in rest["items"]] == [6, 7, 8, 9]
    report = api.get(f"/api/v1/books/{book}/verification").json
    assert report["ok"] is True and report["entries"] == 9 and report["postings"] == 19


def test_month_end_close_through_the_api(june, session, client):
    api, book, accounts, _ = june
    closed = api.post(f"/api/v1/books/{book}/periods/close", {"month": "2026-06"})
    assert closed.status_code == 201 and closed.json["closed_through_after"] == "2026-06-30"
    late = api.post(
        "/api/v1/journal-entries",
        {
            "book_id": book,
            "value_date": "2026-06-30",
            "narration": "late",
            "postings": [
                {"account_id": accounts["bank"], "side": "debit", "amount": "1"},
                {"account_id": accounts["cash"], "side": "credit", "amount": "1"},
            ],
        },
    )
    assert late.status_code == 422
    assert late.json["errors"] == [
        {
            "field": "value_date",
            "code": "date.in_closed_period",
            "reason": f"book {book} is closed through 2026-06-30",
        }
    ]
    reopen = api.post(
        f"/api/v1/books/{book}/periods/reopen", {"month": "2026-06", "reason": "late bill"}
    )
    assert reopen.status_code == 403
    admin = ApiCaller(client, token(session, Role.ADMIN))
    assert (
        admin.post(
            f"/api/v1/books/{book}/periods/reopen", {"month": "2026-06", "reason": "late bill"}
        ).status_code
        == 201
    )
    assert [e["action"] for e in api.get(f"/api/v1/books/{book}/periods").json["events"]] == [
        "close",
        "reopen",
    ]
