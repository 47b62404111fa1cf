"""Days past due: one rule, counted at day end, for every loan the service ages.

Source: RBI, "Prudential norms on Income Recognition, Asset Classification and Provisioning
pertaining to Advances - Clarifications", DOR.STR.REC.68/21.04.048/2021-22, 12 November 2021,
paragraph 2 (and its Annex): "the dues ... shall be considered overdue ... from the day-end of
the due date" and the borrower accounts are flagged as SMA/NPA "as part of the day-end
processes for the due date". Its worked example: an amount due on 31-03 and unpaid is overdue
on 31-03 (day 1 at that day's end); the account is SMA-1 at the day-end of 30-04 (day 31),
SMA-2 at the day-end of 30-05 (day 61) and NPA at the day-end of 29-06 (day 91).

So, for a position "as of" a date (the books at that day's end, every payment with that value
date included): an amount due on or before that date and still unpaid is overdue, and its
days past due are the days from its due date to the as-of date, both counted.

This module is the rule; member-loan ageing and credit histories (in SQL and in memory),
bank-loan classification and bureau reporting all use it. Tests hold the SQL form
(`overdue_since_condition`, `since_on_or_before`) to the Python one.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

# Ageing buckets of days past due (the member-loan DCB register and the arrears report).
BUCKETS = ("current", "1-30", "31-60", "61-90", "90+")
# The least days past due in each bucket after "current" (what `bucket` says), for SQL that
# buckets by comparing due dates.
BUCKET_FLOORS = {"1-30": 1, "31-60": 31, "61-90": 61, "90+": 91}


def is_overdue(due_on: date, as_of: date) -> bool:
    """An unpaid amount due on `due_on` is overdue at the day-end of `as_of`."""
    return due_on <= as_of


def days_past_due(oldest_unpaid_due: date | None, as_of: date) -> int:
    """Days past due at the day-end of `as_of` of an account whose oldest amount still
    unpaid fell due on `oldest_unpaid_due` (None: nothing unpaid). Due and unpaid on the
    day itself is day 1."""
    if oldest_unpaid_due is None or not is_overdue(oldest_unpaid_due, as_of):
        return 0
    return (as_of - oldest_unpaid_due).days + 1


def overdue_since_for(days: int, as_of: date) -> date:
    """The latest due date that is at least `days` past due at the day-end of `as_of` (the
    inverse of `days_past_due`, for SQL comparisons on due dates)."""
    return as_of - timedelta(days=days - 1)


def bucket(days: int) -> str:
    """The ageing bucket of a number of days past due."""
    if days <= 0:
        return "current"
    if days <= 30:
        return "1-30"
    if days <= 60:
        return "31-60"
    if days <= 90:
        return "61-90"
    return "90+"


def overdue_since_condition(due_on: Any, as_of: date) -> Any:
    """SQL: an instalment's due date (a column) makes it overdue at the day-end of `as_of`."""
    return due_on <= as_of


def since_on_or_before(since: Any, days: int, as_of: date) -> Any:
    """SQL: an account overdue since `since` (a column) is at least `days` past due at the
    day-end of `as_of`."""
    return since <= overdue_since_for(days, as_of)
