"""Writes: an Idempotency-Key on each, one commit at the end, and an access-log row.

A retry with the same key and the same body gets the first response back (and nothing is
posted twice); the same key with a different body is refused with 409.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import Any

from flask import Flask, Response, current_app, g, json, request
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from app.auth import current_principal
from app.errors import database_unavailable
from app.requestdb import db
from app.services.access.access_log import record_access
from app.services.shared.errors import Conflict, DomainError, FieldProblem
from app.services.shared.idempotency import (
    HEADER,
    MAX_KEY_LENGTH,
    WRITE_METHODS,
    Kept,
    find_record,
    fingerprint,
    live,
    remember,
)
from models.base import utcnow

log = logging.getLogger(__name__)

# Printable ASCII, no space at either end (a UUID is a good key).
KEY_PATTERN = re.compile(r"[!-~](?:[ -~]*[!-~])?")

HEADER_DOC = {
    "in": "header",
    "name": HEADER,
    "required": True,
    "description": "Unique per write; a retry with the same key and body gets the first result.",
    "schema": {
        "type": "string",
        "minLength": 1,
        "maxLength": MAX_KEY_LENGTH,
        "pattern": f"^{KEY_PATTERN.pattern}$",
    },
}


class MissingKey(DomainError):
    status = 400
    title = "Idempotency-Key required"


def _key() -> str:
    key = request.headers.get(HEADER, "")
    if len(key) > MAX_KEY_LENGTH or not KEY_PATTERN.fullmatch(key):
        reason = (
            f"send a unique key of 1 to {MAX_KEY_LENGTH} printable ASCII characters"
            " (no spaces at either end) with every write"
        )
        raise MissingKey(f"{HEADER}: {reason}", [FieldProblem(HEADER, reason)])
    return key


def live_record(token_id: int, key: str) -> Kept | None:
    """This token's record of `key`, unless past the retention setting. Read with the token
    when authentication could (`auth._authenticate_request`); once only, so that a second
    look (after a clash with a concurrent request) reads the database again."""
    retention = timedelta(days=current_app.config["IDEMPOTENCY_RETENTION_DAYS"])
    read_with_token = g.pop("kept_response", None)
    if read_with_token is not None and read_with_token[0] == key:
        return live(db(), read_with_token[1], utcnow(), retention)
    return find_record(db(), token_id, key, utcnow(), retention)


def _replay(token_id: int, key: str, print_: str) -> Response | None:
    record = live_record(token_id, key)
    if record is None:
        return None
    if record.fingerprint != print_:
        raise Conflict(f"{HEADER} {key!r} was already used for a different request")
    response = Response(
        record.response_body, status=record.status_code, mimetype="application/json"
    )
    response.headers["Idempotent-Replayed"] = "true"
    return response


Redactor = Callable[[dict[str, Any]], dict[str, Any]]


def idempotent(view: Callable[..., Any] | None = None, *, redact: Redactor | None = None) -> Any:
    """Wrap a write view (outside its schema decorators) to make it idempotent and logged.

    `redact` turns a response body that carries a secret into the one kept for replays:
    the first caller sees the secret, no record ever holds it.
    """
    if view is None:
        return lambda inner: idempotent(inner, redact=redact)

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        who = current_principal()
        assert who.token_id is not None
        key = _key()
        print_ = fingerprint(request.method, request.path, request.get_data(cache=True))
        replayed = _replay(who.token_id, key, print_)
        if replayed is not None:
            return replayed
        response: Response = view(*args, **kwargs)
        kept = response.get_data(as_text=True)
        if redact is not None:
            kept = json.dumps(redact(json.loads(kept)))
        session = db()
        try:
            remember(session, who.token_id, key, print_, response.status_code, kept)
            log_access(response.status_code, key)
            session.commit()
        except IntegrityError:
            session.rollback()
            replayed = _replay(who.token_id, key, print_)
            if replayed is None:
                raise
            return replayed
        g.access_logged = True
        return response

    return wrapper


def log_access(status_code: int, key: str | None) -> None:
    """This request in the access log, by whoever `g.principal` is (nobody, if unset)."""
    record_access(
        db(),
        g.get("principal"),
        method=request.method,
        path=request.full_path.rstrip("?"),
        status_code=status_code,
        idempotency_key=key[:MAX_KEY_LENGTH] if key else None,
        remote_addr=request.remote_addr,
    )


def log_on_its_own(status_code: int, key: str | None) -> bool:
    """This request in the access log, in a transaction of its own after undoing whatever
    the request left unsaved. Never raises: False (and the application log says what was not
    logged) when the database cannot take the row."""
    if not g.get("database_unavailable"):
        session = db()
        try:
            session.rollback()
            log_access(status_code, key)
            session.commit()
            g.access_logged = True
            return True
        except SQLAlchemyError:
            session.rollback()
            log.warning("could not write the access log", exc_info=True)
    who = g.get("principal")
    log.warning(
        "not in the access log: %s %s -> %s by %s",
        request.method,
        request.path,
        status_code,
        who.label if who else "nobody",
    )
    return False


def _log_refused_writes_and_bank_reads(response: Response) -> Response:
    """Log what the write path did not: refused writes, and every request by a bank.

    Logging never turns an answer into a 500; a bank's read that cannot be logged is not
    served.
    """
    if not request.path.startswith("/api/v1") or g.get("access_logged"):
        return response
    who = g.get("principal")
    is_bank = who is not None and who.role.value == "bank_partner"
    if request.method not in WRITE_METHODS and not is_bank:
        return response
    logged = log_on_its_own(response.status_code, request.headers.get(HEADER))
    if not logged and is_bank and response.status_code < 400:
        return database_unavailable()
    return response


def init_app(app: Flask) -> None:
    app.after_request(_log_refused_writes_and_bank_reads)
