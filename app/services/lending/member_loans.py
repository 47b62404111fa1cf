"""A member's loans, running and closed, a page at a time, each with where it stands."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.services.federation.members import readable_member
from app.services.lending.loans import LoanPosition, position
from app.services.shared.paging import Page, fetch_page
from app.services.shared.principal import Principal
from models.loans import LoanInstalment, MemberLoan


@dataclass(frozen=True)
class LoanSummary:
    loan: MemberLoan
    last_due_on: date | None  # the schedule's last instalment: when it should be repaid
    position: LoanPosition

    def __getattr__(self, name: str) -> object:
        return getattr(self.loan, name)


def loans_of_member(
    session: Session,
    who: Principal,
    member_id: int,
    as_of: date,
    after: int | None,
    limit: int,
) -> Page[LoanSummary]:
    """Her loans given by `as_of`, oldest first, with each one's position on that day.

    Raises:
        NotFound: no such member in the reader's scope.
    """
    member = readable_member(session, who, member_id)
    query = select(MemberLoan).where(
        MemberLoan.member_id == member.id, MemberLoan.disbursed_on <= as_of
    )
    page = fetch_page(session, query, MemberLoan.id, after, limit)
    ids = [loan.id for loan in page.items]
    last_due = dict(
        session.execute(
            select(LoanInstalment.loan_id, func.max(LoanInstalment.due_on))
            .where(LoanInstalment.loan_id.in_(ids))
            .group_by(LoanInstalment.loan_id)
        ).all()
    )
    return Page(
        [
            LoanSummary(loan, last_due.get(loan.id), position(session, loan, as_of))
            for loan in page.items
        ],
        page.next_after,
    )
