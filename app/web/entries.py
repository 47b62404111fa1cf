"""An entry as recorded, and undoing it: a confirmation page (which works without JavaScript)
shows the entry and asks why; posting it records the reversal, and both entries link to
each other. Reversal is the service the API calls (`app/services/lending/reversals.py`)."""

from __future__ import annotations

import uuid
from typing import Any

from flask import flash, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from app.formats import indian_date
from app.requestdb import db
from app.services.ledger import journal
from app.services.lending import reversals
from app.services.shared.errors import DomainError
from app.web.blueprint import bp
from app.web.forms import new_form_key, once
from app.web.plain import problems_of
from app.web.session import roles, web_principal
from models.access import Role
from models.institutions import Institution
from models.ledger import Account, Book

READERS = (Role.BOOKKEEPER, Role.ADMIN, Role.AUDITOR)
WRITERS = (Role.BOOKKEEPER, Role.ADMIN)
MAX_REASON = 300  # the reason becomes the reversal's narration, with room for what it undoes


def _context(entry_id: uuid.UUID) -> dict[str, Any]:
    """The entry, its lines with account names, its institution, and whether she may undo it."""
    session, who = db(), web_principal()
    entry = journal.readable_entry(session, who, entry_id)
    view = journal.view_entry(session, entry)
    ids = [p.account_id for p in view.postings]
    names = dict(session.execute(select(Account.id, Account.name).where(Account.id.in_(ids))).all())
    institution = session.scalars(
        select(Institution)
        .join(Book, Book.institution_id == Institution.id)
        .where(Book.id == entry.book_id)
    ).one()
    return {
        "e": view,
        "names": names,
        "institution": institution,
        "can_reverse": who.can_write(institution.path)
        and view.reversed_by is None
        and entry.reverses_entry_id is None,
        "reversed_by": view.reversed_by,
    }


@bp.route("/entries/<uuid:entry_id>")
@roles(*READERS)
def entry(entry_id: uuid.UUID) -> Any:
    return render_template("web/entry.html", **_context(entry_id))


def _confirm(entry_id: uuid.UUID, reason: str = "", problems: Any = None, status: int = 200) -> Any:
    page = render_template(
        "web/reverse.html",
        reason=reason,
        problems=problems or {},
        form_key=new_form_key(),
        **_context(entry_id),
    )
    return page, status


@bp.route("/entries/<uuid:entry_id>/reverse", methods=["GET", "POST"])
@roles(*WRITERS)
def reverse(entry_id: uuid.UUID) -> Any:
    if request.method == "GET":
        return _confirm(entry_id)
    reason = request.form.get("reason", "").strip()
    if not reason or len(reason) > MAX_REASON:
        why = _("Write why this entry is undone, in at most %(n)s letters.", n=MAX_REASON)
        return _confirm(entry_id, reason, {"reason": [why]}, 422)
    session, who = db(), web_principal()

    def write() -> str:
        original = journal.readable_entry(session, who, entry_id)
        narration = f"Reversal of {indian_date(original.value_date)}: {reason}"
        if original.set_id is not None:
            # An operation that posted in two books (a CIF repayment) is undone in both.
            undone = reversals.reverse_set(session, who, original.set_id, narration=narration)[1]
            mirror = next(e for e in undone if e.book_id == original.book_id)
        else:
            mirror = reversals.reverse_entry(session, who, entry_id, narration=narration)
        flash(_("The entry is reversed: the reversal below undoes it."), "info")
        return url_for("web.entry", entry_id=mirror.id)

    try:
        return once(write)
    except DomainError as error:
        session.rollback()
        return _confirm(entry_id, reason, problems_of(error, {}), error.status)
