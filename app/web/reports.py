"""An SHG's, VO's or CLF's books on the pages: what she can record there, and the reports she
files (trial balance, balance sheet, income and expenditure, arrears and ageing), printable.

The figures are the services' own (`app/services/ledger/reports.py`, `arrears.py`), the ones the
API returns for the same book and dates.
"""

from __future__ import annotations

from typing import Any

from flask import abort, render_template

from app.requestdb import db
from app.services.federation.institutions import readable_institution
from app.services.ledger import journal, reports
from app.services.ledger.books import book_of
from app.services.lending import arrears, facilities
from app.services.shared.clock import today_in_india
from app.web.blueprint import bp
from app.web.params import query_date, query_number
from app.web.session import roles, web_principal
from models.access import Role
from models.institutions import BOOK_KEEPING_KINDS, Institution

READERS = (Role.BOOKKEEPER, Role.ADMIN, Role.AUDITOR)
PAGE = 50


def _keeper(institution_id: int) -> Institution:
    institution = readable_institution(db(), web_principal(), institution_id)
    if institution.kind not in BOOK_KEEPING_KINDS:
        abort(404)
    return institution


@bp.route("/institutions/<id:institution_id>/books")
@roles(*READERS)
def books(institution_id: int) -> Any:
    session, who = db(), web_principal()
    institution = _keeper(institution_id)
    owed = [
        f
        for f in facilities.facilities_of(session, who, institution.id)
        if f.borrower_id == institution.id
    ]
    return render_template(
        "web/books.html",
        i=institution,
        can_write=who.can_write(institution.path),
        owed=owed,
    )


@bp.route("/institutions/<id:institution_id>/trial-balance")
@roles(*READERS)
def trial_balance(institution_id: int) -> Any:
    institution = _keeper(institution_id)
    as_of = query_date("as_of") or today_in_india()
    report = reports.trial_balance(db(), book_of(db(), institution.id), as_of)
    return render_template("web/trial_balance.html", i=institution, r=report)


@bp.route("/institutions/<id:institution_id>/balance-sheet")
@roles(*READERS)
def balance_sheet(institution_id: int) -> Any:
    institution = _keeper(institution_id)
    as_of = query_date("as_of") or today_in_india()
    report = reports.balance_sheet(db(), book_of(db(), institution.id), as_of)
    return render_template("web/balance_sheet.html", i=institution, r=report)


@bp.route("/institutions/<id:institution_id>/income-expenditure")
@roles(*READERS)
def income_expenditure(institution_id: int) -> Any:
    institution = _keeper(institution_id)
    to = query_date("to") or today_in_india()
    since = query_date("from") or reports.financial_year_start(to)
    report = reports.income_expenditure(db(), book_of(db(), institution.id), since, to)
    return render_template("web/income_expenditure.html", i=institution, r=report)


@bp.route("/institutions/<id:institution_id>/ageing")
@roles(*READERS)
def ageing(institution_id: int) -> Any:
    institution = _keeper(institution_id)
    as_of = query_date("as_of") or today_in_india()
    report = arrears.ageing(db(), web_principal(), institution.id, as_of)
    return render_template("web/ageing.html", i=institution, r=report, buckets=arrears.BUCKETS)


@bp.route("/institutions/<id:institution_id>/entries")
@roles(*READERS)
def entries(institution_id: int) -> Any:
    """The book's entries for a period (default: this month so far), each opened to be read or
    undone."""
    session, institution = db(), _keeper(institution_id)
    to = query_date("to") or today_in_india()
    since = query_date("from") or to.replace(day=1)
    book = book_of(session, institution.id)
    page = journal.list_entries(
        session, web_principal(), book.id, since, to, query_number("after"), PAGE
    )
    return render_template("web/entries.html", i=institution, page=page, since=since, to=to)
