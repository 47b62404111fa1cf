"""Signing in as oneself: mobile number and password or PIN, then a one-time code where
required (enrolling her authenticator app the first time); changing one's own password.

Every attempt counts against the per-address limit every worker shares; wrong passwords and
codes also count against the account (`app/services/access/people.py`, lock-out). The language
chosen here is saved on the person and kept in her session for every page.
"""

from __future__ import annotations

import time
from typing import Any

from flask import (
    Response,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _

from app.auth import count_address_attempt
from app.i18n import LANGUAGE_NAMES, LANGUAGES, choose_locale
from app.requestdb import db
from app.security import security
from app.services.access import people
from app.services.access.people import Locked, SignInRefused
from app.services.shared.errors import Invalid
from app.web.blueprint import bp
from app.web.session import HOME, log_request, safe_next, start_session, web_principal
from models.access import Role
from models.people import Person

PENDING_SECONDS = 5 * 60  # between the password and the one-time code


def _form(status: int = 200, **extra: Any) -> tuple[str, int]:
    next_ = safe_next(request.values.get("next"))
    page = render_template(
        "web/sign_in.html",
        next=next_,
        languages=LANGUAGE_NAMES,
        chosen=choose_locale(),  # her choice, else her browser's language
        mobile=request.form.get("mobile", ""),
        **extra,
    )
    return page, status


def _throttled(template: str) -> Any:
    refused = count_address_attempt("sign-in", current_app.config["WEB_SIGN_IN_LIMIT"])
    if refused is None:
        return None
    log_request(429)
    flash(
        _(
            "Too many sign-in attempts from this connection. Wait %(seconds)s seconds,"
            " then try again.",
            seconds=refused.retry_after,
        ),
        "error",
    )
    page = _form() if template == "sign_in" else _code_page()
    return page[0], 429, {"Retry-After": str(refused.retry_after)}


def _refused(error: SignInRefused | Locked, template: str) -> Any:
    db().commit()  # the wrong attempt counts, whatever happens next
    if isinstance(error, Locked):
        minutes = max(1, int((error.until.timestamp() - time.time() + 59) // 60))
        message = _(
            "Too many wrong attempts in a row: this account is locked. Try again in"
            " %(minutes)s minutes, or ask your admin to reset your password.",
            minutes=minutes,
        )
    elif template == "sign_in":
        message = _("That mobile number and password do not match. Check them and try again.")
    else:
        message = _("That code is not right, or it was already used. Type the newest code.")
    log_request(error.status)
    flash(message, "error")
    page = _form(error.status) if template == "sign_in" else _code_page(error.status)
    return page


def _complete(person: Person, next_: str | None) -> Response:
    """She is who she says: a fresh session, and on to the page she asked for."""
    people.page_token(db(), person)
    db().commit()
    principal = people.principal_of_person(db(), person.id)
    assert principal is not None
    g.principal = principal
    log_request(303)
    start_session(person.id, person.language, person.must_change_password)
    if person.must_change_password:
        return redirect(url_for("web.change_password"), 303)
    return redirect(next_ or url_for(HOME[Role(person.role)]), 303)


@bp.route("/sign-in", methods=["GET", "POST"])
def sign_in() -> Any:
    language = request.values.get("language", "")
    if language in LANGUAGES:
        session["lang"] = language  # this page, and every one after, in her language
    if request.method == "GET":
        return _form()
    throttled = _throttled("sign_in")
    if throttled is not None:
        return throttled
    mobile, password = request.form.get("mobile", ""), request.form.get("password", "")
    try:
        person = people.check_password(db(), security(), mobile, password)
    except (SignInRefused, Locked) as error:
        return _refused(error, "sign_in")
    people.set_language(db(), person, session.get("lang", person.language))
    next_ = safe_next(request.form.get("next"))
    if not people.needs_code(security(), person):
        return _complete(person, next_)
    db().commit()
    lang = session.get("lang", person.language)
    session.clear()
    session.update(pending=person.id, pending_at=int(time.time()), lang=lang, next=next_)
    return redirect(url_for("web.sign_in_code"), 303)


def _pending() -> Person | None:
    person_id, at = session.get("pending"), session.get("pending_at", 0)
    if person_id is None or time.time() - at > PENDING_SECONDS:
        return None
    person = db().get(Person, person_id)
    return person if person is not None and person.disabled_at is None else None


def _code_page(status: int = 200, **extra: Any) -> tuple[str, int]:
    return render_template("web/sign_in_code.html", **extra), status


@bp.route("/sign-in/code", methods=["GET", "POST"])
def sign_in_code() -> Any:
    person = _pending()
    if person is None:
        session.pop("pending", None)
        flash(_("Please sign in."), "warning")
        return redirect(url_for("web.sign_in"))
    if request.method == "GET":
        if person.totp_confirmed_at is not None:
            return _code_page()
        # Shown once: a reload makes a new secret, and only a confirmed one counts.
        secret, uri = people.start_enrolment(db(), security(), person)
        db().commit()
        return _code_page(enrol_secret=secret, enrol_uri=uri)
    throttled = _throttled("code")
    if throttled is not None:
        return throttled
    try:
        people.check_code(db(), security(), person, request.form.get("code", ""))
    except (SignInRefused, Locked) as error:
        return _refused(error, "code")
    return _complete(person, session.get("next"))


@bp.route("/sign-out", methods=["POST"])
def sign_out() -> Response:
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    flash(_("You have signed out."), "info")
    return redirect(url_for("web.sign_in"), 303)


@bp.route("/password", methods=["GET", "POST"])
def change_password() -> Any:
    """Her own password or PIN; forced after an admin reset it."""
    if request.method == "GET":
        return render_template("web/password.html")
    person = people.get_person(db(), web_principal().person_id or 0)
    if request.form.get("new_password") != request.form.get("new_password_again"):
        flash(_("The two new passwords are not the same. Type them again."), "error")
        return render_template("web/password.html"), 422
    try:
        people.change_password(
            db(),
            security(),
            person,
            request.form.get("current_password", ""),
            request.form.get("new_password", ""),
        )
    except Invalid as error:
        db().rollback()
        return render_template("web/password.html", problems=error.problems), 422
    db().commit()
    session.pop("must_change", None)
    flash(_("Your password is changed."), "info")
    return redirect(url_for("web.home"), 303)
