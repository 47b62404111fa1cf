"""The form behind every page that posts one entry (a withdrawal, cash to the bank, an expense,
a repayment): what she typed, read into figures, and the problems to show beside each field.

Each such page renders `web/entry_form.html`, and `record` posts it once (`forms.once`), or
draws it again with what she typed and a plain sentence beside each field to put right.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask import flash, render_template, request, url_for
from flask_babel import gettext as _

from app.formats import indian_date
from app.requestdb import db
from app.services.lending.meeting_csv import parse_day
from app.services.shared.clock import today_in_india
from app.services.shared.errors import DomainError
from app.web.amounts import AmountError, paise_of
from app.web.forms import new_form_key, once
from app.web.plain import problems_of

# The services' field names, as the form names them.
SERVICE_FIELDS = {
    "amount": "amount",
    "postings": "amount",
    "value_date": "value_date",
    "narration": "narration",
    "category": "category",
    "via": "via",
}
TYPED = ("amount", "value_date", "via", "category", "narration", "reason")


@dataclass
class EntryForm:
    values: dict[str, str]
    problems: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def blank(cls, **defaults: str) -> EntryForm:
        values = dict.fromkeys(TYPED, "") | {"value_date": indian_date(today_in_india())}
        return cls(values | {"via": "cash"} | defaults)

    @classmethod
    def sent(cls) -> EntryForm:
        return cls({name: request.form.get(name, "").strip() for name in TYPED})

    def note(self, name: str, why: str) -> None:
        self.problems.setdefault(name, []).append(why)

    def paise(self) -> int | None:
        try:
            return paise_of(self.values["amount"])
        except AmountError as error:
            self.note("amount", str(error))
            return None

    def day(self) -> date | None:
        day = parse_day(self.values["value_date"])
        if day is None:
            self.note("value_date", _("Write the date as day-month-year, like 05-06-2026."))
        return day

    def refuse(self, error: DomainError, fields: Mapping[str, str] = SERVICE_FIELDS) -> None:
        for name, whys in problems_of(error, fields).items():
            self.problems.setdefault(name, []).extend(whys)


@dataclass(frozen=True)
class Page:
    """What the entry form page says: its title and the choices it offers."""

    title: str
    intro: str
    submit: str
    back: tuple[str, str]  # (link text, address)
    vias: tuple[tuple[str, str], ...] = ()  # (value, label): cash or bank, when it asks
    categories: tuple[tuple[str, str], ...] = ()  # (value, label)
    narration: bool = True


def draw(page: Page, form: EntryForm, status: int = 200) -> Any:
    html = render_template("web/entry_form.html", page=page, form=form, form_key=new_form_key())
    return html, status


def record(
    page: Page,
    form: EntryForm,
    post: Callable[[int, date], uuid.UUID],
    said: Callable[[int], str],
) -> Any:
    """Post what the form says once, then go to what was recorded with a message saying what
    it was; or draw the form again with each problem beside its field.

    `post(paise, day)` calls the service and gives the entry it posted; `said(paise)` is the
    message afterwards."""
    paise, day = form.paise(), form.day()
    if paise is None or day is None:
        return draw(page, form, 422)

    def write() -> str:
        entry_id = post(paise, day)
        flash(said(paise), "info")
        return url_for("web.entry", entry_id=entry_id)

    try:
        return once(write)
    except DomainError as error:
        db().rollback()
        form.refuse(error)
        return draw(page, form, error.status)
