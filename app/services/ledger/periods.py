"""Month-end close of a book, and re-opening by an admin. Both are logged, never erased."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.services.ledger.journal import book_path, readable_book
from app.services.shared.clock import today_in_india
from app.services.shared.errors import Conflict, Forbidden, Invalid
from app.services.shared.principal import Principal
from models.ledger import Book, PeriodEvent

MONTH = re.compile(r"([0-9]{4})-(0[1-9]|1[0-2])")


@dataclass(frozen=True)
class PeriodStatus:
    book: Book
    events: list[PeriodEvent]


def month_bounds(month: str) -> tuple[date, date]:
    match = MONTH.fullmatch(month)
    if match is None:
        raise Invalid.field("month", 'must look like "2026-10"')
    year, number = int(match[1]), int(match[2])
    if not 1900 <= year <= 2200:
        raise Invalid.field("month", "must be a month from 1900-01 to 2200-12")
    return date(year, number, 1), date(year, number, calendar.monthrange(year, number)[1])


def _locked_book(session: Session, who: Principal, book_id: int) -> Book:
    readable_book(session, who, book_id)
    path = book_path(session, book_id)
    if path is None or not who.can_write(path):
        raise Forbidden(f"{who.role.value} tokens may not close or open periods of book {book_id}")
    return session.scalars(
        select(Book)
        .where(Book.id == book_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()


def close_month(
    session: Session, who: Principal, book_id: int, month: str, today: date | None = None
) -> PeriodEvent:
    """Close a book through the last day of `month` (and so every month before it)."""
    _, last_day = month_bounds(month)
    book = _locked_book(session, who, book_id)
    if last_day >= (today or today_in_india()):
        raise Invalid.field("month", f"{month} has not ended yet")
    if book.closed_through is not None and last_day <= book.closed_through:
        raise Conflict(
            f"book {book_id} is already closed through {book.closed_through.isoformat()}"
        )
    return _move(session, who, book, "close", month, last_day, None)


def reopen_month(
    session: Session, who: Principal, book_id: int, month: str, reason: str
) -> PeriodEvent:
    """Re-open `month` (and every later month): admins only, with a reason, logged."""
    if not who.is_admin:
        raise Forbidden("only an admin may re-open a closed period")
    if not reason.strip():
        raise Invalid.field("reason", "a reason is required to re-open a period")
    first_day, _ = month_bounds(month)
    book = _locked_book(session, who, book_id)
    if book.closed_through is None or first_day > book.closed_through:
        raise Conflict(f"{month} is not closed in book {book_id}")
    before = first_day - timedelta(days=1)
    return _move(session, who, book, "reopen", month, before, reason)


def _move(
    session: Session,
    who: Principal,
    book: Book,
    action: str,
    month: str,
    after: date,
    reason: str | None,
) -> PeriodEvent:
    event = PeriodEvent(
        book_id=book.id,
        state_code=book.state_code,
        action=action,
        month=month,
        closed_through_before=book.closed_through,
        closed_through_after=after,
        reason=reason,
        recorded_by=who.label,
    )
    book.closed_through = after
    session.add(event)
    session.flush()
    return event


def period_status(session: Session, who: Principal, book_id: int) -> PeriodStatus:
    book = readable_book(session, who, book_id)
    events = list(
        session.scalars(
            select(PeriodEvent).where(PeriodEvent.book_id == book_id).order_by(PeriodEvent.id)
        )
    )
    return PeriodStatus(book, events)
