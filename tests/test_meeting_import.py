"""Meeting sheets from CSV: dry run by row, atomic meetings, safe re-upload."""

from __future__ import annotations

import pytest

from models import Role
from tests.factories import ApiCaller, funded_shg, token

HEADER = (
    "shg_id,meeting_date,member_id,present,savings,fine,repayment,new_loan_principal,new_loan_rate,"
    "new_loan_rate_basis,new_loan_method,new_loan_instalments,new_loan_frequency\n"
)


@pytest.fixture
def sheet(session, client):
    fed = funded_shg(session, members_count=3)
    m1, m2, m3 = (m.id for m in fed.members)
    s = fed.shg.id
    good = (
        f"{s},2026-05-05,{m1},yes,100,,,,,,,,\n"
        f"{s},2026-05-05,{m2},yes,100,,,5000,2.00,per_month,declining,10,monthly\n"
        f"{s},2026-05-05,{m3},no,,,,,,,,,\n"
        f"{s},12-05-2026,{m1},yes,50,5,,,,,,,\n"
    )
    api = ApiCaller(client, token(session, Role.BOOKKEEPER, fed.clf))
    return fed, api, (m1, m2, m3), HEADER + good


def upload(api, text, mode, key=None):
    headers = {
        **api.headers,
        "Idempotency-Key": key or f"import-{mode}-{hash(text)}",
        "Content-Type": "text/csv",
    }
    return api.client.post(
        f"/api/v1/imports/meetings?mode={mode}&source=may.csv", data=text.encode(), headers=headers
    )


def test_dry_run_posts_nothing_then_apply_posts_and_reupload_doubles_nothing(sheet):
    _fed, api, (m1, _, _), text = sheet
    dry = upload(api, text, "dry-run").json
    assert (dry["applied"], dry["rows"], dry["meetings"], dry["posted"], dry["problems"]) == (
        False,
        4,
        2,
        2,
        [],
    )
    assert api.get(f"/api/v1/members/{m1}").json["accounts"][0]["balance"] == "0.00"
    applied = upload(api, text, "apply").json
    assert (applied["posted"], applied["already_recorded"]) == (2, 0)
    assert api.get(f"/api/v1/members/{m1}").json["accounts"][0]["balance"] == "150.00"
    again = upload(api, text, "apply", key="second-upload").json
    assert (again["posted"], again["already_recorded"], again["refused"]) == (0, 2, 0)
    assert api.get(f"/api/v1/members/{m1}").json["accounts"][0]["balance"] == "150.00"


def test_problems_are_reported_by_row_and_a_bad_meeting_is_refused_whole(sheet):
    fed, api, (m1, m2, m3), text = sheet
    s = fed.shg.id
    # row 6: three decimals, so the whole June meeting is refused; row 8: she has no loan to
    # repay (a business rule); row 9: not a date
    bad = text + (
        f"{s},2026-06-05,{m1},yes,1.005,,,,,,,,\n"
        f"{s},2026-06-05,{m2},yes,100,,,,,,,,\n"
        f"{s},2026-07-05,{m3},yes,,,900,,,,,,\n"
        f"{s},31-31-2026,{m3},yes,10,,,,,,,,\n"
    )
    report = upload(api, bad, "dry-run").json
    assert (report["meetings"], report["posted"], report["refused"]) == (4, 2, 2)
    assert [(p["row"], p["column"]) for p in report["problems"]] == [
        (6, "savings"),
        (8, "repayment"),
        (9, "meeting_date"),
    ]
    applied = upload(api, bad, "apply").json
    assert applied["posted"] == 2
    assert (
        api.get(f"/api/v1/members/{m2}").json["accounts"][0]["balance"] == "100.00"
    )  # June not posted


def test_missing_columns_and_non_utf8_are_clear_errors(sheet):
    _, api, _, _ = sheet
    report = upload(api, "shg_id,member_id\n1,2\n", "dry-run").json
    assert report["problems"] == [
        {"row": 1, "column": "meeting_date", "reason": "required column missing from the header"}
    ]
    raw = api.client.post(
        "/api/v1/imports/meetings",
        data=b"\xff\xfe\x00bad",
        headers={**api.headers, "Idempotency-Key": "bin", "Content-Type": "text/csv"},
    )
    assert raw.status_code == 422 and raw.json["errors"][0]["field"] == "body"


def test_a_file_the_csv_reader_cannot_read_is_refused_whole(sheet):
    _, api, _, text = sheet
    broken = text + 'x,"unterminated\n'  # a quote never closed: the reader fails at the end
    report = upload(api, broken, "apply").json
    assert (report["posted"], report["meetings"]) == (0, 0)
    assert [p["reason"].startswith("not valid CSV") for p in report["problems"]] == [True]
    carriage = upload(api, text.replace("\n", "\r"), "dry-run").json  # old Mac line ends
    assert carriage["problems"] == [] and carriage["posted"] == 2
