"""Configuration classes per environment; every setting can be overridden by a BAHI_* variable.

`BAHI_DATABASE_URL=...` overrides `DATABASE_URL`, `BAHI_RATELIMIT_DEFAULT=...` overrides
`RATELIMIT_DEFAULT`, and so on. No secret lives in this file: tokens are created with
`flask tokens create` and stored only as hashes.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent


class BaseConfig:
    DATABASE_URL = f"sqlite:///{ROOT / 'var' / 'bahi.sqlite3'}"
    DATABASE_ECHO = False
    # SQLite: how long a request waits for another writer's lock before it is answered 503.
    DATABASE_BUSY_TIMEOUT_MS = 10_000
    # Request bodies above this are refused with 413 before any parsing.
    MAX_CONTENT_LENGTH = 1024 * 1024
    # Meeting-sheet CSV uploads may be larger (a month of a district's meetings).
    IMPORT_MAX_CONTENT_LENGTH = 64 * 1024 * 1024
    # Rows of a meeting-sheet file the API imports within the request (a few seconds); a
    # larger file is queued for the scheduler process (202 Accepted), up to the maximum.
    # The CLI (`flask meetings import`) has no limit.
    IMPORT_INLINE_ROWS = 2_000
    IMPORT_MAX_ROWS = 200_000
    IMPORT_POLL_SECONDS = 5  # how often the scheduler process looks for queued imports
    # How long a write's first response is kept for retries with its Idempotency-Key (a phone
    # may hold a register for days before it reaches the service); purged daily by the
    # scheduler process.
    IDEMPOTENCY_RETENTION_DAYS = 30
    # Per-token limits (Flask-Limiter syntax). Storage is per process unless a shared
    # backend such as redis:// is configured.
    RATELIMIT_DEFAULT = "1200 per minute"
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_ENABLED = True
    # Failed API authentications per client address, counted in the database so that every
    # worker process shares the limit (429 with Retry-After beyond it).
    AUTH_FAILURE_LIMIT = "30 per minute"
    # Reverse proxies in front of the service whose X-Forwarded-For/-Proto to trust (0: none;
    # 1 behind one nginx). Client addresses key the limits above and the access log.
    PROXY_FIX_X_FOR = 0
    # A JSON file of bureau-file settings replacing the shipped ones key by key
    # (models/bureau_settings.json: a bank's CIC member ID, the cycle days, ...); "" for none.
    BUREAU_SETTINGS_FILE = ""
    TIMEZONE = "Asia/Kolkata"
    API_TITLE = "Bahi"
    API_VERSION = "v1"
    OPENAPI_VERSION = "3.0.3"
    OPENAPI_URL_PREFIX = "/api/v1"
    OPENAPI_JSON_PATH = "openapi.json"
    JSON_SORT_KEYS = False
    # Web pages: the session cookie is signed with SECRET_KEY (BAHI_SECRET_KEY), which
    # production must set. Elsewhere a key is made once and kept in SECRET_KEY_FILE (mode 0600),
    # so every worker and every restart signs with the same one.
    SECRET_KEY = ""
    SECRET_KEY_FILE = str(ROOT / "var" / "secret_key")
    SESSION_COOKIE_NAME = "bahi_session"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    # Signed out after this long without a request, as a bank's internet banking does.
    WEB_IDLE_TIMEOUT_SECONDS = 15 * 60
    WEB_SIGN_IN_LIMIT = "10 per minute"
    # People's passwords: argon2id at argon2-cffi's defaults (RFC 9106, low-memory profile);
    # a hash made at other settings is redone at the next sign-in.
    PASSWORD_TIME_COST = 3
    PASSWORD_MEMORY_KIB = 65536
    PASSWORD_PARALLELISM = 4
    # Wrong passwords or codes in a row that lock an account, and for how long.
    LOCKOUT_ATTEMPTS = 5
    LOCKOUT_MINUTES = 15
    # One-time codes: the key encrypting their secrets (BAHI_TOTP_KEY, required in production;
    # elsewhere made once and kept in TOTP_KEY_FILE), and the roles that must use one
    # (comma-separated; an admin may also require it of anyone). An assumption, not a rule
    # from a source: production requires it of admins and bank officers.
    TOTP_KEY = ""
    TOTP_KEY_FILE = str(ROOT / "var" / "totp_key")
    TOTP_MANDATORY_ROLES = ""
    # A model card judges adverse impact only for groups (districts, social categories) with
    # at least these many members and approvals; smaller ones are "too small to judge"
    # (scoring.validation.GroupMinimum has the same defaults, for callers outside the app).
    ADVERSE_IMPACT_MIN_MEMBERS = 30
    ADVERSE_IMPACT_MIN_APPROVALS = 5


class DevelopmentConfig(BaseConfig):
    pass


class TestingConfig(BaseConfig):
    TESTING = True
    DATABASE_URL = "sqlite://"
    RATELIMIT_ENABLED = False
    SECRET_KEY_FILE = ""  # no file in the repository's var/: each test app makes its own key
    TOTP_KEY_FILE = ""
    # Cheap hashes: tests sign in hundreds of times (the cost is not what they test).
    PASSWORD_TIME_COST = 1
    PASSWORD_MEMORY_KIB = 1024
    PASSWORD_PARALLELISM = 1


class ProductionConfig(BaseConfig):
    DATABASE_URL = "postgresql+psycopg://bahi@/bahi"
    SESSION_COOKIE_SECURE = True  # served behind TLS
    TOTP_MANDATORY_ROLES = "admin,bank_partner"


CONFIGS: dict[str, type[BaseConfig]] = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def _coerce(current: Any, raw: str) -> Any:
    if isinstance(current, bool):
        return raw.strip().lower() in {"1", "true", "yes", "on"}
    if isinstance(current, int):
        return int(raw)
    return raw


def load(environment: str | None = None) -> dict[str, Any]:
    """The settings for `environment` (default: `BAHI_ENV` or development), env vars applied."""
    name = environment or os.environ.get("BAHI_ENV", "development")
    cls = CONFIGS[name]
    settings = {k: getattr(cls, k) for k in dir(cls) if k.isupper()}
    for key, current in settings.items():
        raw = os.environ.get(f"BAHI_{key}")
        if raw is not None:
            settings[key] = _coerce(current, raw)
    settings["BAHI_ENV"] = name
    return settings
