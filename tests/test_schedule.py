"""Loan schedules: hand-worked examples, and a cross-check against numpy-financial."""

from __future__ import annotations

from datetime import date

import numpy_financial as npf
import pytest
from hypothesis import given
from hypothesis import strategies as st

from models.schedule import (
    PERIODS_PER_YEAR,
    Frequency,
    LoanTerms,
    Method,
    RateBasis,
    TermsError,
    add_months,
    build_schedule,
)


def terms(**kw):
    base = dict(
        principal_paise=12_000_00,
        rate_bp=200,
        rate_basis=RateBasis.PER_MONTH,
        method=Method.DECLINING,
        instalments=12,
        frequency=Frequency.MONTHLY,
    )
    return LoanTerms(**{**base, **kw})


def test_declining_twelve_months_at_two_percent_a_month():
    """₹12,000 at 2% a month: EMI 12000·0.02/(1−1.02⁻¹²) = 1134.7152 → ₹1,134.72.
    Month 1: interest 240.00, principal 894.72, balance 11,105.28.
    Month 2: interest 11,105.28 × 2% = 222.1056 → 222.11, principal 912.61, balance 10,192.67."""
    rows = build_schedule(terms(), date(2026, 4, 10))
    assert [(r.interest_paise, r.principal_paise, r.balance_after_paise) for r in rows[:2]] == [
        (240_00, 894_72, 11_105_28),
        (222_11, 912_61, 10_192_67),
    ]
    assert all(r.total_paise == 1_134_72 for r in rows[:-1])
    assert sum(r.principal_paise for r in rows) == 12_000_00 and rows[-1].balance_after_paise == 0
    assert rows[0].due_on == date(2026, 5, 10) and rows[-1].due_on == date(2027, 4, 10)


def test_flat_ten_months_at_one_percent_a_month():
    """₹10,000 flat at 1% a month for 10 months: ₹100 interest and ₹1,000 principal each month."""
    rows = build_schedule(
        terms(principal_paise=10_000_00, rate_bp=100, method=Method.FLAT, instalments=10),
        date(2026, 4, 1),
    )
    assert {(r.principal_paise, r.interest_paise) for r in rows} == {(1_000_00, 100_00)}


def test_flat_rounding_falls_on_the_last_instalment():
    rows = build_schedule(
        terms(
            principal_paise=1_000_00,
            rate_bp=2400,
            rate_basis=RateBasis.PER_ANNUM,
            method=Method.FLAT,
            instalments=3,
        ),
        date(2026, 4, 1),
    )
    # interest 1000 × 2% × 3 = 60.00 → 20.00 each; principal 333.33, 333.33, 333.34
    assert [(r.principal_paise, r.interest_paise) for r in rows] == [
        (333_33, 20_00),
        (333_33, 20_00),
        (333_34, 20_00),
    ]


def test_weekly_and_fortnightly_rates_and_dates():
    weekly = build_schedule(
        terms(
            rate_bp=2600, rate_basis=RateBasis.PER_ANNUM, frequency=Frequency.WEEKLY, instalments=52
        ),
        date(2026, 4, 1),
    )
    assert weekly[0].interest_paise == 60_00  # 12,000 × 26% / 52 = 60.00
    assert weekly[1].due_on == date(2026, 4, 15)
    fortnightly = build_schedule(
        terms(frequency=Frequency.FORTNIGHTLY, instalments=26), date(2026, 4, 1)
    )
    assert fortnightly[0].interest_paise == 110_77  # 12,000 × 24% / 26 = 110.769..
    assert fortnightly[0].due_on == date(2026, 4, 15)


def test_month_ends_clamp():
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2028, 1, 31), 1) == date(2028, 2, 29)
    assert add_months(date(2026, 11, 30), 3) == date(2027, 2, 28)


def test_moratorium_capitalises_interest_on_declining_loans():
    rows = build_schedule(terms(instalments=12, moratorium_periods=2), date(2026, 4, 10))
    assert rows[0].number == 3 and rows[0].due_on == date(2026, 7, 10) and len(rows) == 10
    # 12,000 grows by 2% twice: 12,240.00 then 12,484.80 is repaid over 10 instalments
    assert sum(r.principal_paise for r in rows) == 12_484_80
    assert rows[0].interest_paise == 249_70


def test_zero_rate_and_a_bullet_loan():
    free = build_schedule(terms(rate_bp=0, instalments=3, principal_paise=100), date(2026, 4, 1))
    assert [r.principal_paise for r in free] == [33, 33, 34] and {
        r.interest_paise for r in free
    } == {0}
    bullet = build_schedule(terms(instalments=3, moratorium_periods=3), date(2026, 4, 1))
    assert len(bullet) == 1 and bullet[0].balance_after_paise == 0


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"principal_paise": 0}, "principal"),
        ({"instalments": 0}, "instalments"),
        ({"rate_bp": 10_000}, "rate"),
        ({"moratorium_periods": 13}, "moratorium_periods"),
    ],
)
def test_impossible_terms_name_the_term(change, field):
    with pytest.raises(TermsError) as caught:
        build_schedule(terms(**change), date(2026, 4, 1))
    assert caught.value.field == field


@given(
    principal=st.integers(1_000_00, 5_00_000_00),
    rate_bp=st.integers(1, 3600),
    count=st.integers(1, 60),
    frequency=st.sampled_from(list(Frequency)),
)
def test_declining_schedule_matches_numpy_financial(principal, rate_bp, count, frequency):
    loan = terms(
        principal_paise=principal,
        rate_bp=rate_bp,
        rate_basis=RateBasis.PER_ANNUM,
        instalments=count,
        frequency=frequency,
    )
    rows = build_schedule(loan, date(2026, 4, 1))
    rate = rate_bp / 10_000 / PERIODS_PER_YEAR[frequency]  # floats only on numpy's side
    assert abs(rows[0].total_paise - npf.pmt(rate, count, -principal)) <= 1
    for row in rows[:-1]:
        expected = npf.ipmt(rate, row.number, count, -principal)
        assert abs(row.interest_paise - expected) <= 1 + row.number // 10
    assert sum(r.principal_paise for r in rows) == principal
