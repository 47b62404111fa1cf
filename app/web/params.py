"""Reading dates and numbers from a page's query string or form, refusing what is unreadable
with the field named."""

from __future__ import annotations

from datetime import date

from flask import request

from app.services.lending.meeting_csv import parse_day
from app.services.shared.errors import Invalid


def _day(name: str, raw: str) -> date | None:
    """dd-mm-yyyy as people write it, or yyyy-mm-dd as links and files carry it."""
    if not raw.strip():
        return None
    day = parse_day(raw.strip())
    if day is None:
        raise Invalid.field(name, "must be a date such as 05-06-2026")
    return day


def query_date(name: str) -> date | None:
    return _day(name, request.args.get(name, ""))


def form_date(name: str) -> date | None:
    return _day(name, request.form.get(name, ""))


def query_number(name: str) -> int | None:
    raw = request.args.get(name, "").strip()
    if not raw:
        return None
    if not raw.isdigit() or len(raw) > 18:
        raise Invalid.field(name, "must be a whole number")
    return int(raw)
