"""Idempotent writes: the first response to a key is stored and replayed for its retries."""

from __future__ import annotations

import hashlib
import json

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.access import IdempotencyRecord

MAX_KEY_LENGTH = 200


def fingerprint(method: str, path: str, body: bytes) -> str:
    """Same request ⇔ same fingerprint: JSON bodies are compared by meaning, not by spacing."""
    try:
        canonical = json.dumps(
            json.loads(body or b"null"), sort_keys=True, separators=(",", ":")
        ).encode()
    except ValueError:
        canonical = body
    return hashlib.sha256(method.encode() + b"\n" + path.encode() + b"\n" + canonical).hexdigest()


def find_record(session: Session, token_id: int, key: str) -> IdempotencyRecord | None:
    return session.scalar(
        select(IdempotencyRecord).where(
            IdempotencyRecord.token_id == token_id, IdempotencyRecord.key == key
        )
    )


def remember(
    session: Session, token_id: int, key: str, print_: str, status_code: int, body: str
) -> None:
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
