"""Bearer-token authentication for /api/v1 and the principal of the current request."""

from __future__ import annotations

import hashlib

from flask import Flask, Response, g, request

from app.errors import problem
from app.requestdb import db
from app.services.principal import Principal
from app.services.tokens import authenticate

PUBLIC_PATHS = {"/api/v1/openapi.json", "/api/v1/docs", "/api/v1/health"}


def current_principal() -> Principal:
    principal: Principal = g.principal
    return principal


def _bearer_secret() -> str | None:
    scheme, _, secret = request.headers.get("Authorization", "").partition(" ")
    return secret.strip() if scheme.lower() == "bearer" and secret.strip() else None


def rate_limit_key() -> str:
    """Rate limits count per token (hashed, never the secret itself), else per address."""
    secret = _bearer_secret()
    if secret:
        return "token:" + hashlib.sha256(secret.encode()).hexdigest()[:32]
    return f"addr:{request.remote_addr}"


def _authenticate_request() -> Response | None:
    if not request.path.startswith("/api/v1") or request.path in PUBLIC_PATHS:
        return None
    secret = _bearer_secret()
    principal = authenticate(db(), secret) if secret else None
    if principal is None:
        return problem(
            401,
            "Unauthorized",
            "a valid bearer token is required",
            headers={"WWW-Authenticate": 'Bearer realm="bahi"'},
        )
    g.principal = principal
    return None


def init_app(app: Flask) -> None:
    app.before_request(_authenticate_request)
