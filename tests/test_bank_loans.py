"""Bank loans to SHGs: term loans and cash credit, drawing power, interest, repayments, and the
classification the bank would give (days past due; SMA-0/1/2; NPA; 'out of order')."""

from __future__ import annotations

from datetime import date

import pytest

from app.services.lending import bank_loans
from app.services.lending.bank_classification import class_on
from app.services.lending.facilities import movements, schedule_of
from app.services.lending.reversals import reverse_entry
from app.services.shared.errors import Conflict, Invalid
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
        facility, movements(session, facility), date(2025, 11, 30)
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


def classify(session, facility, day):
    p = bank_loans.position(session, facility, day)
    return p.days_past_due, p.classification


def instalments_due(session, facility, count):
    return sum(i.principal_paise + i.interest_paise for i in schedule_of(session, facility)[:count])


def test_a_term_loan_is_classified_on_the_circulars_four_dates(session, fed):
    """RBI DOR.STR.REC.68 of 12 Nov 2021: due 31-03 and unpaid, day 1 (SMA-0) on 31-03,
    SMA-1 at the day-end of 30-04, SMA-2 at 30-05, NPA at 29-06 (one day later than the
    service counted before)."""
    facility = sanction(session, fed, kind="term", rupees=120_000, day=date(2025, 12, 31))
    assert [i.due_on for i in schedule_of(session, facility)[:3]] == [
        date(2026, 1, 31),
        date(2026, 2, 28),
        date(2026, 3, 31),
    ]
    bank_loans.repay(
        session,
        ADMIN,
        facility,
        instalments_due(session, facility, 2),
        date(2026, 2, 28),
        today=LATER,
    )

    assert classify(session, facility, date(2026, 3, 30)) == (0, "standard")
    assert classify(session, facility, date(2026, 3, 31)) == (1, "SMA-0")
    assert classify(session, facility, date(2026, 4, 29)) == (30, "SMA-0")
    assert classify(session, facility, date(2026, 4, 30)) == (31, "SMA-1")
    assert classify(session, facility, date(2026, 5, 29)) == (60, "SMA-1")
    assert classify(session, facility, date(2026, 5, 30)) == (61, "SMA-2")
    assert classify(session, facility, date(2026, 6, 28)) == (90, "SMA-2")
    assert classify(session, facility, date(2026, 6, 29)) == (91, "NPA")


def test_an_instalment_paid_on_its_due_date_is_not_overdue(session, fed):
    facility = sanction(session, fed, kind="term", rupees=120_000)
    assert schedule_of(session, facility)[0].due_on == date(2025, 11, 1)
    bank_loans.repay(
        session,
        ADMIN,
        facility,
        instalments_due(session, facility, 1),
        date(2025, 11, 1),
        today=LATER,
    )
    assert classify(session, facility, date(2025, 11, 1)) == (0, "standard")
    assert classify(session, facility, date(2025, 12, 1)) == (1, "SMA-0")  # the second, unpaid


def test_an_npa_stays_npa_until_all_arrears_are_paid(session, fed):
    """Instalments due 1 Nov, 1 Dec, 1 Jan and 1 Feb, none paid: on 13 Feb the oldest is 105
    days past due (NPA since 30 Jan, day 91). Paying two of the four leaves 1 Jan's unpaid,
    44 days: SMA-1 by days, but an NPA is upgraded only when the entire arrears are paid
    (DOR.STR.REC.68 para 10). Paying the other two on 20 Feb upgrades it that day."""
    facility = sanction(session, fed, kind="term", rupees=120_000)
    assert classify(session, facility, date(2026, 2, 13)) == (105, "NPA")

    bank_loans.repay(
        session,
        ADMIN,
        facility,
        instalments_due(session, facility, 2),
        date(2026, 2, 13),
        today=LATER,
    )
    assert classify(session, facility, date(2026, 2, 13)) == (44, "NPA")
    assert classify(session, facility, date(2026, 2, 19)) == (50, "NPA")

    rest = instalments_due(session, facility, 4) - instalments_due(session, facility, 2)
    bank_loans.repay(session, ADMIN, facility, rest, date(2026, 2, 20), today=LATER)
    position = bank_loans.position(session, facility, date(2026, 2, 20))
    assert (position.days_past_due, position.classification) == (0, "standard")
    assert position.classified_since == date(2026, 2, 20)
    assert [(p.label, p.start, p.end) for p in position.history] == [
        ("standard", date(2025, 10, 1), date(2025, 10, 31)),
        ("SMA-0", date(2025, 11, 1), date(2025, 11, 30)),
        ("SMA-1", date(2025, 12, 1), date(2025, 12, 30)),
        ("SMA-2", date(2025, 12, 31), date(2026, 1, 29)),
        ("NPA", date(2026, 1, 30), date(2026, 2, 19)),
        ("standard", date(2026, 2, 20), None),
    ]
    assert class_on(position.history, date(2026, 2, 13)) == "NPA"
    assert class_on(position.history, date(2025, 9, 30)) is None


