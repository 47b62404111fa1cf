"""The bank officer's pages: members who consented to her bank (with each consent's purpose,
start and expiry, and the whole list as CSV), and a member's credit profile with its 36-month
payment strip, score and reasons, and the PDF to file."""

from __future__ import annotations

from typing import Any

from flask import Response, render_template, request

from app.downloads import attachment
from app.formats import DPD_BANDS, NOT_RUNNING, dpd_class
from app.requestdb import db
from app.services.credit import bank_lists, consents
from app.services.credit.profile_pdf import profile_pdf
from app.services.shared.clock import today_in_india
from app.web.blueprint import bp
from app.web.params import query_number
from app.web.session import roles, web_principal
from models.access import Role

PAGE = 25
bp.add_app_template_filter(dpd_class, "dpd_class")


@bp.route("/bank/members")
@roles(Role.BANK_PARTNER)
def bank_search() -> Any:
    session, who = db(), web_principal()
    code = request.args.get("q", "").strip()[:100] or None
    page = bank_lists.listed(session, who, code, query_number("after"), PAGE)
    return render_template("web/bank_search.html", found=page.items, page=page, q=code or "")


@bp.route("/bank/members.csv")
@roles(Role.BANK_PARTNER)
def bank_members_csv() -> Response:
    body = bank_lists.consenting_csv(db(), web_principal())
    return attachment(body, "text/csv", f"consenting-members-{today_in_india()}.csv")


@bp.route("/bank/members/<id:member_id>")
@roles(Role.BANK_PARTNER)
def bank_profile(member_id: int) -> Any:
    session = db()
    profile = consents.credit_profile(session, web_principal(), member_id)
    session.commit()  # the pull is an enquiry in her history, whatever happens next
    return render_template("web/bank_profile.html", p=profile, legend=[*DPD_BANDS, NOT_RUNNING])


@bp.route("/bank/members/<id:member_id>/profile.pdf")
@roles(Role.BANK_PARTNER)
def bank_profile_pdf(member_id: int) -> Response:
    session = db()
    profile = consents.credit_profile(session, web_principal(), member_id)
    session.commit()
    return attachment(profile_pdf(profile), "application/pdf", f"profile-{member_id}.pdf")
