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
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from models.access import IdempotencyRecord

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


def find_record(
    session: Session, token_id: int, key: str, now: datetime, retention: timedelta
) -> IdempotencyRecord | None:
    """The live record of this key, if any; an expired one is removed and not returned."""
    record = session.scalar(
        select(IdempotencyRecord).where(
            IdempotencyRecord.token_id == token_id, IdempotencyRecord.key == key
        )
    )
    if record is not None and record.created_at <= now - retention:
        session.delete(record)
        session.flush()
        return None
    return record


def remember(
    session: Session, token_id: int, key: str, print_: str, status_code: int, body: str
) -> None:
    """Keep a response for the key's retries. `body` must hold no secret (see `redacted`)."""
    session.add(
        IdempotencyRecord(
            token_id=token_id,
            key=key,
            fingerprint=print_,
            status_code=status_code,
            response_body=body,
        )
    )
    session.flush()


def purge_expired(session: Session, now: datetime, retention: timedelta) -> int:
    """Delete records past their retention; how many went."""
    result = session.execute(
        delete(IdempotencyRecord).where(IdempotencyRecord.created_at <= now - retention)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
