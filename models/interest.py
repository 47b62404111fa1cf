"""Interest on an SHG's, VO's or CLF's loan between two days, on the principal outstanding.

Source: the loan's own terms. No RBI circular or DAY-NRLM guideline sets how an SHG, VO or
CLF charges interest on what it lends: the group sets its rate and method, and its loan card
(the schedule, `models.schedule`) says what falls due. So a loan is charged as its schedule
is computed, and a member who pays each instalment on its due date pays exactly the
schedule's interest and principal.

Two bases, chosen per loan (`member_loans.interest_basis`):

- "per_period" (the default): the periodic rate (`schedule.periodic_rate`: 2% a month is 2% a
  monthly period) on the principal outstanding, for each whole period of the schedule. The
  periods are the schedule's own: period k runs from due date k-1 (the disbursement for k=1)
  to due date k (`schedule.due_date`), and go on at the same frequency after the last
  instalment. A part of a period (paid early, paid late) is prorated by days within that
  period: periodic rate × principal × days elapsed in the period ÷ days in that period.
  ASSUMPTION (a setting, not a sourced rule): proration by days within the period. The
  schedule itself has no broken period (its first instalment falls one whole period after
  the disbursement), so it gives no rule of its own for one; days within the period keep a
  whole period exactly the schedule's figure whatever its length (28 or 31 days).
- "actual_365": the yearly rate (a per-month rate × 12) × principal × actual days ÷ 365, for
  lenders whose terms say so. A schedule built on the periodic rate then differs from what an
  on-time payer is charged month by month (more in 31-day months, less in February).

Worked (the issue's case): ₹10,000 at 2% a month declining, 10 monthly instalments of
₹1,113.27, lent 1 Jan 2026, first due 1 Feb. Paid on 1 Feb: per period, one whole period,
10,000 × 2% = ₹200.00 (the schedule's figure); actual/365 would charge 10,000 × 24% × 31/365
= ₹203.84. Paid on 11 Feb instead: 200.00 for January's period plus 10 of the 28 days of
February's period, 10,000 × 2% × 10/28 = 71.4286 → ₹271.43 in all.

Interest is exact (fractions) over the days asked and rounded half up to the paisa once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from fractions import Fraction

from models.schedule import (
    Frequency,
    RateBasis,
    due_date,
    periodic_rate,
    round_half_up,
    yearly_rate,
)

DAYS_IN_YEAR = 365


class InterestBasis(StrEnum):
    PER_PERIOD = "per_period"
    ACTUAL_365 = "actual_365"


def period_containing(disbursed_on: date, frequency: Frequency, day: date) -> int:
    """The schedule period `day` falls in: k with due date k-1 <= day < due date k (k >= 1)."""
    if frequency is Frequency.MONTHLY:
        k = (day.year - disbursed_on.year) * 12 + day.month - disbursed_on.month
    else:
        k = (day - disbursed_on).days // (7 if frequency is Frequency.WEEKLY else 14)
    k = max(k, 1)
    while k > 1 and due_date(disbursed_on, frequency, k - 1) > day:
        k -= 1
    while due_date(disbursed_on, frequency, k) <= day:
        k += 1
    return k


def periods_elapsed(disbursed_on: date, frequency: Frequency, start: date, end: date) -> Fraction:
    """How many of the schedule's periods lie between `start` and `end`: whole periods count
    1 each, a part of one its days in that period ÷ the period's days."""
    if end <= start:
        return Fraction(0)
    k = period_containing(disbursed_on, frequency, start)
    total, day = Fraction(0), start
    while day < end:
        begins = due_date(disbursed_on, frequency, k - 1)
        ends = due_date(disbursed_on, frequency, k)
        upto = min(end, ends)
        total += Fraction((upto - day).days, (ends - begins).days)
        day, k = upto, k + 1
    return total


@dataclass(frozen=True)
class InterestTerms:
    """What a loan's interest depends on, besides the principal outstanding."""

    rate_bp: int
    rate_basis: RateBasis
    frequency: Frequency
    disbursed_on: date
    basis: InterestBasis

    def exact(self, balance_paise: int, start: date, end: date) -> Fraction:
        """Interest on `balance_paise` from `start` to `end` (no interest for `end` <= `start`)."""
        if self.basis is InterestBasis.ACTUAL_365:
            days = max((end - start).days, 0)
            return balance_paise * yearly_rate(self.rate_bp, self.rate_basis) * days / DAYS_IN_YEAR
        rate = periodic_rate(self.rate_bp, self.rate_basis, self.frequency)
        return balance_paise * rate * periods_elapsed(self.disbursed_on, self.frequency, start, end)

    def accrued(self, balance_paise: int, start: date, end: date) -> int:
        """`exact`, rounded half up to the paisa."""
        return round_half_up(self.exact(balance_paise, start, end))
