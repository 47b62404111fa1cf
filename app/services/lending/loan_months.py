"""Member loans month by month, in memory: each loan's balance changes by month and its
schedule, read in three queries for any set of loans, and the days-past-due rule of
`arrears.standing_of` (counted at day end, `models.overdue`) applied to them at any month
end. Credit histories and batch characteristics ask for dozens of month ends; this answers
them without two statements each. (Ageing and positions keep the SQL form of the rule;
tests hold the two to the same figures.)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import ColumnElement, extract, func, select
from sqlalchemy.orm import Session

from app.services.ledger.journal import reversed_clause
from models import overdue
from models.ledger import Posting
from models.loans import LoanInstalment, MemberLoan


@dataclass
class LoanMonths:
    member_id: int
    shg_id: int
    principal: int
    disbursed_on: date
    standing: bool  # its disbursement was not reversed
    monthly: list[tuple[tuple[int, int], int]] = field(default_factory=list)  # (y, m), change
    schedule: list[tuple[date, int]] = field(default_factory=list)  # due, principal through

    def outstanding(self, end: date) -> int:
        key = (end.year, end.month)
        return sum(change for month, change in self.monthly if month <= key)

    def days_past_due(self, end: date, outstanding: int) -> int:
        """arrears.standing_of's rule, on rows already read: at the day-end of `end`, from the
        first instalment overdue by then whose principal through it exceeds the principal
        repaid."""
        if outstanding <= 0:
            return 0
        repaid = self.principal - outstanding
        since = next(
            (
                due
                for due, through in self.schedule
                if overdue.is_overdue(due, end) and through > repaid
            ),
            None,
        )
        return overdue.days_past_due(since, end)


def loan_months(
    session: Session, condition: ColumnElement[bool], as_of: date
) -> dict[int, LoanMonths]:
    """Every loan the condition selects lent by `as_of`, with its monthly balance changes
    and schedule, in three queries."""
    standing = ~reversed_clause(MemberLoan.disbursement_entry_id)
    loans = {
        i: LoanMonths(member, shg, principal, lent, bool(ok))
        for i, member, shg, principal, lent, ok in session.execute(
            select(
                MemberLoan.id,
                MemberLoan.member_id,
                MemberLoan.shg_id,
                MemberLoan.principal_paise,
                MemberLoan.disbursed_on,
                standing,
            ).where(condition, MemberLoan.disbursed_on <= as_of)
        )
    }
    year, month = extract("year", Posting.value_date), extract("month", Posting.value_date)
    changes = session.execute(
        select(MemberLoan.id, year, month, func.sum(Posting.delta_paise))
        .join(Posting, Posting.account_id == MemberLoan.account_id)
        .where(condition, MemberLoan.disbursed_on <= as_of, Posting.value_date <= as_of)
        .group_by(MemberLoan.id, year, month)
    )
    for loan_id, y, m, change in changes:
        loans[loan_id].monthly.append(((int(y), int(m)), int(change)))
    schedule = session.execute(
        select(
            LoanInstalment.loan_id, LoanInstalment.due_on, LoanInstalment.principal_through_paise
        )
        .join(
            MemberLoan,
            (MemberLoan.id == LoanInstalment.loan_id)
            & (MemberLoan.state_code == LoanInstalment.state_code),
        )
        .where(
            condition,
            MemberLoan.disbursed_on <= as_of,
            overdue.overdue_since_condition(LoanInstalment.due_on, as_of),
        )
        .order_by(LoanInstalment.loan_id, LoanInstalment.number)
    )
    for loan_id, due, through in schedule:
        loans[loan_id].schedule.append((due, int(through)))
    return loans
