"""Idempotent writes: the first response to a key is stored and replayed for its retries.

Records are kept for a stated time (`IDEMPOTENCY_RETENTION_DAYS`, 30 days by default: a
bookkeeper's phone may hold a register for days before it reaches the service); the
scheduler process purges older ones daily, and an expired record found before the purge is
dropped, so its key starts afresh. A response that carries a secret (a new token's) is never
kept as it was sent: its record holds a redacted body, and a replay says the secret was
shown once.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Row, delete, insert, select
from sqlalchemy.orm import Session

from models.access import IdempotencyRecord

HEADER = "Idempotency-Key"
WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
MAX_KEY_LENGTH = 200
DEFAULT_RETENTION = timedelta(days=30)


def fingerprint(method: str, path: str, body: bytes) -> str:
    """Same request ⇔ same fingerprint: JSON bodies are compared by meaning, not by spacing."""
    try:
        canonical = json.dumps(
            json.loads(body or b"null"), sort_keys=True, separators=(",", ":")
        ).encode()
    except (ValueError, RecursionError):
        canonical = body
    return hashlib.sha256(method.encode() + b"\n" + path.encode() + b"\n" + canonical).hexdigest()


@dataclass(frozen=True)
class Kept:
    """What a record keeps for its key's retries: read as columns, not as an ORM object (every
    write looks its key up)."""

    id: int
    fingerprint: str
    status_code: int
    response_body: str
    created_at: datetime


# Its columns, for a query that reads a record beside other things (the token, on a write).
KEPT_COLUMNS = (
    IdempotencyRecord.id.label("kept_id"),
    IdempotencyRecord.fingerprint.label("kept_fingerprint"),
    IdempotencyRecord.status_code.label("kept_status_code"),
    IdempotencyRecord.response_body.label("kept_response_body"),
    IdempotencyRecord.created_at.label("kept_created_at"),
)


def kept_from(row: Row[Any]) -> Kept | None:
    """The record in a row selected with `KEPT_COLUMNS` (None when the outer join found none)."""
    if row.kept_id is None:
        return None
    return Kept(
        row.kept_id,
        row.kept_fingerprint,
        row.kept_status_code,
        row.kept_response_body,
        row.kept_created_at,
    )


def live(session: Session, record: Kept | None, now: datetime, retention: timedelta) -> Kept | None:
    """The record if it is within retention; an expired one is removed and not returned."""
    if record is not None and record.created_at <= now - retention:
        session.execute(delete(IdempotencyRecord).where(IdempotencyRecord.id == record.id))
        return None
    return record


def find_record(
    session: Session, token_id: int, key: str, now: datetime, retention: timedelta
) -> Kept | None:
    """The live record of this key, if any; an expired one is removed and not returned."""
    row = session.execute(
        select(*KEPT_COLUMNS).where(
            IdempotencyRecord.token_id == token_id, IdempotencyRecord.key == key
        )
    ).first()
    return live(session, kept_from(row) if row else None, now, retention)


def remember(
    session: Session, token_id: int, key: str, print_: str, status_code: int, body: str
) -> None:
    """Keep a response for the key's retries. `body` must hold no secret (see `redacted`).

    A Core INSERT, not the unit of work (on every write's path). Raises IntegrityError when
    a concurrent request with the same key kept its response first."""
    session.connection().execute(
        _REMEMBER,
        {
            "token_id": token_id,
            "key": key,
            "fingerprint": print_,
            "status_code": status_code,
            "response_body": body,
        },
    )


_REMEMBER = insert(IdempotencyRecord.__table__)  # built once: every write sends it


def purge_expired(session: Session, now: datetime, retention: timedelta) -> int:
    """Delete records past their retention; how many went."""
    result = session.execute(
        delete(IdempotencyRecord).where(IdempotencyRecord.created_at <= now - retention)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
