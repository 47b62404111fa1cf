"""Bank loans to SHGs: term loans and cash credit, drawing power, interest, repayments, and the
classification the bank would give (days past due; SMA-0/1/2; NPA; 'out of order')."""

from __future__ import annotations

from datetime import date

import pytest

from app.services import bank_loans
from app.services.errors import Conflict, Invalid
from app.services.reversals import reverse_entry
from tests.factories import ADMIN, Federation, bank_ready_federation

LATER = date(2030, 1, 1)


@pytest.fixture
def fed(session) -> Federation:
    return bank_ready_federation(session)


def new_loan(fed, kind="cash_credit", rupees=200_000, day=date(2025, 10, 1), **kw):
    return bank_loans.NewBankLoan(
        shg_id=fed.shg.id,
        branch_id=fed.branch.id,
        kind=kind,
        dose=1,
        sanctioned_on=day,
        limit_paise=rupees * 100,
        rate_bp=kw.pop("rate_bp", 1100),
        account_number=kw.pop("account_number", "CC-1"),
        **kw,
    )


def sanction(session, fed, **kw):
    return bank_loans.sanction(session, ADMIN, new_loan(fed, **kw), today=LATER)


def test_a_bank_loan_needs_six_months_of_books(session, fed):
    with pytest.raises(Conflict) as early:
        sanction(session, fed, day=date(2025, 9, 30))
    assert "6 months" in early.value.detail
    assert sanction(session, fed, day=date(2025, 10, 1)).kind == "cash_credit"


def test_drawing_power_follows_the_dose_ladder(session, fed):
    # Corpus ₹20,000: dose 1 = higher of 6 x 20,000 and 1,50,000; dose 2 = 8 x ... or 3,00,000
    assert (
        bank_loans.suggested_drawing_power(session, fed.shg.id, 1, date(2025, 10, 1)) == 15_000_000
    )
    assert (
        bank_loans.suggested_drawing_power(session, fed.shg.id, 2, date(2025, 10, 1)) == 30_000_000
    )
    facility = sanction(session, fed)
    position = bank_loans.position(session, facility, date(2025, 10, 1))
    assert (position.drawing_limit_paise, position.status) == (15_000_000, "sanctioned")


def test_cash_credit_draws_stay_within_drawing_power_and_post_to_the_shg(session, fed):
    facility = sanction(session, fed, drawing_power_paise=10_000_000)
    bank_loans.draw(session, ADMIN, facility, 8_000_000, date(2025, 10, 1), today=LATER)
    with pytest.raises(Invalid) as over:
        bank_loans.draw(session, ADMIN, facility, 2_000_001, date(2025, 10, 2), today=LATER)
    assert over.value.problems[0].field == "amount"
    assert "1,00,000.00" in over.value.problems[0].reason

    assert fed.account(session, fed.shg, "bank_loan_payable").balance_paise == 8_000_000
    assert fed.account(session, fed.shg, "bank").balance_paise == 10_000_000


def test_interest_is_charged_on_daily_balances(session, fed):
    facility = sanction(session, fed)
    bank_loans.draw(session, ADMIN, facility, 10_000_000, date(2025, 10, 1), today=LATER)
    bank_loans.repay(session, ADMIN, facility, 1_000_000, date(2025, 10, 20), today=LATER)
    # 19 days at 1,00,000 and 12 days at 90,000 at 11%: 29,80,000 x 11% / 365 = 898.0821...
    charged = bank_loans.charge_interest(session, ADMIN, facility, date(2025, 10, 31), today=LATER)
    assert charged.interest_paise == 89_808
    # The next charge runs from 1 November, on the balance with the interest added.
    start, november = bank_loans.accrued_interest(
        facility, bank_loans.movements(session, facility), date(2025, 11, 30)
    )
    assert start == date(2025, 11, 1)
    assert november == 82_182  # 90,898.08 x 11% x 30 / 365 = 821.818... -> 821.82
    with pytest.raises(Invalid):
        bank_loans.charge_interest(session, ADMIN, facility, date(2025, 10, 31), today=LATER)
    assert fed.account(session, fed.shg, "bank_loan_interest").balance_paise == 89_808
    assert fed.account(session, fed.shg, "bank_loan_payable").balance_paise == 9_089_808


def test_repaying_more_than_is_owed_is_refused(session, fed):
    facility = sanction(session, fed)
    bank_loans.draw(session, ADMIN, facility, 1_000_000, date(2025, 10, 1), today=LATER)
    with pytest.raises(Invalid) as too_much:
        bank_loans.repay(session, ADMIN, facility, 1_000_001, date(2025, 10, 2), today=LATER)
    assert "10,000.00 owed" in too_much.value.problems[0].reason


