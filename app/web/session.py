"""Signing in and out, the idle timeout, CSRF protection, and who may open which page.

People sign in as themselves (`app/web/sign_in.py`: mobile number, password or PIN, and a
one-time code where required). The session cookie is Flask's signed cookie. It holds only
the person's id, her page language, a CSRF secret and when the last request came; the person
is looked up again on every request, so disabling her signs her out at once.
"""

from __future__ import annotations

import hmac
import secrets
import time
from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlsplit

from flask import (
    Response,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import HTTPException

from app import state_scope
from app.errors import handle_http_exception
from app.i18n import choose_locale
from app.requestdb import db
from app.services.access.people import principal_of_person
from app.services.shared.errors import DomainError
from app.services.shared.principal import Principal
from app.web.blueprint import bp
from app.web.plain_problems import plain_problem
from app.writes import log_on_its_own
from models.access import Role

PUBLIC_ENDPOINTS = {"web.sign_in", "web.sign_in_code", "web.service_worker", "static"}
# Open while she must change her password (after an admin's reset), and nothing else is.
WHILE_CHANGING = {"web.change_password", "web.sign_out"}
UPLOADS = {"web.import_meetings"}
HOME = {
    Role.ADMIN: "web.tree",
    Role.BOOKKEEPER: "web.tree",
    Role.AUDITOR: "web.flags",
    Role.BANK_PARTNER: "web.bank_search",
}


def csrf_token() -> str:
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(32)
    token: str = session["csrf"]
    return token


def role_name(role: Role | str) -> str:
    """A role as people call it, in the page's language."""
    names = {
        Role.ADMIN: _("Admin"),
        Role.BOOKKEEPER: _("Bookkeeper"),
        Role.AUDITOR: _("Auditor"),
        Role.BANK_PARTNER: _("Bank officer"),
    }
    return str(names[Role(role)])


def page_language() -> str:
    """The language the page is drawn in (the `<html lang>`): the one `choose_locale` draws
    it in (her choice kept in the session, else her browser's, else English), so the page's
    words and its `lang` never disagree."""
    return choose_locale()


@bp.app_context_processor
def _template_globals() -> dict[str, Any]:
    return {
        "csrf_token": csrf_token,
        "who": g.get("principal"),
        "Role": Role,
        "role_name": role_name,
        "current_locale": page_language(),
    }


def start_session(person_id: int, language: str, must_change: bool) -> None:
    """A fresh session for a person who has just signed in: nothing from before carries over."""
    session.clear()
    session.update(person_id=person_id, seen=int(time.time()), lang=language)
    if must_change:
        session["must_change"] = True
    csrf_token()


# Kept when a page signs her out: the sign-in page's language, and a sign-in waiting for
# its one-time code (it expires on its own).
KEPT_SIGNED_OUT = ("lang", "pending", "pending_at", "next")


def _form_page() -> str | None:
    """The page a refused post was sent from, to go back to after signing in: the form is
    drawn again there and the browser gives back what she typed (app/static/keep.js)."""
    sent_from = urlsplit(request.referrer or "")
    if sent_from.netloc == request.host and sent_from.path:
        return safe_next(sent_from.path + (f"?{sent_from.query}" if sent_from.query else ""))
    return request.path


def _signed_out(message: str) -> Response:
    kept = {k: session[k] for k in KEPT_SIGNED_OUT if k in session}
    session.clear()
    session.update(kept)
    flash(message, "warning")
    back = request.full_path.rstrip("?") if request.method == "GET" else _form_page()
    return redirect(url_for("web.sign_in", next=back))


@bp.before_request
def _guard() -> Response | None:
    if request.endpoint in UPLOADS:
        # Before the CSRF check below reads the form: a month of sheets is more than 1 MiB.
        request.max_content_length = current_app.config["IMPORT_MAX_CONTENT_LENGTH"]
    signed_out = session.get("person_id") is None
    if request.method == "POST" and request.endpoint not in PUBLIC_ENDPOINTS and signed_out:
        # Her session is gone (a closed browser, say): sign in, then back to the form.
        return _signed_out("Please sign in.")
    if request.method == "POST":
        sent = request.form.get("csrf_token", "")
        if not sent or not hmac.compare_digest(sent, session.get("csrf", "")):
            abort(400, _("The form has expired. Go back, reload the page and try again."))
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    person_id, seen = session.get("person_id"), session.get("seen", 0)
    if person_id is None:
        return _signed_out(_("Please sign in."))
    timeout = current_app.config["WEB_IDLE_TIMEOUT_SECONDS"]
    if time.time() - seen > timeout:
        return _signed_out(
            _(
                "You were signed out after %(minutes)s minutes without activity.",
                minutes=timeout // 60,
            )
        )
    principal = principal_of_person(db(), person_id)
    if principal is None:
        return _signed_out(_("Your account was disabled. Ask your admin."))
    g.principal = principal
    state_scope.scope_to_state(db(), principal)
    session["seen"] = int(time.time())
    if session.get("must_change") and request.endpoint not in WHILE_CHANGING:
        return redirect(url_for("web.change_password"))
    return None


@bp.after_request
def _no_caching(response: Response) -> Response:
    # Pages show someone's books: never kept by shared browsers or proxies.
    response.headers.setdefault("Cache-Control", "no-store")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    return response


@bp.after_request
def _log_bank_reads(response: Response) -> Response:
    """Every page a bank officer opens is logged, as every API call by a bank is."""
    principal = g.get("principal")
    if principal is None or principal.role is not Role.BANK_PARTNER or g.get("access_logged"):
        return response
    if not log_request(response.status_code) and response.status_code < 400:
        # What a bank reads must be in the access log: unlogged, it is not shown.
        page = render_template(
            "web/error.html",
            title=_("Service unavailable"),
            detail=_("The service cannot record this visit just now. Try again in a minute."),
        )
        return Response(page, 503, headers={"Retry-After": "60"})
    return response


def web_principal() -> Principal:
    principal: Principal = g.principal
    return principal


def roles(*allowed: Role) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Open a page to these roles only; others get 403."""

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if web_principal().role not in allowed:
                abort(403, _("This page is not open to your role."))
            return view(*args, **kwargs)

        return wrapper

    return decorate


def safe_next(target: str | None) -> str | None:
    """Only a path on this site: never an address elsewhere (an open redirect)."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return None
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc else None


def log_request(status: int, key: str | None = None) -> bool:
    """Log this request on its own, after undoing whatever the request left unsaved; False
    when the database could not take it (never raises)."""
    return log_on_its_own(status, key)


@bp.route("/")
def home() -> Response:
    return redirect(url_for(HOME[web_principal().role]))


# A refused page's heading, by its status, in her language.
_TITLES = {
    400: _l("The request could not be read"),
    403: _l("Not open to you"),
    404: _l("Not found"),
    405: _l("Not allowed"),
    409: _l("Already done, or not possible now"),
    413: _l("The file is too large"),
    422: _l("Please put this right"),
    429: _l("Too many attempts"),
}
# What to do, where the refusal itself is Werkzeug's or the services' English.
_NEXT_STEPS = {
    404: _l("There is no page at this address. Go back to your start page."),
    405: _l("This page cannot be used that way. Go back to your start page."),
    413: _l("Send a smaller file, or split it into parts."),
}


_NOT_OPEN = _l("It is not there, or not in your area. Check the address, or go back.")


def _title(status: int, fallback: str) -> str:
    return str(_TITLES.get(status, fallback))


@bp.errorhandler(HTTPException)
def _http_error(error: HTTPException) -> tuple[str, int]:
    code = error.code or 500
    detail = error.description
    if detail == type(error).description and code in _NEXT_STEPS:
        detail = str(_NEXT_STEPS[code])  # Werkzeug's own English words
    page = render_template("web/error.html", title=_title(code, error.name), detail=detail)
    return page, code


def _domain_detail(error: DomainError) -> str:
    """The refusal in her words: a plain sentence by its code, or what to do for a page or
    record she cannot open (in English, the service's own words say which)."""
    if error.status in (403, 404) and not error.problems and str(get_locale()) != "en":
        return str(_NOT_OPEN)
    return plain_problem("", error.detail)


@bp.errorhandler(DomainError)
def _refused(error: DomainError) -> tuple[str, int]:
    page = render_template(
        "web/error.html",
        title=_title(error.status, error.title),
        detail=_domain_detail(error),
        problems=error.problems,
    )
    return page, error.status


@bp.app_errorhandler(404)
def _no_such_page(error: HTTPException) -> Any:
    """A page address that does not exist: a page for people, problem+json for the API."""
    if request.path.startswith("/api/"):
        return handle_http_exception(error)
    return _http_error(error)
