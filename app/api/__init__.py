"""JSON API under /api/v1: one blueprint per resource. Views parse, call one service, serialise."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

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

    def __getattr__(self, name: str) -> object:
        return getattr(self.record, name)
