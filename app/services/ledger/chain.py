"""Tamper evidence: each book's entries form a SHA-256 hash chain.

An entry's hash covers the previous entry's hash and a canonical rendering of everything
that gives the entry its meaning, so changing any stored figure, date, account or narration
(or deleting or reordering entries) breaks the chain from that point on.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime


@dataclass(frozen=True)
class ChainedPosting:
    line_no: int
    account_id: int
    side: str
    amount_paise: int


@dataclass(frozen=True)
class ChainedEntry:
    entry_id: uuid.UUID
    book_id: int
    seq: int
    value_date: date
    narration: str
    recorded_at: datetime
    recorded_by: str
    set_id: uuid.UUID | None
    reverses_entry_id: uuid.UUID | None
    postings: Sequence[ChainedPosting]


def _timestamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def entry_hash(prev_hash: str, entry: ChainedEntry) -> str:
    canonical = json.dumps(
        [
            prev_hash,
            str(entry.entry_id),
            entry.book_id,
            entry.seq,
            entry.value_date.isoformat(),
            entry.narration,
            _timestamp(entry.recorded_at),
            entry.recorded_by,
            str(entry.set_id) if entry.set_id else None,
            str(entry.reverses_entry_id) if entry.reverses_entry_id else None,
            [[p.line_no, p.account_id, p.side, p.amount_paise] for p in entry.postings],
        ],
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
