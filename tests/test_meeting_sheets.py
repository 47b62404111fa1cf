"""Meeting sheets as spreadsheets save them (issue 16): an unquoted `1,500` refused, dates
day first, SHGs and members by code or name; the report's counts agree with its problems."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest

from app.services.lending import loans
from models import Role
from models.schedule import Frequency, LoanTerms, Method, RateBasis
from tests.factories import ADMIN, ApiCaller, funded_shg, make_federation, token
from tests.test_meeting_import import upload

HEADER = "shg_id,meeting_date,member_id,present,savings,fine\n"


@pytest.fixture
def fed_api(session, client):
    fed = funded_shg(session, members_count=3)
    return fed, ApiCaller(client, token(session, Role.BOOKKEEPER, fed.clf))


def balance(api, member_id):
    return api.get(f"/api/v1/members/{member_id}").json["accounts"][0]["balance"]


def test_an_unquoted_thousands_comma_refuses_its_row_and_meeting(fed_api):
    fed, api = fed_api
    s, (m1, m2, _) = fed.shg.id, (m.id for m in fed.members)
    # Row 3: "1,500" unquoted is six values under five headings: read as it was, it would be
    # savings ₹1 and fine ₹500. Row 2 is good, but in the same meeting: refused with it.
    text = HEADER + f"{s},05-06-2026,{m1},yes,100,\n{s},05-06-2026,{m2},yes,1,500,\n"
    for mode in ("dry-run", "apply"):
        report = upload(api, text, mode).json
        assert report["problems"] == [
            {
                "row": 3,
                "column": "",
                "reason": "Row 3 has more values than the header: write amounts without"
                " commas, or put them in quotes",
            }
        ]
        assert (report["posted"], report["refused"], report["rows_with_problems"]) == (0, 1, 1)
    assert balance(api, m2) == "0.00"
    quoted = HEADER + f'{s},05-06-2026,{m1},yes,100,\n{s},05-06-2026,{m2},yes,"1,500",\n'
    assert upload(api, quoted, "dry-run").json["problems"][0]["column"] == "savings"


def test_the_counts_agree_with_the_problems_listed(fed_api):
    fed, api = fed_api
    s, (m1, m2, m3) = fed.shg.id, (m.id for m in fed.members)
    text = HEADER + (
        f"{s},05-06-2026,{m1},yes,100,\n"
        f"x,05-06-2026,{m2},yes,100,\n"  # row 3: an SHG no one is called
        f"{s},12-06-2026,{m3},yes,1.005,\n"  # row 4: three decimals
        f"{s},12-06-2026,{m3},yes,1,2,3\n"  # row 5: two values too many
    )
    report = upload(api, text, "dry-run").json
    rows = sorted({p["row"] for p in report["problems"]})
    assert rows == [3, 4, 5]
    assert report["rows_with_problems"] == len(rows)
    # 5 June posts without the unreadable row 3; 12 June is refused for rows 4 and 5.
    assert (report["rows"], report["meetings"], report["posted"], report["refused"]) == (
        4,
        2,
        1,
        1,
    )


def test_dates_as_spreadsheets_save_them(fed_api):
    fed, api = fed_api
    s, m1 = fed.shg.id, fed.members[0].id
    text = HEADER + (
        f"{s},05/06/2026,{m1},yes,100,\n{s},12-06-2026,{m1},yes,10,\n{s},2026-06-19,{m1},yes,1,\n"
    )
    report = upload(api, text, "apply").json
    assert (report["problems"], report["posted"]) == ([], 3)
    assert balance(api, m1) == "111.00"
    bad = upload(api, HEADER + f"{s},31/31/2026,{m1},yes,1,\n", "dry-run").json
    assert bad["problems"][0]["reason"] == (
        "must be a date such as 05/06/2026, 05-06-2026 or 2026-06-05"
    )


def test_shgs_and_members_by_code_or_name_where_unique(session, fed_api):
    fed, api = fed_api
    fed.shg.code = "SHG-DURGA-7"
    fed.members[0].member_code = "JH-0001"
    fed.members[2].name = "Member 2"  # now two members are called "Member 2"
    # Another state's CLF: not in her scope.
    elsewhere = make_federation(session, state_code="OD", members_count=1)
    elsewhere.shg.name = "Lakshmi SHG"
    session.flush()
    s = fed.shg.id
    text = HEADER + (
        "SHG-DURGA-7,05-06-2026,JH-0001,yes,100,\n"  # row 2: by codes
        "durga shg,05-06-2026,Member 2,yes,10,\n"  # row 3: a name two members share
        "Durga SHG,12-06-2026,member 1,yes,20,\n"  # row 4: by names, in any case
        f"Lakshmi SHG,12-06-2026,{elsewhere.members[0].id},yes,5,\n"  # row 5: not hers
        f"{s},19-06-2026,Nobody,yes,5,\n"  # row 6: no such member
    )
    report = upload(api, text, "dry-run").json
    assert [(p["row"], p["column"], p["reason"]) for p in report["problems"]] == [
        (3, "member_id", "several members are called so: give the number instead"),
        (5, "shg_id", "no SHG called “Lakshmi SHG” in your area"),
        (6, "member_id", "no member called “Nobody” in this SHG"),
    ]
    assert (report["posted"], report["refused"]) == (1, 2)  # 12 June; 5 and 19 June refused
    applied = upload(api, text, "apply").json
    assert applied["posted"] == 1
    assert balance(api, fed.members[0].id) == "20.00"


def test_a_prefilled_sheet_filled_in_and_uploaded_imports_cleanly(session, fed_api):
    fed, api = fed_api
    m1, m2, m3 = fed.members
    m1.member_code = "JH-0001"
    # ₹5,000 lent to Member 2 on 5 April at no interest, ten monthly instalments of ₹500 from
    # 5 May: at the meeting of 5 June two have fallen due and none is paid, ₹1,000 due.
    terms = LoanTerms(5_000_00, 0, RateBasis.PER_MONTH, Method.FLAT, 10, Frequency.MONTHLY)
    loan = loans.disburse_loan(
        session, ADMIN, loans.NewLoan(m2.id, terms, date(2026, 4, 5)), date(2026, 6, 5)
    )
    session.flush()
    s = fed.shg.id
    got = api.get(f"/api/v1/imports/meeting-sheets/{s}?meeting_date=2026-06-05")
    assert got.status_code == 200 and got.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(got.get_data(as_text=True))))
    assert [
        (r["member_id"], r["member_name"], r["member_code"], r["loan_id"], r["repayment_due"])
        for r in rows
    ] == [
        (str(m1.id), "Member 1", "JH-0001", "", ""),
        (str(m2.id), "Member 2", "", str(loan.id), "1000.00"),
        (str(m3.id), "Member 3", "", "", ""),
    ]
    assert rows[1]["loans_running"] == f"{loan.id}: 1000.00 due, 5000.00 outstanding"
    assert {(r["shg_id"], r["meeting_date"], r["present"]) for r in rows} == {
        (str(s), "05/06/2026", "yes")
    }
    # She fills it in: ₹100 saved by each, Member 2 repays what is due, Member 3 was absent.
    for row in rows:
        row["savings"] = "100"
    rows[1]["repayment"] = rows[1]["repayment_due"]
    rows[2]["present"], rows[2]["savings"] = "no", ""
    filled = io.StringIO()
    writer = csv.DictWriter(filled, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    dry = upload(api, filled.getvalue(), "dry-run").json
    assert (dry["problems"], dry["posted"], dry["refused"]) == ([], 1, 0)
    applied = upload(api, filled.getvalue(), "apply").json
    assert (applied["problems"], applied["posted"]) == ([], 1)
    assert (balance(api, m1.id), balance(api, m2.id), balance(api, m3.id)) == (
        "100.00",
        "100.00",
        "0.00",
    )
    position = api.get(f"/api/v1/loans/{loan.id}/position?as_of=2026-06-05").json
    assert (position["outstanding"], position["days_past_due"]) == ("4000.00", 0)


def test_a_prefilled_sheet_only_for_an_shg_she_may_write_to(session, client, fed_api):
    fed, _ = fed_api
    elsewhere = make_federation(session, state_code="OD", members_count=1)
    api = ApiCaller(client, token(session, Role.BOOKKEEPER, elsewhere.clf))
    assert api.get(f"/api/v1/imports/meeting-sheets/{fed.shg.id}").status_code == 404
    auditor = ApiCaller(client, token(session, Role.AUDITOR, fed.district))
    assert auditor.get(f"/api/v1/imports/meeting-sheets/{fed.shg.id}").status_code == 403
