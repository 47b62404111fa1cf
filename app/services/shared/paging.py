"""Keyset pagination: stable under concurrent inserts, constant cost per page."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import Select
from sqlalchemy.orm import Session

T = TypeVar("T")

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 500


@dataclass(frozen=True)
class Page(Generic[T]):
    items: Sequence[T]
    next_after: Any | None  # pass back as `after` to get the next page; None on the last page


def fetch_page(
    session: Session,
    query: Select[Any],
    key: Any,
    after: Any,
    limit: int,
    descending: bool = False,
) -> Page[Any]:
    """One page of `query` ordered by the unique column `key` (newest first when
    `descending`), starting after `after`."""
    limit = max(1, min(limit, MAX_PAGE_SIZE))
    if after is not None:
        query = query.where(key < after if descending else key > after)
    order = key.desc() if descending else key
    rows = list(session.scalars(query.order_by(order).limit(limit + 1)))
    more = len(rows) > limit
    rows = rows[:limit]
    next_after = getattr(rows[-1], key.key) if more and rows else None
    return Page(items=rows, next_after=next_after)
