"""A member loan's interest follows its own schedule (issue 14 §1), and her days past due are
counted at day end (§2: RBI DOR.STR.REC.68/21.04.048/2021-22, 12 Nov 2021, `models.overdue`).

Worked by hand. Durga SHG lends ₹10,000 on 1 Jan 2026 at 2% a month, declining balance, 10
monthly instalments (interest per period, the default `interest_basis`). The schedule
(`models.schedule`: EMI 1,113.27, each line's interest the balance × 2%, rounded half up):

    no  due     interest   principal   balance after
     1  01-02     200.00      913.27        9,086.73
     2  01-03     181.73      931.54        8,155.19    (9,086.73 × 2% = 181.7346)
     3  01-04     163.10      950.17        7,205.02
     4  01-05     144.10      969.17        6,235.85
     5  01-06     124.72      988.55        5,247.30
     6  01-07     104.95    1,008.32        4,238.98
     7  01-08      84.78    1,028.49        3,210.49
     8  01-09      64.21    1,049.06        2,161.43
     9  01-10      43.23    1,070.04        1,091.39
    10  01-11      21.83    1,091.39            0.00    (the last instalment is 1,113.22)

Paid on every due date, each repayment covers exactly one whole period on the balance the
schedule expects, so each split is its line (actual/365 charged 10,000 × 24% × 31/365 =
203.84 on 1 Feb, took 909.43 of principal instead of 913.27, and showed her 27 days past due
on 28 Feb).

Paid 10 days late: the first instalment, due 1 Feb, is paid on 11 Feb. Unpaid at the day-end
of 1 Feb she is 1 day past due, on 10 Feb 10 days. On 11 Feb she owes January's whole period
(200.00) and 10 of the 28 days of February's period on the ₹10,000 still outstanding:
10,000 × 2% × 10/28 = 71.4286 → 71.43, so 271.43 of interest; she pays 1,113.27 + 71.43 =
1,184.70: interest 271.43, principal 913.27, and she is current again that day. On 1 Mar she
pays 1,113.27: interest on 9,086.73 for the other 18 days of February's period,
9,086.73 × 2% × 18/28 = 116.8294 → 116.83, principal 996.44. February's period cost her
71.43 + 116.83 = 188.26 against the schedule's 181.73: 6.53, the 10 days' interest on the
913.27 she paid late (913.27 × 2% × 10/28 = 6.5234, a paisa more for rounding in two parts).
"""

from __future__ import annotations

from datetime import date, timedelta
from fractions import Fraction

import pytest

from app.services.credit import credit_history
from app.services.lending import arrears, loan_months
from app.services.lending.meeting_csv import parse_sheets
from models import Role
from models.interest import InterestBasis, InterestTerms, periods_elapsed
from models.loans import MemberLoan
from models.overdue import bucket
from models.schedule import Frequency, RateBasis
from tests.factories import ApiCaller, make_federation, token, transfer

LOAN = {
    "principal": "10000",
    "rate": "2.00",
    "rate_basis": "per_month",
    "method": "declining",
    "instalments": 10,
    "frequency": "monthly",
    "disbursed_on": "2026-01-01",
}
FIRST_LINES = [  # the schedule's first two lines, as worked above
    {"number": 1, "due_on": "2026-02-01", "principal": "913.27", "interest": "200.00"},
    {"number": 2, "due_on": "2026-03-01", "principal": "931.54", "interest": "181.73"},
]
MONTH_ENDS = [date(2026, m + 1, 1) - timedelta(days=1) for m in range(1, 12)]  # Jan..Nov


@pytest.fixture
def shg(session, client):
    """Durga SHG with ₹50,000 of Revolving Fund in cash since 1 Dec 2025."""
    fed = make_federation(session, members_count=3)
    cash, rf = (fed.account(session, fed.shg, r).id for r in ("cash", "revolving_fund"))
    transfer(session, fed.book_id(session, fed.shg), cash, rf, 50_000_00, date(2025, 12, 1))
    return fed, ApiCaller(client, token(session, Role.BOOKKEEPER, fed.clf))


def lend(api, member, **change):
    made = api.post(f"/api/v1/members/{member.id}/loans", {**LOAN, **change})
    assert made.status_code == 201, made.json
    return made.json