def over_the_limit_from_1_november(session, fed):
    """₹90,000 drawn on 1 October within a drawing power of ₹1,00,000, cut to ₹60,000 from 1
    November: over it every day from 1 November (day 1 at its day-end). Credits on 10
    November and 10 December keep it from going 90 days without one."""
    facility = sanction(session, fed, drawing_power_paise=10_000_000)
    bank_loans.draw(session, ADMIN, facility, 9_000_000, date(2025, 10, 1), today=LATER)
    bank_loans.set_drawing_power(session, ADMIN, facility, 6_000_000, date(2025, 11, 1))
    for day in (date(2025, 11, 10), date(2025, 12, 10)):
        bank_loans.repay(session, ADMIN, facility, 100_000, day, today=LATER)
    return facility


def test_a_cash_credit_over_its_drawing_limit_is_sma_then_out_of_order(session, fed):
    facility = over_the_limit_from_1_november(session, fed)
    # 31 days without a credit and within the limit: no SMA for a cash credit.
    assert classify(session, facility, date(2025, 10, 31)) == (31, "standard")
    assert classify(session, facility, date(2025, 11, 30)) == (30, "standard")
    assert classify(session, facility, date(2025, 12, 1)) == (31, "SMA-1")
    assert classify(session, facility, date(2025, 12, 30)) == (60, "SMA-1")
    assert classify(session, facility, date(2025, 12, 31)) == (61, "SMA-2")
    assert classify(session, facility, date(2026, 1, 28)) == (89, "SMA-2")
    # 90 days over the limit: out of order, so NPA (it used to stay SMA-2 until day 91).
    ninetieth = bank_loans.position(session, facility, date(2026, 1, 29))
    assert (ninetieth.days_over_limit, ninetieth.classification) == (90, "NPA")
    assert "over the drawing limit for 90 days" in ninetieth.reason
    # Brought within the limit with nothing else in arrears (no interest debited): upgraded.
    bank_loans.repay(session, ADMIN, facility, 3_000_000, date(2026, 2, 5), today=LATER)
    assert classify(session, facility, date(2026, 2, 4)) == (96, "NPA")
    assert classify(session, facility, date(2026, 2, 5))[1] == "standard"


def test_days_without_a_credit_make_no_sma_and_ninety_make_it_out_of_order(session, fed):
    """Drawn on 1 October and nothing credited: day 1 is 1 October, day 90 is 29 December."""
    facility = sanction(session, fed)
    bank_loans.draw(session, ADMIN, facility, 5_000_000, date(2025, 10, 1), today=LATER)

    november = bank_loans.position(session, facility, date(2025, 11, 14))
    assert (november.days_without_credit, november.classification) == (45, "standard")
    assert classify(session, facility, date(2025, 12, 28)) == (89, "standard")
    npa = bank_loans.position(session, facility, date(2025, 12, 29))
    assert (npa.days_without_credit, npa.classification) == (90, "NPA")
    assert "no credit for 90 days" in npa.reason


def short_credits(session, fed):
    """₹1,00,000 drawn on 1 October; the bank debits ₹900 of interest at each month end and
    the SHG credits ₹100 on 31 October and 30 November."""
    facility = sanction(session, fed)
    bank_loans.draw(session, ADMIN, facility, 10_000_000, date(2025, 10, 1), today=LATER)
    for month_end in (date(2025, 10, 31), date(2025, 11, 30)):
        bank_loans.charge_interest(session, ADMIN, facility, month_end, 90_000, today=LATER)
        bank_loans.repay(session, ADMIN, facility, 10_000, month_end, today=LATER)
    return facility


def test_credits_short_of_the_interest_in_ninety_days_make_a_cash_credit_npa(session, fed):
    facility = short_credits(session, fed)
    # 28 December: only 89 days since the draw, the 90-day test does not apply yet.
    assert classify(session, facility, date(2025, 12, 28))[1] == "standard"
    # 29 December: the 90 days 1 October-29 December hold ₹1,800 of interest, ₹200 of credits.
    npa = bank_loans.position(session, facility, date(2025, 12, 29))
    assert npa.classification == "NPA"
    assert "did not cover the interest" in npa.reason


def test_a_credit_on_the_ninetieth_day_itself_counts(session, fed):
    """RBI/2021-2022/158 para 2(ii): the previous 90 days include the day being closed."""
    facility = short_credits(session, fed)
    bank_loans.repay(session, ADMIN, facility, 160_000, date(2025, 12, 29), today=LATER)
    assert classify(session, facility, date(2025, 12, 29))[1] == "standard"


