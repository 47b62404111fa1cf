"""Interest subvention, against examples worked out by hand (FY 2025-26 parameters: scheme
rate 7%, cap 5.5% on the first ₹3 lakh, prompt payers a further 3%, ₹3-5 lakh at a flat 5%
in category I districts)."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest

from app.services import bank_loans, subvention
from app.services.errors import Conflict, Invalid
from app.services.reversals import reverse_entry
from models.subvention import financial_year_of, scheme_year
from tests.factories import ADMIN, Federation, bank_ready_federation
from tests.test_bank_loans import LATER, sanction

OCTOBER = (date(2025, 10, 1), date(2025, 10, 31))


@pytest.fixture
def fed(session) -> Federation:
    return bank_ready_federation(session)


def in_category_i(session, fed):
    fed.district.code = "LGD-0541"
    session.flush()


def october_loan(session, fed, credit_in_october=True):
    """₹1,00,000 drawn on 1 October at 11%; ₹10,000 repaid on 20 October: 19 days at
    1,00,000 and 12 days at 90,000, that is 29,80,000 rupee-days."""
    facility = sanction(session, fed)
    bank_loans.draw(session, ADMIN, facility, 10_000_000, date(2025, 10, 1), today=LATER)
    if credit_in_october:
        bank_loans.repay(session, ADMIN, facility, 1_000_000, date(2025, 10, 20), today=LATER)
    return facility


def test_parameters_are_kept_per_financial_year():
    assert financial_year_of(date(2026, 3, 31)) == "2025-26"
    assert financial_year_of(date(2026, 4, 1)) == "2026-27"
    assert scheme_year("2025-26").scheme_rate_bp == 700
    assert len(scheme_year("2021-22").slabs) == 1  # the ₹3-5 lakh slab starts in 2022-23
    assert len(scheme_year("2022-23").slabs) == 2
    assert scheme_year("1999-00") is None


def test_category_i_bank_claims_the_excess_and_a_prompt_payer_earns_three_percent(session, fed):
    in_category_i(session, fed)
    facility = october_loan(session, fed)

    [month] = subvention.loan_subvention(session, facility, *OCTOBER)

    # 29,80,000 x (11% - 7%) / 365 = 326.5753... -> 326.58
    assert month.due_to_bank_paise == 32_658
    # 29,80,000 x 3% / 365 = 244.9315... -> 244.93, credited to the loan account
    assert (month.prompt, month.incentive_paise) == (True, 24_493)
    assert month.incentive_route == "loan_account"
    assert month.average_outstanding_paise == 9_612_903  # 29,80,000 / 31 = 96,129.032...


def test_category_ii_reimburses_only_prompt_payers_through_the_mission(session, fed):
    facility = october_loan(session, fed)
    [month] = subvention.loan_subvention(session, facility, *OCTOBER)
    assert (month.category, month.due_to_bank_paise, month.incentive_paise) == ("II", 0, 32_658)
    assert month.incentive_route == "state_mission"


def test_a_cash_credit_without_a_credit_in_the_month_is_not_prompt(session, fed):
    in_category_i(session, fed)
    facility = october_loan(session, fed, credit_in_october=False)
    [month] = subvention.loan_subvention(session, facility, *OCTOBER)
    # 31 days at 1,00,000 x 4% / 365 = 339.726... -> 339.73; no incentive
    assert (month.prompt, month.due_to_bank_paise, month.incentive_paise) == (False, 33_973, 0)


def test_the_rate_excess_is_capped_and_the_upper_slab_earns_its_flat_rate(session, fed):
    in_category_i(session, fed)
    facility = sanction(session, fed, rupees=500_000, rate_bp=1400, drawing_power_paise=50_000_000)
    bank_loans.draw(session, ADMIN, facility, 40_000_000, date(2025, 11, 1), today=LATER)
    bank_loans.repay(session, ADMIN, facility, 1, date(2025, 11, 30), today=LATER)

    [month] = subvention.loan_subvention(session, facility, date(2025, 11, 1), date(2025, 11, 30))

    # 29 days at 4,00,000 and one at 3,99,999.99. Excess 14% - 7% = 7%, capped at 5.5%:
    # 3,00,000 x 30 x 5.5% / 365 = 1,356.1643...; 1,00,000 x 29 x 5% / 365 = 397.2602...
    # and 99,999.99 x 5% / 365 = 13.6986...: 1,767.1232... -> 1,767.12
    assert month.due_to_bank_paise == 176_712
    # 3,00,000 x 30 x 3% / 365 = 739.7260... -> 739.73
    assert month.incentive_paise == 73_973


def test_a_term_loan_is_prompt_while_each_instalment_is_paid_within_thirty_days(session, fed):
    in_category_i(session, fed)
    facility = sanction(session, fed, kind="term", rupees=120_000)
    first, second = bank_loans.schedule_of(session, facility)[:2]
    bank_loans.repay(
        session,
        ADMIN,
        facility,
        first.principal_paise + first.interest_paise,
        date(2025, 11, 30),
        today=LATER,
    )  # 29 days late: still prompt
    assert subvention.is_prompt(session, facility, date(2025, 10, 1), date(2025, 12, 31))
    assert not subvention.is_prompt(session, facility, date(2025, 10, 1), date(2026, 1, 5))
    bank_loans.repay(
        session,
        ADMIN,
        facility,
        second.principal_paise + second.interest_paise,
        date(2025, 12, 31),
        today=LATER,
    )  # due 1 December, paid on day 30
    assert subvention.is_prompt(session, facility, date(2025, 10, 1), date(2026, 1, 5))


def test_the_claim_report_lists_each_loan_and_month_as_csv(session, fed):
    in_category_i(session, fed)
    facility = october_loan(session, fed)
    rows = subvention.claim(
        session, ADMIN, fed.branch.bank_id, date(2025, 10, 1), date(2025, 12, 31)
    )
    assert [r.month_start.month for r in rows] == [10, 11, 12]
    table = list(csv.DictReader(io.StringIO(subvention.claim_csv(rows))))
    assert table[0]["loan_account"] == facility.account_number
    assert table[0]["subvention_due_to_bank"] == "326.58"
    assert table[0]["prompt_payer"] == "N"  # no credit in November or December
    assert table[0]["prompt_incentive"] == "0.00"
    assert table[1]["average_outstanding"] == "90000.00"


def test_an_incentive_is_posted_once_per_period_and_reverses(session, fed):
    in_category_i(session, fed)
    facility = october_loan(session, fed)
    new = subvention.NewReceipt(facility.id, *OCTOBER, 24_493, date(2025, 11, 15))
    receipt = subvention.receive_incentive(session, ADMIN, facility, new, today=LATER)

    assert receipt.credited_to == "loan_account"
    assert fed.account(session, fed.shg, "subvention_income").balance_paise == 24_493
    assert fed.account(session, fed.shg, "bank_loan_payable").balance_paise == 9_000_000 - 24_493
    with pytest.raises(Conflict):
        subvention.receive_incentive(session, ADMIN, facility, new, today=LATER)
    reverse_entry(session, ADMIN, receipt.entry_id, today=LATER)
    again = subvention.receive_incentive(session, ADMIN, facility, new, today=LATER)
    assert again.amount_paise == 24_493


def test_a_period_without_parameters_is_refused_by_name(session, fed):
    facility = october_loan(session, fed)
    with pytest.raises(Invalid) as missing:
        subvention.loan_subvention(session, facility, date(2019, 4, 1), date(2019, 4, 30))
    assert missing.value.problems[0].field == "period"