def repay(api, loan, amount, day):
    paid = api.post(f"/api/v1/loans/{loan['id']}/repayments", {"amount": amount, "value_date": day})
    assert paid.status_code == 201, paid.json
    return paid.json


def position(api, loan, day):
    return api.get(f"/api/v1/loans/{loan['id']}/position?as_of={day}").json


def test_the_rule_on_the_issues_figures():
    terms = InterestTerms(
        200, RateBasis.PER_MONTH, Frequency.MONTHLY, date(2026, 1, 1), InterestBasis.PER_PERIOD
    )
    jan, feb1, feb11 = date(2026, 1, 1), date(2026, 2, 1), date(2026, 2, 11)
    assert terms.accrued(10_000_00, jan, feb1) == 200_00  # one whole period
    assert terms.accrued(10_000_00, jan, feb11) == 271_43  # 200.00 + 10,000 × 2% × 10/28
    assert terms.accrued(908_673, feb11, date(2026, 3, 1)) == 116_83  # × 2% × 18/28
    assert terms.accrued(10_000_00, feb1, feb1) == 0
    actual = InterestTerms(**{**terms.__dict__, "basis": InterestBasis.ACTUAL_365})
    assert actual.accrued(10_000_00, jan, feb1) == 203_84  # 10,000 × 24% × 31/365


@pytest.mark.parametrize(
    ("lent", "start", "end", "periods"),
    [
        # lent 31 Jan: periods end 28 Feb (28 days), 31 Mar (31 days), 30 Apr (30 days)
        (date(2026, 1, 31), date(2026, 1, 31), date(2026, 2, 28), 1),
        (date(2026, 1, 31), date(2026, 2, 28), date(2026, 3, 31), 1),
        (date(2026, 1, 31), date(2026, 2, 14), date(2026, 3, 31), 1 + Fraction(14, 28)),
        (date(2026, 1, 31), date(2026, 3, 31), date(2026, 4, 15), Fraction(15, 30)),
        # after the schedule's last due date the periods run on at its frequency
        (date(2026, 1, 1), date(2026, 1, 1), date(2027, 1, 1), 12),
    ],
)
def test_periods_are_the_schedules_own(lent, start, end, periods):
    assert periods_elapsed(lent, Frequency.MONTHLY, start, end) == periods


def test_weekly_periods_prorate_by_seven_days():
    lent = date(2026, 4, 1)
    assert periods_elapsed(lent, Frequency.WEEKLY, lent, date(2026, 4, 11)) == Fraction(10, 7)
    assert periods_elapsed(lent, Frequency.FORTNIGHTLY, date(2026, 4, 8), date(2026, 4, 15)) == (
        Fraction(1, 2)
    )


def test_paid_on_every_due_date_she_pays_her_schedule_and_is_never_past_due(session, shg):
    fed, api = shg
    member = fed.members[0]
    loan = lend(api, member)
    assert loan["interest_basis"] == "per_period"
    schedule = loan["schedule"]
    assert [{k: line[k] for k in FIRST_LINES[0]} for line in schedule[:2]] == FIRST_LINES
    assert schedule[0]["total"] == "1113.27" and schedule[-1]["total"] == "1113.22"
    for line in schedule:
        paid = repay(api, loan, line["total"], line["due_on"])
        assert (paid["interest"], paid["principal"]) == (line["interest"], line["principal"])
        assert paid["position"]["days_past_due"] == 0  # at the day-end of her due date
        day_before = (date.fromisoformat(line["due_on"]) - timedelta(days=1)).isoformat()
        assert position(api, loan, day_before)["days_past_due"] == 0
    assert position(api, loan, "2026-11-01")["status"] == "closed"
    for end in MONTH_ENDS:
        assert position(api, loan, end.isoformat())["days_past_due"] == 0, end
        ageing = api.get(f"/api/v1/institutions/{fed.shg.id}/arrears?as_of={end}").json
        assert sum(b["loans"] for b in ageing["buckets"] if b["bucket"] != "current") == 0
    history = credit_history.credit_history(session, member, date(2026, 11, 30))
    [seen] = history.loans
    assert seen.grid == [None] * 25 + [0] * 11  # Jan..Nov 2026: on time every month
    assert (seen.worst_days_past_due, seen.status) == (0, "closed")