def test_cash_credit_with_no_credit_goes_sma_then_npa(session, fed):
    facility = sanction(session, fed)
    bank_loans.draw(session, ADMIN, facility, 5_000_000, date(2025, 10, 1), today=LATER)

    def classify(day):
        p = bank_loans.position(session, facility, day)
        return p.days_past_due, p.classification

    assert classify(date(2025, 10, 31)) == (30, "standard")
    assert classify(date(2025, 11, 15)) == (45, "SMA-1")
    assert classify(date(2025, 12, 15)) == (75, "SMA-2")
    assert classify(date(2025, 12, 31)) == (91, "NPA")
    assert "no credit" in bank_loans.position(session, facility, date(2025, 12, 31)).reason


def test_cash_credit_over_its_drawing_power_is_out_of_order(session, fed):
    facility = sanction(session, fed, drawing_power_paise=10_000_000)
    bank_loans.draw(session, ADMIN, facility, 9_000_000, date(2025, 10, 1), today=LATER)
    bank_loans.set_drawing_power(session, ADMIN, facility, 6_000_000, date(2025, 11, 1))
    for day in (date(2025, 11, 10), date(2025, 12, 10)):
        bank_loans.repay(session, ADMIN, facility, 100_000, day, today=LATER)

    position = bank_loans.position(session, facility, date(2025, 12, 15))
    # Over the drawing power of 60,000 every day since 1 November: 45 days in a row.
    assert (position.days_past_due, position.classification) == (45, "SMA-1")
    assert "over the drawing limit" in position.reason


def test_credits_that_do_not_cover_interest_make_a_cash_credit_npa(session, fed):
    facility = sanction(session, fed)
    bank_loans.draw(session, ADMIN, facility, 10_000_000, date(2025, 10, 1), today=LATER)
    for month_end, credit in ((date(2025, 10, 31), 50_000), (date(2025, 11, 30), 50_000)):
        bank_loans.charge_interest(session, ADMIN, facility, month_end, today=LATER)
        bank_loans.repay(session, ADMIN, facility, credit, month_end, today=LATER)
    bank_loans.charge_interest(session, ADMIN, facility, date(2025, 12, 31), today=LATER)
    bank_loans.repay(session, ADMIN, facility, 50_000, date(2025, 12, 31), today=LATER)

    position = bank_loans.position(session, facility, date(2025, 12, 31))
    assert position.classification == "NPA"
    assert "did not cover the interest" in position.reason


def test_term_loan_days_past_due_and_sma_classes(session, fed):
    facility = sanction(session, fed, kind="term", rupees=120_000, instalments=12)
    schedule = bank_loans.schedule_of(session, facility)
    first = schedule[0].principal_paise + schedule[0].interest_paise
    assert schedule[0].due_on == date(2025, 11, 1)
    assert fed.account(session, fed.shg, "bank_loan_payable").balance_paise == 12_000_000
    bank_loans.repay(session, ADMIN, facility, first, date(2025, 11, 1), today=LATER)

    def classify(day):
        p = bank_loans.position(session, facility, day)
        return p.days_past_due, p.classification

    assert classify(date(2025, 12, 1)) == (0, "standard")  # due today is not yet overdue
    assert classify(date(2025, 12, 2)) == (1, "SMA-0")
    assert classify(date(2026, 1, 15)) == (45, "SMA-1")
    assert classify(date(2026, 3, 2)) == (91, "NPA")


def test_a_term_loan_draw_reverses_only_after_its_repayments(session, fed):
    facility = sanction(session, fed, kind="term", rupees=50_000)
    repayment = bank_loans.repay(session, ADMIN, facility, 100_000, date(2025, 11, 1), today=LATER)
    draw = bank_loans.movements(session, facility)[0]
    with pytest.raises(Conflict):
        reverse_entry(session, ADMIN, draw.entry_id, today=LATER)
    reverse_entry(session, ADMIN, repayment.entry_id, today=LATER)
    reverse_entry(session, ADMIN, draw.entry_id, today=LATER)
    assert bank_loans.position(session, facility, date(2025, 12, 1)).status == "cancelled"
    assert fed.account(session, fed.shg, "bank_loan_payable").balance_paise == 0


def test_movements_are_recorded_in_date_order(session, fed):
    facility = sanction(session, fed)
    bank_loans.draw(session, ADMIN, facility, 1_000_000, date(2025, 10, 10), today=LATER)
    with pytest.raises(Invalid) as early:
        bank_loans.repay(session, ADMIN, facility, 100_000, date(2025, 10, 9), today=LATER)
    assert early.value.problems[0].field == "value_date"
    assert "the last was on 2025-10-10" in early.value.problems[0].reason
    with pytest.raises(Invalid) as interest:
        bank_loans.charge_interest(session, ADMIN, facility, date(2025, 10, 9), today=LATER)
    assert interest.value.problems[0].field == "through"
