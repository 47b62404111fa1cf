"""Members' livelihood income, and the Lakhpati Didi status derived from it.

The definition (Ministry of Rural Development, DAY-NRLM; as quoted in its Lakhpati Didi
announcements, e.g. ANI, 8 March 2024, and on the felicitation of 25 August 2024): "A
Lakhpati Didi is a Self-Help Group member who earns an annual household income of Rupees One
Lakh (Rs 1,00,000) or more. This income is calculated for at least four agricultural seasons
and/or business cycles, with an average monthly income exceeding Rupees Ten Thousand
(Rs 10,000), so that it is sustainable."

Her bookkeeper records her household's net income one activity and one season or business
cycle at a time (`record_income`): "dairy, Jan-Jun", "paddy, kharif". Records of different
activities may overlap (she keeps cows while the paddy grows); records of one activity may
not (one cycle follows another; a wrong record is replaced by one naming it). Bahi reads them
so (`lakhpati_status`):

1. **Her records**: those not replaced by a later one, that have *ended* by the day asked
   about (a cycle still running has no income yet).
2. **The year**: the 12 months ending on the day her latest such record ends (`year_to`),
   from the day after the same date a year earlier (`year_from`). If that day is a year or
   more before the day asked about, nothing recent is recorded: "unknown".
3. **The year's income** adds up every record over the days it shares with the year, each
   record's income spread evenly over its own days: concurrent activities add up (dairy
   ₹50,000 and crops ₹50,000 in the same half-year are ₹1,00,000), and a season that began
   before the year counts for its days inside it (₹61,000 over 1 Jun-30 Sep, 122 days, counts
   ₹46,000 for its 92 days from 1 July). Exact, rounded half up to the paisa once.
4. **Sustained**: (a) at least four records (seasons or business cycles, of any of her
   activities) share days with the year; and (b) every day of the year is covered by some
   record. A season without income is recorded as ₹0, so a day no record covers is a day we
   know nothing of: a gap. Fewer than four cycles, or a gap, is "unknown", saying what is
   missing (how many cycles; the dates of each gap).
5. **Lakhpati Didi** when the year's income is at least ₹1,00,000 *and* its monthly average
   (the year's income / 12) is above ₹10,000, as the definition says both; the second is the
   stricter (above ₹1,20,000 a year). Otherwise "not yet".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, aliased

from app.formats import indian_date
from app.services.federation.members import readable_member, writable_member
from app.services.shared.errors import FieldProblem, require_no_problems
from app.services.shared.principal import Principal
from models.base import utcnow
from models.credit import LivelihoodIncome
from models.institutions import Member
from models.money import MAX_AMOUNT_PAISE, format_inr
from models.schedule import add_months, round_half_up

CYCLES = 4
YEARLY_THRESHOLD_PAISE = 1_00_000_00  # "Rupees One Lakh or more"
MONTHLY_THRESHOLD_PAISE = 10_000_00  # "an average monthly income exceeding Rupees Ten Thousand"
_REPLACEMENT = aliased(LivelihoodIncome, name="replacement")  # built once


@dataclass(frozen=True)
class NewIncome:
    member_id: int
    activity: str
    period_start: date
    period_end: date
    income_paise: int
    replaces_id: int | None = None


@dataclass(frozen=True)
class LakhpatiStatus:
    status: str  # "lakhpati", "not_yet", "unknown"
    cycles: int  # records sharing days with the year (0 when there is no year)
    monthly_average_paise: int | None  # None unless the year is known
    yearly_paise: int | None
    reason: str
    year_from: date | None = None  # the 12 months judged
    year_to: date | None = None


def _same_activity(a: str, b: str) -> bool:
    return a.strip().casefold() == b.strip().casefold()


def _replacements() -> Select[tuple[int]]:
    """The records that replace a record (correlated): in its state, as every replacement is,
    so a distributed database answers it on the state's node."""
    return select(_REPLACEMENT.id).where(
        _REPLACEMENT.replaces_id == LivelihoodIncome.id,
        _REPLACEMENT.state_code == LivelihoodIncome.state_code,
    )


def _overlapping(session: Session, member: Member, new: NewIncome) -> list[LivelihoodIncome]:
    """Her standing records of the same activity whose periods share a day with the new one's
    (the record it replaces aside)."""
    replaced = _replacements()
    rows = session.scalars(
        select(LivelihoodIncome).where(
            LivelihoodIncome.member_id == member.id,
            LivelihoodIncome.state_code == member.state_code,
            LivelihoodIncome.period_start <= new.period_end,
            LivelihoodIncome.period_end >= new.period_start,
            ~replaced.exists(),
        )
    )
    return [r for r in rows if r.id != new.replaces_id and _same_activity(r.activity, new.activity)]


