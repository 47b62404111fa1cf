"""Batch characteristics agree with one member's, figure for figure."""

from __future__ import annotations

from datetime import date

from app.services.credit.batch_features import features_for_scope
from app.services.credit.credit_history import credit_history
from app.services.credit.readiness import features_of
from app.services.lending import savings
from app.services.lending.meetings import MeetingLine, MeetingSheet, record_meeting
from tests.factories import ADMIN
from tests.test_credit import LATER, ledger  # noqa: F401 - the fixture


def test_a_scope_in_one_pass_matches_each_member_alone(session, ledger):  # noqa: F811
    fed, member, _, _, _ = ledger
    other = fed.members[1]
    savings.deposit(
        session, ADMIN, savings.SavingsMovement(other.id, 100_00, date(2024, 3, 3)), LATER
    )
    for day, present in ((date(2026, 2, 20), True), (date(2026, 3, 20), False)):
        sheet = MeetingSheet(
            fed.shg.id,
            day,
            (MeetingLine(member.id, present=present), MeetingLine(other.id, present=True)),
        )
        record_meeting(session, ADMIN, sheet, LATER)
    for as_of in (date(2026, 3, 31), date(2026, 5, 31), date(2027, 4, 30)):
        batch = features_for_scope(session, fed.state.path, as_of)
        for m in fed.members:
            assert batch[m.id] == features_of(credit_history(session, m, as_of)), (m.id, as_of)
    assert batch[member.id]["attendance_share"] is None  # no meeting in the 12 months to April 2027


def test_the_in_memory_rule_gives_the_sql_rules_days_past_due(session, ledger):  # noqa: F811
    from app.services.lending.arrears import days_past_due
    from app.services.lending.loan_months import loan_months
    from models.loans import MemberLoan

    _, member, loan, _, _ = ledger
    for day in (date(2026, 2, 10), date(2026, 4, 11), date(2026, 5, 31), date(2026, 12, 31)):
        [months] = loan_months(session, MemberLoan.member_id == member.id, day).values()
        in_memory = months.days_past_due(day, months.outstanding(day))
        assert in_memory == days_past_due(session, loan, day), day
