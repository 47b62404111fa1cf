"""Recording a whole SHG meeting at once, as the paper register has it: one line per member.

All of a meeting posts in one transaction, or none of it does. Every line is checked before
anything posts, so every bad line is named in one refusal (`lines[3].repayment.amount: ...`).
Collections (savings, fines, repayments) post as one entry before new loans, so money
collected at the meeting can be lent at the same meeting.

One meeting (`record_meeting`) and a day's meetings of many SHGs (`record_meetings`, the
bulk import's path) go through the same steps: read what the sheets need set-wise, plan each
sheet, post, keep the meeting rows. Only the number of sheets per statement differs.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from app.services.federation.institutions import can_read_institution, writable_institution
from app.services.ledger.books import accounts_by_role, books_of, keeps_no_books, no_account
from app.services.ledger.bulk import insert_rows
from app.services.ledger.posting import EntryDraft, PostingDraft, post_entries, post_entry
from app.services.lending import loans, savings
from app.services.lending.meeting_loans import LendingSheet, LoanLine, lend_together
from app.services.lending.meeting_repayments import (
    LoanBook,
    RepaymentRequest,
    plan_repayments,
    read_loan_book,
)
from app.services.lending.reversals import reverse_entry
from app.services.shared.errors import (
    Conflict,
    DomainError,
    FieldProblem,
    Invalid,
    NotFound,
    require_no_problems,
)
from app.services.shared.principal import Principal
from models.base import utcnow
from models.institutions import Institution, InstitutionKind, Member, Status
from models.interest import InterestBasis
from models.ledger import Account, Book, JournalEntry, Side
from models.loans import LoanRepayment
from models.meetings import Meeting, MeetingAttendance, MeetingEntry
from models.schedule import LoanTerms

MAX_LINES = 60  # an SHG has 10-20 members; a register page never holds more
REFUSED = "the meeting cannot be recorded; nothing was posted"


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
    interest_basis: InterestBasis = InterestBasis.PER_PERIOD
    facility_id: int | None = None  # the bank loan it comes from (fund_source "bank_loan")


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
class _Known:
    """What recording a set of sheets (of distinct SHGs, on one day) reads, read once."""

    day: date
    # Kept so the session's identity map holds them: the scope check reads them, not the
    # database.
    shgs: list[Institution]
    members: dict[int, dict[int, Member]]  # SHG → active members by id
    recordings: dict[int, list[tuple[int, bool]]]  # SHG → (meeting id, standing) that day
    books: dict[int, Book]  # SHG → its book
    accounts: dict[tuple[int, str], int]  # (book, role) → account id
    savings: dict[int, Account]  # member → her savings account
    loans: LoanBook


_ROLES = ("cash", "bank", *loans.INCOME_ROLES.values())


def _read(session: Session, who: Principal, sheets: Sequence[MeetingSheet]) -> _Known:
    """Set-wise reads for every sheet, scoped to the SHGs the principal may write to."""
    day = sheets[0].meeting_date
    ids = [sheet.shg_id for sheet in sheets]
    shgs = list(session.scalars(select(Institution).where(Institution.id.in_(ids))))
    in_scope = [shg.id for shg in shgs if who.can_write(shg.path)]
    members: dict[int, dict[int, Member]] = defaultdict(dict)
    for member in session.scalars(
        select(Member).where(Member.shg_id.in_(in_scope), Member.status != Status.CLOSED.value)
    ):
        members[member.shg_id][member.id] = member
    recordings: dict[int, list[tuple[int, bool]]] = defaultdict(list)
    for shg_id, meeting_id, reversed_at in session.execute(
        select(Meeting.shg_id, Meeting.id, Meeting.reversed_at).where(
            Meeting.shg_id.in_(in_scope), Meeting.meeting_date == day
        )
    ):
        recordings[shg_id].append((meeting_id, reversed_at is None))
    books = books_of(session, in_scope)
    on_sheets = [
        line.member_id
        for sheet in sheets
        for line in sheet.lines
        if line.member_id in members.get(sheet.shg_id, {})
    ]
    return _Known(
        day,
        shgs,
        members,
        recordings,
        books,
        accounts_by_role(session, [b.id for b in books.values()], _ROLES),
        savings.savings_accounts(session, on_sheets) if on_sheets else {},
        read_loan_book(session, on_sheets, day),
    )


def _members(known: _Known, sheet: MeetingSheet) -> dict[int, Member]:
    return known.members.get(sheet.shg_id, {})


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


def _revision(known: _Known, sheet: MeetingSheet) -> int:
    recordings = known.recordings.get(sheet.shg_id, [])
    for meeting_id, standing in recordings:
        if standing:
            raise Conflict(
                f"the meeting of {sheet.meeting_date} is already recorded (meeting {meeting_id})"
            )
    return len(recordings)


def _merged(credits: list[PostingDraft]) -> tuple[PostingDraft, ...]:
    """One credit per account, in first-seen order: keeps a full register under the
    posting limit of one entry."""
    totals: dict[int, int] = {}
    for credit in credits:
        totals[credit.account_id] = totals.get(credit.account_id, 0) + credit.amount_paise
    return tuple(PostingDraft(account, Side.CREDIT, paise) for account, paise in totals.items())


@dataclass
class _Planned:
    """A sheet checked against the books and turned into what it will post, not yet posted."""

    sheet: MeetingSheet
    state_code: str  # the SHG's: the meeting's and its rows'
    revision: int
    members_total: int
    collections: EntryDraft | None  # savings, fines and repayments: one entry
    repayments: list[loans.RepaymentPlan]
    problems: list[FieldProblem]  # lines refused; nothing may post while there are any


def _account(known: _Known, book_id: int, role: str) -> int:
    if (book_id, role) not in known.accounts:
        raise no_account(book_id, role)
    return known.accounts[(book_id, role)]


def _plan(session: Session, who: Principal, known: _Known, sheet: MeetingSheet) -> _Planned:
    """Check a sheet and plan its collections: every line's savings, fines and repayments as
    ONE entry, Dr cash (or bank) for the total, Cr each member's savings and loan, fines and
    interest income. Raises what refuses the sheet outright; bad lines are `problems`."""
    shg = writable_institution(session, who, sheet.shg_id)  # read by `_read`: no query
    if shg.kind != InstitutionKind.SHG.value or shg.status == Status.CLOSED.value:
        raise Invalid.field("shg_id", f"institution {shg.id} is not an open SHG")
    if sheet.via not in ("cash", "bank"):
        raise Invalid.field("via", 'must be "cash" or "bank"')
    members = _members(known, sheet)
    require_no_problems(_line_problems(sheet, members), "the meeting cannot be recorded")
    revision = _revision(known, sheet)
    book = known.books.get(sheet.shg_id)
    if book is None:
        raise keeps_no_books(sheet.shg_id)
    income = {part: _account(known, book.id, role) for part, role in loans.INCOME_ROLES.items()}
    requests = [
        RepaymentRequest(
            i, members[line.member_id], line.repayment.loan_id, line.repayment.amount_paise
        )
        for i, line in enumerate(sheet.lines)
        if line.repayment is not None
    ]
    plans, refusals = plan_repayments(known.loans, requests, sheet.meeting_date)
    problems = [
        p
        for index, error in sorted(refusals.items())
        for p in _named(f"lines[{index}].repayment", error)
    ]
    credits: list[PostingDraft] = []
    for i, line in enumerate(sheet.lines):
        if line.savings_paise:
            credits.append(
                PostingDraft(known.savings[line.member_id].id, Side.CREDIT, line.savings_paise)
            )
        if line.fine_paise:
            credits.append(PostingDraft(income["penalty"], Side.CREDIT, line.fine_paise))
        if i in plans:
            credits.extend(loans.repayment_credits(session, plans[i], income))
    draft = None
    if credits and not problems:
        merged = _merged(credits)
        total = sum(c.amount_paise for c in merged)
        debit = PostingDraft(_account(known, book.id, sheet.via), Side.DEBIT, total)
        draft = EntryDraft(
            book.id,
            sheet.meeting_date,
            f"Meeting of {sheet.meeting_date.isoformat()}: savings, fines and repayments",
            (debit, *merged),
        )
    plans_made = list(plans.values())
    return _Planned(sheet, shg.state_code, revision, len(members), draft, plans_made, problems)


def _named(where: str, error: DomainError) -> list[FieldProblem]:
    """A refusal's problems under the line and part it belongs to."""
    if isinstance(error, Invalid) and error.problems:
        return [
            FieldProblem(f"{where}.{p.field}" if p.field else where, p.reason)
            for p in error.problems
        ]
    return [FieldProblem(where, error.detail)]


