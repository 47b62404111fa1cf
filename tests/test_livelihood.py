"""Livelihood income and Lakhpati Didi status, worked by hand (the rule is in
app/services/lending/livelihood.py's docstring: the 12 months ending on her latest record, every
activity added, at least four seasons or business cycles, no day uncovered)."""

from __future__ import annotations

from datetime import date

import pytest

from app.services.lending import livelihood
from app.services.shared.errors import Invalid
from models import Role
from tests.factories import ADMIN, ApiCaller, make_federation, token

QUARTERS = (
    ("paddy, kharif", date(2025, 7, 1), date(2025, 9, 30), 30_000_00),
    ("vegetables, rabi", date(2025, 10, 1), date(2025, 12, 31), 32_000_00),
    ("dairy", date(2026, 1, 1), date(2026, 3, 31), 28_000_00),
    ("dairy", date(2026, 4, 1), date(2026, 6, 30), 35_000_00),
)
END_OF_JUNE = date(2026, 6, 30)


def record(session, member, rows, replaces=None):
    return [
        livelihood.record_income(
            session, ADMIN, livelihood.NewIncome(member.id, a, s, e, paise, replaces)
        )
        for a, s, e, paise in rows
    ]


@pytest.fixture
def member(session):
    return make_federation(session, members_count=1).members[0]


def status(session, member, as_of=END_OF_JUNE):
    return livelihood.lakhpati_status(session, member, as_of)


def test_her_activities_add_up(session, member):
    """Issue 14's figure: dairy and crops, ₹50,000 each per half-year, are ₹2,00,000 a year,
    ₹16,666.67 a month. (Averaging the four records over their 730 days, as before, gave
    ₹2,00,000 × 30.4375 / 730 = ₹8,339.04 a month: "not yet".)"""
    record(
        session,
        member,
        [
            ("dairy", date(2025, 7, 1), date(2025, 12, 31), 50_000_00),
            ("crops, kharif", date(2025, 7, 1), date(2025, 12, 31), 50_000_00),
            ("dairy", date(2026, 1, 1), date(2026, 6, 30), 50_000_00),
            ("crops, rabi", date(2026, 1, 1), date(2026, 6, 30), 50_000_00),
        ],
    )
    found = status(session, member, date(2026, 7, 31))
    assert (found.status, found.cycles, found.yearly_paise, found.monthly_average_paise) == (
        "lakhpati",
        4,
        2_00_000_00,
        16_666_67,
    )
    assert (found.year_from, found.year_to) == (date(2025, 7, 1), END_OF_JUNE)


def test_fewer_than_four_cycles_is_unknown_and_says_so(session, member):
    # ₹2,50,000 in the year, but from three cycles only.
    record(
        session,
        member,
        [
            ("dairy", date(2025, 7, 1), date(2025, 12, 31), 1_00_000_00),
            ("crops", date(2025, 7, 1), date(2025, 12, 31), 50_000_00),
            ("dairy", date(2026, 1, 1), date(2026, 6, 30), 1_00_000_00),
        ],
    )
    found = status(session, member)
    assert (found.status, found.cycles, found.yearly_paise) == ("unknown", 3, None)
    assert found.reason == (
        "3 of 4 seasons or business cycles recorded in the year 01-07-2025 to 30-06-2026"
    )


def test_a_gap_is_unknown_until_the_season_is_recorded_even_at_nil(session, member):
    record(
        session,
        member,
        [
            ("dairy", date(2025, 7, 1), date(2025, 12, 31), 60_000_00),
            ("crops, kharif", date(2025, 7, 1), date(2025, 10, 31), 40_000_00),
            ("crops, rabi", date(2025, 11, 1), date(2026, 2, 28), 40_000_00),
            ("dairy", date(2026, 4, 1), date(2026, 6, 30), 30_000_00),
        ],
    )
    found = status(session, member)
    assert (found.status, found.cycles) == ("unknown", 4)
    assert found.reason == "no income recorded from 01-03-2026 to 31-03-2026"
    # The cows were dry in the first quarter: ₹0 is recorded, and the year is whole.
    record(session, member, [("dairy", date(2026, 1, 1), date(2026, 3, 31), 0)])
    found = status(session, member)
    # 60,000 + 40,000 + 40,000 + 30,000 + 0 = ₹1,70,000; / 12 = ₹14,166.67.
    assert (found.status, found.cycles, found.monthly_average_paise) == (
        "lakhpati",
        5,
        14_166_67,
    )


