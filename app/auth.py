"""Bearer-token authentication for /api/v1 and the principal of the current request."""

from __future__ import annotations

from flask import Flask, Response, current_app, g, request, session

from app import state_scope
from app.errors import problem
from app.requestdb import db
from app.services.access.throttle import Refused, count_attempt
from app.services.access.tokens import authenticate, authenticate_write
from app.services.shared.idempotency import HEADER, MAX_KEY_LENGTH, WRITE_METHODS
from app.services.shared.principal import Principal

PUBLIC_PATHS = {
    "/api/v1/openapi.json",
    "/api/v1/docs",
    "/api/v1/health",
    "/api/v1/health/live",
}


def current_principal() -> Principal:
    principal: Principal = g.principal
    return principal


def _bearer_secret() -> str | None:
    scheme, _, secret = request.headers.get("Authorization", "").partition(" ")
    return secret.strip() if scheme.lower() == "bearer" and secret.strip() else None


def rate_limit_key() -> str:
    """Requests count per authenticated token (or signed-in page session), else per client
    address. Only a token that authenticated has a bucket of its own: each made-up bearer
    string would otherwise get a fresh one. (Failed authentications are limited apart, per
    address, by `count_address_attempt`.)"""
    who = g.get("principal")
    if who is not None and who.token_id is not None:
        return f"token:{who.token_id}"
    signed_in = session.get("person_id") if not request.path.startswith("/api/") else None
    if signed_in is not None:
        return f"person:{signed_in}"
    return f"addr:{request.remote_addr}"


def count_address_attempt(kind: str, limit: str) -> Refused | None:
    """Count an attempt of this kind (a failed authentication, a sign-in) from this client
    address against the limit every worker shares; Refused when over it.

    Whatever the request left unsaved is undone first (on SQLite, the request's transaction
    holds the write lock the counter needs); the count is committed at once."""
    if not current_app.config["RATELIMIT_ENABLED"]:
        return None
    session_db = db()
    session_db.rollback()
    refused = count_attempt(session_db, f"{kind}:{request.remote_addr}", limit)
    session_db.commit()
    return refused


def too_many_attempts(refused: Refused) -> Response:
    return problem(
        429,
        "Too Many Requests",
        f"too many failed attempts from this address; try again in {refused.retry_after} s",
        headers={"Retry-After": str(refused.retry_after)},
    )


def _authenticate_request() -> Response | None:
    if not request.path.startswith("/api/v1") or request.path in PUBLIC_PATHS:
        return None
    secret = _bearer_secret()
    key = request.headers.get(HEADER) if request.method in WRITE_METHODS else None
    if secret and key and len(key) <= MAX_KEY_LENGTH:
        # A write's Idempotency-Key record is read with the token: one round trip, not two.
        # `writes.idempotent` takes it from here (and checks the key's form itself).
        principal, kept = authenticate_write(db(), secret, key)
        g.kept_response = (key, kept)
    else:
        principal = authenticate(db(), secret) if secret else None
    if principal is None:
        refused = count_address_attempt("api-auth", current_app.config["AUTH_FAILURE_LIMIT"])
        if refused is not None:
            return too_many_attempts(refused)
        return problem(
            401,
            "Unauthorized",
            "a valid bearer token is required",
            headers={"WWW-Authenticate": 'Bearer realm="bahi"'},
        )
    g.principal = principal
    state_scope.scope_to_state(db(), principal)
    return None


def init_app(app: Flask) -> None:
    app.before_request(_authenticate_request)
