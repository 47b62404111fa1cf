"""Limits on attempts that every worker process counts together (fixed windows in the
database): failed API authentications and web sign-ins, per client address.

Flask-Limiter keeps the per-token request limit, in memory per process unless Redis is
configured; these counters must hold across gunicorn workers even without it, and they are
rare (a failed attempt, a sign-in), so a row update each is cheap.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from limits import RateLimitItem, parse
from sqlalchemy import case, delete
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from models.access import ThrottleWindow


@dataclass(frozen=True)
class Refused:
    """Over the limit: try again after this many seconds."""

    retry_after: int


def _upsert(session: Session, key: str, window_start: int) -> int:
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    table = ThrottleWindow.__table__
    statement = dialect.insert(table).values(key=key, window_start=window_start, hits=1)
    same_window = table.c.window_start == statement.excluded.window_start
    statement = statement.on_conflict_do_update(
        index_elements=[table.c.key],
        set_={
            "hits": case((same_window, table.c.hits + 1), else_=1),
            "window_start": statement.excluded.window_start,
        },
    ).returning(table.c.hits)
    hits: int = session.execute(statement).scalar_one()
    return hits


def count_attempt(
    session: Session, key: str, limit: str | RateLimitItem, now: float | None = None
) -> Refused | None:
    """Count one attempt against `limit` ("10 per minute"); Refused when it is over.

    The caller commits (and must hold no other write transaction on SQLite)."""
    item = parse(limit) if isinstance(limit, str) else limit
    period = item.get_expiry()
    moment = time.time() if now is None else now
    window_start = int(moment // period * period)
    hits = _upsert(session, key, window_start)
    if hits <= item.amount:
        return None
    return Refused(retry_after=max(1, int(window_start + period - moment + 0.999)))


def purge_old_windows(session: Session, older_than_seconds: int, now: float | None = None) -> int:
    moment = time.time() if now is None else now
    result = session.execute(
        delete(ThrottleWindow).where(ThrottleWindow.window_start < moment - older_than_seconds)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
