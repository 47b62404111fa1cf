"""Bulk import of meeting sheets: a dry run that reports every problem by file row, and an
apply that posts each meeting atomically and skips meetings already recorded, so uploading
the same file again doubles nothing.

Meetings post day by day, oldest first, so an SHG's meetings go in date order whatever the
file's order. A day's meetings of many SHGs post together (`meetings.record_meetings`: a
few statements per batch, not per meeting), each still posted or refused whole. The dry run
does everything the apply does, in a savepoint it then undoes: a later meeting in the file is
checked against the books as the earlier ones would leave them.
"""

from __future__ import annotations

import gc
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from app.services.lending.meeting_csv import RowProblem, locate, parse_sheets
from app.services.lending.meetings import MeetingSheet, kept_if, record_meetings, try_meeting
from app.services.lending.sheet_names import ScopeNames
from app.services.shared.errors import DomainError, FieldProblem
from app.services.shared.principal import Principal
from models.institutions import Institution
from models.meetings import Meeting

# SHGs per batch: large enough that a batch's few statements cost little per meeting, small
# enough that a batch's locks and IN lists stay modest (100 SHGs hold about 1,500 members).
BATCH = 100

# What became of one sheet: its meeting's id, its refusal, or None when already recorded.
Outcome = int | DomainError | None


@dataclass
class ImportReport:
    applied: bool
    rows: int = 0
    meetings: int = 0
    posted: int = 0  # in a dry run: would post
    already_recorded: int = 0
    refused: int = 0
    problems: list[RowProblem] = field(default_factory=list)
    # The file rows the problems name (the header being row 1): what the page counts beside
    # the list, so the counts and the list always agree.
    rows_with_problems: int = 0


def _batches(sheets: list[MeetingSheet]) -> Iterator[list[MeetingSheet]]:
    """Sheets by day, oldest first, at most BATCH at a time. The parser keeps one sheet per
    SHG and day, so a batch holds one meeting per SHG."""
    by_day: dict[date, list[MeetingSheet]] = defaultdict(list)
    for sheet in sheets:
        by_day[sheet.meeting_date].append(sheet)
    for day in sorted(by_day):
        group = by_day[day]
        for start in range(0, len(group), BATCH):
            yield group[start : start + BATCH]


def _recorded(session: Session, who: Principal, sheets: list[MeetingSheet]) -> set[int]:
    """The SHGs (of those the principal may write to) whose meeting of the sheets' day is
    recorded and not reversed. Other SHGs are left to be refused as not found."""
    rows = session.execute(
        select(Meeting.shg_id, Institution.path)
        .join(Institution, Institution.id == Meeting.shg_id)
        .where(
            Meeting.shg_id.in_([s.shg_id for s in sheets]),
            Meeting.meeting_date == sheets[0].meeting_date,
            Meeting.reversed_at.is_(None),
        )
    )
    return {shg_id for shg_id, path in rows if who.can_write(path)}


def _one(session: Session, who: Principal, sheet: MeetingSheet, today: date | None) -> Outcome:
    if _recorded(session, who, [sheet]):
        return None
    try:
        return try_meeting(session, who, sheet, apply=True, today=today).id
    except DomainError as error:
        return error


def _outcomes(
    session: Session, who: Principal, batch: list[MeetingSheet], today: date | None
) -> list[Outcome]:
    """Each sheet's outcome, in the batch's order."""
    recorded = _recorded(session, who, batch)
    todo = [s for s in batch if s.shg_id not in recorded]
    found: dict[int, Outcome] = {}
    try:
        with kept_if(session, True):
            found.update(
                zip(
                    (s.shg_id for s in todo),
                    record_meetings(session, who, todo, today),
                    strict=True,
                )
            )
    except DBAPIError:
        # Something the checks could not see, such as one of these meetings recorded by
        # another request since they read: one at a time, so only that meeting is refused.
        found = {}
    return [
        None
        if sheet.shg_id in recorded
        else found[sheet.shg_id]
        if sheet.shg_id in found
        else _one(session, who, sheet, today)
        for sheet in batch
    ]


@contextmanager
def _out_of_the_collectors_way() -> Iterator[None]:
    """Keep what exists now (the parsed file: a million lines for a state's month) out of
    Python's cycle collector until the import ends. Each full collection would otherwise scan
    all of it again while the batches make and drop their rows: a third of the import's time
    at 40,000 meetings, growing with the square of the file. Frozen objects are only set
    aside, never lost: `unfreeze` hands them back to the collector."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def import_meetings(
    session: Session,
    who: Principal,
    text: str,
    source: str,
    *,
    apply: bool,
    today: date | None = None,
) -> ImportReport:
    parsed = parse_sheets(text, source, ScopeNames(session, who))
    report = ImportReport(applied=apply, rows=parsed.rows, problems=list(parsed.problems))
    report.meetings = len(parsed.sheets) + len(parsed.bad_meetings)
    report.refused = len(parsed.bad_meetings)
    with kept_if(session, apply), _out_of_the_collectors_way():
        for batch in _batches(parsed.sheets):
            for sheet, outcome in zip(batch, _outcomes(session, who, batch, today), strict=True):
                if outcome is None:
                    report.already_recorded += 1
                elif isinstance(outcome, DomainError):
                    report.refused += 1
                    rows = parsed.rows_of[(sheet.shg_id, sheet.meeting_date)]
                    for problem in outcome.problems or [FieldProblem("", outcome.detail)]:
                        row, column = (
                            locate(problem.field, rows) if problem.field else (rows[0], "shg_id")
                        )
                        report.problems.append(RowProblem(row, column, problem.reason))
                else:
                    report.posted += 1
    report.problems.sort(key=lambda p: (p.row, p.column))
    report.rows_with_problems = len({p.row for p in report.problems})
    return report
