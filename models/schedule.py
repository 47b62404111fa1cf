"""Loan repayment schedules, computed exactly (fractions, then rounded to the paisa by rule).

Conventions, stated once:
- Rates are whole basis points (2% a month = 200, 24% a year = 2400), per month or per annum.
  A per-month rate is converted to a yearly one (×12) and then to the instalment period
  (÷12, ÷26 or ÷52 for monthly, fortnightly or weekly instalments).
- Declining balance: equal instalments (EMI) rounded half up to the paisa; each period's
  interest is the balance times the periodic rate, rounded half up; the last instalment
  clears whatever principal is left, so principal always sums to the amount lent.
- Flat: interest on the original principal for the whole tenure, spread evenly; principal
  spread evenly; rounding differences fall on the last instalment.
- Moratorium: no instalment falls due for that many periods; on a declining loan the
  interest of those periods is added to the principal that is then repaid (capitalised),
  on a flat loan it is charged on the original principal like every other period.
- Periods: period k runs from due date k-1 (the disbursement for k = 1) to due date k.
  Interest charged between repayments (`models.interest`) is counted on these same periods,
  so a repayment on its due date pays this schedule's interest.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from fractions import Fraction

MAX_INSTALMENTS = 520  # ten years of weekly instalments
MAX_RATE_BP = 6000  # 60% a year, or 60% a month before conversion: well above any SHG rate


class RateBasis(StrEnum):
    PER_MONTH = "per_month"
    PER_ANNUM = "per_annum"


class Method(StrEnum):
    FLAT = "flat"
    DECLINING = "declining"


class Frequency(StrEnum):
    WEEKLY = "weekly"
    FORTNIGHTLY = "fortnightly"
    MONTHLY = "monthly"


PERIODS_PER_YEAR = {Frequency.WEEKLY: 52, Frequency.FORTNIGHTLY: 26, Frequency.MONTHLY: 12}


class TermsError(ValueError):
    """Loan terms that cannot be scheduled; `field` names the term at fault."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


def yearly_rate(rate_bp: int, rate_basis: RateBasis) -> Fraction:
    """The rate a year, as a fraction (a per-month rate × 12)."""
    return Fraction(rate_bp * (12 if rate_basis is RateBasis.PER_MONTH else 1), 10_000)


def periodic_rate(rate_bp: int, rate_basis: RateBasis, frequency: Frequency) -> Fraction:
    """The rate of one instalment period: the yearly rate ÷ 12, 26 or 52."""
    return yearly_rate(rate_bp, rate_basis) / PERIODS_PER_YEAR[frequency]


@dataclass(frozen=True)
class LoanTerms:
    principal_paise: int
    rate_bp: int
    rate_basis: RateBasis
    method: Method
    instalments: int
    frequency: Frequency
    moratorium_periods: int = 0

    def columns(self) -> dict[str, int | str]:
        """The terms as the columns a loan table stores them in (all but the principal, whose
        column each table names for itself)."""
        return {
            "rate_bp": self.rate_bp,
            "rate_basis": self.rate_basis.value,
            "method": self.method.value,
            "frequency": self.frequency.value,
            "instalments": self.instalments,
            "moratorium_periods": self.moratorium_periods,
        }

    def check(self) -> None:
        if self.principal_paise <= 0:
            raise TermsError("principal", "must be more than zero")
        if not 0 <= self.rate_bp <= MAX_RATE_BP:
            raise TermsError("rate", f"must be between 0 and {MAX_RATE_BP / 100:.0f}%")
        if not 1 <= self.instalments <= MAX_INSTALMENTS:
            raise TermsError("instalments", f"must be 1 to {MAX_INSTALMENTS}")
        if not 0 <= self.moratorium_periods <= self.instalments:
            raise TermsError(
                "moratorium_periods", "must be between 0 and the number of instalments"
            )

    @property
    def periodic_rate(self) -> Fraction:
        return periodic_rate(self.rate_bp, self.rate_basis, self.frequency)


@dataclass(frozen=True)
class Instalment:
    number: int
    due_on: date
    principal_paise: int
    interest_paise: int
    balance_after_paise: int

    @property
    def total_paise(self) -> int:
        return self.principal_paise + self.interest_paise


def round_half_up(value: Fraction) -> int:
    """Nearest whole paisa, halves away from zero."""
    sign = -1 if value < 0 else 1
    return sign * int(abs(value) + Fraction(1, 2))


def add_months(day: date, months: int) -> date:
    """Same day `months` later, clamped to the month's end (31 Jan + 1 month = 28/29 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def due_date(disbursed_on: date, frequency: Frequency, period: int) -> date:
    if frequency is Frequency.MONTHLY:
        return add_months(disbursed_on, period)
    return disbursed_on + timedelta(days=(7 if frequency is Frequency.WEEKLY else 14) * period)


def equal_instalment(principal: int, rate: Fraction, count: int) -> int:
    """EMI = P·r / (1 − (1+r)^−n), exactly, rounded half up; P/n when the rate is zero."""
    if rate == 0:
        return round_half_up(Fraction(principal, count))
    growth = (1 + rate) ** count
    return round_half_up(principal * rate * growth / (growth - 1))


def _declining(terms: LoanTerms, disbursed_on: date) -> list[Instalment]:
    rate = terms.periodic_rate
    balance = terms.principal_paise
    for _ in range(terms.moratorium_periods):
        balance += round_half_up(balance * rate)
    paying = terms.instalments - terms.moratorium_periods
    emi = equal_instalment(balance, rate, paying) if paying else 0
    out = []
    for n in range(terms.moratorium_periods + 1, terms.instalments + 1):
        interest = round_half_up(balance * rate)
        principal = balance if n == terms.instalments else min(balance, emi - interest)
        balance -= principal
        out.append(
            Instalment(n, due_date(disbursed_on, terms.frequency, n), principal, interest, balance)
        )
    return out


def _flat(terms: LoanTerms, disbursed_on: date) -> list[Instalment]:
    total_interest = round_half_up(terms.principal_paise * terms.periodic_rate * terms.instalments)
    paying = terms.instalments - terms.moratorium_periods
    principal_each = terms.principal_paise // paying
    interest_each = total_interest // paying
    balance, out = terms.principal_paise, []
    for i, n in enumerate(range(terms.moratorium_periods + 1, terms.instalments + 1)):
        last = i == paying - 1
        principal = balance if last else principal_each
        interest = total_interest - interest_each * (paying - 1) if last else interest_each
        balance -= principal
        out.append(
            Instalment(n, due_date(disbursed_on, terms.frequency, n), principal, interest, balance)
        )
    return out


def build_schedule(terms: LoanTerms, disbursed_on: date) -> list[Instalment]:
    """The instalments due, in order. A moratorium of every period leaves a single bullet
    instalment at the end."""
    terms.check()
    if terms.moratorium_periods == terms.instalments:
        terms = LoanTerms(**{**terms.__dict__, "moratorium_periods": terms.instalments - 1})
    builder = _declining if terms.method is Method.DECLINING else _flat
    return builder(terms, disbursed_on)
