"""What every facility (a loan owed by an institution) shares: finding it, its schedule, its
standing movements, its balance, and its days past due.

Federation loans (`federation_loans.py`) and bank loans (`bank_loans.py`) post differently;
both read their position through here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.services.federation.institutions import can_read_institution, readable_institution
from app.services.ledger.journal import reversed_clause
from app.services.shared.errors import Conflict, Invalid, NotFound
from app.services.shared.principal import Principal
from models import overdue
from models.capital import Facility, FacilityInstalment, FacilityMovement
from models.institutions import BankBranch
from models.ledger import JournalEntry
from models.schedule import LoanTerms, build_schedule

# How each movement kind changes what the borrower owes: (principal, interest) signs.
OWED_SIGN = {"draw": 1, "interest": 1, "repay": -1, "incentive": -1}


def readable_facility(session: Session, who: Principal, facility_id: int) -> Facility:
    """The facility, if its borrower or its lender lies in the reader's scope."""
    facility = session.get(Facility, facility_id)
    if facility is None or not (
        can_read_institution(session, who, facility.borrower_id)
        or (facility.lender_id and can_read_institution(session, who, facility.lender_id))
        or (facility.branch_id and who.bank_id and _branch_bank(session, facility) == who.bank_id)
    ):
        raise NotFound(f"facility {facility_id} not found")
    return facility


def _branch_bank(session: Session, facility: Facility) -> int | None:
    branch = session.get(BankBranch, facility.branch_id)
    return branch.bank_id if branch else None


def store_schedule(session: Session, facility: Facility, terms: LoanTerms, start: date) -> None:
    session.add_all(
        FacilityInstalment(
            facility_id=facility.id,
            state_code=facility.state_code,
            number=i.number,
            due_on=i.due_on,
            principal_paise=i.principal_paise,
            interest_paise=i.interest_paise,
        )
        for i in build_schedule(terms, start)
    )
    session.flush()


def schedule_of(session: Session, facility: Facility) -> list[FacilityInstalment]:
    return list(
        session.scalars(
            select(FacilityInstalment)
            .where(
                FacilityInstalment.facility_id == facility.id,
                FacilityInstalment.state_code == facility.state_code,
            )
            .order_by(FacilityInstalment.number)
        )
    )


def movements(
    session: Session, facility: Facility, through: date | None = None
) -> list[FacilityMovement]:
    """Standing movements (their entries not reversed), in the order they were recorded."""
    query = select(FacilityMovement).where(
        FacilityMovement.facility_id == facility.id,
        FacilityMovement.state_code == facility.state_code,
        ~reversed_clause(FacilityMovement.entry_id, facility.state_code),
    )
    if through is not None:
        query = query.where(FacilityMovement.value_date <= through)
    # Within a day, the order they were posted in (the borrower's book sequence).
    query = query.join(
        JournalEntry,
        (JournalEntry.id == FacilityMovement.entry_id)
        & (JournalEntry.state_code == FacilityMovement.state_code),
    )
    return list(session.scalars(query.order_by(FacilityMovement.value_date, JournalEntry.seq)))


def check_in_date_order(
    standing: list[FacilityMovement], value_date: date, field: str = "value_date"
) -> None:
    """A facility's movements are recorded in date order: each one's balance and interest run
    from the one before."""
    if standing and value_date < standing[-1].value_date:
        raise Invalid.field(
            field,
            f"movements are recorded in date order; the last was on {standing[-1].value_date}",
        )


def owed_change(movement: FacilityMovement) -> int:
    """How much a movement changes what the borrower owes (principal and interest)."""
    return OWED_SIGN[movement.kind] * (movement.principal_paise + movement.interest_paise)


def principal_outstanding(moves: Iterable[FacilityMovement]) -> int:
    return sum(
        m.principal_paise * (1 if m.kind == "draw" else -1)
        for m in moves
        if m.kind in ("draw", "repay")
    )


def daily_balances(moves: list[FacilityMovement], start: date, end: date) -> list[int]:
    """What is owed at the end of each day from `start` to `end` (both included)."""
    balances, owed, i = [], 0, 0
    ordered = sorted(moves, key=lambda m: m.value_date)
    day = start
    while day <= end:
        while i < len(ordered) and ordered[i].value_date <= day:
            owed += owed_change(ordered[i])
            i += 1
        balances.append(owed)
        day = date.fromordinal(day.toordinal() + 1)
    return balances


@dataclass(frozen=True)
class Demand:
    due_on: date
    amount_paise: int


def oldest_unpaid(demands: list[Demand], paid_paise: int, as_of: date) -> date | None:
    """The due date of the oldest demand, due by `as_of`, that payments (applied oldest
    first) do not cover; None when every demand due is paid."""
    cumulative = 0
    for demand in demands:
        if not overdue.is_overdue(demand.due_on, as_of):
            return None
        cumulative += demand.amount_paise
        if cumulative > paid_paise:
            return demand.due_on
    return None


def days_past_due(demands: list[Demand], paid_paise: int, as_of: date) -> int:
    """Days past due at the day-end of `as_of` (models/overdue.py, RBI 12 Nov 2021): a demand
    due on `as_of` and not paid with that value date is day 1."""
    return overdue.days_past_due(oldest_unpaid(demands, paid_paise, as_of), as_of)


def ensure_reversible(session: Session, entry: JournalEntry) -> None:
    """A facility's movements are undone newest first: each one's interest and balance run
    from the one before."""
    movement = session.get(FacilityMovement, (entry.id, entry.state_code))
    if movement is None:
        return
    facility = session.get_one(Facility, movement.facility_id)
    standing = movements(session, facility)
    if standing and standing[-1].entry_id != movement.entry_id:
        raise Conflict(f"reverse facility {facility.id}'s later movements first, newest first")


def facilities_of(session: Session, who: Principal, institution_id: int) -> list[Facility]:
    """Facilities an institution owes or has lent, oldest first."""
    readable_institution(session, who, institution_id)
    return list(
        session.scalars(
            select(Facility)
            .where(
                (Facility.borrower_id == institution_id) | (Facility.lender_id == institution_id)
            )
            .order_by(Facility.id)
        )
    )