@dataclass
class _Posted:
    planned: _Planned
    collections: JournalEntry | None
    loan_entries: list[JournalEntry] = field(default_factory=list)


def _keep(session: Session, who: Principal, posted: list[_Posted]) -> dict[int, int]:
    """Write the meetings, their attendance, their entries and the repayments' splits, a
    statement of each for the whole set. Returns each SHG's new meeting id."""
    meetings = Meeting.__table__
    now = utcnow()
    rows = [
        {
            "shg_id": p.planned.sheet.shg_id,
            "state_code": p.planned.state_code,
            "meeting_date": p.planned.sheet.meeting_date,
            "revision": p.planned.revision,
            "members_present": sum(1 for line in p.planned.sheet.lines if line.present),
            "members_total": p.planned.members_total,
            "source": p.planned.sheet.source,
            "recorded_at": now,
            "recorded_by": who.label,
        }
        for p in posted
    ]
    ids: dict[int, int] = {
        shg_id: meeting_id
        for shg_id, meeting_id in session.connection().execute(
            insert(meetings).returning(meetings.c.shg_id, meetings.c.id), rows
        )
    }
    attendance, entries, repayments = [], [], []
    for p in posted:
        meeting = {"meeting_id": ids[p.planned.sheet.shg_id], "state_code": p.planned.state_code}
        attendance.extend(
            {**meeting, "member_id": line.member_id, "present": line.present}
            for line in p.planned.sheet.lines
        )
        own = [p.collections] if p.collections is not None else []
        entries.extend({**meeting, "entry_id": e.id} for e in [*own, *p.loan_entries])
        if p.collections is not None:
            repayments.extend(
                loans.repayment_values(plan, p.collections.id) for plan in p.planned.repayments
            )
    insert_rows(session, MeetingAttendance.__table__, attendance)
    insert_rows(session, MeetingEntry.__table__, entries)
    insert_rows(session, LoanRepayment.__table__, repayments)
    return ids


