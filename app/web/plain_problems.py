"""A refusal as a plain sentence in her language, saying what to change.

The services and the API speak English with stable codes (`app/services/shared/problem_codes.py`);
a page never shows a field's name (`value_date`) or the API's words ("decimal string"). Use:

    plain_problem(field, reason) -> str        # a FieldProblem's or a CSV RowProblem's pair
    sentence(field, code, params) -> str       # when you already hold the code

In templates both are globals: `{{ plain_problem(p.field, p.reason) }}`. `field` may be a
form field (`value_date`), an API path (`lines[0].repayment.amount`) or a sheet's column; its
label comes from FIELD_LABELS (add your form's fields there), else "This entry". A code with
no sentence of its own gets a general one (in English pages, the service's own words).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from flask_babel import LazyString, get_locale
from flask_babel import lazy_gettext as _l

from app.services.shared.problem_codes import problem_code
from app.words import word

# What each field is called on the pages. Keys are the last readable part of a field's name.
FIELD_LABELS: dict[str, LazyString] = {
    "amount": _l("Amount"),
    "value_date": _l("Date"),
    "meeting_date": _l("Meeting date"),
    "as_of": _l("Date"),
    "from": _l("From"),
    "to": _l("To"),
    "member_id": _l("Member"),
    "shg_id": _l("SHG"),
    "present": _l("Present"),
    "savings": _l("Savings"),
    "fine": _l("Fine"),
    "repayment": _l("Repayment"),
    "loan_id": _l("Loan"),
    "new_loan_principal": _l("New loan"),
    "new_loan_instalments": _l("Instalments"),
    "new_loan_rate": _l("Interest rate"),
    "new_loan_rate_basis": _l("Interest per month or year"),
    "new_loan_method": _l("Interest method"),
    "new_loan_frequency": _l("Paid every"),
    "new_loan_fund_source": _l("Lent from"),
    "new_loan_interest_basis": _l("Interest basis"),
    "via": _l("Money held in"),
    "status": _l("New status"),
    "note": _l("Note"),
    "reason": _l("Reason"),
    "sheet": _l("File"),
    "form_key": _l("Form"),
    "institution_id": _l("Place"),
    "min_days_idle": _l("Days idle"),
    "run_id": _l("Audit run"),
    "after": _l("Page"),
    "name": _l("Name"),
    "mobile": _l("Mobile number"),
    "password": _l("Password or PIN"),
    "current_password": _l("Current password or PIN"),
    "new_password": _l("New password or PIN"),
    "language": _l("Language"),
    "role": _l("Role"),
    "person_id": _l("Person"),
    "category": _l("Kind of expense or income"),
}
THIS_ENTRY = _l("This entry")

# (the figures a sentence needs, the sentence): the first whose figures the reason gave.
SENTENCES: dict[str, tuple[tuple[tuple[str, ...], LazyString], ...]] = {
    "csv.too_many_values": (
        (
            ("row",),
            _l(
                "Row %(row)s has more values than the header: write amounts without commas"
                " (1500), or put them in quotes."
            ),
        ),
    ),
    "amount.not_positive": (((), _l("%(label)s: write an amount more than zero.")),),
    "amount.negative": (((), _l("%(label)s: the amount cannot be below zero.")),),
    "amount.not_rupees": (
        ((), _l("%(label)s: write the amount in rupees, such as 1500 or 1500.50.")),
    ),
    "amount.too_large": (((), _l("%(label)s: the amount is too large. Check it.")),),
    "amount.more_than_owed": (
        (("owed",), _l("%(label)s: this is more than is owed (%(owed)s). Write a smaller amount.")),
        ((), _l("%(label)s: this is more than is owed. Write a smaller amount.")),
    ),
    "amount.more_than_held": (
        (("held",), _l("%(label)s: only %(held)s is held. Write a smaller amount.")),
    ),
    "amount.below_zero": (
        (
            ("date",),
            _l(
                "%(label)s: there is not enough money for this on %(date)s."
                " Check the amount and the date."
            ),
        ),
    ),
    "amount.above_limit": (
        (
            ("amount",),
            _l("%(label)s: this would go above the bank's limit. Write a smaller amount."),
        ),
    ),
    "amount.outside_range": (
        (("low", "high"), _l("%(label)s: the amount must be from %(low)s to %(high)s.")),
    ),
    "amount.unbalanced": (((), _l("The amounts do not balance. Check them.")),),
    "amount.not_percentage": (
        ((), _l("%(label)s: write the interest as a percentage, such as 2.00.")),
    ),
    "choice.not_allowed": (((), _l("%(label)s: choose one of the options given.")),),
    "number.not_whole": (((), _l("%(label)s: write a whole number, such as 12.")),),
    "number.out_of_range": (
        (("low", "high"), _l("%(label)s: write a number from %(low)s to %(high)s.")),
        ((), _l("%(label)s: this number is more or less than allowed. Check it.")),
    ),
    "text.required": (((), _l("%(label)s: fill this in.")),),
    "text.too_long": ((("high",), _l("%(label)s: write at most %(high)s letters.")),),
    "text.not_valid": (((), _l("%(label)s: this text cannot be read. Type it again.")),),
    "reason.required": (
        (("status",), _l("%(label)s: write why you mark it %(status)s.")),
        ((), _l("%(label)s: write why.")),
    ),
    "date.not_valid": (((), _l("%(label)s: write the date as dd-mm-yyyy, such as 05-06-2026.")),),
    "date.in_future": (((), _l("%(label)s: the date cannot be after today.")),),
    "date.in_past": (((), _l("%(label)s: the date cannot be in the past.")),),
    "date.in_closed_period": (
        (
            ("date",),
            _l(
                "%(label)s: the books are closed up to %(date)s."
                " Choose a later date, or ask the admin to reopen the month."
            ),
        ),
    ),
    "date.out_of_order": (
        (
            ("date",),
            _l(
                "%(label)s: an entry is already recorded on %(date)s."
                " Choose that date or a later one."
            ),
        ),
    ),
    "date.too_early": (((), _l("%(label)s: the date is too early. Check it.")),),
    "date.too_late": (((), _l("%(label)s: the date is too late. Check it.")),),
    "member.not_in_shg": (((), _l("%(label)s: she is not an active member of this SHG.")),),
    "member.duplicate_line": (((), _l("This member is written twice. Keep one row for her.")),),
    "loan.not_found": (((), _l("%(label)s: she has no such loan. Choose one of her loans.")),),
    "loan.none_running": (
        ((), _l("%(label)s: she has no loan running, so nothing can be repaid.")),
    ),
    "loan.which": (((), _l("%(label)s: she has more than one loan. Choose the loan repaid.")),),
    "loan.not_running": (((), _l("%(label)s: this bank loan is not running on that date.")),),
    "loan.wrong_fund": (
        ((), _l("%(label)s: only a loan lent from bank-loan money names a bank loan.")),
    ),
    "not_found": (((), _l("%(label)s: not found, or not in your area. Check it.")),),
    "institution.wrong_kind": (((), _l("%(label)s: this cannot be done for this kind of group.")),),
    "account.closed": (((), _l("%(label)s: this account is closed.")),),
    "account.control": (((), _l("%(label)s: choose another account.")),),
    "account.no_category": (((), _l("%(label)s: choose another kind.")),),
    "grant.not_eligible": (((), _l("%(label)s: this group cannot receive this fund yet.")),),
    "rule.not_applicable": (((), _l("%(label)s: this does not apply here.")),),
    "kyc.not_allowed": (((), _l("%(label)s: this detail cannot be kept. Leave it out.")),),
    "bank.ifsc": (((), _l("%(label)s: write the bank's 11-character IFSC code.")),),
    "bank.state": (((), _l("%(label)s: this must be the state of her SHG.")),),
    "record.already_replaced": (((), _l("This record was already replaced. Reload the page.")),),
    "record.overlaps": (((), _l("This overlaps another record. Change that one instead.")),),
    "record.unchanged": (((), _l("Nothing was changed.")),),
    "form.incomplete": (((), _l("The form is incomplete. Reload the page and try again.")),),
    "file.not_utf8": (((), _l("Save the sheet as “CSV UTF-8” and upload it again.")),),
    "file.empty": (((), _l("The file is empty. Choose the file with the meeting sheets.")),),
    "file.not_csv": (((), _l("The file is not a CSV sheet. Save it as CSV and upload it again.")),),
    "file.too_many_rows": (
        (("high",), _l("The file has more than %(high)s rows. Split it and upload each part.")),
    ),
    "file.column_missing": (
        ((), _l("A column the sheet needs is missing from its first row: %(column)s.")),
    ),
    "file.column_unknown": (
        (
            (),
            _l(
                "The sheet has a column it does not use: %(column)s. Remove it or correct its name."
            ),
        ),
    ),
    "mobile.not_valid": (
        ((), _l("%(label)s: write her 10-digit mobile number; it begins with 6, 7, 8 or 9.")),
    ),
    "password.wrong_current": (
        ((), _l("%(label)s: this is not your current password. Type it again.")),
    ),
    "password.unchanged": (
        ((), _l("%(label)s: choose a new password, not the one you have now.")),
    ),
    "password.too_long": ((("high",), _l("%(label)s: use at most %(high)s letters.")),),
    "password.too_short": (
        (
            ("high", "pin"),
            _l(
                "%(label)s: a password needs at least %(high)s letters,"
                " or use a PIN of at least %(pin)s digits."
            ),
        ),
        (("pin",), _l("%(label)s: a PIN needs at least %(pin)s digits.")),
    ),
    "password.common": (((), _l("%(label)s: this is too easy to guess. Choose another.")),),
    "password.has_mobile": (
        ((), _l("%(label)s: do not put your mobile number in it. Choose another.")),
    ),
}
GENERAL = _l("%(label)s: check this entry.")
GENERAL_NO_FIELD = _l("This could not be done. Check the entries and try again.")
_ISO_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_SEGMENT = re.compile(r"\[[0-9]+\]")


def field_label(field: str) -> str:
    """The page's name for a field: `lines[0].repayment.amount` → "Repayment"."""
    parts = [p for p in _SEGMENT.sub("", field).split(".") if p]
    for index in range(len(parts) - 1, -1, -1):
        part = parts[index]
        # An amount inside a named part is that part's amount ("repayment", not "amount").
        if part == "amount" and index > 0 and parts[index - 1] in FIELD_LABELS:
            continue
        if part in FIELD_LABELS:
            return str(FIELD_LABELS[part])
    return str(THIS_ENTRY)


def _readable(value: str) -> str:
    """A date the reason wrote as yyyy-mm-dd, written dd-mm-yyyy as everywhere on the pages."""
    return _ISO_DATE.sub(lambda m: f"{m[3]}-{m[2]}-{m[1]}", value)


def sentence(
    field: str, code: str, params: Mapping[str, str] | None = None, reason: str = ""
) -> str:
    """The sentence for a problem's code, with the field's label and the reason's figures."""
    # Figures as the page writes them: dates dd-mm-yyyy, codes in her words.
    figures = {k: word(_readable(v)) for k, v in (params or {}).items()}
    figures |= {"label": field_label(field), "column": field}
    for needs, words in SENTENCES.get(code, ()):
        if all(figures.get(name) for name in needs):
            return str(words) % figures
    if reason and str(get_locale() or "en") == "en":
        # No sentence of its own: in English the service's words say most.
        return f"{figures['label']}: {reason}" if field else reason
    return str(GENERAL) % figures if field else str(GENERAL_NO_FIELD)


def plain_problem(field: str, reason: str) -> str:
    """A FieldProblem's (or a CSV RowProblem's) field and reason as a sentence for the page."""
    code, params = problem_code(reason)
    return sentence(field, code, params, reason)
