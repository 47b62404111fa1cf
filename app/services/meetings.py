"""Recording a whole SHG meeting at once, as the paper register has it: one line per member.

All of a meeting posts in one transaction, or none of it does. Each line's operations run in
a savepoint so that every bad line can be found and named (`lines[3].repayment.amount: ...`)
before the whole meeting is refused. Collections (savings, fines, repayments) post before new
loans, so money collected at the meeting can be lent at the same meeting.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.services import loans, savings
from app.services.books import account_by_role, book_of
from app.services.errors import (
    Conflict,
    DomainError,
    FieldProblem,
    Invalid,
    NotFound,
    require_no_problems,
)
from app.services.institutions import can_read_institution, writable_institution
from app.services.meeting_repayments import RepaymentRequest, plan_meeting_repayments
from app.services.posting import EntryDraft, PostingDraft, post_entry
from app.services.principal import Principal
from app.services.reversals import reverse_entry
from models.base import utcnow
from models.institutions import InstitutionKind, Member, Status
from models.ledger import JournalEntry, Side
from models.meetings import Meeting, MeetingAttendance, MeetingEntry
from models.schedule import LoanTerms

MAX_LINES = 60  # an SHG has 10-20 members; a register page never holds more


@dataclass(frozen=True)
class RepaymentLine:
    amount_paise: int
    loan_id: int | None = None  # may be left out when she has exactly one loan running


@dataclass(frozen=True)
class NewLoanLine:
    terms: LoanTerms
    fund_source: str = "own"
    fund_reference: str | None = None
    purpose: str | None = None


@dataclass(frozen=True)
class MeetingLine:
    member_id: int
    present: bool = True
    savings_paise: int = 0
    fine_paise: int = 0
    repayment: RepaymentLine | None = None
    new_loan: NewLoanLine | None = None


@dataclass(frozen=True)
class MeetingSheet:
    shg_id: int
    meeting_date: date
    lines: tuple[MeetingLine, ...]
    via: str = "cash"
    source: str | None = None


@dataclass
class _Run:
    session: Session
    who: Principal
    sheet: MeetingSheet
    today: date | None
    problems: list[FieldProblem] = field(default_factory=list)
    entries: list[JournalEntry] = field(default_factory=list)

    def note(self, where: str, error: DomainError) -> None:
        """Record a refusal under the line and part it belongs to."""
        if isinstance(error, Invalid) and error.problems:
            for p in error.problems:
                self.problems.append(
                    FieldProblem(f"{where}.{p.field}" if p.field else where, p.reason)
                )
        else:
            self.problems.append(FieldProblem(where, error.detail))

    def attempt(self, where: str, operation: Callable[[], JournalEntry]) -> None:
        """Run one posting operation in a savepoint; on refusal, note it."""
        try:
            with self.session.begin_nested():
                entry = operation()
        except DomainError as error:
            self.note(where, error)
            return
        self.entries.append(entry)


def _members(session: Session, sheet: MeetingSheet) -> dict[int, Member]:
    rows = session.scalars(
        select(Member).where(Member.shg_id == sheet.shg_id, Member.status != Status.CLOSED.value)
    )
    return {m.id: m for m in rows}


def _line_problems(sheet: MeetingSheet, members: dict[int, Member]) -> list[FieldProblem]:
    problems, seen = [], set()
    if not 1 <= len(sheet.lines) <= MAX_LINES:
        problems.append(FieldProblem("lines", f"a meeting has 1 to {MAX_LINES} lines"))
    for i, line in enumerate(sheet.lines):
        if line.member_id not in members:
            problems.append(
                FieldProblem(
                    f"lines[{i}].member_id", f"no active member {line.member_id} in this SHG"
                )
            )
        elif line.member_id in seen:
            problems.append(FieldProblem(f"lines[{i}].member_id", "this member already has a line"))
        seen.add(line.member_id)
        if line.savings_paise < 0 or line.fine_paise < 0:
            problems.append(FieldProblem(f"lines[{i}]", "amounts must not be negative"))
    return problems


def _next_revision(session: Session, sheet: MeetingSheet) -> int:
    standing = session.scalar(
        select(Meeting).where(
            Meeting.shg_id == sheet.shg_id,
            Meeting.meeting_date == sheet.meeting_date,
            Meeting.reversed_at.is_(None),
        )
    )
    if standing is not None:
        raise Conflict(
            f"the meeting of {sheet.meeting_date} is already recorded (meeting {standing.id})"
        )
    count = session.scalar(
        select(func.count())
        .select_from(Meeting)
        .where(Meeting.shg_id == sheet.shg_id, Meeting.meeting_date == sheet.meeting_date)
    )
    return count or 0


def _merged(credits: list[PostingDraft]) -> tuple[PostingDraft, ...]:
    """One credit per account, in first-seen order: keeps a full register under the
    posting limit of one entry."""
    totals: dict[int, int] = {}
    for credit in credits:
        totals[credit.account_id] = totals.get(credit.account_id, 0) + credit.amount_paise
    return tuple(PostingDraft(account, Side.CREDIT, paise) for account, paise in totals.items())


def _collections(run: _Run, members: dict[int, Member]) -> None:
    """Every line's savings, fines and repayments as ONE entry: Dr cash (or bank) for the
    total, Cr each member's savings and loan, fines and interest income."""
    session, day = run.session, run.sheet.meeting_date
    book = book_of(session, run.sheet.shg_id)
    income = loans.income_accounts(session, run.sheet.shg_id)
    savings_of = savings.savings_accounts(session, [line.member_id for line in run.sheet.lines])
    requests = [
        RepaymentRequest(
            i, members[line.member_id], line.repayment.loan_id, line.repayment.amount_paise
        )
        for i, line in enumerate(run.sheet.lines)
        if line.repayment is not None
    ]
    plans, refusals = plan_meeting_repayments(session, requests, day)
    for index, error in sorted(refusals.items()):
        run.note(f"lines[{index}].repayment", error)
    credits: list[PostingDraft] = []
    for i, line in enumerate(run.sheet.lines):
        if line.savings_paise:
            credits.append(
                PostingDraft(savings_of[line.member_id].id, Side.CREDIT, line.savings_paise)
            )
        if line.fine_paise:
            credits.append(PostingDraft(income["penalty"], Side.CREDIT, line.fine_paise))
        if i in plans:
            credits.extend(loans.repayment_credits(session, plans[i], income))
    if run.problems or not credits:
        return
    merged = _merged(credits)
    total = sum(c.amount_paise for c in merged)
    narration = f"Meeting of {day.isoformat()}: savings, fines and repayments"
    draft = EntryDraft(
        book.id,
        day,
        narration,
        (
            PostingDraft(account_by_role(session, book.id, run.sheet.via).id, Side.DEBIT, total),
            *merged,
        ),
    )
    entry = post_entry(session, run.who, draft, run.today)
    run.entries.append(entry)
    session.add_all(loans.repayment_record(planned, entry.id) for planned in plans.values())


