"""Meeting sheets as CSV: one row per member per meeting, as the attendance register has them.

Columns (a header row is required; only the first three are mandatory; the SHG and the member
may be given by number, or by code or name where it is unique, `app.services.lending.sheet_names`):

    shg_id, meeting_date (YYYY-MM-DD, DD-MM-YYYY or DD/MM/YYYY), member_id,
    present (yes/no, default yes), savings, fine, repayment, loan_id,
    new_loan_principal, new_loan_rate, new_loan_rate_basis, new_loan_method,
    new_loan_instalments, new_loan_frequency, new_loan_fund_source, new_loan_interest_basis,
    new_loan_facility_id

The columns a pre-filled sheet only shows (`SHOWN_ONLY`: member_name, member_code,
loans_running, repayment_due; `app.services.lending.sheet_prefill`) are skipped.

A row with more values than the header is refused: an amount written `1,500` without quotes
is two values (savings ₹1 and fine ₹500 under the wrong headings), never a guess.

Amounts are rupees with at most two decimals; rates are percent ("2.00"). A new loan's
interest basis is "per_period" when left empty (`models.interest`); its facility id (the SHG's
bank loan funding it, fund source "bank_loan") may be left empty when the SHG has one running.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Protocol

from app.services.lending.meetings import MeetingLine, MeetingSheet, NewLoanLine, RepaymentLine
from models.interest import InterestBasis
from models.money import MoneyError, parse_rupees
from models.schedule import Frequency, LoanTerms, Method, RateBasis

REQUIRED = ("shg_id", "meeting_date", "member_id")
KNOWN = (
    *REQUIRED,
    "present",
    "savings",
    "fine",
    "repayment",
    "loan_id",
    "new_loan_principal",
    "new_loan_rate",
    "new_loan_rate_basis",
    "new_loan_method",
    "new_loan_instalments",
    "new_loan_frequency",
    "new_loan_fund_source",
    "new_loan_interest_basis",
    "new_loan_facility_id",
)
# Shown on a pre-filled sheet (`sheet_prefill`) for the bookkeeper to read; never imported.
SHOWN_ONLY = ("member_name", "member_code", "loans_running", "repayment_due")
MAX_ROWS = 2_000_000
# Where the csv reader puts a row's values beyond the header's columns.
MORE_VALUES = "(values beyond the header)"
TOO_MANY_VALUES = (
    "Row {row} has more values than the header: write amounts without commas, or put them in quotes"
)
# Where a problem found by the meeting service is shown in the file.
FIELD_TO_COLUMN = {
    "member_id": "member_id",
    "savings": "savings",
    "fine": "fine",
    "repayment": "repayment",
    "loan_id": "loan_id",
    "new_loan": "new_loan_principal",
    "new_loan.facility_id": "new_loan_facility_id",
}


@dataclass(frozen=True)
class RowProblem:
    row: int  # the line number in the file, the header being line 1
    column: str
    reason: str


@dataclass
class ParsedSheets:
    sheets: list[MeetingSheet] = field(default_factory=list)
    # The file rows of each meeting.
    rows_of: dict[tuple[int, date], list[int]] = field(default_factory=dict)
    # Meetings with a bad row: refused whole, never imported without that row.
    bad_meetings: set[tuple[int, date]] = field(default_factory=set)
    problems: list[RowProblem] = field(default_factory=list)
    rows: int = 0


class Names(Protocol):
    """Looks up SHGs and members given by code or name (`app.services.lending.sheet_names`)."""

    def shg(self, text: str) -> int | str: ...  # the number, or why it cannot be told

    def member(self, shg_id: int, text: str) -> int | str: ...


class _Row:
    def __init__(
        self,
        number: int,
        values: dict[str, str],
        problems: list[RowProblem],
        names: Names | None = None,
    ) -> None:
        self.number, self.values, self.problems, self.names = number, values, problems, names

    def text(self, column: str) -> str:
        return (self.values.get(column) or "").strip()

    def fail(self, column: str, reason: str) -> None:
        self.problems.append(RowProblem(self.number, column, reason))

    def integer(self, column: str, required: bool = False) -> int | None:
        raw = self.text(column)
        if not raw:
            if required:
                self.fail(column, "is required")
            return None
        if not re.fullmatch(r"[1-9]\d{0,17}", raw):
            self.fail(column, "must be a whole number")
            return None
        return int(raw)

    def named(self, column: str, shg_id: int | None = None) -> int | None:
        """A number, or (with `names`) an SHG's or member's code or name."""
        raw = self.text(column)
        if self.names is None or not raw or re.fullmatch(r"[1-9]\d{0,17}", raw):
            return self.integer(column, required=True)
        if column == "shg_id":
            found = self.names.shg(raw)
        elif shg_id is None:
            return None  # her SHG is unreadable: that row already has its problem
        else:
            found = self.names.member(shg_id, raw)
        if isinstance(found, str):
            self.fail(column, found)
            return None
        return found

    def rupees(self, column: str) -> int:
        raw = self.text(column)
        if not raw:
            return 0
        try:
            return parse_rupees(raw)
        except MoneyError as error:
            self.fail(column, str(error))
            return 0

    def day(self, column: str) -> date | None:
        raw = self.text(column)
        # Spreadsheets in India save dates day first, with dashes or slashes.
        for pattern in ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y"):
            try:
                return datetime.strptime(raw, pattern).date()  # noqa: DTZ007 - a calendar date
            except ValueError:
                continue
        self.fail(column, "must be a date such as 05/06/2026, 05-06-2026 or 2026-06-05")
        return None

    def choice(
        self,
        column: str,
        options: type[Method] | type[Frequency] | type[RateBasis] | type[InterestBasis],
    ) -> str | None:
        raw = self.text(column).lower()
        if raw not in {o.value for o in options}:
            self.fail(column, f"must be one of {', '.join(o.value for o in options)}")
            return None
        return raw


def _new_loan(row: _Row) -> NewLoanLine | None:
    principal = row.rupees("new_loan_principal")
    if not principal:
        return None
    rate_text = row.text("new_loan_rate")
    if not re.fullmatch(r"\d{1,3}(\.\d{1,2})?", rate_text):
        row.fail("new_loan_rate", 'must be a percentage such as "2.00"')
        return None
    whole, _, frac = rate_text.partition(".")
    basis = row.choice("new_loan_rate_basis", RateBasis)
    method = row.choice("new_loan_method", Method)
    frequency = row.choice("new_loan_frequency", Frequency)
    instalments = row.integer("new_loan_instalments", required=True)
    if basis is None or method is None or frequency is None or instalments is None:
        return None
    terms = LoanTerms(
        principal_paise=principal,
        rate_bp=int(whole) * 100 + int(frac.ljust(2, "0") or "0"),
        rate_basis=RateBasis(basis),
        method=Method(method),
        instalments=instalments,
        frequency=Frequency(frequency),
    )
    interest_basis = InterestBasis.PER_PERIOD
    if row.text("new_loan_interest_basis"):
        chosen = row.choice("new_loan_interest_basis", InterestBasis)
        if chosen is None:
            return None
        interest_basis = InterestBasis(chosen)
    return NewLoanLine(
        terms,
        fund_source=row.text("new_loan_fund_source") or "own",
        interest_basis=interest_basis,
        facility_id=row.integer("new_loan_facility_id"),
    )


def _line(row: _Row) -> tuple[tuple[int, date] | None, MeetingLine | None]:
    """The row's meeting (when its SHG and date can be read) and its line (when all is well)."""
    before = len(row.problems)
    if row.values.get(MORE_VALUES):
        row.fail("", TOO_MANY_VALUES.format(row=row.number))
    shg_id, day = row.named("shg_id"), row.day("meeting_date")
    key = (shg_id, day) if shg_id is not None and day is not None else None
    member_id = row.named("member_id", shg_id)
    present = row.text("present").lower() not in {"no", "n", "0", "absent", "false"}
    savings, fine, repaid = row.rupees("savings"), row.rupees("fine"), row.rupees("repayment")
    loan_id = row.integer("loan_id")
    new_loan = _new_loan(row)
    if len(row.problems) > before or member_id is None:
        return key, None
    repayment = RepaymentLine(repaid, loan_id) if repaid else None
    return key, MeetingLine(member_id, present, savings, fine, repayment, new_loan)


