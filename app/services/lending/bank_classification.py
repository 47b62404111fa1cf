"""How a bank would classify an SHG's bank loan at each day-end, replayed from the books:
standard, SMA-0/1/2 or NPA, and when each class began.

The rules, their sources and the days are data (`models/capital_rules.json`); days are counted
at day end (`models/overdue.py`, RBI DOR.STR.REC.68/21.04.048/2021-22 of 12 Nov 2021):
- **term loan**: days past due of the oldest amount of the schedule still unpaid (credits
  applied oldest first); SMA-0 1-30, SMA-1 31-60, SMA-2 61-90, NPA from day 91;
- **cash credit**: SMA-1 and SMA-2 only from the balance staying continuously above the lower
  of limit and drawing power for 31-60 and 61-90 days (days without a credit never make an
  SMA); NPA when *out of order*: above that limit for 90 days in a row, or no credit for 90
  days, or credits in the previous 90 days (the day itself included) short of the interest
  debited in them (RBI Master Circular of 1 Apr 2022 para 2.2; RBI/2021-2022/158 of 15 Feb
  2022);
- **an NPA stays NPA** until the entire arrears of interest and principal are paid (DOR.STR.REC.68
  para 10): a term loan until nothing due is unpaid; a cash credit until it is within its
  drawing limit, in order, and its credits cover all interest debited (`capital_rules.json`
  says why this is Bahi's reading).

Nothing is stored: the history is replayed from the schedule and the standing movements, one
day-end at a time from the first draw, in time linear in days and movements (a reversed
movement simply drops out). `classification_history` gives the periods; `class_on` the class
at one day-end. The credit history may show an SHG's bank loans with them.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import accumulate

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.services.lending.facilities import movements, owed_change, schedule_of
from models import overdue
from models.capital import CapitalRules, DrawingPower, Facility, FacilityMovement, capital_rules

# Credits to the loan account: the SHG's repayments and an incentive the bank credits to it.
ACCOUNT_CREDITS = frozenset({"repay", "incentive"})
STANDARD, NPA = "standard", "NPA"


@dataclass(frozen=True)
class DayEnd:
    """One day-end of a bank loan."""

    day: date
    owed_paise: int
    days_past_due: int  # term loan: of the oldest unpaid amount; cash credit: 0
    days_over_limit: int  # cash credit: days in a row above the drawing limit
    days_without_credit: int  # cash credit: days in a row with something owed and no credit
    out_of_order: str | None  # cash credit: why it is out of order, if it is
    label: str  # the class at this day-end, an NPA kept until its arrears are paid
    reason: str


@dataclass(frozen=True)
class _Standing:
    """What one day-end says before an earlier NPA is taken into account."""

    days_past_due: int = 0
    days_over_limit: int = 0
    days_without_credit: int = 0
    out_of_order: str | None = None
    label: str = STANDARD
    reason: str = ""
    arrears_paid: bool = True


@dataclass(frozen=True)
class ClassPeriod:
    """A run of day-ends in one class: from `start` through `end` (None: still so on the
    day the history was asked for)."""

    label: str
    start: date
    end: date | None
    reason: str


def _days(count: int) -> str:
    return "1 day" if count == 1 else f"{count} days"


def _each_day(start: date, end: date) -> Iterator[date]:
    day = start
    while day <= end:
        yield day
        day += timedelta(days=1)


def drawing_powers(session: Session, facility: Facility) -> list[DrawingPower]:
    return list(
        session.scalars(
            select(DrawingPower)
            .where(
                DrawingPower.facility_id == facility.id,
                DrawingPower.state_code == facility.state_code,
            )
            .order_by(DrawingPower.effective_on)
        )
    )


def first_draw(moves: list[FacilityMovement]) -> date | None:
    return min((m.value_date for m in moves if m.kind == "draw"), default=None)


class _TermLoan:
    """Days past due of a term loan, day by day: credits only ever add up, so the oldest
    unpaid amount of the schedule only moves forward."""

    def __init__(self, schedule: list[tuple[date, int]], rules: CapitalRules) -> None:
        self.due = sorted(schedule)
        self.covered_by = list(accumulate(amount for _, amount in self.due))
        self.rules, self.paid, self.next_unpaid = rules, 0, 0

    def day_end(self, day: date, owed: int, interest: int, credited: int) -> _Standing:
        self.paid += credited
        while self.next_unpaid < len(self.due) and self.covered_by[self.next_unpaid] <= self.paid:
            self.next_unpaid += 1
        oldest = self.due[self.next_unpaid][0] if self.next_unpaid < len(self.due) else None
        dpd = overdue.days_past_due(oldest, day)
        return _Standing(
            days_past_due=dpd,
            label=self.rules.classify("term", dpd),
            reason=f"an amount due on {oldest} is unpaid: {_days(dpd)} past due"
            if dpd
            else "nothing due is unpaid",
            arrears_paid=dpd == 0,
        )


class _CashCredit:
    """Days above the drawing limit, days without a credit, and the 90-day interest test."""

    def __init__(self, facility: Facility, powers: list[DrawingPower], rules: CapitalRules) -> None:
        self.limit_paise, self.rules = facility.limit_paise, rules
        self.powers = [(p.effective_on, p.amount_paise) for p in powers]
        self.window = rules.cash_credit_out_of_order_days
        self.next_power = self.power = 0
        self.over = self.without_credit = 0
        self.days: list[tuple[int, int]] = []  # (interest debited, credits) per day
        self.window_interest = self.window_credits = 0
        self.total_interest = self.total_credits = 0

    def limit(self, day: date) -> int:
        """The lower of the limit and the drawing power in force on `day`."""
        powers = self.powers
        while self.next_power < len(powers) and powers[self.next_power][0] <= day:
            self.power = powers[self.next_power][1]
            self.next_power += 1
        return min(self.limit_paise, self.power)

    def _add(self, interest: int, credited: int) -> None:
        self.days.append((interest, credited))
        self.window_interest += interest
        self.window_credits += credited
        if len(self.days) > self.window:
            gone_interest, gone_credits = self.days[-self.window - 1]
            self.window_interest -= gone_interest
            self.window_credits -= gone_credits
        self.total_interest += interest
        self.total_credits += credited

    def _out_of_order(self) -> str | None:
        if self.over >= self.window:
            return f"out of order: over the drawing limit for {_days(self.over)} in a row"
        if self.without_credit >= self.window:
            return f"out of order: no credit for {_days(self.without_credit)}"
        if len(self.days) >= self.window and self.window_interest > self.window_credits:
            return (
                f"out of order: credits in the last {self.window} days did not cover the"
                " interest debited in them"
            )
        return None

    def day_end(self, day: date, owed: int, interest: int, credited: int) -> _Standing:
        limit = self.limit(day)
        self.over = self.over + 1 if owed > limit else 0
        self.without_credit = 0 if credited or owed <= 0 else self.without_credit + 1
        self._add(interest, credited)
        why = self._out_of_order()
        over = self.over
        return _Standing(
            days_over_limit=over,
            days_without_credit=self.without_credit,
            out_of_order=why,
            label=NPA if why else self.rules.classify("cash_credit", over),
            reason=why
            or (f"over the drawing limit for {_days(over)} in a row" if over else "in order"),
            arrears_paid=why is None
            and owed <= limit
            and self.total_credits >= self.total_interest,
        )


def day_ends(
    session: Session,
    facility: Facility,
    through: date,
    credit_kinds: frozenset[str] = ACCOUNT_CREDITS,
    standing: list[FacilityMovement] | None = None,
) -> Iterator[DayEnd]:
    """Every day-end from the first draw through `through`. `credit_kinds` says which
    movements count as credits (the subvention's prompt test counts only the SHG's own);
    `standing`, the facility's standing movements when the caller has them already."""
    if standing is None:
        standing = movements(session, facility, through)
    moves = sorted((m for m in standing if m.value_date <= through), key=lambda m: m.value_date)
    start = first_draw(moves)
    if start is None:
        return
    rules = capital_rules()
    account: _TermLoan | _CashCredit
    if facility.kind == "term":
        schedule = schedule_of(session, facility)
        account = _TermLoan(
            [(i.due_on, i.principal_paise + i.interest_paise) for i in schedule], rules
        )
    else:
        account = _CashCredit(facility, drawing_powers(session, facility), rules)
    label, owed, index = STANDARD, 0, 0
    for day in _each_day(start, through):
        interest = credited = 0
        while index < len(moves) and moves[index].value_date <= day:
            move = moves[index]
            owed += owed_change(move)
            interest += move.interest_paise if move.kind == "interest" else 0
            credited += move.principal_paise if move.kind in credit_kinds else 0
            index += 1
        now = account.day_end(day, owed, interest, credited)
        reason = now.reason
        if label == NPA and now.label != NPA and not now.arrears_paid:
            reason = f"NPA until all arrears of interest and principal are paid ({reason})"
            label = NPA
        else:
            label = now.label
        yield DayEnd(
            day,
            owed,
            now.days_past_due,
            now.days_over_limit,
            now.days_without_credit,
            now.out_of_order,
            label,
            reason,
        )


def periods(days: Iterable[DayEnd]) -> list[ClassPeriod]:
    """Runs of day-ends in one class, oldest first; the last one is open-ended."""
    out: list[ClassPeriod] = []
    last_day: date | None = None
    for day_end in days:
        if not out or day_end.label != out[-1].label:
            if out and last_day is not None:
                out[-1] = ClassPeriod(out[-1].label, out[-1].start, last_day, out[-1].reason)
            out.append(ClassPeriod(day_end.label, day_end.day, None, day_end.reason))
        last_day = day_end.day
    return out


def classification_history(
    session: Session, facility: Facility, through: date
) -> list[ClassPeriod]:
    """When the loan was standard, SMA-0/1/2 or NPA, from its first draw through `through`,
    oldest first; each period's `end` is its last day-end (None for the one running on
    `through`). For `GET /bank-loans/{id}` and the credit history."""
    return periods(day_ends(session, facility, through))


def class_on(history: list[ClassPeriod], day: date) -> str | None:
    """The class at the day-end of `day` (within the history asked for), or None before the
    first draw."""
    for period in reversed(history):
        if period.start <= day:
            return period.label
    return None