def test_a_cash_credit_npa_is_upgraded_only_when_its_interest_arrears_are_paid(session, fed):
    facility = short_credits(session, fed)
    bank_loans.charge_interest(session, ADMIN, facility, date(2025, 12, 31), 90_000, today=LATER)
    assert classify(session, facility, date(2025, 12, 29))[1] == "NPA"
    bank_loans.repay(session, ADMIN, facility, 170_000, date(2026, 1, 20), today=LATER)
    # 5 February: the 90 days 8 November-5 February hold ₹1,800 of interest (30 November,
    # 31 December) and ₹1,800 of credits (30 November, 20 January): in order again, but of the
    # ₹2,700 debited since the draw only ₹1,900 was credited: still NPA.
    assert classify(session, facility, date(2026, 2, 5))[1] == "NPA"
    bank_loans.repay(session, ADMIN, facility, 80_000, date(2026, 2, 10), today=LATER)
    upgraded = bank_loans.position(session, facility, date(2026, 2, 10))
    assert (upgraded.classification, upgraded.classified_since) == ("standard", date(2026, 2, 10))


def test_two_rates_split_the_shgs_interest_at_the_schemes_limit(session, fed):
    """₹4,00,000 owed all of November 2025 (FY 2025-26: the scheme's limit is ₹3 lakh), 7% to
    the SHG and 11% the bank's rate: 3,00,000 x 7% x 30/365 = 1,726.0274 and 1,00,000 x 11% x
    30/365 = 904.1096, together 2,630.1370 -> ₹2,630.14."""
    facility = sanction(
        session, fed, rupees=400_000, rate_bp=700, bank_rate_bp=1100, drawing_power_paise=40_000_000
    )
    assert (facility.rate_bp, facility.bank_rate_bp) == (700, 1100)
    bank_loans.draw(session, ADMIN, facility, 40_000_000, date(2025, 11, 1), today=LATER)
    charged = bank_loans.charge_interest(session, ADMIN, facility, date(2025, 11, 30), today=LATER)
    assert charged.interest_paise == 263_014


def test_one_rate_is_both_when_the_bank_keeps_none_apart(session, fed):
    facility = sanction(session, fed)
    assert (facility.rate_bp, facility.bank_rate_bp, facility.rates_carried_forward) == (
        1100,
        1100,
        False,
    )


def test_carried_forward_rates_are_confirmed_once(session, fed):
    facility = sanction(session, fed, rupees=400_000, drawing_power_paise=40_000_000)
    with pytest.raises(Conflict):
        bank_loans.confirm_rates(session, ADMIN, facility, 700)
    facility.rates_carried_forward = True  # as migration 0017 leaves a loan recorded before it
    bank_loans.draw(session, ADMIN, facility, 40_000_000, date(2025, 11, 1), today=LATER)
    bank_loans.charge_interest(session, ADMIN, facility, date(2025, 11, 15), today=LATER)
    bank_loans.confirm_rates(session, ADMIN, facility, rate_to_shg_bp=700)
    assert (facility.rate_bp, facility.bank_rate_bp, facility.rates_confirmed_by) == (
        700,
        1100,
        ADMIN.label,
    )
    # Charged through 15 November at the one rate: 4,00,000 x 11% x 15/365 = 1,808.2192 ->
    # 1,808.22, and it stays. From 16 November on 4,01,808.22 owed: 3,00,000 x 7% x 15/365 =
    # 863.0137 and 1,01,808.22 x 11% x 15/365 = 460.2289: 1,323.2426 -> 1,323.24.
    first, later_from = movements(session, facility)[1], date(2025, 11, 30)
    assert first.interest_paise == 180_822
    later = bank_loans.charge_interest(session, ADMIN, facility, later_from, today=LATER)
    assert later.interest_paise == 132_324
    with pytest.raises(Conflict):
        bank_loans.confirm_rates(session, ADMIN, facility, 800)


def test_a_term_loan_draw_reverses_only_after_its_repayments(session, fed):
    facility = sanction(session, fed, kind="term", rupees=50_000)
    repayment = bank_loans.repay(session, ADMIN, facility, 100_000, date(2025, 11, 1), today=LATER)
    draw = movements(session, facility)[0]
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


def test_two_rates_in_a_year_without_parameters_need_the_banks_figure(session, fed):
    """FY 2027-28 has no year file: Bahi cannot tell where the SHG's rate stops, so it asks
    for the bank's figure rather than guess; with the figure, the interest is kept as given."""
    facility = sanction(session, fed, rate_bp=700, bank_rate_bp=1100)
    bank_loans.draw(session, ADMIN, facility, 1_000_000, date(2027, 4, 5), today=LATER)
    with pytest.raises(Conflict) as unknown:
        bank_loans.charge_interest(session, ADMIN, facility, date(2027, 4, 30), today=LATER)
    assert "FY 2027-28" in unknown.value.detail
    given = bank_loans.charge_interest(
        session, ADMIN, facility, date(2027, 4, 30), 5_000, today=LATER
    )
    assert given.interest_paise == 5_000
