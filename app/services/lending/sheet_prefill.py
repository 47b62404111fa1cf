"""A meeting sheet filled in for one SHG and meeting date, to download, fill and upload.

One row per active member: the SHG's and her numbers, her name and code, the meeting date,
and, when she has loans running, the first of them in `loan_id` with what is due on it at that
meeting in `repayment_due` (principal fallen due and unpaid, with interest and penalty due:
the register's figure, `shg_pages.register`), and every running loan with its due and
outstanding amounts in `loans_running` (a meeting takes one repayment per member: for
another loan, she writes its number in `loan_id`).
The bookkeeper writes savings, fine and repayment, and `present` when she was absent; the
importer reads the sheet as it reads any other (`meeting_csv`), skipping the columns it only
shows (`meeting_csv.SHOWN_ONLY`). `repayment` is left empty, never the amount due: a sheet
uploaded before it is filled must not record repayments nobody made.
"""

from __future__ import annotations

import csv
import io
from datetime import date

from sqlalchemy.orm import Session

from app.services.lending.shg_pages import RegisterRow, register
from app.services.shared.principal import Principal
from models.money import format_rupees

COLUMNS = (
    "shg_id",
    "meeting_date",
    "member_id",
    "member_name",
    "member_code",
    "present",
    "savings",
    "fine",
    "loan_id",
    "loans_running",
    "repayment_due",
    "repayment",
)


def prefilled_sheet(session: Session, who: Principal, shg_id: int, day: date) -> str:
    """The SHG's sheet for the meeting of `day`, as CSV text (dates dd/mm/yyyy, amounts in
    rupees without grouping, as the importer reads them)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for row in register(session, who, shg_id, day):
        writer.writerow(_row(shg_id, day, row))
    return out.getvalue()


def _row(shg_id: int, day: date, row: RegisterRow) -> list[object]:
    member = row.member
    running = "; ".join(
        f"{due.loan.id}: {format_rupees(due.due_paise)} due,"
        f" {format_rupees(due.outstanding_paise)} outstanding"
        for due in row.loans
    )
    return [
        shg_id,
        day.strftime("%d/%m/%Y"),
        member.id,
        _text(member.name),
        _text(member.member_code or ""),
        "yes",
        "",
        "",
        row.loans[0].loan.id if row.loans else "",
        running,
        format_rupees(row.loans[0].due_paise) if row.loans else "",
        "",
    ]


def _text(value: str) -> str:
    """A name a spreadsheet would run as a formula is kept as text by a leading apostrophe."""
    return f"'{value}" if value[:1] in ("=", "+", "-", "@") else value