def _new_loan(sheet: MeetingSheet, line: MeetingLine) -> loans.NewLoan:
    spec = line.new_loan
    assert spec is not None
    return loans.NewLoan(
        member_id=line.member_id,
        terms=spec.terms,
        disbursed_on=sheet.meeting_date,
        fund_source=spec.fund_source,
        fund_reference=spec.fund_reference,
        purpose=spec.purpose,
        via=sheet.via,
        interest_basis=spec.interest_basis,
        facility_id=spec.facility_id,
    )


def _new_loans(
    session: Session, who: Principal, sheet: MeetingSheet, today: date | None
) -> tuple[list[JournalEntry], list[FieldProblem]]:
    entries, problems = [], []
    for i, line in enumerate(sheet.lines):
        if line.new_loan is None:
            continue
        try:
            with kept_if(session, True):  # a refusal undoes only this loan's work
                loan = loans.disburse_loan(session, who, _new_loan(sheet, line), today)
            entries.append(session.get_one(JournalEntry, loan.disbursement_entry_id))
        except DomainError as error:
            problems.extend(_named(f"lines[{i}].new_loan", error))
    return entries, problems


def _post_alone(session: Session, who: Principal, planned: _Planned, today: date | None) -> _Posted:
    """Post a planned sheet's collections, then its new loans one by one. New loans are tried
    even when a collection line is bad, so every bad line is named; then any problem refuses
    the sheet (the caller's savepoint or transaction undoes what did post)."""
    collections = None
    if planned.collections is not None:
        collections = post_entry(session, who, planned.collections, today)
    loan_entries, loan_problems = _new_loans(session, who, planned.sheet, today)
    require_no_problems(planned.problems + loan_problems, REFUSED)
    return _Posted(planned, collections, loan_entries)


def record_meeting(
    session: Session, who: Principal, sheet: MeetingSheet, today: date | None = None
) -> Meeting:
    """Post a whole meeting, or nothing: every bad line is named in one refusal. Collections
    post before new loans, so money collected at the meeting can be lent at the same meeting."""
    planned = _plan(session, who, _read(session, who, [sheet]), sheet)
    ids = _keep(session, who, [_post_alone(session, who, planned, today)])
    return session.get_one(Meeting, ids[sheet.shg_id])


def _lends(sheet: MeetingSheet) -> bool:
    return any(line.new_loan for line in sheet.lines)


def _post_together(
    session: Session, who: Principal, planned: list[tuple[int, _Planned]], today: date | None
) -> dict[int, _Posted | DomainError]:
    """Sheets without new loans, whose lines all passed: their collections in one
    `post_entries`, each entry posted or refused alone."""
    drafts = [(i, p.collections) for i, p in planned if p.collections is not None]
    entries = post_entries(session, who, [d for _, d in drafts], today)
    outcome = dict(zip((i for i, _ in drafts), entries, strict=True))
    return {
        i: entry if isinstance(entry := outcome.get(i), DomainError) else _Posted(plan, entry)
        for i, plan in planned
    }


def _post_lending(
    session: Session, who: Principal, planned: _Planned, today: date | None
) -> _Posted | DomainError:
    """A sheet with new loans posted alone in a savepoint, each disbursement building its loan
    and schedule one at a time, any refusal undoing the sheet's collections: the path that
    names every bad line."""
    try:
        with kept_if(session, True):
            return _post_alone(session, who, planned, today)
    except DomainError as error:
        return error


