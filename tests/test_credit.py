"""Credit histories derived from a hand-written ledger, consent (recorded, revoked, expired),
and what a bank partner may and may not read."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from app.services.credit import consents
from app.services.credit.credit_history import credit_history, month_ends
from app.services.federation import banks, members
from app.services.lending import loans, savings
from app.services.shared.clock import today_in_india
from app.services.shared.errors import Forbidden, Invalid, NotFound
from app.services.shared.principal import Principal
from models import Role
from models.credit import Consent, CreditEnquiry
from models.schedule import Frequency, LoanTerms, Method, RateBasis
from tests.factories import ADMIN, make_federation, transfer

LATER = date(2030, 1, 1)


@pytest.fixture
def ledger(session):
    """Member 1 of Durga SHG: ₹12,000 lent on 10 January 2026 at no interest, twelve monthly
    instalments of ₹1,000 from 10 February; she pays February's and March's on their days and
    nothing after. She saves ₹500 in January, February, April and May, not in March."""
    fed = make_federation(session, members_count=2)
    book = fed.book_id(session, fed.shg)
    cash, rf = (
        fed.account(session, fed.shg, "cash").id,
        fed.account(session, fed.shg, "revolving_fund").id,
    )
    transfer(session, book, cash, rf, 50_000_00, date(2025, 12, 1))
    member = fed.members[0]
    terms = LoanTerms(12_000_00, 0, RateBasis.PER_MONTH, Method.FLAT, 12, Frequency.MONTHLY)
    loan = loans.disburse_loan(
        session, ADMIN, loans.NewLoan(member.id, terms, date(2026, 1, 10)), LATER
    )
    for day in (date(2026, 2, 10), date(2026, 3, 10)):
        loans.repay_loan(session, ADMIN, loan.id, 1_000_00, day, today=LATER)
    for day in (date(2026, 1, 5), date(2026, 2, 5), date(2026, 4, 5), date(2026, 5, 5)):
        savings.deposit(session, ADMIN, savings.SavingsMovement(member.id, 500_00, day), LATER)
    bank = banks.create_bank(session, ADMIN, "Jharkhand Rajya Gramin Bank", "JRGB")
    other = banks.create_bank(session, ADMIN, "Bank of India", "BKID")
    return fed, member, loan, bank, other


def test_history_is_derived_from_the_books(session, ledger):
    fed, member, _, _, _ = ledger
    history = credit_history(session, member, date(2026, 5, 31))
    assert history.months[-5:] == [
        date(2026, 1, 31),
        date(2026, 2, 28),
        date(2026, 3, 31),
        date(2026, 4, 30),
        date(2026, 5, 31),
    ]
    assert len(history.months) == 36
    [seen] = history.loans
    # Before January 2026 the loan did not exist; April's instalment, due 10 April, unpaid:
    # counted at day end (models.overdue), 10 April is day 1, 30 April day 21, 31 May day 52.
    assert seen.grid[:-5] == [None] * 31
    assert seen.grid[-5:] == [0, 0, 0, 21, 52]
    assert (seen.sanctioned_paise, seen.outstanding_paise, seen.overdue_days) == (
        12_000_00,
        10_000_00,
        52,
    )
    assert (seen.worst_days_past_due, seen.status) == (52, "active")
    assert seen.overdue_paise == 2_000_00  # April's and May's instalments
    s = history.savings
    assert (s.balance_paise, s.months_saved, s.months_in_window) == (2_000_00, 4, 5)
    assert (s.longest_streak, s.current_streak) == (2, 2)
    assert (history.shg.name, history.shg.vo_name) == (fed.shg.name, fed.vo.name)
    assert (history.shg.loans_running, history.shg.loans_overdue) == (1, 1)
    assert history.shg.last_entry_on == date(2026, 5, 5)
    # Her four months of saving out of two members' twelve; ₹10,000 lent of ₹52,000 (₹50,000
    # RF less ₹12,000 lent, plus ₹2,000 repaid and ₹2,000 saved, in cash).
    shg = history.shg
    assert (shg.member_months_saved, shg.member_months) == (4, 24)
    assert (shg.lent_to_members_paise, shg.cash_and_bank_paise) == (10_000_00, 42_000_00)
    assert round(shg.capital_revolving, 4) == 0.1923
    assert (shg.vo_shgs, shg.vo_loans_running, shg.vo_loans_overdue) == (1, 1, 1)


def test_month_ends_run_across_years():
    assert month_ends(date(2026, 2, 14), 3) == [
        date(2025, 12, 31),
        date(2026, 1, 31),
        date(2026, 2, 14),
    ]


def consent(session, member, bank, **kw):
    today = today_in_india()
    new = consents.NewConsent(
        member.id,
        bank.id,
        kw.get("purpose", "individual_loan"),
        kw.get("starts_on", today),
        kw.get("expires_on", today + timedelta(days=90)),
    )
    return consents.record_consent(session, ADMIN, new)


def partner(bank) -> Principal:
    return Principal(Role.BANK_PARTNER, f"bank {bank.name}", bank_id=bank.id)


def test_a_bank_reads_only_with_consent_and_a_days_pulls_are_one_enquiry(session, ledger):
    _, member, _, bank, other = ledger
    with pytest.raises(NotFound):
        consents.credit_profile(session, partner(bank), member.id)
    given = consent(session, member, bank)
    profile = consents.credit_profile(session, partner(bank), member.id)
    assert profile.identity.name == "Member 1."
    assert profile.consent.id == given.id
    with pytest.raises(NotFound):
        consents.credit_profile(session, partner(other), member.id)
    enquiries = session.scalars(
        select(CreditEnquiry).where(CreditEnquiry.member_id == member.id)
    ).all()
    assert [(e.bank_id, e.purpose) for e in enquiries] == [(bank.id, "individual_loan")]
    again = consents.credit_profile(session, partner(bank), member.id)
    assert [e.bank for e in again.history.enquiries] == [bank.name]  # the same day: one

    consents.revoke_consent(session, ADMIN, given.id, "she withdrew it at the meeting")
    with pytest.raises(NotFound):
        consents.credit_profile(session, partner(bank), member.id)
    assert consents.consenting_members(session, partner(bank), None, None, 50).items == []


def test_an_expired_consent_reads_nothing(session, ledger):
    _, member, _, bank, _ = ledger
    today = today_in_india()
    session.add(
        Consent(
            member_id=member.id,
            state_code=member.state_code,
            bank_id=bank.id,
            purpose="individual_loan",
            starts_on=today - timedelta(days=100),
            expires_on=today - timedelta(days=1),
            recorded_by="bookkeeper",
        )
    )
    session.flush()
    with pytest.raises(NotFound):
        consents.credit_profile(session, partner(bank), member.id)
    current = consent(session, member, bank, expires_on=today)
    assert current.active_on(today) and not current.active_on(today + timedelta(days=1))


def test_search_lists_only_this_banks_consenting_members_masked(session, ledger):
    fed, member, _, bank, other = ledger
    member.name, member.member_code = "Sunita Devi Mahto", "JH-RNC-00123"
    consent(session, member, bank)
    consent(session, fed.members[1], other)
    page = consents.consenting_members(session, partner(bank), "JH-RNC-00123", None, 50)
    assert [m.id for m in page.items] == [member.id]
    masked = consents.mask(session, member)
    assert (masked.name, masked.member_code, masked.district) == (
        "Sunita D. M.",
        "********0123",
        fed.district.name,
    )
    with pytest.raises(Forbidden):
        consents.consenting_members(session, ADMIN, None, None, 50)


def test_a_bank_finds_a_member_by_her_whole_code_and_nothing_else(session, ledger):
    """The bank is shown "Sunita D. M." and "********0123": a search by name, or by part of a
    code, would let it confirm the rest by guessing."""
    fed, member, _, bank, other = ledger
    member.name, member.member_code = "Sunita Devi Mahto", "JH-RNC-00123"
    elsewhere = fed.members[1]
    elsewhere.name, elsewhere.member_code = "Rekha Devi", "JH-RNC-00124"
    unasked = members.create_member(
        session, ADMIN, members.NewMember(fed.shg.id, "Sunita Oraon", "JH-RNC-00125")
    )
    consent(session, member, bank)
    consent(session, elsewhere, other)

    def found(search: str) -> list[int]:
        return [
            m.id
            for m in consents.consenting_members(session, partner(bank), search, None, 50).items
        ]

    assert found("JH-RNC-00123") == [member.id]
    assert found("  JH-RNC-00123 ") == [member.id]  # as typed, spaces around it
    for guess in ("Sunita", "sunita devi mahto", "Sunita Devi Mahto", "Devi", "Mahto"):
        assert found(guess) == [], guess
    for part in ("0123", "00123", "JH-RNC", "JH-RNC-0012", "jh-rnc-00123", "%"):
        assert found(part) == [], part
    assert found(str(member.id)) == []  # no longer by member no.
    assert found("JH-RNC-00124") == []  # consented to another bank
    assert found(unasked.member_code) == []  # consented to no bank
    assert found("") == [member.id]  # no search: every member consenting to this bank


def test_bad_consents_are_refused_naming_the_field(session, ledger):
    _, member, _, bank, _ = ledger
    today = today_in_india()
    with pytest.raises(Invalid) as refused:
        consent(session, member, bank, expires_on=today + timedelta(days=400))
    assert refused.value.problems[0].field == "expires_on"


def test_the_database_keeps_consent_terms_and_enquiries(session, connection, ledger):
    _, member, _, bank, _ = ledger
    given = consent(session, member, bank)
    consents.credit_profile(session, partner(bank), member.id)
    later = (
        "expires_on + 365"
        if connection.dialect.name == "postgresql"
        else "date(expires_on, '+365 days')"
    )
    for statement, params in (
        (f"UPDATE consents SET expires_on = {later} WHERE id = :id", {"id": given.id}),  # noqa: S608
        ("DELETE FROM consents WHERE id = :id", {"id": given.id}),
        ("DELETE FROM credit_enquiries WHERE member_id = :id", {"id": member.id}),
    ):
        with pytest.raises(DBAPIError), session.begin_nested():
            session.execute(text(statement), params)


def test_a_thin_file_says_what_is_missing_instead_of_a_score(session, ledger):
    from app.services.credit.readiness import readiness

    _, member, _, _, _ = ledger
    result = readiness(session, credit_history(session, member, date(2026, 5, 31)), "test")
    assert (result.score, result.model, result.kind) == (None, "expert-scorecard-1", "expert")
    # Five months saved (January to May), four instalments due (10 February to 10 May).
    assert result.missing == [
        "5 months of record with her group; 6 needed",
        "4 instalments of her loans fallen due; 6 needed",
    ]
    assert result.eligibility.suggested_loan_paise == 0


def _save_from_june_2025(session, member):
    for month in range(6, 13):  # she saved every month of 2025 from June
        day = date(2025, month, 5)
        savings.deposit(session, ADMIN, savings.SavingsMovement(member.id, 500_00, day), LATER)


def test_fewer_than_six_instalments_due_is_insufficient_history(session, ledger):
    """Twelve months of record on 31 May 2026, but only four instalments of her loan have
    fallen due: too few repayments to judge. (Before, the instalment rule only counted with
    under 6 months of record, so she was scored: 570.)"""
    from app.services.credit.readiness import readiness

    _, member, _, _, _ = ledger
    _save_from_june_2025(session, member)
    result = readiness(session, credit_history(session, member, date(2026, 5, 31)), "test")
    assert result.features["months_of_history"] == 12
    assert (result.score, result.missing) == (
        None,
        ["4 instalments of her loans fallen due; 6 needed"],
    )


def test_a_scored_member_gets_reasons_eligibility_and_a_stored_score(session, ledger):
    from app.services.credit.readiness import readiness
    from models.credit import CreditScore

    _, member, _, _, _ = ledger
    _save_from_june_2025(session, member)
    result = readiness(session, credit_history(session, member, date(2026, 7, 31)), "test")
    # 31 July 2026: six instalments due (February to July), two paid. Saved in 11 of the 14
    # months from June 2025 (not March, June or July 2026), longest run 9; the loan 3 of 7
    # loan-months on time and over 90 days past due (unpaid since 10 April); no meetings;
    # her group's one loan overdue; 14 months on record.
    assert result.features["savings_regularity"] == 11 / 14
    assert result.features["on_time_share"] == 3 / 7
    points = {p.characteristic: p.points for p in result.points}
    assert points == {
        "on_time_share": -60,
        "worst_days_past_due": -90,
        "savings_regularity": 15,
        "savings_streak": 10,
        "attendance_share": 0,
        "shg_overdue_share": -20,
        "months_of_history": 5,
    }
    assert result.score == 600 - 60 - 90 + 15 + 10 + 0 - 20 + 5 == 460
    # An expert score is not calibrated: no probability of default, anywhere.
    assert (result.kind, result.probability_bad, result.title) == ("expert", None, "Expert score")
    assert "not a probability of default" in result.note
    assert result.reasons[:2] == [
        "A loan instalment was overdue for many days in the last 12 months.",
        "Some of your loan instalments were paid late in the last 12 months.",
    ]
    assert (result.eligibility.suggested_loan_paise, result.eligibility.loan_reason) == (
        0,
        "a score of 460 is below 600",
    )
    assert result.eligibility.subvention == ["her SHG has no bank loan on these books"]
    [stored] = session.scalars(select(CreditScore).where(CreditScore.member_id == member.id))
    assert (stored.score, stored.model, stored.inputs["on_time_share"]) == (
        result.score,
        "expert-scorecard-1",
        3 / 7,
    )
