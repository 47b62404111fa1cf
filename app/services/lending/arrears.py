"""Arrears: days past due per loan, and ageing buckets for an SHG, VO, CLF or any subtree.

Days past due are counted on principal, as banks count them: the oldest instalment whose
scheduled principal (cumulated) is not yet covered by principal repaid (the amount lent
less the loan account's balance, so reversals and write-offs count automatically) gives
the date arrears began. They are counted at the day-end of the as-of date, by the one rule
in `models.overdue` (RBI DOR.STR.REC.68/21.04.048/2021-22, 12 Nov 2021): an instalment due
on that day and not paid by its end is 1 day past due; a payment with that value date
counts. Unpaid interest is reported separately on the loan's position. Everything is
computed in SQL, set-wise, so a state's million loans age in one pass.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, FromClause, Select, and_, case, func, literal, select
from sqlalchemy.orm import Session

from app.services.federation.institutions import readable_institution
from app.services.shared.principal import Principal
from models import overdue
from models.institutions import Institution
from models.ledger import Posting
from models.loans import LoanInstalment, MemberLoan

BUCKETS = overdue.BUCKETS


@dataclass(frozen=True)
class BucketTotal:
    bucket: str
    loans: int
    outstanding_paise: int


@dataclass(frozen=True)
class ChildAgeing:
    institution: Institution
    buckets: list[BucketTotal]


@dataclass(frozen=True)
class Ageing:
    institution: Institution
    as_of: date
    buckets: list[BucketTotal]
    children: list[ChildAgeing]


def _outstanding(as_of: date) -> Select:  # type: ignore[type-arg]
    """Per loan disbursed by `as_of`: outstanding principal on that day."""
    return (
        select(
            MemberLoan.id.label("loan_id"),
            MemberLoan.state_code.label("state_code"),
            MemberLoan.shg_id.label("shg_id"),
            MemberLoan.principal_paise.label("principal"),
            func.coalesce(func.sum(Posting.delta_paise), 0).label("outstanding"),
        )
        .outerjoin(
            Posting, and_(Posting.account_id == MemberLoan.account_id, Posting.value_date <= as_of)
        )
        .where(MemberLoan.disbursed_on <= as_of)
        .group_by(
            MemberLoan.id, MemberLoan.state_code, MemberLoan.shg_id, MemberLoan.principal_paise
        )
    )


def _arrears_since(as_of: date, outstanding: FromClause) -> Select:  # type: ignore[type-arg]
    """Per loan in arrears: the due date of its oldest instalment not covered by repayments.
    `outstanding` is `_outstanding` as a subquery or CTE."""
    repaid = outstanding.c.principal - outstanding.c.outstanding
    return (
        select(LoanInstalment.loan_id, func.min(LoanInstalment.due_on).label("since"))
        .join(
            outstanding,
            (outstanding.c.loan_id == LoanInstalment.loan_id)
            & (outstanding.c.state_code == LoanInstalment.state_code),
        )
        .where(
            overdue.overdue_since_condition(LoanInstalment.due_on, as_of),
            LoanInstalment.principal_through_paise > repaid,
            outstanding.c.outstanding > 0,
        )
        .group_by(LoanInstalment.loan_id)
    )


def _bucket_of(since: object, as_of: date) -> object:
    """SQL: the ageing bucket (`models.overdue.bucket`) of a loan in arrears since `since`
    (NULL: not in arrears), compared on dates so an index on them serves."""
    oldest_first = sorted(overdue.BUCKET_FLOORS.items(), key=lambda floor: -floor[1])
    return case(
        (since.is_(None), literal("current")),  # type: ignore[attr-defined]
        *(
            (overdue.since_on_or_before(since, days, as_of), literal(name))
            for name, days in oldest_first
        ),
        else_=literal("current"),
    )


def days_past_due(session: Session, loan: MemberLoan, as_of: date) -> int:
    loans = _outstanding(as_of).where(MemberLoan.id == loan.id).subquery()
    since = session.execute(_arrears_since(as_of, loans)).first()
    return overdue.days_past_due(since.since if since else None, as_of)


def standing_of(session: Session, loan_ids: list[int], as_of: date) -> dict[int, tuple[int, int]]:
    """Per loan disbursed by `as_of`: (principal outstanding, days past due) on that day, in
    two statements however many loans."""
    return standing_where(session, MemberLoan.id.in_(loan_ids), as_of)


def standing_where(
    session: Session, condition: ColumnElement[bool], as_of: date
) -> dict[int, tuple[int, int]]:
    """`standing_of` for every loan the condition on `member_loans` selects (a whole scope
    without an IN list of ids)."""
    loans = _outstanding(as_of).where(condition).cte("standing")
    query = select(loans.c.loan_id, loans.c.outstanding)
    outstanding = {i: int(o) for i, o in session.execute(query)}
    since = {i: day for i, day in session.execute(_arrears_since(as_of, loans))}
    return {i: (o, overdue.days_past_due(since.get(i), as_of)) for i, o in outstanding.items()}


def ageing_rows(session: Session, path_prefix: str, as_of: date) -> list[tuple[str, str, int, int]]:
    """(SHG path, bucket, loans, outstanding) for every SHG under `path_prefix` with loans."""
    loans = (
        _outstanding(as_of)
        .join(Institution, Institution.id == MemberLoan.shg_id)
        .where(Institution.path.startswith(path_prefix, autoescape=True))
    )
    # A CTE, so that PostgreSQL sums each loan's postings once, not once per use.
    outstanding = loans.cte("outstanding")
    since = _arrears_since(as_of, outstanding).subquery()
    bucket = _bucket_of(since.c.since, as_of)
    query = (
        select(Institution.path, bucket, func.count(), func.sum(outstanding.c.outstanding))
        .select_from(outstanding)
        .join(Institution, Institution.id == outstanding.c.shg_id)
        .outerjoin(since, since.c.loan_id == outstanding.c.loan_id)
        .where(outstanding.c.outstanding > 0)
        .group_by(Institution.path, bucket)
    )
    return [(path, b, int(n), int(total)) for path, b, n, total in session.execute(query)]


def _totals(rows: list[tuple[str, str, int, int]]) -> list[BucketTotal]:
    sums = {b: [0, 0] for b in BUCKETS}
    for _, bucket, count, total in rows:
        sums[bucket][0] += count
        sums[bucket][1] += total
    return [BucketTotal(b, n, t) for b, (n, t) in sums.items()]


def ageing(session: Session, who: Principal, institution_id: int, as_of: date) -> Ageing:
    """Loans by days past due for everything under an institution, and per child institution."""
    institution = readable_institution(session, who, institution_id)
    rows = ageing_rows(session, institution.path, as_of)
    children = list(
        session.scalars(
            select(Institution)
            .where(Institution.parent_id == institution.id)
            .order_by(Institution.id)
        )
    )
    per_child = [
        ChildAgeing(child, _totals([r for r in rows if r[0].startswith(child.path)]))
        for child in children
    ]
    return Ageing(institution, as_of, _totals(rows), per_child)
