"""Every error leaves as application/problem+json (RFC 9457), with field-level detail."""

from __future__ import annotations

import logging
import time
from typing import Any

from flask import Flask, Response, current_app, g, json
from flask_limiter import RateLimitExceeded
from sqlalchemy.exc import DataError, IntegrityError, InterfaceError, OperationalError
from werkzeug.exceptions import HTTPException

from app.services.shared.errors import DomainError, FieldProblem

PROBLEM = "application/problem+json"
log = logging.getLogger(__name__)


def problem(
    status: int,
    title: str,
    detail: str,
    problems: list[FieldProblem] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": title,
        "status": status,
        "detail": detail,
    }
    if problems:
        body["errors"] = [{"field": p.field, "code": p.code, "reason": p.reason} for p in problems]
    response = Response(json.dumps(body), status=status, mimetype=PROBLEM)
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def flatten_messages(messages: Any, prefix: str = "") -> list[FieldProblem]:
    """webargs/marshmallow messages ({"json": {"postings": {0: {"amount": [...]}}}}) as fields."""
    if isinstance(messages, dict):
        found: list[FieldProblem] = []
        for key, value in messages.items():
            if prefix == "" and key in {"json", "query", "headers", "form", "view_args"}:
                found += flatten_messages(value, "")
            elif isinstance(key, int) or (isinstance(key, str) and key.isdigit()):
                found += flatten_messages(value, f"{prefix}[{key}]")
            else:
                found += flatten_messages(value, f"{prefix}.{key}" if prefix else str(key))
        return found
    if isinstance(messages, list) and all(isinstance(m, str) for m in messages):
        return [FieldProblem(prefix or "body", "; ".join(messages))]
    if isinstance(messages, list):
        return [p for i, m in enumerate(messages) for p in flatten_messages(m, f"{prefix}[{i}]")]
    return [FieldProblem(prefix or "body", str(messages))]


def handle_http_exception(error: HTTPException) -> Response:
    status = error.code or 500
    data = getattr(error, "data", None) or {}
    problems = flatten_messages(data["messages"]) if "messages" in data else None
    detail = error.description or error.name
    if problems:
        detail = "; ".join(f"{p.field}: {p.reason}" for p in problems)
    headers = dict(data.get("headers", {})) if isinstance(data.get("headers"), dict) else None
    return problem(status, error.name, detail, problems, headers)


def handle_rate_limited(error: RateLimitExceeded) -> Response:
    """A 429 from the request limiter, with Retry-After: when its window opens again."""
    current = current_app.extensions["bahi.limiter"].current_limit
    wait = max(1, int(current.reset_at - time.time())) if current else 60
    return problem(
        429,
        "Too Many Requests",
        f"more than {error.description} from this token; try again in {wait} s",
        headers={"Retry-After": str(wait)},
    )


def handle_domain_error(error: DomainError) -> Response:
    return problem(error.status, error.title, error.detail, error.problems)


def handle_integrity_error(error: IntegrityError) -> Response:
    # The service checks every rule first; reaching here means a concurrent request won the
    # race (or a trigger caught what Python missed). Report the database's reason.
    reason = str(error.orig).splitlines()[0] if error.orig else "constraint violated"
    return problem(409, "Conflict", f"the database refused the change: {reason}")


def handle_data_error(error: DataError) -> Response:
    return problem(400, "Bad Request", "a value is out of the range the ledger accepts")


def handle_operational_error(error: OperationalError | InterfaceError) -> Response:
    log.exception("database unavailable")
    # The access log cannot be written either: the after-request hook must not wait on the
    # database again (a second lock wait, or a 500 while PostgreSQL is down).
    g.database_unavailable = True
    return database_unavailable()


def database_unavailable() -> Response:
    return problem(
        503,
        "Service Unavailable",
        "the database is busy or unavailable; retry with the same Idempotency-Key",
        headers={"Retry-After": "2"},
    )


def handle_unexpected(error: Exception) -> Response:
    log.exception("unhandled error")
    return problem(500, "Internal Server Error", "an unexpected error occurred; it has been logged")


def init_app(app: Flask) -> None:
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(RateLimitExceeded, handle_rate_limited)
    app.register_error_handler(DomainError, handle_domain_error)
    app.register_error_handler(IntegrityError, handle_integrity_error)
    app.register_error_handler(DataError, handle_data_error)
    app.register_error_handler(OperationalError, handle_operational_error)
    app.register_error_handler(InterfaceError, handle_operational_error)
    app.register_error_handler(Exception, handle_unexpected)
