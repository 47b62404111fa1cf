"""The bookkeeper's pages: the federation tree, an SHG, a passbook, a loan's schedule."""

from __future__ import annotations

from typing import Any

from flask import render_template, request, url_for

from app.formats import percent
from app.requestdb import db
from app.services.credit import passbook as passbooks
from app.services.lending import loans, meetings, shg_pages
from app.services.shared.clock import today_in_india
from app.web.blueprint import bp
from app.web.forms import new_form_key, once
from app.web.params import query_date
from app.web.session import roles, web_principal
from models.access import Role
from models.institutions import Institution, Member

BOOKKEEPING = (Role.BOOKKEEPER, Role.ADMIN, Role.AUDITOR)


@bp.route("/federation")
@roles(*BOOKKEEPING)
def tree() -> Any:
    root = request.args.get("root", type=int)
    trail, nodes = shg_pages.tree(db(), web_principal(), root)
    return render_template("web/tree.html", trail=trail, nodes=nodes)


@bp.route("/shgs/<id:shg_id>")
@roles(*BOOKKEEPING)
def shg(shg_id: int) -> Any:
    session, who = db(), web_principal()
    overview = shg_pages.shg_overview(session, who, shg_id, today_in_india())
    trail = shg_pages.tree(session, who, shg_id)[0]
    return render_template(
        "web/shg.html",
        o=overview,
        trail=trail,
        can_write=who.can_write(overview.shg.path),
        form_key=new_form_key(),
    )


@bp.route("/meetings/<id:meeting_id>/reverse", methods=["POST"])
@roles(Role.BOOKKEEPER, Role.ADMIN)
def reverse_meeting(meeting_id: int) -> Any:
    def write() -> str:
        meeting = meetings.reverse_meeting(db(), web_principal(), meeting_id, None)
        return url_for("web.shg", shg_id=meeting.shg_id)

    return once(write)


@bp.route("/members/<id:member_id>/passbook")
@roles(*BOOKKEEPING)
def passbook(member_id: int) -> Any:
    book = passbooks.passbook(
        db(), web_principal(), member_id, query_date("from"), query_date("to")
    )
    return render_template("web/passbook.html", book=book)


@bp.route("/loans/<id:loan_id>")
@roles(*BOOKKEEPING)
def loan(loan_id: int) -> Any:
    session = db()
    found = loans.readable_loan(session, web_principal(), loan_id)
    place = loans.position(session, found, today_in_india())
    return render_template(
        "web/loan.html",
        loan=found,
        member=session.get_one(Member, found.member_id),
        shg=session.get_one(Institution, found.shg_id),
        rate=percent(found.rate_bp),
        place=place,
        repaid=found.principal_paise - place.outstanding_paise,
        schedule=loans.schedule_of(session, found),
        repayments=loans.active_repayments(session, found),
    )