def record_income(session: Session, who: Principal, new: NewIncome) -> LivelihoodIncome:
    member = writable_member(session, who, new.member_id)
    problems = []
    if not new.activity.strip():
        problems.append(FieldProblem("activity", "must not be blank"))
    if new.period_end < new.period_start:
        problems.append(FieldProblem("period_end", "is before period_start"))
    if not 0 <= new.income_paise <= MAX_AMOUNT_PAISE:
        problems.append(FieldProblem("income", "must be zero or more"))
    if new.replaces_id is not None:
        old = session.get(LivelihoodIncome, new.replaces_id)
        if old is None or old.member_id != member.id:
            problems.append(
                FieldProblem("replaces_id", f"she has no income record {new.replaces_id}")
            )
        elif session.scalar(
            select(LivelihoodIncome.id).where(
                LivelihoodIncome.replaces_id == old.id,
                LivelihoodIncome.state_code == old.state_code,
            )
        ):
            problems.append(FieldProblem("replaces_id", "that record was already replaced"))
    if not problems:
        # One activity's cycles follow one another: an overlap would count its income twice.
        for other in _overlapping(session, member, new):
            problems.append(
                FieldProblem(
                    "period_start",
                    f"overlaps her {other.activity} record {other.id}"
                    f" ({indian_date(other.period_start)} to {indian_date(other.period_end)});"
                    " replace that record instead",
                )
            )
    require_no_problems(problems, "the income cannot be recorded")
    income = LivelihoodIncome(
        member_id=member.id,
        state_code=member.state_code,
        activity=new.activity.strip(),
        period_start=new.period_start,
        period_end=new.period_end,
        income_paise=new.income_paise,
        replaces_id=new.replaces_id,
        recorded_at=utcnow(),
        recorded_by=who.label,
    )
    session.add(income)
    session.flush()
    return income


def standing_incomes(session: Session, member: Member, as_of: date) -> list[LivelihoodIncome]:
    """Her records ending by `as_of` that no later record replaced, latest first."""
    replaced = _replacements()
    return list(
        session.scalars(
            select(LivelihoodIncome)
            .where(
                LivelihoodIncome.member_id == member.id,
                LivelihoodIncome.state_code == member.state_code,
                LivelihoodIncome.period_end <= as_of,
                ~replaced.exists(),
            )
            .order_by(LivelihoodIncome.period_end.desc(), LivelihoodIncome.id.desc())
        )
    )


def _days(start: date, end: date) -> int:
    return (end - start).days + 1


def _share_in(record: LivelihoodIncome, start: date, end: date) -> Fraction:
    """The record's income for the days it shares with start..end (spread evenly)."""
    first, last = max(record.period_start, start), min(record.period_end, end)
    if last < first:
        return Fraction(0)
    return Fraction(
        record.income_paise * _days(first, last), _days(record.period_start, record.period_end)
    )


def gaps(records: list[LivelihoodIncome], start: date, end: date) -> list[tuple[date, date]]:
    """The spans of start..end that no record covers, in order."""
    found, day = [], start
    for r in sorted(records, key=lambda r: r.period_start):
        if r.period_start > day:
            found.append((day, min(r.period_start - timedelta(days=1), end)))
        day = max(day, r.period_end + timedelta(days=1))
        if day > end:
            return found
    if day <= end:
        found.append((day, end))
    return found


def _unknown(
    reason: str, cycles: int = 0, start: date | None = None, end: date | None = None
) -> LakhpatiStatus:
    return LakhpatiStatus("unknown", cycles, None, None, reason, start, end)


def lakhpati_status(session: Session, member: Member, as_of: date) -> LakhpatiStatus:
    """Her status on `as_of`, by the rule in this module's docstring."""
    records = standing_incomes(session, member, as_of)
    if not records:
        return _unknown(f"no season or business cycle recorded; {CYCLES} needed")
    end = records[0].period_end
    start = add_months(end, -12) + timedelta(days=1)
    if end <= add_months(as_of, -12):
        return _unknown(
            f"her latest season or business cycle ended on {indian_date(end)},"
            f" a year or more before {indian_date(as_of)}"
        )
    in_year = [r for r in records if r.period_end >= start]
    missing = []
    if len(in_year) < CYCLES:
        missing.append(
            f"{len(in_year)} of {CYCLES} seasons or business cycles recorded in the year"
            f" {indian_date(start)} to {indian_date(end)}"
        )
    missing += [
        f"no income recorded from {indian_date(a)} to {indian_date(b)}"
        for a, b in gaps(in_year, start, end)
    ]
    if missing:
        return _unknown("; ".join(missing), len(in_year), start, end)
    yearly = round_half_up(sum((_share_in(r, start, end) for r in in_year), Fraction(0)))
    monthly = round_half_up(Fraction(yearly, 12))
    above = yearly >= YEARLY_THRESHOLD_PAISE and monthly > MONTHLY_THRESHOLD_PAISE
    return LakhpatiStatus(
        "lakhpati" if above else "not_yet",
        len(in_year),
        monthly,
        yearly,
        f"{format_inr(yearly)} from {len(in_year)} seasons or business cycles in the year"
        f" {indian_date(start)} to {indian_date(end)}, {format_inr(monthly)} a month:"
        f" {'above' if above else 'not above'} {format_inr(MONTHLY_THRESHOLD_PAISE)} a month",
        start,
        end,
    )


def incomes_of(
    session: Session, who: Principal, member_id: int, as_of: date
) -> tuple[list[LivelihoodIncome], LakhpatiStatus]:
    member = readable_member(session, who, member_id)
    return standing_incomes(session, member, as_of), lakhpati_status(session, member, as_of)