def read_line(number: int, values: dict[str, str]) -> tuple[MeetingLine | None, list[RowProblem]]:
    """One register row, in the file's columns (the web form's rows use them too)."""
    problems: list[RowProblem] = []
    _, line = _line(_Row(number, values, problems))
    return line, problems


def parse_day(text: str) -> date | None:
    """A meeting date as the file takes it (2026-06-05, 05-06-2026 or 05/06/2026); None when
    unreadable."""
    return _Row(0, {"day": text}, []).day("day")


def parse_sheets(text: str, source: str, names: Names | None = None) -> ParsedSheets:
    """Group the file's rows into one sheet per SHG and meeting date, noting every bad row.

    A file the csv reader cannot read to its end is refused whole: a meeting cut short there
    must not be imported without its remaining rows.
    """
    parsed = ParsedSheets()
    # newline="" as the csv module asks: it then reads \r\n, \r and quoted newlines itself.
    reader = csv.DictReader(io.StringIO(text, newline=""), restkey=MORE_VALUES, strict=True)
    try:
        _read_rows(reader, parsed, source, names)
    except csv.Error as error:
        problems = [*parsed.problems, RowProblem(reader.line_num, "", f"not valid CSV: {error}")]
        return ParsedSheets(problems=problems, rows=parsed.rows)
    return parsed


