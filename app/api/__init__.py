"""JSON API under /api/v1: one blueprint per resource. Views parse, call one service, serialise."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from flask import Response, jsonify
from marshmallow import Schema

from app.auth import current_principal
from app.requestdb import db
from app.services.ledger.journal import posted_one
from app.services.shared.paging import Page
from models.access import Role


def page_body(page: Page[Any]) -> dict[str, Any]:
    return {"items": page.items, "next_after": page.next_after}


def dumped_for_reader(
    staff: Schema, partner: Schema
) -> Callable[[Callable[..., Any]], Callable[..., Response]]:
    """For what both the federation's people and a bank partner read (a bank's record, a bank
    loan): a bank partner's answer is dumped with `partner`, which leaves out the internal
    token labels (`created_by` names a bookkeeper and her CLF), everyone else's with `staff`.

    Put it under `@blp.response(200, staff)`: that documents the fuller shape, and passes
    the finished response through.
    """

    def decorate(view: Callable[..., Any]) -> Callable[..., Response]:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Response:
            schema = partner if current_principal().role is Role.BANK_PARTNER else staff
            return jsonify(schema.dump(view(*args, **kwargs)))

        return wrapper

    return decorate


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
