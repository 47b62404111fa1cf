"""Members' livelihood income, and the Lakhpati Didi status derived from it.

DOMAIN.md: a Lakhpati Didi has a household income of at least ₹1 lakh a year sustained over
at least four agricultural seasons or business cycles, an average above ₹10,000 a month.
Bahi takes her four latest cycles ending by the day asked about (a replaced record counts
only through the one that replaced it) and divides their income by the months they cover
(days / 30.4375, i.e. 365.25 / 12): she is a Lakhpati Didi when that average is above
₹10,000. Fewer than four cycles: not yet known, and what is missing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from app.services.errors import FieldProblem, require_no_problems
from app.services.members import readable_member, writable_member
from app.services.principal import Principal
from models.base import utcnow
from models.credit import LivelihoodIncome
from models.institutions import Member
from models.money import MAX_AMOUNT_PAISE
from models.schedule import round_half_up

CYCLES = 4
MONTHLY_THRESHOLD_PAISE = 10_000_00
DAYS_PER_MONTH = Fraction(36525, 1200)  # 30.4375
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
    cycles: int  # counted (at most four)
    monthly_average_paise: int | None
    yearly_paise: int | None
    reason: str


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
            select(LivelihoodIncome.id).where(LivelihoodIncome.replaces_id == old.id)
        ):
            problems.append(FieldProblem("replaces_id", "that record was already replaced"))
    require_no_problems(problems, "the income cannot be recorded")
    income = LivelihoodIncome(
        member_id=member.id,
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
    replaced = select(_REPLACEMENT.id).where(_REPLACEMENT.replaces_id == LivelihoodIncome.id)
    return list(
        session.scalars(
            select(LivelihoodIncome)
            .where(
                LivelihoodIncome.member_id == member.id,
                LivelihoodIncome.period_end <= as_of,
                ~replaced.exists(),
            )
            .order_by(LivelihoodIncome.period_end.desc(), LivelihoodIncome.id.desc())
        )
    )


def lakhpati_status(session: Session, member: Member, as_of: date) -> LakhpatiStatus:
    latest = standing_incomes(session, member, as_of)[:CYCLES]
    if len(latest) < CYCLES:
        return LakhpatiStatus(
            "unknown",
            len(latest),
            None,
            None,
            f"{len(latest)} of {CYCLES} seasons or business cycles recorded",
        )
    days = sum((i.period_end - i.period_start).days + 1 for i in latest)
    total = sum(i.income_paise for i in latest)
    monthly = round_half_up(Fraction(total) / (Fraction(days) / DAYS_PER_MONTH))
    yearly = round_half_up(Fraction(total * 365, days))
    above = monthly > MONTHLY_THRESHOLD_PAISE
    return LakhpatiStatus(
        "lakhpati" if above else "not_yet",
        CYCLES,
        monthly,
        yearly,
        f"average over her last {CYCLES} cycles is"
        f" {'above' if above else 'not above'} ₹10,000 a month",
    )


def incomes_of(
    session: Session, who: Principal, member_id: int, as_of: date
) -> tuple[list[LivelihoodIncome], LakhpatiStatus]:
    member = readable_member(session, who, member_id)
    return standing_incomes(session, member, as_of), lakhpati_status(session, member, as_of)
