"""A year (FY 2025-26) in the life of a small CLF: one VO, one SHG of three members.

Worked out by hand:

    2025-04-01  Mission -> CLF: CIF corpus 1,00,000 and RF 20,000 (bank)
    10th of every month, Apr-Mar: each member saves 100 in cash (12 meetings: 3,600)
    2025-07-10  CLF -> SHG: RF 20,000 (linked set): the SHG's books began at the 10 April
                meeting, three months before, and it was graded A on 1 July
    2025-05-01  CLF -> VO: CIF 50,000 at 6% p.a. declining, 10 monthly
    2025-05-02  VO -> SHG: CIF 30,000 at 12% p.a. declining, 10 monthly
    2025-05-10  SHG -> Member 1: 12,000 from CIF, flat 1% a month, 12 monthly (1,000 + 120),
                by bank; she repays at the Jun-Oct meetings (5 x 1,120), then defaults
    2025-06-10  SHG -> Member 2: 6,000 own funds, flat 1% a month, 6 monthly (1,000 + 60),
                by bank; she repays at the Jul-Dec meetings (6 x 1,060): closed
    2025-10-15  Bank cash credit to the SHG: limit and drawing power 50,000 at 11%; 40,000
                drawn. Interest 31 Oct: 40,000 x 11% x 17/365 = 204.93; 30 Nov:
                40,204.93 x 11% x 30/365 = 363.50; 5,000 repaid on 30 Nov, then nothing
    2025-11-01  VO repays CLF 11,500.00: interest for six whole monthly periods of its
                schedule (models.interest), 50,000 x 6% / 12 x 6 = 1,500.00
    2025-11-02  SHG repays VO 6,800.00: interest 30,000 x 12% / 12 x 6 = 1,800.00

    31 March 2026, SHG: cash 15,560.00 (3,600 + 5,600 + 6,360); bank 60,200.00
      (20,000 + 30,000 - 12,000 - 6,000 + 40,000 - 6,800 - 5,000); member loans 7,000.00;
      CIF interest 1,800.00; bank interest 568.43 | savings 3,600.00; CIF payable 25,000.00;
      bank loan 35,568.43; RF 20,000.00; interest from members 960.00 (5 x 120 + 6 x 60).
      Trial balance 85,128.43 = 85,128.43.
    VO: bank 15,300.00 (50,000 - 30,000 - 11,500 + 6,800); CIF lent 25,000.00; CIF interest
      paid 1,500.00 | CIF payable 40,000.00; CIF interest earned 1,800.00. Trial balance
      41,800.00.
    CLF: bank 61,500.00; CIF lent to VO 40,000.00 | CIF corpus 1,00,000.00; RF 0;
      interest earned 1,500.00. Trial balance 1,01,500.00.
    Arrears: Member 1's loan is 142 days past due at the day-end of 31 March (6th
      instalment, due 10 Nov 2025 and unpaid: 10 Nov is day 1), 7,000.00 outstanding, in
      the 90+ bucket at SHG, VO and CLF. The cash credit has had no credit
      for 121 days: NPA.
"""

from __future__ import annotations

from datetime import date

import pytest

from app.services.capital import grants
from app.services.federation import banks
from app.services.ledger.books import book_of
from app.services.ledger.reports import trial_balance
from app.services.lending import arrears, bank_loans, federation_loans, loans, meetings
from models import Account
from models.schedule import Frequency, LoanTerms, Method, RateBasis
from tests.factories import ADMIN, make_federation
from tests.test_capital import graded

LATER = date(2030, 1, 1)
YEAR_END = date(2026, 3, 31)


def grant(session, fund, receiver, rupees, day, giver=None):
    grants.give_grant(
        session,
        ADMIN,
        grants.NewGrant(fund, receiver.id, rupees * 100, day, giver.id if giver else None),
        today=LATER,
    )


def terms(rupees, rate_bp, basis, method, instalments):
    return LoanTerms(rupees * 100, rate_bp, basis, method, instalments, Frequency.MONTHLY)


def meeting_day(month_index):
    year, month = (2025, 4 + month_index) if month_index < 9 else (2026, month_index - 8)
    return date(year, month, 10)


