"""What the books say of one bank's SHG loans on a day: the SHGs it lent to, and every member
loan its loans funded, with the figures the bureau file reports for each. All set-wise, a
fixed number of statements however many SHGs and members.

Per member loan, at the day-end of the as-of date (`models/overdue.py`, RBI DOR.STR.REC.68/
21.04.048/2021-22, 12 November 2021, through `arrears.standing_where`):
- outstanding: principal outstanding, the balance of her loan sub-account (SHG books take
  interest when it is paid, so no interest is added);
- days past due: from the oldest instalment whose principal is not covered by principal
  repaid;
- amount overdue: the principal the schedule put due by then, less principal repaid (the
  measure days past due are counted on; interest due is not added);
- instalment amount: the schedule's largest instalment (principal and interest): the flat
  loan's every instalment, the declining loan's first;
- status: written off (a standing write-off by then), closed (nothing outstanding; closed on
  her last repayment's day), delinquent (days past due), else current. A loan whose
  disbursement was reversed never existed for the bureau.
A written-off loan's days past due are those it had at the day-end before its write-off:
written off, it owes nothing in the books.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import ColumnElement, Select, case, func, select
from sqlalchemy.orm import Session

from app.services.ledger.bulk import among
from app.services.ledger.journal import reversed_clause
from app.services.lending.arrears import standing_of, standing_where
from models.capital import Facility
from models.institutions import BankBranch, Institution
from models.loans import LoanInstalment, LoanRepayment, LoanWriteOff, MemberLoan


@dataclass(frozen=True)
class BankLoan:
    """One of the bank's loans to an SHG, at one of its branches."""

    facility: Facility
    branch: BankBranch


@dataclass
class ShgAtBank:
    shg: Institution
    bank_loans: list[BankLoan] = field(default_factory=list)

    @property
    def limit_paise(self) -> int:
        return sum(b.facility.limit_paise for b in self.bank_loans)


@dataclass(frozen=True)
class Account:
    loan: MemberLoan
    bank_loan: BankLoan
    outstanding_paise: int
    days_past_due: int
    overdue_paise: int
    instalment_paise: int
    last_payment_on: date | None
    written_off: tuple[date, int] | None  # (value date, principal written off)
    status: str  # "current", "delinquent", "written_off", "closed"
    closed_on: date | None  # closed: her last repayment's day; written off: its day


@dataclass(frozen=True)
class Unattributed:
    """An SHG's loans from bank-loan funds that name no bank loan (migration 0022)."""

    loans: int
    outstanding_paise: int


@dataclass(frozen=True)
class BankBook:
    shgs: dict[int, ShgAtBank]
    accounts: list[Account]  # every loan the bank's loans funded, lent by the as-of date
    unattributed: dict[int, Unattributed]


def _bank_loans_query(bank_id: int, as_of: date) -> Select:  # type: ignore[type-arg]
    return (
        select(Facility.id)
        .join(BankBranch, BankBranch.id == Facility.branch_id)
        .where(Facility.fund == "bank", BankBranch.bank_id == bank_id)
        .where(Facility.sanctioned_on <= as_of)
    )


def _lent(as_of: date) -> ColumnElement[bool]:
    return (MemberLoan.disbursed_on <= as_of) & ~reversed_clause(  # type: ignore[operator]
        MemberLoan.disbursement_entry_id
    )


def _shgs(
    session: Session, bank_id: int, as_of: date, only: Sequence[int] | None
) -> dict[int, ShgAtBank]:
    query = (
        select(Facility, BankBranch)
        .join(BankBranch, BankBranch.id == Facility.branch_id)
        .where(Facility.id.in_(_bank_loans_query(bank_id, as_of)))
        .order_by(Facility.borrower_id, Facility.id)
    )
    if only is not None:
        query = query.where(Facility.borrower_id.in_(only))
    loans = session.execute(query).all()
    ids = sorted({f.borrower_id for f, _ in loans})
    shgs = {
        s.id: ShgAtBank(s)
        for s in session.scalars(select(Institution).where(among(session, Institution.id, ids)))
    }
    for facility, branch in loans:
        shgs[facility.borrower_id].bank_loans.append(BankLoan(facility, branch))
    return dict(sorted(shgs.items()))


@dataclass(frozen=True)
class _Figures:
    schedule: dict[int, tuple[int, int]]  # loan → (principal due through as-of, instalment)
    last_paid: dict[int, date]
    written_off: dict[int, tuple[date, int]]
    days_at_write_off: dict[int, int]


