"""A bank's views of a member's profile are one enquiry per consent and India's day (issue 16):
one member had 17 enquiries from one bank in a day, as if she were hunting for credit."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, select

from app.services.credit import consents
from app.services.credit.credit_history import credit_history
from app.services.shared.clock import today_in_india
from models.credit import CreditEnquiry
from tests.test_credit import consent, ledger, partner  # noqa: F401 - the fixture

DAY = timedelta(days=1)


def _counted(session, member) -> int:
    return session.scalar(
        select(func.count()).select_from(CreditEnquiry).where(CreditEnquiry.member_id == member.id)
    )


def test_three_views_are_one_enquiry_and_the_next_day_another(session, ledger):  # noqa: F811
    _, member, _, bank, other = ledger
    consent(session, member, bank)
    today = today_in_india()
    for _ in range(3):
        consents.credit_profile(session, partner(bank), member.id, today=today)
    assert _counted(session, member) == 1
    profile = consents.credit_profile(session, partner(bank), member.id, today=today + DAY)
    assert _counted(session, member) == 2
    assert [(e.bank, e.on) for e in profile.history.enquiries] == [
        (bank.name, today + DAY),
        (bank.name, today),
    ]
    # Another bank, with its own consent, the same day: its own enquiry.
    consent(session, member, other)
    consents.credit_profile(session, partner(other), member.id, today=today + DAY)
    assert _counted(session, member) == 3


def test_views_recorded_before_the_rule_count_once_a_day(session, ledger):  # noqa: F811
    _, member, _, bank, _ = ledger
    given = consent(session, member, bank)
    # As migration 0025 leaves them: a row per view, no day. 18:00, 19:00 and 20:00 UTC on
    # 1 June are 23:30 on 1 June, 00:30 and 01:30 on 2 June in India: two days.
    for hour in (18, 19, 20):
        session.add(
            CreditEnquiry(
                member_id=member.id,
                state_code=member.state_code,
                bank_id=bank.id,
                consent_id=given.id,
                purpose=given.purpose,
                at=datetime(2026, 6, 1, hour, tzinfo=UTC),
                by="token:3",
            )
        )
    session.flush()
    history = credit_history(session, member, date(2026, 6, 30))
    assert [e.on for e in history.enquiries] == [date(2026, 6, 2), date(2026, 6, 1)]
