"""The meeting register form: its rows read as the meeting-sheet CSV's rows are, by the same
parser, so the web and the file accept and refuse exactly the same figures."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from werkzeug.datastructures import MultiDict

from app.formats import indian_date
from app.services.lending.meeting_csv import locate, parse_day, read_line
from app.services.lending.meetings import MeetingLine, MeetingSheet
from app.services.lending.shg_pages import RegisterRow
from app.services.shared.errors import DomainError
from app.web.amounts import AmountError, paise_of, rupees_text
from models.money import format_rupees

ROW_COLUMNS = (
    "savings",
    "fine",
    "repayment",
    "loan_id",
    "new_loan_principal",
    "new_loan_instalments",
)
# Terms for the loans given at this meeting, filled in once at the top of the register.
TERM_COLUMNS = (
    "new_loan_rate",
    "new_loan_rate_basis",
    "new_loan_method",
    "new_loan_frequency",
    "new_loan_fund_source",
)
TERM_DEFAULTS = {
    "new_loan_rate": "1.00",
    "new_loan_rate_basis": "per_month",
    "new_loan_method": "declining",
    "new_loan_frequency": "monthly",
    "new_loan_fund_source": "own",
}
TOTALLED = ("savings", "fine", "repayment", "new_loan_principal")
NOT_RUPEES = "must be a decimal string of rupees"  # as the services say it
AMOUNT_COLUMNS = TOTALLED  # read as people type them (`app/web/amounts.py`)


@dataclass
class FormRow:
    register: RegisterRow
    values: dict[str, str]
    present: bool = True
    paid_as_due: bool = False
    problems: dict[str, list[str]] = field(default_factory=dict)

    def name(self, column: str) -> str:
        return f"m{self.register.member.id}-{column}"

    def due_of_chosen_loan(self) -> int | None:
        """What the loan she repays has fallen due (the only one, or the one chosen)."""
        loans = self.register.loans
        chosen = [d for d in loans if str(d.loan.id) == self.values.get("loan_id")]
        due = chosen or (loans if len(loans) == 1 else [])
        return due[0].due_paise if due else None


@dataclass
class MeetingForm:
    shg_id: int
    day_text: str
    via: str
    terms: dict[str, str]
    rows: list[FormRow]
    problems: list[tuple[str, str]] = field(default_factory=list)  # meeting-level: (field, why)

    @property
    def day(self) -> date | None:
        return parse_day(self.day_text)

    @property
    def has_problems(self) -> bool:
        return bool(self.problems) or any(r.problems for r in self.rows)

    def totals(self) -> dict[str, int]:
        """What the register adds up to (rows whose figures cannot be read count nothing)."""
        sums = dict.fromkeys(TOTALLED, 0)
        for row in self.rows:
            for column in TOTALLED:
                try:
                    sums[column] += paise_of(row.values[column] or "0")
                except AmountError:
                    continue
        return sums

    def refuse(self, error: DomainError) -> None:
        """Show a refusal by the meeting service on the rows it names."""
        numbers = list(range(len(self.rows)))
        for problem in error.problems:
            if problem.field.startswith("lines["):
                index, column = locate(problem.field, numbers)
                self.rows[index].problems.setdefault(column, []).append(problem.reason)
            else:
                self.problems.append((problem.field, problem.reason))
        if not error.problems:
            self.problems.append(("", error.detail))


def blank_form(shg_id: int, day: date, register: list[RegisterRow]) -> MeetingForm:
    rows = [FormRow(r, dict.fromkeys(ROW_COLUMNS, "")) for r in register]
    return MeetingForm(shg_id, indian_date(day), "cash", dict(TERM_DEFAULTS), rows)


def read_form(shg_id: int, form: MultiDict[str, str], register: list[RegisterRow]) -> MeetingForm:
    """The register as sent, with every problem a row has, found row by row."""
    terms = {c: form.get(c, TERM_DEFAULTS[c]).strip() for c in TERM_COLUMNS}
    read = MeetingForm(
        shg_id, form.get("meeting_date", "").strip(), form.get("via", "cash"), terms, []
    )
    if read.day is None:
        read.problems.append(("meeting_date", "must be a date such as 05-06-2026"))
    for register_row in register:
        row = FormRow(register_row, {})
        row.values = {c: form.get(row.name(c), "").strip() for c in ROW_COLUMNS}
        row.present = form.get(row.name("present")) == "yes"
        row.paid_as_due = form.get(row.name("paid_as_due")) == "yes"
        due = row.due_of_chosen_loan()
        if row.paid_as_due and not row.values["repayment"] and due is not None:
            # "Paid as due" ticked, the amount left blank: the amount due is what she paid
            # (register.js fills it in as she ticks; this is for a page without scripts).
            row.values["repayment"] = format_rupees(due)
        read.rows.append(row)
    return read


def sheet_of(read: MeetingForm) -> MeetingSheet | None:
    """The meeting to record, or None when a row or the date has a problem (noted on it)."""
    lines: list[MeetingLine] = []
    day = read.day
    for number, row in enumerate(read.rows, start=1):
        values = {
            "shg_id": str(read.shg_id),
            "meeting_date": day.isoformat() if day else "",
            "member_id": str(row.register.member.id),
            "present": "yes" if row.present else "no",
            **row.values,
        }
        if row.values["new_loan_principal"]:
            values |= read.terms
        for column in AMOUNT_COLUMNS:
            if values[column]:
                try:
                    values[column] = rupees_text(values[column])
                except AmountError:
                    # A reason the problem codes know (amount.not_rupees), not the sentence
                    # already in her language: the register says it through plain_problem.
                    row.problems.setdefault(column, []).append(NOT_RUPEES)
                    values[column] = ""
        line, problems = read_line(number, values)
        for problem in problems:
            if problem.column not in ("shg_id", "meeting_date"):
                row.problems.setdefault(problem.column, []).append(problem.reason)
        if line is not None:
            lines.append(line)
    if day is None or read.has_problems:
        return None
    return MeetingSheet(read.shg_id, day, tuple(lines), read.via, source="web")
