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
from app.services.errors import DomainError


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
        re.compile(r"is itself a reversal"),
        lambda m: _("This entry is a reversal. To put it right, record the entry again."),
    ),
)


def sentence(reason: str) -> str:
    """The reason a service gave, as a page says it."""
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


def problems_of(error: DomainError, fields: Mapping[str, str]) -> dict[str, list[str]]:
    """Each problem as a sentence, under the page's field ("" for the form as a whole)."""
    found: dict[str, list[str]] = {}
    for problem in error.problems:
        found.setdefault(field_of(problem.field, fields), []).append(sentence(problem.reason))
    if not error.problems:
        found.setdefault("", []).append(sentence(error.detail))
    return found
