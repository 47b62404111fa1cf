"""Which bank loan funded a member loan lent from bank-loan funds.

A member's share of her SHG's bank loan is what the bank reports to the credit bureaus for
her (RBI/2015-16/424, 16 June 2016), so a loan with `fund_source = 'bank_loan'` records the
facility it came from. The bookkeeper may name it; left out, it is the SHG's one bank loan
running on the day she was lent; with several running, she must name it.

Running on a day: sanctioned on or before it, and, for a term loan, drawn (its draw not
reversed) and not yet repaid: what is owed on it after the movements of the days before is
above zero (the day of its last repayment still counts). A cash credit runs from its
sanction on: Bahi records no closing of a limit. Migration 0022 applies the same rule, in
SQL, to the loans recorded before.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.services.lending.facilities import movements, owed_change
from app.services.shared.errors import Invalid
from models.capital import Facility


def running_on(session: Session, facility: Facility, day: date) -> bool:
    """Whether the bank loan was running on `day` (see the module's docstring)."""
    if facility.fund != "bank" or facility.sanctioned_on > day:
        return False
    if facility.kind == "cash_credit":
        return True
    standing = movements(session, facility)
    if not any(m.kind == "draw" for m in standing):
        return False  # its draw was reversed: cancelled
    before = [m for m in standing if m.value_date < day]
    return not before or sum(owed_change(m) for m in before) > 0


def bank_loans_running(session: Session, shg_id: int, day: date) -> list[Facility]:
    candidates = session.scalars(
        select(Facility)
        .where(
            Facility.borrower_id == shg_id,
            Facility.fund == "bank",
            Facility.sanctioned_on <= day,
        )
        .order_by(Facility.id)
    )
    return [f for f in candidates if running_on(session, f, day)]


def funding_facility(
    session: Session, shg_id: int, fund_source: str, facility_id: int | None, day: date
) -> int | None:
    """The bank loan a new member loan comes from: `facility_id` checked, or found.

    Raises:
        Invalid: `facility_id` named for a loan not from bank-loan funds, or naming no bank
            loan of the SHG running on `day`; or left out while several were running.
    """
    if fund_source != "bank_loan":
        if facility_id is not None:
            raise Invalid.field(
                "facility_id",
                "only a loan lent from bank-loan funds (fund_source bank_loan)"
                " names the bank loan that funded it",
            )
        return None
    running = bank_loans_running(session, shg_id, day)
    ids = ", ".join(str(f.id) for f in running) or "none"
    if facility_id is not None:
        if facility_id not in {f.id for f in running}:
            raise Invalid.field(
                "facility_id",
                f"is not a bank loan of this SHG running on {day:%d-%m-%Y} (running: {ids})",
            )
        return facility_id
    if len(running) > 1:
        raise Invalid.field(
            "facility_id",
            f"the SHG had {len(running)} bank loans running on {day:%d-%m-%Y} ({ids}):"
            " name the one that funds this loan",
        )
    return running[0].id if running else None
