"""Repaying what an SHG (or VO) owes, on the pages: the VO's CIF (posted in both books, the
borrower's and the lender's) and the bank loan. The same services as the API:
`federation_loans.repay` and `bank_loans.repay`."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from flask import request, url_for
from flask_babel import gettext as _

from app.requestdb import db
from app.services.federation.institutions import writable_institution
from app.services.lending import bank_loans, facilities, federation_loans
from app.services.shared.clock import today_in_india
from app.web.blueprint import bp
from app.web.cash_book import VIAS, WRITERS
from app.web.entry_form import EntryForm, Page, draw, record
from app.web.session import roles, web_principal
from models.capital import Facility
from models.institutions import Institution
from models.money import format_inr


def _owed_text(facility: Facility) -> str:
    session, today = db(), today_in_india()
    if facility.fund == "bank":
        owed = bank_loans.position(session, facility, today)
        return _("The bank loan's balance is %(owed)s.", owed=format_inr(owed.owed_paise))
    place = federation_loans.position(session, facility, today)
    return _(
        "Still owed: %(principal)s of the loan, and %(interest)s of interest due today."
        " Interest is paid first.",
        principal=format_inr(place.outstanding_paise),
        interest=format_inr(place.interest_due_paise),
    )


@bp.route("/facilities/<id:facility_id>/repay", methods=["GET", "POST"])
@roles(*WRITERS)
def repay_facility(facility_id: int) -> Any:
    session, who = db(), web_principal()
    facility = facilities.readable_facility(session, who, facility_id)
    borrower = writable_institution(session, who, facility.borrower_id)
    bank = facility.fund == "bank"
    lender = _("the bank") if bank else session.get_one(Institution, facility.lender_id).name
    page = Page(
        _("%(name)s repays %(lender)s", name=borrower.name, lender=lender),
        _owed_text(facility),
        _("Record the repayment"),
        (
            str(_("Back to %(name)s", name=borrower.name)),
            url_for("web.books", institution_id=borrower.id),
        ),
        vias=VIAS if bank else (),
        narration=False,
    )
    if request.method == "GET":
        return draw(page, EntryForm.blank(via="bank"))
    form = EntryForm.sent()

    def post(paise: int, day: date) -> uuid.UUID:
        if bank:
            return bank_loans.repay(session, who, facility, paise, day, form.values["via"]).entry_id
        return federation_loans.repay(session, who, facility, paise, day)[0].entry_id

    return record(
        page,
        form,
        post,
        lambda paise: _("A repayment of %(amount)s is recorded.", amount=format_inr(paise)),
    )
