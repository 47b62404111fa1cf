"""Planning every repayment of a meeting, or of many SHGs' meetings on one day, at once.

The single-repayment path (`loans.plan_repayment`) reads each loan's state one query at a
time; a meeting of fifteen repayments would make hundreds of round trips. Here every
member's loans, statuses, balances, latest repayments and scheduled interest are read in
a handful of set-wise queries, and each line is then checked and split with the same rules
(`loans.compute_dues`, `loans.allocate`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session, aliased

from app.services.ledger.bulk import among
from app.services.ledger.journal import reversed_clause
from app.services.lending.loans import (
    Paid,
    RepaymentPlan,
    allocate,
    check_repayment,
    compute_dues,
)
from app.services.shared.errors import Conflict, DomainError, Invalid
from models.institutions import Member
from models.ledger import Account, JournalEntry, Posting
from models.loans import LoanInstalment, LoanRepayment, LoanWriteOff, MemberLoan
from models.schedule import Method


@dataclass(frozen=True)
class RepaymentRequest:
    index: int  # the line of the sheet
    member: Member
    loan_id: int | None
    amount_paise: int


@dataclass
class LoanBook:
    """What the members' loans look like, read once."""

    loans: dict[int, MemberLoan]
    blocked: dict[int, str]  # loan id → why it takes no repayment
    balance_now: dict[int, int]
    outstanding_on_day: dict[int, int]
    paid: dict[int, Paid]  # loan id → its standing repayments, summed up (absent: none)
    scheduled_interest: dict[int, int]
    of_member: dict[int, list[MemberLoan]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        by_member: dict[int, list[MemberLoan]] = defaultdict(list)
        for loan in self.loans.values():
            by_member[loan.member_id].append(loan)
        self.of_member = dict(by_member)


_NONE_PAID = Paid(None, 0)


def _not_reversed(entry_id: object) -> object:
    return ~reversed_clause(entry_id)


def _latest_repayments(session: Session, loan_ids: list[int]) -> dict[int, LoanRepayment]:
    """Each loan's latest standing repayment, found by walking its repayments back from the
    newest (they are in date order): a row or two per loan, however long its history."""
    candidate, entry = aliased(LoanRepayment), aliased(JournalEntry)
    latest = (
        select(candidate.entry_id)
        .join(entry, (entry.id == candidate.entry_id) & (entry.state_code == candidate.state_code))
        .where(
            candidate.loan_id == MemberLoan.id,
            candidate.state_code == MemberLoan.state_code,
            _not_reversed(candidate.entry_id),
        )
        .order_by(candidate.value_date.desc(), entry.seq.desc())
        .limit(1)
        .correlate(MemberLoan)
        .scalar_subquery()
    )
    rows = session.scalars(
        select(LoanRepayment)
        .join(
            MemberLoan,
            and_(
                MemberLoan.id == LoanRepayment.loan_id,
                MemberLoan.state_code == LoanRepayment.state_code,
                LoanRepayment.entry_id == latest,
            ),
        )
        .where(among(session, MemberLoan.id, loan_ids))
    )
    return {row.loan_id: row for row in rows}


def _interest_paid(session: Session, loan_ids: list[int]) -> dict[int, int]:
    """The interest the loans' standing repayments paid in all."""
    if not loan_ids:
        return {}
    rows = session.execute(
        select(LoanRepayment.loan_id, func.sum(LoanRepayment.interest_paise))
        .where(
            among(session, LoanRepayment.loan_id, loan_ids), _not_reversed(LoanRepayment.entry_id)
        )
        .group_by(LoanRepayment.loan_id)
    )
    return {loan_id: int(total) for loan_id, total in rows}


def _paid(session: Session, loans: dict[int, MemberLoan]) -> dict[int, Paid]:
    """What each loan's standing repayments leave for the next. Only a flat loan's dues
    depend on the interest paid in all, so only flat loans sum their history."""
    latest = _latest_repayments(session, list(loans))
    flat = {i for i, loan in loans.items() if loan.method == Method.FLAT.value}
    interest = _interest_paid(session, list(flat))
    return {
        i: Paid(latest.get(i), interest.get(i, 0) if i in flat else None)
        for i in loans
        if i in latest or i in interest
    }


def _balances(session: Session, loan_ids: list[int], day: date) -> dict[int, tuple[int, int]]:
    """Each loan's principal outstanding now and on `day`. A loan account's maintained
    balance is the sum of its postings (`flask ledger verify` proves it), so the figure on
    `day` is the balance less what was posted after it: usually nothing, where summing
    everything up to `day` would read the loan's whole history."""
    rows = session.execute(
        select(
            MemberLoan.id, Account.balance_paise, func.coalesce(func.sum(Posting.delta_paise), 0)
        )
        .join(Account, Account.id == MemberLoan.account_id)
        .outerjoin(
            Posting, and_(Posting.account_id == MemberLoan.account_id, Posting.value_date > day)
        )
        .where(among(session, MemberLoan.id, loan_ids))
        .group_by(MemberLoan.id, Account.balance_paise)
    )
    return {loan_id: (now, now - int(later)) for loan_id, now, later in rows}


def read_loan_book(session: Session, member_ids: list[int], day: date) -> LoanBook:
    """The members' loans as they stand on `day`, in a handful of set-wise queries."""
    loans = {
        loan.id: loan
        for loan in session.scalars(
            select(MemberLoan).where(among(session, MemberLoan.member_id, member_ids))
        )
    }
    ids = list(loans)
    blocked = {
        i: "was cancelled (its disbursement was reversed)"
        for i in session.scalars(
            select(MemberLoan.id).where(
                among(session, MemberLoan.id, ids), ~_not_reversed(MemberLoan.disbursement_entry_id)
            )
        )
    }
    for i in session.scalars(
        select(LoanWriteOff.loan_id).where(
            among(session, LoanWriteOff.loan_id, ids), _not_reversed(LoanWriteOff.entry_id)
        )
    ):
        blocked.setdefault(i, "is written off; reverse the write-off to take repayments")
    balances = _balances(session, ids, day)
    scheduled = dict(
        session.execute(
            select(LoanInstalment.loan_id, func.sum(LoanInstalment.interest_paise))
            .where(among(session, LoanInstalment.loan_id, ids), LoanInstalment.due_on <= day)
            .group_by(LoanInstalment.loan_id)
        ).all()
    )
    return LoanBook(
        loans,
        blocked,
        {i: now for i, (now, _) in balances.items()},
        {i: on_day for i, (_, on_day) in balances.items()},
        _paid(session, loans),
        {k: int(v) for k, v in scheduled.items()},
    )


def _choose(book: LoanBook, request: RepaymentRequest) -> MemberLoan:
    if request.loan_id is not None:
        loan = book.loans.get(request.loan_id)
        if loan is None or loan.member_id != request.member.id:
            raise Invalid.field("loan_id", f"she has no loan {request.loan_id}")
        return loan
    running = [
        loan
        for loan in book.of_member.get(request.member.id, [])
        if loan.id not in book.blocked and book.balance_now.get(loan.id, 0) > 0
    ]
    if len(running) != 1:
        raise Invalid.field(
            "loan_id",
            "she has no loan running" if not running else "she has several loans: name the loan_id",
        )
    return running[0]


def _plan(book: LoanBook, request: RepaymentRequest, day: date) -> RepaymentPlan:
    loan = _choose(book, request)
    if loan.id in book.blocked:
        raise Conflict(f"loan {loan.id} {book.blocked[loan.id]}")
    paid = book.paid.get(loan.id, _NONE_PAID)
    # In date order: no standing repayment lies after `day`, so all of them count as paid.
    check_repayment(loan, paid.last, day, request.amount_paise)
    d = compute_dues(
        loan,
        day,
        book.outstanding_on_day.get(loan.id, 0),
        paid,
        book.scheduled_interest.get(loan.id, 0),
    )
    due = {
        "penalty": d.penalty_paise,
        "interest": d.interest_paise,
        "principal": d.outstanding_paise,
    }
    split = allocate(request.amount_paise, due, loan.allocation_order)
    return RepaymentPlan(loan, request.member, day, request.amount_paise, due, split)


def plan_repayments(
    book: LoanBook, requests: list[RepaymentRequest], day: date
) -> tuple[dict[int, RepaymentPlan], dict[int, DomainError]]:
    """Each request's plan, or why it is refused, by line index. The caller has already
    checked that every member belongs to the SHG it may write to."""
    plans: dict[int, RepaymentPlan] = {}
    refusals: dict[int, DomainError] = {}
    for request in requests:
        try:
            plans[request.index] = _plan(book, request, day)
        except DomainError as error:
            refusals[request.index] = error
    return plans, refusals
