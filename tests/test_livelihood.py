"""Livelihood income and Lakhpati Didi status, worked by hand."""

from __future__ import annotations

from datetime import date

import pytest

from app.services import livelihood
from app.services.errors import Invalid
from models import Role
from tests.factories import ADMIN, ApiCaller, make_federation, token

QUARTERS = (
    ("paddy, kharif", date(2025, 7, 1), date(2025, 9, 30), 30_000_00),
    ("vegetables, rabi", date(2025, 10, 1), date(2025, 12, 31), 32_000_00),
    ("dairy", date(2026, 1, 1), date(2026, 3, 31), 28_000_00),
    ("dairy", date(2026, 4, 1), date(2026, 6, 30), 35_000_00),
)


def record(session, member, rows, replaces=None):
    return [
        livelihood.record_income(
            session, ADMIN, livelihood.NewIncome(member.id, a, s, e, paise, replaces)
        )
        for a, s, e, paise in rows
    ]


def test_lakhpati_status_from_four_cycles(session):
    fed = make_federation(session, members_count=1)
    member = fed.members[0]
    record(session, member, QUARTERS[:3])
    status = livelihood.lakhpati_status(session, member, date(2026, 7, 31))
    assert (status.status, status.cycles, status.reason) == (
        "unknown",
        3,
        "3 of 4 seasons or business cycles recorded",
    )
    [last] = record(session, member, QUARTERS[3:])
    status = livelihood.lakhpati_status(session, member, date(2026, 7, 31))
    # ₹1,25,000 over 365 days: × 30.4375 / 365 = ₹10,423.80 a month, ₹1,25,000 a year.
    assert (status.status, status.monthly_average_paise, status.yearly_paise) == (
        "lakhpati",
        10_423_80,
        1_25_000_00,
    )
    # The last quarter was ₹20,000, not ₹35,000: ₹1,10,000 → ₹9,172.95 a month.
    record(session, member, [("dairy", date(2026, 4, 1), date(2026, 6, 30), 20_000_00)], last.id)
    status = livelihood.lakhpati_status(session, member, date(2026, 7, 31))
    assert (status.status, status.monthly_average_paise) == ("not_yet", 9_172_95)
    with pytest.raises(Invalid) as refused:
        record(session, member, [("dairy", date(2026, 4, 1), date(2026, 6, 30), 1)], last.id)
    assert refused.value.problems[0].field == "replaces_id"


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
    assert listed["lakhpati"]["monthly_average"] == "10423.80"
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
