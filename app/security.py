"""The settings signing in follows, built once per app from configuration: the argon2id cost,
the key that encrypts one-time-code secrets, the roles that must use a code, the lock-out.

The one-time-code key is its own setting (`BAHI_TOTP_KEY`), never the cookie-signing key:
whoever learns one must not learn the other. Production refuses to start without it;
elsewhere it is made once and kept in `TOTP_KEY_FILE` (mode 0600), as the secret key is.
"""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

from flask import Flask, current_app

from app.services.access.one_time_codes import fernet_for
from app.services.access.passwords import HashCost
from app.services.access.people import Security
from app.web.secret_key import kept_key
from models.access import Role


def totp_key(config: dict[str, Any]) -> str:
    """The configured key; else, outside production, the deployment's kept (or new) key."""
    if config.get("TOTP_KEY"):
        return str(config["TOTP_KEY"])
    if config["BAHI_ENV"] == "production":
        raise RuntimeError("set BAHI_TOTP_KEY: it encrypts people's one-time-code secrets")
    if not config.get("TOTP_KEY_FILE"):
        return secrets.token_hex(32)  # the testing settings: each test app its own
    return kept_key(Path(config["TOTP_KEY_FILE"]))


def build_security(config: dict[str, Any]) -> Security:
    roles = {r.strip() for r in str(config["TOTP_MANDATORY_ROLES"]).split(",") if r.strip()}
    return Security(
        cost=HashCost(
            config["PASSWORD_TIME_COST"],
            config["PASSWORD_MEMORY_KIB"],
            config["PASSWORD_PARALLELISM"],
        ),
        fernet=fernet_for(totp_key(config)),
        totp_roles=frozenset(Role(r) for r in roles),
        lockout_attempts=config["LOCKOUT_ATTEMPTS"],
        lockout_minutes=config["LOCKOUT_MINUTES"],
    )


def security() -> Security:
    found: Security = current_app.extensions["bahi.security"]
    return found


def init_app(app: Flask) -> None:
    app.extensions["bahi.security"] = build_security(app.config)
