"""The cash book on the pages, for an SHG, VO or CLF: cash taken to the bank and drawn from it,
expenses and other income; and a member's savings withdrawal. Each calls the service the API
calls (`app/services/lending/cash_book.py`, `savings.py`) and posts once."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date
from typing import Any

from flask import abort, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext

from app.requestdb import db
from app.services.federation.institutions import writable_institution
from app.services.federation.members import writable_member
from app.services.lending import cash_book, savings
from app.web.blueprint import bp
from app.web.entry_form import EntryForm, Page, draw, record
from app.web.session import roles, web_principal
from models.access import Role
from models.charts import cash_book_categories
from models.institutions import BOOK_KEEPING_KINDS, Institution
from models.ledger import JournalEntry
from models.money import format_inr

WRITERS = (Role.BOOKKEEPER, Role.ADMIN)
VIAS = (("cash", lazy_gettext("Cash in hand")), ("bank", lazy_gettext("Bank account")))
CATEGORY_NAMES = {
    "stationery": lazy_gettext("Stationery"),
    "travel": lazy_gettext("Travel"),
    "meeting": lazy_gettext("Meeting costs"),
    "honorarium": lazy_gettext("Honorarium"),
    "other": lazy_gettext("Other"),
    "fines": lazy_gettext("Fines"),
    "membership_fees": lazy_gettext("Membership fees"),
}


def _books_keeper(institution_id: int) -> Institution:
    """An SHG, VO or CLF she may post to (404 outside her scope, 403 when only readable)."""
    institution = writable_institution(db(), web_principal(), institution_id)
    if institution.kind not in BOOK_KEEPING_KINDS:
        abort(404)
    return institution


def _back(institution: Institution) -> tuple[str, str]:
    return str(_("Back to %(name)s", name=institution.name)), url_for(
        "web.books", institution_id=institution.id
    )


def _categories(kind: str, income: bool) -> tuple[tuple[str, str], ...]:
    offered = cash_book_categories().of(income)
    return tuple(
        (name, str(CATEGORY_NAMES.get(name, name)))
        for name, roles in offered.items()
        if kind in roles
    )


def _line(
    institution: Institution, form: EntryForm, paise: int, day: date
) -> cash_book.CashBookLine:
    return cash_book.CashBookLine(institution.id, day, paise, form.values["narration"] or None)


def _page_for(
    institution_id: int,
    page_of: Callable[[Institution], Page],
    post: Callable[[Institution, EntryForm, int, date], JournalEntry],
    said: Callable[[Institution, int], str],
) -> Any:
    institution = _books_keeper(institution_id)
    page = page_of(institution)
    if request.method == "GET":
        first = page.categories[0][0] if page.categories else ""
        return draw(page, EntryForm.blank(category=first))
    form = EntryForm.sent()
    return record(
        page,
        form,
        lambda paise, day: post(institution, form, paise, day).id,
        lambda paise: said(institution, paise),
    )


@bp.route("/institutions/<id:institution_id>/bank-deposits/new", methods=["GET", "POST"])
@roles(*WRITERS)
def bank_deposit(institution_id: int) -> Any:
    return _page_for(
        institution_id,
        lambda i: Page(
            _("Cash taken to the bank"),
            _("Cash that %(name)s deposited in its bank account.", name=i.name),
            _("Record the deposit"),
            _back(i),
        ),
        lambda i, form, paise, day: cash_book.deposit_cash(
            db(), web_principal(), _line(i, form, paise, day)
        ),
        lambda i, paise: _("%(amount)s taken to the bank is recorded.", amount=format_inr(paise)),
    )


@bp.route("/institutions/<id:institution_id>/bank-withdrawals/new", methods=["GET", "POST"])
@roles(*WRITERS)
def bank_withdrawal(institution_id: int) -> Any:
    return _page_for(
        institution_id,
        lambda i: Page(
            _("Cash drawn from the bank"),
            _("Cash that %(name)s withdrew from its bank account.", name=i.name),
            _("Record the withdrawal"),
            _back(i),
        ),
        lambda i, form, paise, day: cash_book.withdraw_cash(
            db(), web_principal(), _line(i, form, paise, day)
        ),
        lambda i, paise: _("%(amount)s drawn from the bank is recorded.", amount=format_inr(paise)),
    )


def _by_category(institution_id: int, income: bool) -> Any:
    def page_of(i: Institution) -> Page:
        if income:
            title, intro = _("Other income"), _("Money %(name)s received.", name=i.name)
        else:
            title, intro = _("An expense"), _("Money %(name)s spent.", name=i.name)
        return Page(
            title,
            intro + " " + _("Loans and savings have their own pages."),
            _("Record it"),
            _back(i),
            vias=VIAS,
            categories=_categories(i.kind, income),
        )

    def post(i: Institution, form: EntryForm, paise: int, day: date) -> JournalEntry:
        service = cash_book.income if income else cash_book.expense
        line = _line(i, form, paise, day)
        return service(db(), web_principal(), line, form.values["category"], form.values["via"])

    def said(i: Institution, paise: int) -> str:
        if income:
            return _("Income of %(amount)s is recorded.", amount=format_inr(paise))
        return _("An expense of %(amount)s is recorded.", amount=format_inr(paise))

    return _page_for(institution_id, page_of, post, said)


@bp.route("/institutions/<id:institution_id>/expenses/new", methods=["GET", "POST"])
@roles(*WRITERS)
def expense(institution_id: int) -> Any:
    return _by_category(institution_id, income=False)


@bp.route("/institutions/<id:institution_id>/income/new", methods=["GET", "POST"])
@roles(*WRITERS)
def income(institution_id: int) -> Any:
    return _by_category(institution_id, income=True)


@bp.route("/members/<id:member_id>/withdrawals/new", methods=["GET", "POST"])
@roles(*WRITERS)
def savings_withdrawal(member_id: int) -> Any:
    session, who = db(), web_principal()
    member = writable_member(session, who, member_id)
    shg = session.get_one(Institution, member.shg_id)
    page = Page(
        _("%(name)s withdraws savings", name=member.name),
        _(
            "She has %(balance)s saved. She can take out up to that.",
            balance=format_inr(savings.savings_account(session, member).balance_paise),
        ),
        _("Record the withdrawal"),
        (str(_("Back to %(name)s", name=shg.name)), url_for("web.shg", shg_id=shg.id)),
        vias=VIAS,
    )
    if request.method == "GET":
        return draw(page, EntryForm.blank())
    form = EntryForm.sent()

    def post(paise: int, day: date) -> uuid.UUID:
        move = savings.SavingsMovement(
            member.id, paise, day, form.values["via"], form.values["narration"] or None
        )
        return savings.withdraw(session, who, move).id

    def said(paise: int) -> str:
        return _(
            "%(name)s's withdrawal of %(amount)s is recorded.",
            name=member.name,
            amount=format_inr(paise),
        )

    return record(page, form, post, said)
