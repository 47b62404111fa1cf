"""A service's refusal, said on a page as a plain sentence that tells her what to change.

The services answer the API in English with field names (`value_date`, `postings[0]...`);
a page shows, beside the field she typed in, what to do about it. Reasons the pages know
are rewritten; any other reason is shown as the service gave it, under the page's field.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import date

from flask_babel import gettext as _

from app.formats import indian_date
from app.services.shared.errors import DomainError


def _day(iso: str) -> str:
    try:
        return indian_date(date.fromisoformat(iso))
    except ValueError:
        return iso


# (what the service said, how a page says it), tried in order.
_REWRITES: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], str]], ...] = (
    (
        re.compile(r"is after today"),
        lambda m: _("The date cannot be after today. Write today's date or an earlier one."),
    ),
    (
        re.compile(r"is closed through (\d{4}-\d{2}-\d{2})"),
        lambda m: _(
            "The books are closed up to %(day)s. Write a later date, or ask an admin to"
            " re-open that month.",
            day=_day(m[1]),
        ),
    ),
    (
        re.compile(r"is before the institution was formed \((.+)\)"),
        lambda m: _("The group was formed on %(day)s. Write that date or a later one.", day=m[1]),
    ),
    (
        re.compile(r"is before (\S+), the earliest date"),
        lambda m: _("The books go back to %(day)s only. Write a later date.", day=m[1]),
    ),
    (
        re.compile(r"would take (.+) below zero on (\S+): balance that day (-?₹[0-9,]+\.[0-9]{2})"),
        lambda m: _(
            "%(account)s has only %(balance)s on %(day)s. Write a smaller amount.",
            account=m[1],
            balance=m[3],
            day=m[2],
        ),
    ),
    (
        re.compile(r"must be more than zero"),
        lambda m: _("Write an amount more than zero."),
    ),
    (
        re.compile(r"is more than the (₹[0-9,]+\.[0-9]{2}) owed"),
        lambda m: _("Only %(owed)s is owed. Write that amount or less.", owed=m[1]),
    ),
    (
        re.compile(r"a reversal cannot be dated before the entry \((\S+)\)"),
        lambda m: _("Write %(day)s or a later date for the reversal.", day=_day(m[1])),
    ),
    (
        re.compile(r"was already reversed"),
        lambda m: _("This entry is already reversed: there is nothing more to undo."),
    ),
    (
        re.compile(r"looks like a full Aadhaar number|a full Aadhaar number is never accepted"),
        lambda m: _(
            "A full Aadhaar number is never kept. Write only its last 4 digits, in the box"
            " for them."
        ),
    ),
    (
        re.compile(r"is needed with (.+)"),
        lambda m: _("Fill this in too: it goes with %(other)s.", other=m[1]),
    ),
    (
        re.compile(r"is itself a reversal"),
        lambda m: _("This entry is a reversal. To put it right, record the entry again."),
    ),
)


_FIELD_NAME = re.compile(r"\b[a-z]+(?:_[a-z0-9]+)+\b")


def sentence(reason: str, labels: Mapping[str, str] | None = None) -> str:
    """The reason a service gave, as a page says it; a field named in it (`date_of_birth`) is
    called by its label on the page ("Date of birth")."""
    if labels:
        reason = _FIELD_NAME.sub(lambda m: f"“{labels[m[0]]}”" if m[0] in labels else m[0], reason)
    for pattern, say in _REWRITES:
        match = pattern.search(reason)
        if match is not None:
            return say(match)
    return reason[:1].upper() + reason[1:]


def field_of(service_field: str, fields: Mapping[str, str]) -> str:
    """The page's field for the service's (`postings[0].amount` → `amount`); "" for none."""
    for prefix, page_field in fields.items():
        if service_field.startswith(prefix):
            return page_field
    return ""


def problems_of(
    error: DomainError, fields: Mapping[str, str], labels: Mapping[str, str] | None = None
) -> dict[str, list[str]]:
    """Each problem as a sentence, under the page's field ("" for the form as a whole)."""
    found: dict[str, list[str]] = {}
    for problem in error.problems:
        said = sentence(problem.reason, labels)
        found.setdefault(field_of(problem.field, fields), []).append(said)
    if not error.problems:
        found.setdefault("", []).append(sentence(error.detail, labels))
    return found