def test_a_season_begun_before_the_year_counts_for_its_days_in_it(session, member):
    """The year is 1 July 2025 to 30 June 2026. Kharif paddy, 1 June to 30 September 2025
    (122 days), ₹61,000: its 92 days in the year count ₹61,000 × 92 / 122 = ₹46,000. With
    ₹30,000 + ₹24,000 + ₹20,000 the year is ₹1,20,000, exactly ₹10,000.00 a month: at least
    one lakh a year, but not *above* ₹10,000 a month, so "not yet"."""
    [*_, last] = record(
        session,
        member,
        [
            ("paddy, kharif", date(2025, 6, 1), date(2025, 9, 30), 61_000_00),
            ("vegetables, rabi", date(2025, 10, 1), date(2026, 1, 31), 30_000_00),
            ("dairy", date(2026, 2, 1), date(2026, 4, 30), 24_000_00),
            ("dairy", date(2026, 5, 1), date(2026, 6, 30), 20_000_00),
        ],
    )
    found = status(session, member)
    assert (found.status, found.yearly_paise, found.monthly_average_paise) == (
        "not_yet",
        1_20_000_00,
        10_000_00,
    )
    # Twelve paise more in May-June: ₹1,20,000.12 a year, ₹10,000.01 a month.
    record(session, member, [("dairy", date(2026, 5, 1), date(2026, 6, 30), 20_000_12)], last.id)
    found = status(session, member)
    assert (found.status, found.monthly_average_paise) == ("lakhpati", 10_000_01)


def test_four_quarters_and_a_corrected_record(session, member):
    record(session, member, QUARTERS[:3])
    found = status(session, member, date(2026, 7, 31))
    assert (found.status, found.cycles) == ("unknown", 3)
    assert found.reason.startswith("3 of 4 seasons or business cycles recorded in the year")
    [last] = record(session, member, QUARTERS[3:])
    found = status(session, member, date(2026, 7, 31))
    # ₹1,25,000 over the year: ₹10,416.67 a month.
    assert (found.status, found.monthly_average_paise, found.yearly_paise) == (
        "lakhpati",
        10_416_67,
        1_25_000_00,
    )
    # The last quarter was ₹20,000, not ₹35,000: ₹1,10,000, a lakh, but ₹9,166.67 a month.
    record(session, member, [("dairy", date(2026, 4, 1), date(2026, 6, 30), 20_000_00)], last.id)
    found = status(session, member, date(2026, 7, 31))
    assert (found.status, found.yearly_paise, found.monthly_average_paise) == (
        "not_yet",
        1_10_000_00,
        9_166_67,
    )
    with pytest.raises(Invalid) as refused:
        record(session, member, [("dairy", date(2026, 4, 1), date(2026, 6, 30), 1)], last.id)
    assert refused.value.problems[0].field == "replaces_id"


def test_nothing_recorded_for_a_year_is_unknown(session, member):
    record(session, member, QUARTERS)
    assert status(session, member, date(2027, 6, 29)).status == "lakhpati"
    stale = status(session, member, date(2027, 6, 30))
    assert (stale.status, stale.reason) == (
        "unknown",
        "her latest season or business cycle ended on 30-06-2026, a year or more before 30-06-2027",
    )
    assert status(session, member, date(2025, 9, 29)).reason == (
        "no season or business cycle recorded; 4 needed"
    )


def test_one_activitys_cycles_may_not_overlap(session, member):
    [first] = record(session, member, [("Dairy", date(2026, 1, 1), date(2026, 3, 31), 1)])
    with pytest.raises(Invalid) as refused:
        record(session, member, [("dairy ", date(2026, 3, 1), date(2026, 5, 31), 1)])
    [problem] = refused.value.problems
    assert problem.field == "period_start"
    assert problem.reason == (
        f"overlaps her Dairy record {first.id} (01-01-2026 to 31-03-2026);"
        " replace that record instead"
    )
    # Another activity may run at the same time, and a replacement may cover its own days.
    record(session, member, [("goats", date(2026, 3, 1), date(2026, 5, 31), 1)])
    record(session, member, [("dairy", date(2026, 1, 1), date(2026, 3, 31), 2)], first.id)


def test_incomes_over_http_and_in_the_credit_history(session, client):
    fed = make_federation(session, members_count=1)
    member = fed.members[0]
    api = ApiCaller(client, token(session, Role.BOOKKEEPER, fed.clf))
    for activity, start, end, paise in QUARTERS:
        made = api.post(
            f"/api/v1/members/{member.id}/incomes",
            {
                "activity": activity,
                "period_start": start.isoformat(),
                "period_end": end.isoformat(),
                "income": f"{paise // 100}.00",
            },
        )
        assert made.status_code == 201, made.json
    listed = api.get(f"/api/v1/members/{member.id}/incomes?as_of=2026-07-31").json
    assert listed["lakhpati"]["status"] == "lakhpati"
    assert listed["lakhpati"]["monthly_average"] == "10416.67"
    assert (listed["lakhpati"]["year_from"], listed["lakhpati"]["year_to"]) == (
        "2025-07-01",
        "2026-06-30",
    )
    history = api.get(f"/api/v1/members/{member.id}/credit-history?as_of=2026-07-31").json
    assert history["livelihood"]["yearly"] == "125000.00"
    bad = api.post(
        f"/api/v1/members/{member.id}/incomes",
        {
            "activity": "shop",
            "period_start": "2026-05-01",
            "period_end": "2026-04-01",
            "income": "1",
        },
    )
    assert bad.status_code == 422 and bad.json["errors"][0]["field"] == "period_end"
    overlapping = api.post(
        f"/api/v1/members/{member.id}/incomes",
        {
            "activity": "dairy",
            "period_start": "2026-06-01",
            "period_end": "2026-08-31",
            "income": "1",
        },
    )
    assert overlapping.status_code == 422
    assert overlapping.json["errors"][0]["field"] == "period_start"
