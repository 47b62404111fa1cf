"""Bulk import of meeting sheets: a dry run that reports every problem by file row, and an
apply that posts each meeting atomically and skips meetings already recorded, so uploading
the same file again doubles nothing."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.services.errors import DomainError, FieldProblem
from app.services.meeting_csv import RowProblem, locate, parse_sheets
from app.services.meetings import MeetingSheet, try_meeting
from app.services.principal import Principal
from models.meetings import Meeting


@dataclass
class ImportReport:
    applied: bool
    rows: int = 0
    meetings: int = 0
    posted: int = 0  # in a dry run: would post
    already_recorded: int = 0
    refused: int = 0
    problems: list[RowProblem] = field(default_factory=list)


def _recorded(session: Session, sheet: MeetingSheet) -> bool:
    return (
        session.scalar(
            select(Meeting.id).where(
                Meeting.shg_id == sheet.shg_id,
                Meeting.meeting_date == sheet.meeting_date,
                Meeting.reversed_at.is_(None),
            )
        )
        is not None
    )


def import_meetings(
    session: Session,
    who: Principal,
    text: str,
    source: str,
    *,
    apply: bool,
    today: date | None = None,
) -> ImportReport:
    parsed = parse_sheets(text, source)
    report = ImportReport(applied=apply, rows=parsed.rows, problems=list(parsed.problems))
    report.meetings = len(parsed.sheets) + len(parsed.bad_meetings)
    report.refused = len(parsed.bad_meetings)
    for sheet in parsed.sheets:
        rows = parsed.rows_of[(sheet.shg_id, sheet.meeting_date)]
        if _recorded(session, sheet):
            report.already_recorded += 1
            continue
        try:
            try_meeting(session, who, sheet, apply=apply, today=today)
        except DomainError as error:
            report.refused += 1
            for problem in error.problems or [FieldProblem("", error.detail)]:
                row, column = locate(problem.field, rows) if problem.field else (rows[0], "shg_id")
                report.problems.append(RowProblem(row, column, problem.reason))
            continue
        report.posted += 1
    report.problems.sort(key=lambda p: (p.row, p.column))
    return report