def _lending_sheet(known: _Known, key: int, planned: _Planned) -> LendingSheet:
    sheet = planned.sheet
    book = known.books[sheet.shg_id]  # `_plan` refused a sheet of an SHG without one
    members = _members(known, sheet)
    return LendingSheet(
        key,
        book,
        known.accounts.get((book.id, sheet.via)),
        planned.collections,
        tuple(
            LoanLine(i, members[line.member_id], _new_loan(sheet, line))
            for i, line in enumerate(sheet.lines)
            if line.new_loan is not None
        ),
    )


def _lend_together(
    session: Session,
    who: Principal,
    known: _Known,
    planned: list[tuple[int, _Planned]],
    today: date | None,
) -> dict[int, _Posted | DomainError]:
    """Sheets with new loans, whose lines all passed: set-wise (`meeting_loans`); a sheet
    refused there is posted alone, which names its problems by line."""
    plans = dict(planned)
    lent, alone = lend_together(
        session, who, [_lending_sheet(known, i, p) for i, p in planned], today
    )
    results: dict[int, _Posted | DomainError] = {
        i: _Posted(plans[i], posted.collections, posted.loan_entries) for i, posted in lent.items()
    }
    for i in alone:
        results[i] = _post_lending(session, who, plans[i], today)
    return results


def record_meetings(
    session: Session, who: Principal, sheets: Sequence[MeetingSheet], today: date | None = None
) -> list[int | DomainError]:
    """Many SHGs' meetings of one day at once, each exactly as `record_meeting` would post or
    refuse it: the bulk import's path. What the sheets need is read set-wise once; sheets
    without new loans post in a few statements for the whole set, and so do sheets with new
    loans (`meeting_loans`), a refused one then posted alone to name its problems by line.
    Each sheet's result is its meeting's id or its refusal."""
    if len({s.shg_id for s in sheets}) != len(sheets) or len({s.meeting_date for s in sheets}) > 1:
        raise ValueError("a batch holds one meeting per SHG, all on one day")
    if not sheets:
        return []
    known = _read(session, who, sheets)
    results: dict[int, _Posted | DomainError] = {}
    together: list[tuple[int, _Planned]] = []
    lending: list[tuple[int, _Planned]] = []
    for i, sheet in enumerate(sheets):
        try:
            plan = _plan(session, who, known, sheet)
        except DomainError as error:
            results[i] = error
            continue
        if _lends(sheet) and plan.problems:
            results[i] = _post_lending(session, who, plan, today)  # names its loans' problems too
        elif _lends(sheet):
            lending.append((i, plan))
        elif plan.problems:
            results[i] = Invalid.of(plan.problems, REFUSED)
        else:
            together.append((i, plan))
    results.update(_post_together(session, who, together, today))
    results.update(_lend_together(session, who, known, lending, today))
    posted = [r for r in results.values() if isinstance(r, _Posted)]
    ids = _keep(session, who, posted) if posted else {}
    return [
        ids[outcome.planned.sheet.shg_id] if isinstance(outcome, _Posted) else outcome
        for _, outcome in sorted(results.items())
    ]


@contextmanager
def kept_if(session: Session, keep: bool) -> Iterator[None]:
    """Run the block in a savepoint, kept when `keep` and the block ends well, else undone: a
    dry run that finds exactly the problems the real thing would. Undoing it also expires what
    the session holds: posting moves balances and book heads in memory as committed values
    (no flush, no dirty state), which a savepoint's own rollback leaves as they were."""
    savepoint = session.begin_nested()
    try:
        yield
    except BaseException:
        savepoint.rollback()
        session.expire_all()
        raise
    if keep:
        savepoint.commit()
    else:
        savepoint.rollback()
        session.expire_all()


def try_meeting(
    session: Session,
    who: Principal,
    sheet: MeetingSheet,
    *,
    apply: bool,
    today: date | None = None,
) -> Meeting:
    """Record a meeting, kept when `apply`, else undone after every check has run."""
    with kept_if(session, apply):
        return record_meeting(session, who, sheet, today)


def meeting_entries(session: Session, meeting: Meeting) -> list[JournalEntry]:
    return list(
        session.scalars(
            select(JournalEntry)
            .join(
                MeetingEntry,
                (MeetingEntry.entry_id == JournalEntry.id)
                & (MeetingEntry.state_code == JournalEntry.state_code),
            )
            .where(
                MeetingEntry.meeting_id == meeting.id, MeetingEntry.state_code == meeting.state_code
            )
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