def _read_rows(
    reader: csv.DictReader[str], parsed: ParsedSheets, source: str, names: Names | None
) -> None:
    missing = [c for c in REQUIRED if c not in (reader.fieldnames or [])]
    if missing:
        parsed.problems.append(
            RowProblem(1, ",".join(missing), "required column missing from the header")
        )
        return
    unknown = [c for c in reader.fieldnames or [] if c not in KNOWN and c not in SHOWN_ONLY]
    if unknown:
        parsed.problems.append(RowProblem(1, ",".join(unknown), "unknown column"))
    lines: dict[tuple[int, date], list[MeetingLine]] = {}
    for values in reader:
        parsed.rows += 1
        number = reader.line_num
        if parsed.rows > MAX_ROWS:
            parsed.problems.append(
                RowProblem(number, "", f"more than {MAX_ROWS} rows; split the file")
            )
            break
        key, line = _line(_Row(number, values, parsed.problems, names))
        if key is None:
            continue
        parsed.rows_of.setdefault(key, []).append(number)
        if line is None:
            parsed.bad_meetings.add(key)
        else:
            lines.setdefault(key, []).append(line)
    for (shg_id, day), meeting_lines in lines.items():
        if (shg_id, day) in parsed.bad_meetings:
            continue
        parsed.sheets.append(
            MeetingSheet(shg_id, day, tuple(meeting_lines), source=f"{source}"[:200])
        )


def locate(field_path: str, rows: list[int]) -> tuple[int, str]:
    """`lines[2].repayment.amount` of a meeting → (its file row, "repayment")."""
    match = re.match(r"lines\[(\d+)\]\.?([a-z_]*(?:\.facility_id)?)", field_path)
    if match is None:
        return rows[0], field_path
    index, part = int(match[1]), match[2]
    return rows[index] if index < len(rows) else rows[0], FIELD_TO_COLUMN.get(part, part)