def _new_loan(run: _Run, i: int, line: MeetingLine) -> None:
    if line.new_loan is None:
        return
    spec = line.new_loan
    new = loans.NewLoan(
        member_id=line.member_id,
        terms=spec.terms,
        disbursed_on=run.sheet.meeting_date,
        fund_source=spec.fund_source,
        fund_reference=spec.fund_reference,
        purpose=spec.purpose,
        via=run.sheet.via,
    )

    def disburse() -> JournalEntry:
        loan = loans.disburse_loan(run.session, run.who, new, run.today)
        return run.session.get_one(JournalEntry, loan.disbursement_entry_id)

    run.attempt(f"lines[{i}].new_loan", disburse)


def record_meeting(
    session: Session, who: Principal, sheet: MeetingSheet, today: date | None = None
) -> Meeting:
    """Post a whole meeting, or nothing: every bad line is named in one refusal."""
    shg = writable_institution(session, who, sheet.shg_id)
    if shg.kind != InstitutionKind.SHG.value or shg.status == Status.CLOSED.value:
        raise Invalid.field("shg_id", f"institution {shg.id} is not an open SHG")
    if sheet.via not in ("cash", "bank"):
        raise Invalid.field("via", 'must be "cash" or "bank"')
    members = _members(session, sheet)
    require_no_problems(_line_problems(sheet, members), "the meeting cannot be recorded")
    meeting = Meeting(
        shg_id=shg.id,
        meeting_date=sheet.meeting_date,
        revision=_next_revision(session, sheet),
        members_present=sum(1 for line in sheet.lines if line.present),
        members_total=len(members),
        source=sheet.source,
        recorded_by=who.label,
    )
    session.add(meeting)
    session.flush()
    run = _Run(session, who, sheet, today)
    _collections(run, members)
    for i, line in enumerate(sheet.lines):
        _new_loan(run, i, line)
    require_no_problems(run.problems, "the meeting cannot be recorded; nothing was posted")
    session.add_all(
        MeetingAttendance(meeting_id=meeting.id, member_id=line.member_id, present=line.present)
        for line in sheet.lines
    )
    session.add_all(MeetingEntry(meeting_id=meeting.id, entry_id=e.id) for e in run.entries)
    session.flush()
    return meeting


def try_meeting(
    session: Session,
    who: Principal,
    sheet: MeetingSheet,
    *,
    apply: bool,
    today: date | None = None,
) -> Meeting:
    """Record a meeting in a savepoint, kept when `apply`, else undone after every check has
    run: a dry run finds exactly the problems posting would."""
    savepoint = session.begin_nested()
    try:
        meeting = record_meeting(session, who, sheet, today)
    except BaseException:
        savepoint.rollback()
        raise
    if apply:
        savepoint.commit()
    else:
        savepoint.rollback()
    return meeting


def meeting_entries(session: Session, meeting: Meeting) -> list[JournalEntry]:
    return list(
        session.scalars(
            select(JournalEntry)
            .join(MeetingEntry, MeetingEntry.entry_id == JournalEntry.id)
            .where(MeetingEntry.meeting_id == meeting.id)
            .order_by(JournalEntry.seq)
        )
    )


def readable_meeting(session: Session, who: Principal, meeting_id: int) -> Meeting:
    meeting = session.get(Meeting, meeting_id)
    if meeting is None or not can_read_institution(session, who, meeting.shg_id):
        raise NotFound(f"meeting {meeting_id} not found")
    return meeting


def reverse_meeting(
    session: Session,
    who: Principal,
    meeting_id: int,
    value_date: date | None = None,
    today: date | None = None,
) -> Meeting:
    """Reverse the meeting's entries, newest first; the meeting may then be recorded again."""
    meeting = readable_meeting(session, who, meeting_id)
    writable_institution(session, who, meeting.shg_id)
    if meeting.reversed_at is not None:
        raise Conflict(f"meeting {meeting_id} was already reversed")
    for entry in reversed(meeting_entries(session, meeting)):
        reverse_entry(session, who, entry.id, value_date=value_date, today=today)
    meeting.reversed_at = utcnow()
    meeting.reversed_by = who.label
    session.flush()
    return meeting