def test_paid_ten_days_late_she_pays_the_prorated_interest_and_is_late_ten_days(session, shg):
    fed, api = shg
    member = fed.members[1]
    loan = lend(api, member)
    assert position(api, loan, "2026-01-31")["days_past_due"] == 0
    assert position(api, loan, "2026-02-01")["days_past_due"] == 1  # unpaid at its day-end
    tenth = position(api, loan, "2026-02-10")
    # 200.00 + 10,000 × 2% × 9/28 (64.2857 → 64.29)
    assert (tenth["days_past_due"], tenth["interest_due"]) == (10, "264.29")
    ageing = api.get(f"/api/v1/institutions/{fed.shg.id}/arrears?as_of=2026-02-10").json
    assert {b["bucket"]: b["loans"] for b in ageing["buckets"]}["1-30"] == 1
    paid = repay(api, loan, "1184.70", "2026-02-11")  # 1,113.27 + 71.43
    assert (paid["interest"], paid["principal"]) == ("271.43", "913.27")
    assert paid["position"]["outstanding"] == "9086.73"  # the schedule's balance after no 1
    assert paid["position"]["days_past_due"] == 0
    march = repay(api, loan, "1113.27", "2026-03-01")
    assert (march["interest"], march["principal"]) == ("116.83", "996.44")
    assert march["position"]["days_past_due"] == 0
    [seen] = credit_history.credit_history(session, member, date(2026, 3, 31)).loans
    assert seen.grid[-3:] == [0, 0, 0]  # month ends of Jan, Feb, Mar: late only between them
    # The worst seen is at month ends and today, as a bureau grid records it.
    assert seen.worst_days_past_due == 0


def test_a_flat_loan_charges_its_schedules_interest_whenever_she_pays(shg):
    fed, api = shg
    flat = lend(api, fed.members[2], method="flat", rate="1.00")
    assert flat["schedule"][0]["interest"] == "100.00"  # 10,000 × 1% × 10 months ÷ 10
    assert position(api, flat, "2026-02-10")["days_past_due"] == 10
    paid = repay(api, flat, "1100", "2026-02-11")  # 10 days late: no extra interest
    assert (paid["interest"], paid["principal"]) == ("100.00", "1000.00")
    assert paid["position"]["days_past_due"] == 0


def test_a_lender_may_choose_actual_365(shg):
    fed, api = shg
    loan = lend(api, fed.members[0], interest_basis="actual_365")
    assert loan["interest_basis"] == "actual_365"
    paid = repay(api, loan, "1113.27", "2026-02-01")
    assert (paid["interest"], paid["principal"]) == ("203.84", "909.43")
    # 909.43 of the 913.27 due: she stays past due on principal, as her terms make her
    assert position(api, loan, "2026-02-28")["days_past_due"] == 28


# The circular's dates (paragraph 2 and its Annex): due 31-03 and unpaid, day 1 on 31-03;
# SMA-1 (here "31-60") at the day-end of 30-04, SMA-2 ("61-90") of 30-05, NPA ("90+") of
# 29-06; each the day before is still in the bucket below.
CIRCULAR = [
    (date(2026, 3, 30), 0, "current"),
    (date(2026, 3, 31), 1, "1-30"),
    (date(2026, 4, 29), 30, "1-30"),
    (date(2026, 4, 30), 31, "31-60"),
    (date(2026, 5, 29), 60, "31-60"),
    (date(2026, 5, 30), 61, "61-90"),
    (date(2026, 6, 28), 90, "61-90"),
    (date(2026, 6, 29), 91, "90+"),
]


@pytest.fixture
def due_31_march(session, shg):
    """₹3,000 lent on 31 Dec 2025, 3 monthly instalments due 31 Jan, 28 Feb and 31 Mar 2026
    (the month's end when the day is missing); she pays the first two on their days and never
    the third."""
    fed, api = shg
    member = fed.members[0]
    loan = lend(api, member, principal="3000", instalments=3, disbursed_on="2025-12-31")
    dues = [line["due_on"] for line in loan["schedule"]]
    assert dues == ["2026-01-31", "2026-02-28", "2026-03-31"]
    for line in loan["schedule"][:2]:
        repay(api, loan, line["total"], line["due_on"])
    return fed, api, member, loan


