"""Business dates are Indian dates: a meeting on the evening of the 31st is in that month."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

INDIA = ZoneInfo("Asia/Kolkata")


def today_in_india() -> date:
    return datetime.now(INDIA).date()
