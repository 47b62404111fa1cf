"""Synthetic federations with planted borrower behaviour, written through the services as a
bookkeeper would record them: real books, meetings, savings, loans and repayments.

Each member has a hidden discipline. It decides how often she comes to the monthly meeting,
saves ₹100, and pays her ₹500 instalment on a ₹6,000 loan (twelve months, no interest, a new
loan when the last is repaid). Some of those with the lowest discipline stop paying for good
and go 90+ days past due. Her social category is drawn at random and never drives anything.
The same seed gives the same federation. Used by `scripts/generate_synthetic.py`, the demo
and the tests (a model trained on its ledger must reach AUC 0.75).
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.orm import Session

from app.services.federation import institutions, members
from app.services.federation.institutions import NewInstitution
from app.services.ledger.books import account_by_role, book_of
from app.services.ledger.posting import EntryDraft, post_entry
from app.services.lending.meetings import (
    MeetingLine,
    MeetingSheet,
    NewLoanLine,
    RepaymentLine,
    record_meeting,
)
from app.services.shared.principal import Principal
from models import InstitutionKind, Role
from models.schedule import Frequency, LoanTerms, Method, RateBasis

GENERATOR = Principal(role=Role.ADMIN, label="synthetic")
START = date(2024, 1, 10)
LATER = date(2030, 1, 1)
LOAN = LoanTerms(6_000_00, 0, RateBasis.PER_MONTH, Method.FLAT, 12, Frequency.MONTHLY)
INSTALMENT = 500_00


def _chance(x: float) -> float:
    return 1 / (1 + math.exp(-x))


@dataclass
class Borrower:
    member_id: int
    discipline: float
    stops_in_month: int | None  # from this month on she pays nothing
    owed: int = 0  # principal still owed on her running loan
    missed: int = 0  # instalments behind

    def line(self, month: int, rng: random.Random) -> MeetingLine:
        present = rng.random() < _chance(1.0 * self.discipline + 1.0)
        saves = rng.random() < _chance(1.5 * self.discipline + 1.2)
        repayment = new_loan = None
        if self.owed > 0 and month > 0:
            stopped = self.stops_in_month is not None and month >= self.stops_in_month
            if not stopped and rng.random() < _chance(2.0 * self.discipline + 2.5):
                amount = min(INSTALMENT * (1 + self.missed), self.owed)
                repayment = RepaymentLine(amount)
                self.owed -= amount
                self.missed = 0
            else:
                self.missed += 1
        elif self.owed == 0 and (month == 1 or rng.random() < 0.3):
            new_loan = NewLoanLine(LOAN)
            self.owed = LOAN.principal_paise
        return MeetingLine(
            self.member_id,
            present=present,
            savings_paise=100_00 if saves else 0,
            repayment=repayment,
            new_loan=new_loan,
        )


@dataclass
class Federation:
    state_id: int
    shgs: list[int] = field(default_factory=list)
    borrowers: dict[int, list[Borrower]] = field(default_factory=dict)


def _institution(session: Session, kind: InstitutionKind, name: str, parent: int | None) -> int:
    extra = {"state_code": "SY"} if parent is None else {}
    new = NewInstitution(kind=kind, name=name, parent_id=parent, **extra)  # type: ignore[arg-type]
    return institutions.create_institution(session, GENERATOR, new).id


def generate(
    session: Session,
    shgs: int = 20,
    per_shg: int = 12,
    months: int = 24,
    seed: int = 7,
    start: date = START,
) -> Federation:
    """Build the federation and record `months` monthly meetings in every SHG, the first on
    `start`."""
    rng = random.Random(seed)  # noqa: S311 - planted behaviour, not secrets
    start = start.replace(day=min(start.day, 28))
    fed = Federation(_institution(session, InstitutionKind.STATE, "Synthetic", None))
    district_ids = [
        _institution(session, InstitutionKind.DISTRICT, f"District {d}", fed.state_id)
        for d in range(2)
    ]
    for n in range(shgs):
        block = _institution(session, InstitutionKind.BLOCK, f"Block {n}", district_ids[n % 2])
        clf = _institution(session, InstitutionKind.CLF, f"CLF {n}", block)
        vo = _institution(session, InstitutionKind.VO, f"VO {n}", clf)
        shg = _institution(session, InstitutionKind.SHG, f"SHG {n}", vo)
        book = book_of(session, shg).id
        cash, rf = (
            account_by_role(session, book, "cash"),
            account_by_role(session, book, "revolving_fund"),
        )
        draft = EntryDraft.transfer(book, start, "Revolving Fund", cash.id, rf.id, 2_00_000_00)
        post_entry(session, GENERATOR, draft, LATER)
        borrowers = []
        for i in range(per_shg):
            category = rng.choice(("SC", "ST", "OBC", "General"))  # never drives behaviour
            new = members.NewMember(
                shg,
                f"Member {n}-{i}",
                member_code=f"SY{n:04d}{i:04d}",
                joined_on=start,
                social_category=category,
            )
            member = members.create_member(session, GENERATOR, new)
            discipline = rng.gauss(0, 1)
            stops = rng.randint(3, months) if discipline < -1.0 else None
            borrowers.append(Borrower(member.id, discipline, stops))
        fed.shgs.append(shg)
        fed.borrowers[shg] = borrowers
    for month in range(months):
        day = date(
            start.year + (start.month - 1 + month) // 12,
            (start.month - 1 + month) % 12 + 1,
            start.day,
        )
        for shg in fed.shgs:
            lines = tuple(b.line(month, rng) for b in fed.borrowers[shg])
            record_meeting(
                session, GENERATOR, MeetingSheet(shg, day, lines, source="synthetic"), LATER
            )
    session.flush()
    return fed