@pytest.mark.parametrize(("day", "days", "band"), CIRCULAR)
def test_a_member_loan_ages_at_day_end_as_the_circular_counts(
    session, due_31_march, day, days, band
):
    fed, api, member, loan = due_31_march
    assert bucket(days) == band
    assert position(api, loan, day.isoformat())["days_past_due"] == days
    ageing = api.get(f"/api/v1/institutions/{fed.shg.id}/arrears?as_of={day}").json
    assert {b["bucket"]: b["loans"] for b in ageing["buckets"]}[band] == 1
    [seen] = credit_history.credit_history(session, member, day).loans
    assert (seen.grid[-1], seen.overdue_days) == (days, days)  # the running month ends today
    # the in-memory rule (credit histories, batch features) gives the SQL rule's figure
    held = session.get_one(MemberLoan, loan["id"])
    [months] = loan_months.loan_months(session, MemberLoan.id == held.id, day).values()
    assert months.days_past_due(day, months.outstanding(day)) == days
    assert arrears.days_past_due(session, held, day) == days
    assert arrears.standing_of(session, [held.id], day)[held.id][1] == days


def test_the_credit_history_grid_ages_her_by_month_ends(session, due_31_march):
    _, _, member, _ = due_31_march
    [seen] = credit_history.credit_history(session, member, date(2026, 6, 30)).loans
    # 31 Jan, 28 Feb paid on the day; 31 Mar day 1; 30 Apr day 31; 31 May day 62; 30 Jun day 92
    assert seen.grid[-6:] == [0, 0, 1, 31, 62, 92]
    assert [bucket(d) for d in seen.grid[-4:]] == ["1-30", "31-60", "61-90", "90+"]


def test_sql_and_in_memory_days_past_due_agree_every_day(session, due_31_march):
    """Every day from the loan's first due date to past 90 days: the same figure three ways."""
    _, _, _, loan = due_31_march
    held = session.get_one(MemberLoan, loan["id"])
    day = date(2026, 1, 30)
    while day <= date(2026, 7, 5):
        [months] = loan_months.loan_months(session, MemberLoan.id == held.id, day).values()
        in_memory = months.days_past_due(day, months.outstanding(day))
        assert in_memory == arrears.days_past_due(session, held, day), day
        assert in_memory == arrears.standing_of(session, [held.id], day)[held.id][1], day
        day += timedelta(days=3)


def test_a_meeting_lends_on_the_basis_its_line_names(shg):
    fed, api = shg
    terms = {k: v for k, v in LOAN.items() if k != "disbursed_on"}
    lines = [
        {"member_id": fed.members[0].id, "new_loan": terms},
        {"member_id": fed.members[1].id, "new_loan": {**terms, "interest_basis": "actual_365"}},
    ]
    meeting = api.post(
        "/api/v1/meetings", {"shg_id": fed.shg.id, "meeting_date": "2026-01-01", "lines": lines}
    )
    assert meeting.status_code == 201, meeting.json
    made = [api.get(f"/api/v1/loans/{m['loan_id']}").json for m in meeting.json["new_loans"]]
    assert [m["interest_basis"] for m in made] == ["per_period", "actual_365"]


def test_the_meeting_sheet_reads_the_basis_column():
    header = (
        "shg_id,meeting_date,member_id,new_loan_principal,new_loan_rate,new_loan_rate_basis,"
        "new_loan_method,new_loan_instalments,new_loan_frequency,new_loan_interest_basis\n"
    )
    terms = "5000,2.00,per_month,declining,10,monthly"
    parsed = parse_sheets(
        header
        + f"1,2026-05-05,1,{terms},\n1,2026-05-05,2,{terms},actual_365\n"
        + f"2,2026-05-05,3,{terms},daily\n",
        "test",
    )
    [sheet] = parsed.sheets
    bases = [line.new_loan.interest_basis for line in sheet.lines if line.new_loan]
    assert bases == [InterestBasis.PER_PERIOD, InterestBasis.ACTUAL_365]
    [problem] = parsed.problems
    assert (problem.row, problem.column) == (4, "new_loan_interest_basis")
    assert "per_period, actual_365" in problem.reason
