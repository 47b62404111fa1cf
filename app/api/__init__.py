"""JSON API under /api/v1: one blueprint per resource. Views parse, call one service, serialise."""

from __future__ import annotations

from typing import Any

from app.services.paging import Page


def page_body(page: Page[Any]) -> dict[str, Any]:
    return {"items": page.items, "next_after": page.next_after}