def _figures(session: Session, condition: ColumnElement[bool], as_of: date) -> _Figures:
    """Each loan's schedule figures, last repayment and write-off, a statement each."""
    due_through = func.max(
        case((LoanInstalment.due_on <= as_of, LoanInstalment.principal_through_paise), else_=0)
    )
    biggest = func.max(LoanInstalment.principal_paise + LoanInstalment.interest_paise)
    schedule = session.execute(
        select(LoanInstalment.loan_id, due_through, biggest)
        .join(MemberLoan, MemberLoan.id == LoanInstalment.loan_id)
        .where(condition)
        .group_by(LoanInstalment.loan_id)
    )
    last_paid = session.execute(
        select(LoanRepayment.loan_id, func.max(LoanRepayment.value_date))
        .join(MemberLoan, MemberLoan.id == LoanRepayment.loan_id)
        .where(condition, LoanRepayment.value_date <= as_of)
        .where(~reversed_clause(LoanRepayment.entry_id))  # type: ignore[operator]
        .group_by(LoanRepayment.loan_id)
    )
    write_offs = session.execute(
        select(LoanWriteOff.loan_id, LoanWriteOff.value_date, LoanWriteOff.principal_paise)
        .join(MemberLoan, MemberLoan.id == LoanWriteOff.loan_id)
        .where(condition, LoanWriteOff.value_date <= as_of)
        .where(~reversed_clause(LoanWriteOff.entry_id))  # type: ignore[operator]
    )
    written_off = {i: (day, int(p)) for i, day, p in write_offs}
    return _Figures(
        {i: (int(d), int(b)) for i, d, b in schedule},
        {i: day for i, day in last_paid},
        written_off,
        _days_at_write_off(session, written_off),
    )


def _days_at_write_off(
    session: Session, written_off: dict[int, tuple[date, int]]
) -> dict[int, int]:
    """Days past due at the day-end before each write-off, one read per write-off date."""
    by_day: dict[date, list[int]] = defaultdict(list)
    for loan_id, (day, _) in written_off.items():
        by_day[day].append(loan_id)
    days = {}
    for day, ids in by_day.items():
        for loan_id, (_, dpd) in standing_of(session, ids, day - timedelta(days=1)).items():
            days[loan_id] = dpd
    return days


def _account(
    loan: MemberLoan, bank_loan: BankLoan, standing: tuple[int, int], figures: _Figures
) -> Account:
    outstanding, dpd = standing
    due_through, instalment = figures.schedule.get(loan.id, (0, 0))
    last_paid = figures.last_paid.get(loan.id)
    written_off = figures.written_off.get(loan.id)
    overdue = max(due_through - (loan.principal_paise - outstanding), 0) if outstanding else 0
    if written_off is not None:
        status, closed_on = "written_off", written_off[0]
        dpd, overdue = figures.days_at_write_off.get(loan.id, 0), 0
    elif outstanding == 0:
        status, closed_on = "closed", last_paid or loan.disbursed_on
    else:
        status, closed_on = ("delinquent" if dpd else "current"), None
    return Account(
        loan,
        bank_loan,
        outstanding,
        dpd,
        overdue,
        instalment,
        last_paid,
        written_off,
        status,
        closed_on,
    )


def _unattributed(session: Session, as_of: date, shg_ids: Sequence[int]) -> dict[int, Unattributed]:
    condition = (
        among(session, MemberLoan.shg_id, shg_ids)
        & (MemberLoan.fund_source == "bank_loan")
        & MemberLoan.facility_id.is_(None)
        & _lent(as_of)
    )
    shg_of = dict(session.execute(select(MemberLoan.id, MemberLoan.shg_id).where(condition)).all())
    totals: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for loan_id, (outstanding, _) in standing_where(session, condition, as_of).items():
        if outstanding > 0:
            totals[shg_of[loan_id]][0] += 1
            totals[shg_of[loan_id]][1] += outstanding
    return {shg: Unattributed(n, paise) for shg, (n, paise) in totals.items()}


def read_bank_book(
    session: Session, bank_id: int, as_of: date, only_shgs: Sequence[int] | None = None
) -> BankBook:
    """The bank's SHGs (with a loan from it sanctioned by `as_of`) and every member loan its
    loans funded, as the books stood at the day-end of `as_of`; `only_shgs` narrows it."""
    shgs = _shgs(session, bank_id, as_of, only_shgs)
    condition = MemberLoan.facility_id.in_(_bank_loans_query(bank_id, as_of)) & _lent(as_of)
    if only_shgs is not None:
        condition = condition & MemberLoan.shg_id.in_(only_shgs)
    standing = standing_where(session, condition, as_of)
    figures = _figures(session, condition, as_of)
    bank_loans = {b.facility.id: b for s in shgs.values() for b in s.bank_loans}
    loans = session.scalars(
        select(MemberLoan)
        .where(condition)
        .order_by(MemberLoan.shg_id, MemberLoan.member_id, MemberLoan.id)
    )
    accounts = [
        _account(loan, bank_loans[loan.facility_id or 0], standing[loan.id], figures)
        for loan in loans
    ]
    return BankBook(shgs, accounts, _unattributed(session, as_of, list(shgs)))
