"""Enrolling a member into an SHG and keeping her record: her name, and her KYC for the credit
bureaus (`app/services/federation/kyc.py`, the service the API calls; each change is a new version).

Her Aadhaar number is never taken whole: the form has a box for its last four digits only,
and a full number typed anywhere is refused by the service and never shown back on the page.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from flask import flash, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import MultiDict

from app.formats import indian_date
from app.requestdb import db
from app.services.federation import kyc, members
from app.services.federation.institutions import writable_institution
from app.services.lending import shg_pages
from app.services.lending.meeting_csv import parse_day
from app.services.shared.aadhaar import TWELVE_DIGITS
from app.services.shared.errors import DomainError
from app.web.blueprint import bp
from app.web.forms import new_form_key, once
from app.web.plain import problems_of
from app.web.session import roles, web_principal
from models.access import Role
from models.institutions import Member
from models.kyc import GENDERS, KEY_PERSON_RELATIONS, MARITAL_STATUSES, OTHER_ID_TYPES

WRITERS = (Role.BOOKKEEPER, Role.ADMIN)
DATES = ("joined_on", "date_of_birth", "age_as_on")
# Her KYC's fields as the form shows them: (field, label), in the order of a paper form.
# What her record lacks for the credit bureaus, by the field `kyc.reporting_gaps` names: the
# service's words are English, the page says them in her language.
GAP_WORDS = {
    "full_name": _l("full name"),
    "date_of_birth_or_age": _l("date of birth, or age and the date it was given"),
    "gender": _l("gender"),
    "marital_status": _l("marital status"),
    "key_person_name": _l("husband's or father's name"),
    "key_person_relation": _l("relationship of that person"),
    "address_line": _l("address"),
    "state_code": _l("state"),
    "pin_code": _l("PIN code"),
    "identity_document": _l(
        "an identity document (voter ID, ration card, other ID or CKYC number)"
    ),
}

KYC_LABELS: dict[str, Any] = {
    "full_name": _l("Full name, as on her identity document"),
    "date_of_birth": _l("Date of birth"),
    "age_years": _l("Age in years, if the date of birth is not known"),
    "age_as_on": _l("Date that age was given"),
    "gender": _l("Gender"),
    "marital_status": _l("Marital status"),
    "key_person_name": _l("Husband's or father's name"),
    "key_person_relation": _l("That person is her"),
    "address_line": _l("Address: house, street or hamlet"),
    "village_or_town": _l("Village or town"),
    "district_name": _l("District"),
    "state_code": _l("State code"),
    "pin_code": _l("PIN code"),
    "phone": _l("Mobile number"),
    "voter_id": _l("Voter ID (EPIC) number"),
    "ration_card": _l("Ration card number"),
    "other_id_type": _l("Another identity document"),
    "other_id_number": _l("Its number"),
    "ckyc_number": _l("CKYC number"),
    "bank_account_number": _l("Her bank account number"),
    "bank_ifsc": _l("Her bank's IFSC"),
    "aadhaar_last4": _l("Last 4 digits of her Aadhaar (never the whole number)"),
}
MEMBER_LABELS: dict[str, Any] = {
    "name": _l("Name, as the group calls her"),
    "member_code": _l("Member code (optional)"),
    "joined_on": _l("Date she joined (optional)"),
}
CHOICES: dict[str, tuple[tuple[str, Any], ...]] = {
    "gender": tuple(zip(GENDERS, (_l("Female"), _l("Male"), _l("Transgender")), strict=True)),
    "marital_status": tuple(
        zip(
            MARITAL_STATUSES,
            (_l("Married"), _l("Separated"), _l("Divorced"), _l("Widowed"), _l("Unmarried")),
            strict=True,
        )
    ),
    "key_person_relation": tuple(
        zip(
            KEY_PERSON_RELATIONS,
            (_l("Husband"), _l("Father"), _l("Mother"), _l("Son"), _l("Brother"), _l("Other")),
            strict=True,
        )
    ),
    "other_id_type": tuple(
        zip(
            OTHER_ID_TYPES,
            (_l("PAN"), _l("Passport"), _l("Driving licence"), _l("NREGA job card"), _l("Other")),
            strict=True,
        )
    ),
}
LABELS = {**MEMBER_LABELS, **KYC_LABELS}


def _shown(value: object) -> str:
    if value is None:
        return ""
    return indian_date(value) if isinstance(value, date) else str(value)


def _read(form: MultiDict[str, str], problems: dict[str, list[str]]) -> dict[str, Any]:
    """The fields as sent, typed: empty is None, dates and the age read (problems noted)."""
    read: dict[str, Any] = {}
    for name in LABELS:
        raw = form.get(name, "").strip()
        value: Any = raw or None
        if raw and name in DATES:
            value = parse_day(raw)
            if value is None:
                problems.setdefault(name, []).append(
                    _("Write the date as day-month-year, like 05-06-2026.")
                )
        elif raw and name == "age_years":
            value = int(raw) if re.fullmatch(r"[0-9]{1,3}", raw) else None
            if value is None:
                problems.setdefault(name, []).append(_("Write her age in whole years, like 35."))
        read[name] = value
    return read


def _page(
    member: Member | None, shg: Any, values: dict[str, str], problems: Any, status: int
) -> Any:
    # A full Aadhaar number is never drawn back into a form, whatever box it was typed in.
    safe = {k: "" if TWELVE_DIGITS.search(v) else v for k, v in values.items()}
    gaps = kyc.kyc_of(db(), web_principal(), member.id).missing_for_reporting if member else []
    page = render_template(
        "web/member.html",
        member=member,
        shg=shg,
        values=safe,
        problems=problems,
        member_labels=MEMBER_LABELS,
        kyc_labels=KYC_LABELS,
        choices=CHOICES,
        gaps=gaps,
        gap_words=GAP_WORDS,
        form_key=new_form_key(),
    )
    return page, status


def _save(member: Member | None, shg: Any) -> Any:
    """Enrol her (no `member`) or record the changes to her name and KYC, once."""
    session, who = db(), web_principal()
    problems: dict[str, list[str]] = {}
    read = _read(request.form, problems)
    sent = {name: request.form.get(name, "").strip() for name in LABELS}
    if not read["name"]:
        problems.setdefault("name", []).append(_("Write her name."))
    if problems:
        return _page(member, shg, sent, problems, 422)
    before = kyc.kyc_of(session, who, member.id) if member else None
    changes = {
        f: read[f] for f in KYC_LABELS if read[f] != (getattr(before, f) if before else None)
    }

    # A state code alone is the form's default, not a KYC worth a version.
    record = changes if set(changes) - {"state_code"} else {}

    def write() -> str:
        if member is None:
            new = members.NewMember(shg.id, read["name"], read["member_code"], read["joined_on"])
            target = members.create_member(session, who, new)
            said = _("%(name)s is enrolled in %(shg)s.", name=target.name, shg=shg.name)
        else:
            target = member
            if read["name"] != member.name:
                members.update_member(session, who, member.id, name=read["name"], status=None)
            said = _("%(name)s's record is saved.", name=read["name"])
        if record:
            kyc.record_kyc(session, who, target.id, record)
        flash(said, "info")
        return url_for("web.edit_member", member_id=target.id)

    try:
        return once(write)
    except DomainError as error:
        session.rollback()
        found = problems_of(error, {name: name for name in LABELS}, LABELS)
        return _page(member, shg, sent, found, error.status)


@bp.route("/shgs/<id:shg_id>/members/new", methods=["GET", "POST"])
@roles(*WRITERS)
def new_member(shg_id: int) -> Any:
    session, who = db(), web_principal()
    shg = shg_pages.readable_shg(session, who, shg_id)
    writable_institution(session, who, shg.id)
    if request.method == "GET":
        return _page(None, shg, {"state_code": shg.state_code}, {}, 200)
    return _save(None, shg)


@bp.route("/members/<id:member_id>/edit", methods=["GET", "POST"])
@roles(*WRITERS)
def edit_member(member_id: int) -> Any:
    session, who = db(), web_principal()
    member = members.writable_member(session, who, member_id)
    shg = shg_pages.readable_shg(session, who, member.shg_id)
    if request.method == "POST":
        return _save(member, shg)
    reading = kyc.kyc_of(session, who, member.id)
    values = {f: _shown(getattr(reading, f)) for f in KYC_LABELS}
    values |= {"name": member.name, "member_code": member.member_code or ""}
    values |= {"joined_on": _shown(member.joined_on)}
    values["state_code"] = values["state_code"] or shg.state_code
    return _page(member, shg, values, {}, 200)