@pytest.fixture
def year(session):
    fed = make_federation(session, members_count=3)
    m1, m2, m3 = fed.members
    grant(session, "cif_corpus", fed.clf, 100_000, date(2025, 4, 1))
    grant(session, "revolving_fund", fed.clf, 20_000, date(2025, 4, 1))
    to_vo = federation_loans.lend(
        session,
        ADMIN,
        federation_loans.NewFederationLoan(
            "cif",
            fed.clf.id,
            fed.vo.id,
            terms(50_000, 600, RateBasis.PER_ANNUM, Method.DECLINING, 10),
            date(2025, 5, 1),
        ),
        today=LATER,
    )
    to_shg = federation_loans.lend(
        session,
        ADMIN,
        federation_loans.NewFederationLoan(
            "cif",
            fed.vo.id,
            fed.shg.id,
            terms(30_000, 1200, RateBasis.PER_ANNUM, Method.DECLINING, 10),
            date(2025, 5, 2),
        ),
        today=LATER,
    )
    loan_1 = m2_loan = None
    for index in range(12):
        day = meeting_day(index)
        lines = []
        for member in (m1, m2, m3):
            repayment = None
            if member is m1 and loan_1 and date(2025, 6, 10) <= day <= date(2025, 10, 10):
                repayment = meetings.RepaymentLine(112_000, loan_1.id)
            if member is m2 and m2_loan and date(2025, 7, 10) <= day <= date(2025, 12, 10):
                repayment = meetings.RepaymentLine(106_000, m2_loan.id)
            lines.append(meetings.MeetingLine(member.id, True, 10_000, repayment=repayment))
        meetings.record_meeting(
            session, ADMIN, meetings.MeetingSheet(fed.shg.id, day, tuple(lines)), today=LATER
        )
        if day == date(2025, 7, 10):
            graded(session, fed.shg, date(2025, 7, 1))
            grant(session, "revolving_fund", fed.shg, 20_000, day, giver=fed.clf)
        if day == date(2025, 5, 10):
            loan_1 = loans.disburse_loan(
                session,
                ADMIN,
                loans.NewLoan(
                    m1.id,
                    terms(12_000, 100, RateBasis.PER_MONTH, Method.FLAT, 12),
                    day,
                    fund_source="cif",
                    via="bank",
                ),
                today=LATER,
            )
        if day == date(2025, 6, 10):
            m2_loan = loans.disburse_loan(
                session,
                ADMIN,
                loans.NewLoan(
                    m2.id, terms(6_000, 100, RateBasis.PER_MONTH, Method.FLAT, 6), day, via="bank"
                ),
                today=LATER,
            )
        if day == date(2025, 10, 10):
            bank = banks.create_bank(session, ADMIN, "Jharkhand Rajya Gramin Bank", "JRGB")
            branch = banks.create_branch(session, ADMIN, bank.id, "Kanke", "JRGB0000101", "JH")
            cash_credit = bank_loans.sanction(
                session,
                ADMIN,
                bank_loans.NewBankLoan(
                    fed.shg.id,
                    branch.id,
                    "cash_credit",
                    1,
                    date(2025, 10, 15),
                    5_000_000,
                    1100,
                    "CC-1",
                    drawing_power_paise=5_000_000,
                ),
                today=LATER,
            )
            bank_loans.draw(session, ADMIN, cash_credit, 4_000_000, date(2025, 10, 15), today=LATER)
            bank_loans.charge_interest(session, ADMIN, cash_credit, date(2025, 10, 31), today=LATER)
            federation_loans.repay(session, ADMIN, to_vo, 1_150_000, date(2025, 11, 1), today=LATER)
            federation_loans.repay(session, ADMIN, to_shg, 680_000, date(2025, 11, 2), today=LATER)
            bank_loans.charge_interest(session, ADMIN, cash_credit, date(2025, 11, 30), today=LATER)
            bank_loans.repay(session, ADMIN, cash_credit, 500_000, date(2025, 11, 30), today=LATER)
    return fed, loan_1, m2_loan, cash_credit


def balances(session, fed, institution):
    """The trial balance, and its rows by account role (members' sub-accounts summed into
    their control account): debit positive, credit negative."""
    report = trial_balance(session, book_of(session, institution.id), YEAR_END)
    figures: dict[str, int] = {}
    for row in report.rows:
        account = row.account
        role = account.role or session.get(Account, account.parent_id).role
        if row.debit_paise or row.credit_paise:
            figures[role] = figures.get(role, 0) + row.debit_paise - row.credit_paise
    return report, figures


def test_the_shg_books_at_year_end(session, year):
    fed, *_ = year
    report, figures = balances(session, fed, fed.shg)
    assert figures == {
        "cash": 1_556_000,
        "bank": 6_020_000,
        "member_loans": 700_000,
        "cif_interest": 180_000,
        "bank_loan_interest": 56_843,
        "member_savings": -360_000,
        "cif_payable": -2_500_000,
        "bank_loan_payable": -3_556_843,
        "revolving_fund": -2_000_000,
        "loan_interest_income": -96_000,
    }
    assert report.total_debit_paise == report.total_credit_paise == 8_512_843


def test_the_vo_and_clf_books_at_year_end(session, year):
    fed, *_ = year
    vo_report, vo = balances(session, fed, fed.vo)
    assert vo == {
        "bank": 1_530_000,
        "cif_loans_to_shgs": 2_500_000,
        "cif_interest": 150_000,
        "cif_payable": -4_000_000,
        "cif_interest_income": -180_000,
    }
    assert vo_report.total_debit_paise == 4_180_000
    clf_report, clf = balances(session, fed, fed.clf)
    assert clf == {
        "bank": 6_150_000,
        "cif_loans_to_vos": 4_000_000,
        "cif_corpus": -10_000_000,
        "cif_interest_income": -150_000,
    }
    assert clf_report.total_debit_paise == 10_150_000


def test_member_balances_and_arrears_at_year_end(session, year):
    fed, loan_1, m2_loan, cash_credit = year
    first = loans.position(session, loan_1, YEAR_END)
    assert (first.outstanding_paise, first.days_past_due, first.status) == (700_000, 142, "active")
    assert loans.position(session, m2_loan, YEAR_END).status == "closed"
    for member in fed.members:
        saved = sum(a.balance_paise for a in member.accounts if a.code.startswith("2100"))
        assert saved == 120_000
    for institution in (fed.shg, fed.vo, fed.clf):
        ageing = arrears.ageing(session, ADMIN, institution.id, YEAR_END)
        over_90 = next(b for b in ageing.buckets if b.bucket == "90+")
        assert (over_90.loans, over_90.outstanding_paise) == (1, 700_000)
    bank = bank_loans.position(session, cash_credit, YEAR_END)
    assert (bank.owed_paise, bank.days_past_due, bank.classification) == (3_556_843, 121, "NPA")
