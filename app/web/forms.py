"""Form writes: each posts once, whatever the connection does.

Every form that writes carries a key made when the page was drawn. A form sent twice (a
double tap, or a retry on a slow connection) finds the first result and goes where the first
went, through the same idempotency records the API keeps.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Callable
from urllib.parse import urlsplit

from flask import Response, g, redirect, request, session
from sqlalchemy.exc import IntegrityError

from app.requestdb import db
from app.services.shared.errors import Conflict, DomainError, Invalid
from app.services.shared.idempotency import MAX_KEY_LENGTH, remember
from app.web.blueprint import bp
from app.web.session import log_request, web_principal
from app.writes import live_record, log_access

KEY_FIELD = "form_key"
# The form page whose post went through, for the next page to tell the browser: it then drops
# the copy of the form it kept as she typed (app/static/keep.js).
SAVED_FORM = "saved_form"


@bp.app_context_processor
def _saved_form() -> dict[str, Callable[[], str | None]]:
    return {"saved_form": lambda: session.pop(SAVED_FORM, None)}


def _went_through(location: str) -> Response:
    session[SAVED_FORM] = _form_path()
    return redirect(location, 303)


def _form_path() -> str:
    """The page the form was on: where it was sent from, else the address it posts to."""
    sent_from = urlsplit(request.referrer or "")
    return sent_from.path if sent_from.netloc == request.host else request.path


def new_form_key() -> str:
    return f"web-{uuid.uuid4().hex}"


def _fingerprint() -> str:
    fields = sorted((k, v) for k, v in request.form.items(multi=True) if k != "csrf_token")
    files = []
    for name, upload in request.files.items(multi=True):
        upload.stream.seek(0)
        files.append((name, hashlib.sha256(upload.stream.read()).hexdigest()))
        upload.stream.seek(0)
    files.sort()
    body = json.dumps([request.path, fields, files]).encode()
    return hashlib.sha256(body).hexdigest()


def _replayed(token_id: int, key: str, print_: str) -> Response | None:
    record = live_record(token_id, key)
    if record is None:
        return None
    if record.fingerprint != print_:
        raise Conflict("this form was already sent with other figures: reload the page")
    return _went_through(record.response_body)


def once(write: Callable[[], str]) -> Response:
    """Run `write` (which returns the page to go to) once for this form, commit, and go there.

    A refusal (DomainError) is logged and raised for the view to show on the form; the form's
    key stays unused, so the corrected form can be sent again.
    """
    who = web_principal()
    assert who.token_id is not None
    key = request.form.get(KEY_FIELD, "")
    if not key.startswith("web-") or len(key) > MAX_KEY_LENGTH:
        raise Invalid.field(KEY_FIELD, "the form is incomplete: reload the page and try again")
    print_ = _fingerprint()
    replayed = _replayed(who.token_id, key, print_)
    if replayed is not None:
        return replayed
    session = db()
    try:
        location = write()
    except DomainError as error:
        log_request(error.status, key)
        raise
    try:
        remember(session, who.token_id, key, print_, 303, location)
        log_access(303, key)
        session.commit()
    except IntegrityError:
        session.rollback()  # the same form, sent twice at once: the other one posted
        replayed = _replayed(who.token_id, key, print_)
        if replayed is None:
            raise
        return replayed
    g.access_logged = True
    return _went_through(location)
