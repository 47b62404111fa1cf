"""JSON API under /api/v1: one blueprint per resource. Views parse, call one service, serialise."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from app.requestdb import db
from app.services.journal import posted_one
from app.services.paging import Page


def page_body(page: Page[Any]) -> dict[str, Any]:
    return {"items": page.items, "next_after": page.next_after}


@dataclass(frozen=True)
class ScheduledView:
    """A loan of any kind (a member's, a federation's, a bank's) with its schedule and its
    position, read by one schema: the loan's own fields come through from `record`."""

    record: Any
    schedule: list[Any]
    position: Any
    posted: Any = None  # where its disbursement posted (`journal.Posted`), where shown

    def __getattr__(self, name: str) -> object:
        return getattr(self.record, name)


@dataclass(frozen=True)
class PostedView:
    """A record of an operation (a facility movement) with where it posted (`journal.Posted`),
    read by a schema inheriting `PostedSchema`."""

    record: Any
    posted: Any

    def __getattr__(self, name: str) -> object:
        return getattr(self.record, name)


def posted_view(record: Any) -> PostedView:
    """A record holding an `entry_id` (a grant, a facility movement), with where it posted."""
    return PostedView(record, posted_one(db(), record.entry_id))
