"""The admin's pages for people: list, add, disable or enable, reset a password, require or
reset a one-time code, and issue an API token in a person's name.

A temporary password or a token's secret is shown on the page that answers the form and is
kept nowhere, so those two forms are not replayed the way others are (`forms.once`): sent
twice, they make a second password or token, and the page shows the one that now works.
"""

from __future__ import annotations

from typing import Any

from flask import render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from app.requestdb import db
from app.security import security
from app.services.access import people as service
from app.services.shared.errors import DomainError, FieldProblem, Invalid
from app.web.blueprint import bp
from app.web.forms import new_form_key, once
from app.web.session import roles, web_principal
from app.web.sign_in import LANGUAGE_NAMES
from app.words import word
from models.access import Role
from models.institutions import Bank, Institution

SCOPE_KINDS = ("state", "district", "clf")


def _scopes() -> dict[str, str]:
    """Every place or bank a person may be scoped to, by form value ("institution:7")."""
    places = db().scalars(
        select(Institution)
        .where(Institution.kind.in_(SCOPE_KINDS))
        .order_by(Institution.kind, Institution.name)
    )
    options = {f"institution:{i.id}": f"{i.name} ({word(i.kind)})" for i in places}
    for bank in db().scalars(select(Bank).order_by(Bank.name)):
        options[f"bank:{bank.id}"] = bank.name
    return options


def _list_page(problems: list[FieldProblem] | None = None, status: int = 200) -> Any:
    page = render_template(
        "web/people.html",
        everyone=service.list_people(db(), web_principal()),
        scopes=_scopes(),
        languages=LANGUAGE_NAMES,
        roles=list(Role),
        problems=problems or [],
        form=request.form,
    )
    return page, status


def _new_person() -> service.NewPerson:
    role = request.form.get("role", "")
    if role not in {r.value for r in Role}:
        raise Invalid.field("role", _("choose a role"))
    kind, _sep, number = request.form.get("scope", "").partition(":")
    scope_id = int(number) if number.isdigit() else None
    return service.NewPerson(
        name=request.form.get("name", ""),
        mobile=request.form.get("mobile", ""),
        role=Role(role),
        institution_id=scope_id if kind == "institution" else None,
        bank_id=scope_id if kind == "bank" else None,
        language=request.form.get("language", "en"),
        totp_required=request.form.get("totp_required") == "yes",
    )


@bp.route("/people", methods=["GET", "POST"])
@roles(Role.ADMIN)
def people() -> Any:
    if request.method == "GET":
        return _list_page()
    try:
        made = service.create_person(db(), web_principal(), security(), _new_person(), None)
    except DomainError as error:
        db().rollback()
        return _list_page(error.problems or [FieldProblem("", error.detail)], error.status)
    db().commit()
    return render_template("web/person_password.html", person=made.person, made=made), 201


def _person_page(person_id: int, problems: list[FieldProblem] | None = None, status: int = 200):
    person = service.get_person(db(), person_id)
    page = render_template(
        "web/person.html",
        person=person,
        scopes=_scopes(),
        problems=problems or [],
        form_key=new_form_key(),
    )
    return page, status


@bp.route("/people/<id:person_id>")
@roles(Role.ADMIN)
def person(person_id: int) -> Any:
    return _person_page(person_id)


ACTIONS = "<any(disable, enable, 'require-code', 'reset-code'):action>"


@bp.route(f"/people/<id:person_id>/{ACTIONS}", methods=["POST"])
@roles(Role.ADMIN)
def change_person(person_id: int, action: str) -> Any:
    def write() -> str:
        who = web_principal()
        if action in ("disable", "enable"):
            service.set_disabled(db(), who, person_id, action == "disable")
        elif action == "require-code":
            service.require_code(db(), who, person_id, request.form.get("required") == "yes")
        else:
            service.reset_code(db(), who, person_id)
        return url_for("web.person", person_id=person_id)

    try:
        return once(write)
    except DomainError as error:
        db().rollback()
        return _person_page(person_id, [FieldProblem("", error.detail)], error.status)


@bp.route("/people/<id:person_id>/reset-password", methods=["POST"])
@roles(Role.ADMIN)
def reset_person_password(person_id: int) -> Any:
    made = service.reset_password(db(), web_principal(), security(), person_id)
    db().commit()
    return render_template("web/person_password.html", person=made.person, made=made)


@bp.route("/people/<id:person_id>/tokens", methods=["POST"])
@roles(Role.ADMIN)
def issue_person_token(person_id: int) -> Any:
    name = request.form.get("name", "").strip()
    try:
        if not name:
            raise Invalid.field("name", _("name the machine that will use it"))
        issued = service.issue_token_to(db(), web_principal(), person_id, name=name[:120])
    except DomainError as error:
        db().rollback()
        return _person_page(
            person_id, error.problems or [FieldProblem("", error.detail)], error.status
        )
    db().commit()
    person = service.get_person(db(), person_id)
    return render_template("web/person_token.html", person=person, issued=issued), 201
