"""Days past due at day end (RBI DOR.STR.REC.68/21.04.048/2021-22, 12 Nov 2021): the
circular's own dates, and the SQL form of the rule held to the Python one."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from models.overdue import (
    BUCKET_FLOORS,
    bucket,
    days_past_due,
    is_overdue,
    overdue_since_for,
)

DUE = date(2026, 3, 31)


@pytest.mark.parametrize(
    ("as_of", "days", "band"),
    [
        (date(2026, 3, 30), 0, "current"),  # not yet due
        (date(2026, 3, 31), 1, "1-30"),  # due and unpaid at the day-end of its due date
        (date(2026, 4, 29), 30, "1-30"),
        (date(2026, 4, 30), 31, "31-60"),  # the circular: SMA-1 at the day-end of 30-04
        (date(2026, 5, 30), 61, "61-90"),  # SMA-2 at the day-end of 30-05
        (date(2026, 6, 28), 90, "61-90"),
        (date(2026, 6, 29), 91, "90+"),  # NPA at the day-end of 29-06
    ],
)
def test_the_circulars_example(as_of, days, band):
    assert days_past_due(DUE, as_of) == days
    assert bucket(days) == band


def test_nothing_unpaid_is_never_overdue():
    assert days_past_due(None, date(2026, 6, 29)) == 0


@given(
    due=st.dates(date(2000, 4, 1), date(2100, 1, 1)),
    offset=st.integers(-400, 4000),
    days=st.integers(1, 4000),
)
def test_the_sql_comparisons_agree_with_the_count(due, offset, days):
    as_of = due + timedelta(days=offset)
    assert is_overdue(due, as_of) == (days_past_due(due, as_of) >= 1)
    assert (due <= overdue_since_for(days, as_of)) == (days_past_due(due, as_of) >= days)


def test_each_buckets_floor_is_where_the_rule_begins_it():
    for name, least in BUCKET_FLOORS.items():
        assert bucket(least) == name and bucket(least - 1) != name
