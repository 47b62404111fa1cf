"""A member's credit history, derived from the books (never typed in), as a credit bureau
shows one: her loans, a 36-month days-past-due grid, her savings, attendance, her SHG's
standing, and the enquiries banks made.

Grid cells are the days past due at the day-end of each month end (0 is on time;
`models.overdue`'s rule, so an instalment due on the month's last day and unpaid that day
is 1), or None where the loan was not running that month (not yet lent, or repaid and
closed before the month began).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import extract, func, select
from sqlalchemy.orm import Session

from app.services.capital.utilisation import cash_and_bank, one_institution
from app.services.lending import loans
from app.services.lending.arrears import standing_where
from app.services.lending.livelihood import LakhpatiStatus, lakhpati_status
from app.services.lending.loan_months import loan_months
from app.services.lending.savings import savings_account
from app.services.shared.clock import INDIA
from app.services.shared.scoped_state import in_state
from models import overdue
from models.credit import CreditEnquiry
from models.institutions import Bank, Institution, Member
from models.ledger import Account, JournalEntry, Posting
from models.loans import MemberLoan
from models.meetings import Meeting, MeetingAttendance

GRID_MONTHS = 36


@dataclass(frozen=True)
class LoanHistory:
    loan_id: int
    fund_source: str
    sanctioned_paise: int
    disbursed_on: date
    instalments: int
    outstanding_paise: int
    overdue_paise: int  # principal fallen due and not repaid
    overdue_days: int
    worst_days_past_due: int
    status: str  # active, closed, written_off
    grid: list[int | None]  # oldest month first, one per month of `months`


@dataclass(frozen=True)
class SavingsHistory:
    balance_paise: int
    months_saved: int  # months of the window with at least one deposit
    months_in_window: int  # months since she joined (or first saved), at most 36
    longest_streak: int
    current_streak: int


@dataclass(frozen=True)
class Attendance:
    meetings: int  # her SHG's meetings in the last 12 months
    present: int


@dataclass(frozen=True)
class ShgStanding:
    name: str
    vo_name: str
    meetings_last_12_months: int
    members: int
    loans_running: int
    loans_overdue: int
    last_entry_on: date | None  # books up to date when this is recent
    member_months_saved: int  # of the last 12 months × members: the group's saving habit
    member_months: int
    lent_to_members_paise: int  # member loans outstanding
    cash_and_bank_paise: int  # what is not lent: capital revolving = lent / (lent + this)
    vo_shgs: int
    vo_loans_running: int
    vo_loans_overdue: int

    @property
    def capital_revolving(self) -> float | None:
        capital = self.lent_to_members_paise + self.cash_and_bank_paise
        return None if capital == 0 else self.lent_to_members_paise / capital


@dataclass(frozen=True)
class Enquiry:
    bank: str
    purpose: str
    on: date


@dataclass(frozen=True)
class CreditHistory:
    member: Member
    as_of: date
    months: list[date]  # the grid's month ends, oldest first
    loans: list[LoanHistory]
    savings: SavingsHistory
    attendance: Attendance
    shg: ShgStanding
    enquiries: list[Enquiry]
    livelihood: LakhpatiStatus

    @property
    def history_months(self) -> int:
        """How long her record is: months since her first saving or loan."""
        return self.savings.months_in_window


def month_ends(as_of: date, count: int = GRID_MONTHS) -> list[date]:
    """The last `count` month ends up to `as_of` (the running month's end is `as_of`)."""
    ends = [as_of]
    first_of_month = as_of.replace(day=1)
    while len(ends) < count:
        ends.append(first_of_month - timedelta(days=1))
        first_of_month = ends[-1].replace(day=1)
    return list(reversed(ends))


def _loans(session: Session, member: Member, as_of: date, months: list[date]) -> list[LoanHistory]:
    # Her state named outright: a bank's request spans states, so its session adds no state.
    hers = (MemberLoan.member_id == member.id) & (MemberLoan.state_code == member.state_code)
    months_of = loan_months(session, hers, as_of)
    rows = [
        loan
        for loan in session.scalars(
            select(MemberLoan).where(hers, MemberLoan.disbursed_on <= as_of).order_by(MemberLoan.id)
        )
        if months_of[loan.id].standing  # a loan whose disbursement was reversed never was
    ]
    grid: dict[int, list[int | None]] = {}
    for loan in rows:
        state, previous, cells = months_of[loan.id], 0, []
        for end in months:
            if state.disbursed_on > end:
                cells.append(None)
                continue
            outstanding = state.outstanding(end)
            running = outstanding > 0 or previous > 0
            cells.append(state.days_past_due(end, outstanding) if running else None)
            previous = outstanding
        grid[loan.id] = cells
    out = []
    for loan in rows:
        position = loans.position(session, loan, as_of)
        cells = [c for c in grid[loan.id] if c is not None]
        due = sum(
            i.principal_paise
            for i in loans.schedule_of(session, loan)
            if overdue.is_overdue(i.due_on, as_of)
        )
        repaid = loan.principal_paise - position.outstanding_paise
        unpaid = max(due - repaid, 0) if position.status == "active" else 0
        out.append(
            LoanHistory(
                loan.id,
                loan.fund_source,
                loan.principal_paise,
                loan.disbursed_on,
                loan.instalments,
                position.outstanding_paise,
                unpaid,
                position.days_past_due,
                max([*cells, position.days_past_due]),
                position.status,
                grid[loan.id],
            )
        )
    return out


def _savings(session: Session, member: Member, as_of: date, months: list[date]) -> SavingsHistory:
    account = savings_account(session, member)
    deposits = session.scalars(
        select(Posting.value_date).where(
            Posting.account_id == account.id,
            Posting.state_code == member.state_code,
            Posting.delta_paise < 0,  # a credit to her savings: money saved
            Posting.value_date <= as_of,
            Posting.value_date > months[0].replace(day=1) - timedelta(days=1),
        )
    ).all()
    balance = -int(
        session.scalar(
            select(func.coalesce(func.sum(Posting.delta_paise), 0)).where(
                Posting.account_id == account.id,
                Posting.state_code == member.state_code,
                Posting.value_date <= as_of,
            )
        )
        or 0
    )
    saved = {(d.year, d.month) for d in deposits}
    return SavingsHistory(balance, *saving_record(months, [member.joined_on, *deposits], saved))


def saving_record(
    months: list[date], starts: Iterable[date | None], saved: set[tuple[int, int]]
) -> tuple[int, int, int, int]:
    """(months saved, months on record, longest streak, current streak) over the month ends
    from her first day on record (joining or first saving in the window); no record at all
    is no months on record."""
    known = [d for d in starts if d is not None]
    began = min(known) if known else None
    window = [m for m in months if began is not None and m >= began]
    flags = [(m.year, m.month) in saved for m in window]
    longest = current = 0
    for saved_that_month in flags:
        current = current + 1 if saved_that_month else 0
        longest = max(longest, current)
    return sum(flags), len(window), longest, current


def _attendance(session: Session, member: Member, as_of: date) -> Attendance:
    since = as_of - timedelta(days=365)
    held = (
        select(Meeting.id)
        .where(
            Meeting.shg_id == member.shg_id,
            Meeting.state_code == member.state_code,
            Meeting.reversed_at.is_(None),
            Meeting.meeting_date > since,
            Meeting.meeting_date <= as_of,
        )
        .subquery()
    )
    meetings = session.scalar(select(func.count()).select_from(held)) or 0
    present = (
        session.scalar(
            select(func.count())
            .select_from(MeetingAttendance)
            .where(
                MeetingAttendance.member_id == member.id,
                MeetingAttendance.state_code == member.state_code,
                MeetingAttendance.present.is_(True),
                MeetingAttendance.meeting_id.in_(select(held.c.id)),
            )
        )
        or 0
    )
    return Attendance(meetings, present)


def _group_saving(session: Session, shg: Institution, as_of: date) -> tuple[int, int]:
    """(member-months with a deposit, member-months) over the last 12 months."""
    since = month_ends(as_of, 12)[0].replace(day=1)
    year, month = extract("year", Posting.value_date), extract("month", Posting.value_date)
    state = shg.state_code
    saved = session.execute(
        select(Account.member_id, year, month)
        .join(Posting, (Posting.account_id == Account.id) & (Posting.state_code == state))
        .join(Member, (Member.id == Account.member_id) & (Member.state_code == state))
        .where(
            Member.shg_id == shg.id,
            Account.state_code == state,
            Account.normal_side == "C",  # her savings, not her loans
            Posting.delta_paise < 0,
            Posting.value_date >= since,
            Posting.value_date <= as_of,
        )
        .group_by(Account.member_id, year, month)
    ).all()
    return len(saved), 12 * _member_count(session, shg)


def _member_count(session: Session, shg: Institution) -> int:
    in_shg = (Member.shg_id == shg.id) & (Member.state_code == shg.state_code)
    return session.scalar(select(func.count()).select_from(Member).where(in_shg)) or 0


def shg_of(session: Session, member: Member) -> Institution:
    """Her SHG, read by its state as well as its id: a bank's request spans states, so its
    session names none (app/state_scope.py), and this statement then goes to her state's rows
    only (docs/scaling.md). One the session holds is taken from it, as `Session.get` does."""
    return session.get_one(
        Institution, member.shg_id, options=[in_state(Institution, member.state_code)]
    )


def _shg(session: Session, member: Member, as_of: date, attendance: Attendance) -> ShgStanding:
    shg = shg_of(session, member)
    # Every statement below names her state, the SHG's and its VO's (no transaction, nor
    # federation, spans two states: DOMAIN.md).
    state = shg.state_code
    in_its_state = [in_state(Institution, state)]
    vo = session.get(Institution, shg.parent_id, options=in_its_state) if shg.parent_id else None
    members = _member_count(session, shg)
    its_loans = MemberLoan.state_code == state
    standing = standing_where(session, (MemberLoan.shg_id == shg.id) & its_loans, as_of)
    running = [dpd for outstanding, dpd in standing.values() if outstanding > 0]
    lent_out = sum(outstanding for outstanding, _ in standing.values() if outstanding > 0)
    book = shg.book
    last_entry = (
        session.scalar(
            select(func.max(JournalEntry.value_date)).where(
                JournalEntry.book_id == book.id,
                JournalEntry.state_code == state,
                JournalEntry.value_date <= as_of,
            )
        )
        if book is not None
        else None
    )
    cash = cash_and_bank(session, one_institution(shg.id), as_of, state)
    held = cash.get(shg.id, (0, None, None))[0]
    saved, member_months = _group_saving(session, shg, as_of)
    vo_standing: dict[int, tuple[int, int]] = {}
    vo_shgs = 0
    if vo is not None:
        under = select(Institution.id).where(
            Institution.path.startswith(vo.path, autoescape=True),
            Institution.state_code == state,
            Institution.kind == "shg",
        )
        vo_shgs = session.scalar(select(func.count()).select_from(under.subquery())) or 0
        vo_standing = standing_where(session, MemberLoan.shg_id.in_(under) & its_loans, as_of)
    vo_running = [dpd for outstanding, dpd in vo_standing.values() if outstanding > 0]
    return ShgStanding(
        shg.name,
        vo.name if vo else "",
        attendance.meetings,
        members,
        len(running),
        sum(1 for dpd in running if dpd > 0),
        last_entry,
        saved,
        member_months,
        lent_out,
        max(held, 0),
        vo_shgs,
        len(vo_running),
        sum(1 for dpd in vo_running if dpd > 0),
    )


def _enquiries(session: Session, member: Member) -> list[Enquiry]:
    """Her enquiries, newest first: one per bank, consent and India's day. Rows recorded
    before migration 0025 (one per view, with no `on_day`) count once per day as well."""
    rows = session.execute(
        select(
            Bank.name,
            CreditEnquiry.bank_id,
            CreditEnquiry.consent_id,
            CreditEnquiry.purpose,
            CreditEnquiry.at,
            CreditEnquiry.on_day,
        )
        .join(Bank, Bank.id == CreditEnquiry.bank_id)
        .where(CreditEnquiry.member_id == member.id)
        .where(CreditEnquiry.state_code == member.state_code)
        .order_by(CreditEnquiry.id.desc())
    ).all()
    seen: set[tuple[int, int, date]] = set()
    found = []
    for bank, bank_id, consent_id, purpose, at, on_day in rows:
        day = on_day or at.astimezone(INDIA).date()
        if (bank_id, consent_id, day) not in seen:
            seen.add((bank_id, consent_id, day))
            found.append(Enquiry(bank, purpose, day))
    return found


def credit_history(
    session: Session, member: Member, as_of: date, months_back: int = GRID_MONTHS
) -> CreditHistory:
    """Her history as of a date, over `months_back` months. The caller has checked she may be
    read."""
    months = month_ends(as_of, months_back)
    attendance = _attendance(session, member, as_of)
    return CreditHistory(
        member,
        as_of,
        months,
        _loans(session, member, as_of, months),
        _savings(session, member, as_of, months),
        attendance,
        _shg(session, member, as_of, attendance),
        _enquiries(session, member),
        lakhpati_status(session, member, as_of),
    )
