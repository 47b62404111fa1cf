"""Readiness characteristics for every member of a scope at once: the same figures
`readiness.features_of(credit_history(...))` gives one member, from a handful of grouped
queries (thirteen month-end standings of all loans, deposits by month, attendance), for
batch scoring, training labels and the banks' batch pulls.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from sqlalchemy import extract, func, select
from sqlalchemy.orm import Session, aliased

from app.services.credit.credit_history import GRID_MONTHS, month_ends, saving_record
from app.services.credit.readiness import characteristics
from app.services.lending.loan_months import loan_months
from models.institutions import Institution, Member
from models.ledger import Account, Posting
from models.loans import MemberLoan
from models.meetings import Meeting, MeetingAttendance

RECENT_MONTHS = 12
_CONTROL = aliased(Account, name="savings_control")  # built once


def _grids(
    session: Session, shgs: object, as_of: date
) -> tuple[dict[int, list[int]], dict[int, tuple[int, int]]]:
    """Per member, the running cells of her loans' last 12 month ends; per SHG, (loans
    running, loans overdue) on `as_of`. The same rule as `arrears.standing_of`, applied in
    memory to rows read once instead of two statements per month end."""
    loans = loan_months(session, MemberLoan.shg_id.in_(shgs), as_of)  # type: ignore[arg-type]
    ends = month_ends(as_of, RECENT_MONTHS + 1)
    cells: dict[int, list[int]] = defaultdict(list)
    per_shg: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for loan in loans.values():
        previous = 0
        for n, end in enumerate(ends):
            if loan.disbursed_on > end:
                continue
            outstanding = loan.outstanding(end)
            dpd = loan.days_past_due(end, outstanding)
            if loan.standing and n > 0 and (outstanding > 0 or previous > 0):
                cells[loan.member_id].append(dpd)
            previous = outstanding
        if previous > 0:  # on `as_of`, cancelled loans included as its standing counts them
            per_shg[loan.shg_id][0] += 1
            per_shg[loan.shg_id][1] += dpd > 0
    return cells, {shg: (r, o) for shg, (r, o) in per_shg.items()}


def _deposit_months(
    session: Session, members: object, window_start: date, as_of: date
) -> tuple[dict[int, set[tuple[int, int]]], dict[int, date]]:
    """Per member: the (year, month)s she saved in, and her first deposit, in the window."""
    year, month = extract("year", Posting.value_date), extract("month", Posting.value_date)
    rows = session.execute(
        select(Account.member_id, year, month, func.min(Posting.value_date))
        .join(Posting, Posting.account_id == Account.id)
        .join(_CONTROL, Account.parent_id == _CONTROL.id)
        .where(
            _CONTROL.role == "member_savings",
            Account.member_id.in_(members),  # type: ignore[arg-type]
            Posting.delta_paise < 0,
            Posting.value_date > window_start,
            Posting.value_date <= as_of,
        )
        .group_by(Account.member_id, year, month)
    ).all()
    saved: dict[int, set[tuple[int, int]]] = defaultdict(set)
    first: dict[int, date] = {}
    for member_id, y, m, earliest in rows:
        saved[member_id].add((int(y), int(m)))
        first[member_id] = min(earliest, first.get(member_id, earliest))
    return saved, first


def _attendance(
    session: Session, shgs: object, members: object, as_of: date
) -> tuple[dict[int, int], dict[int, int]]:
    held = select(Meeting.id, Meeting.shg_id).where(
        Meeting.shg_id.in_(shgs),  # type: ignore[arg-type]
        Meeting.reversed_at.is_(None),
        Meeting.meeting_date > as_of - timedelta(days=365),
        Meeting.meeting_date <= as_of,
    )
    counted = held.subquery()
    meetings = dict(
        session.execute(select(counted.c.shg_id, func.count()).group_by(counted.c.shg_id)).all()
    )
    present = dict(
        session.execute(
            select(MeetingAttendance.member_id, func.count())
            .where(
                MeetingAttendance.member_id.in_(members),  # type: ignore[arg-type]
                MeetingAttendance.present.is_(True),
                MeetingAttendance.meeting_id.in_(held.with_only_columns(Meeting.id)),
            )
            .group_by(MeetingAttendance.member_id)
        ).all()
    )
    return meetings, present


def features_for_scope(
    session: Session, scope_path: str, as_of: date
) -> dict[int, dict[str, float | None]]:
    """Every member under `scope_path`: her characteristics on `as_of`."""
    shgs = select(Institution.id).where(
        Institution.path.startswith(scope_path, autoescape=True), Institution.kind == "shg"
    )
    members = session.execute(
        select(Member.id, Member.shg_id, Member.joined_on).where(Member.shg_id.in_(shgs))
    ).all()
    member_ids = select(Member.id).where(Member.shg_id.in_(shgs))
    months = month_ends(as_of, GRID_MONTHS)
    window_start = months[0].replace(day=1) - timedelta(days=1)
    cells, per_shg = _grids(session, shgs, as_of)
    saved, first = _deposit_months(session, member_ids, window_start, as_of)
    meetings, present = _attendance(session, shgs, member_ids, as_of)
    out: dict[int, dict[str, float | None]] = {}
    for member_id, shg_id, joined_on in members:
        months_saved, on_record, streak, _ = saving_record(
            months, [joined_on, first.get(member_id)], saved[member_id]
        )
        running, overdue = per_shg.get(shg_id, (0, 0))
        out[member_id] = characteristics(
            cells.get(member_id, []),
            (months_saved, on_record, streak),
            (present.get(member_id, 0), meetings.get(shg_id, 0)),
            (overdue, running),
        )
    return out
