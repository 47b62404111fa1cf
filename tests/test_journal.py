"""Posting, reversing and linking entries: what the service and the database each refuse."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError

from app.services.ledger import periods
from app.services.ledger.posting import EntryDraft, PostingDraft, post_entry, post_linked_set
from app.services.lending.reversals import reverse_entry, reverse_set
from app.services.shared.errors import Conflict, Forbidden, Invalid
from app.services.shared.principal import Principal
from app.services.shared.scoped_state import STATE_KEY
from models import Account, JournalEntry, Posting, Role, Side
from tests.factories import ADMIN, make_federation, transfer

DAY = date(2026, 6, 10)
LATER = date(2030, 1, 1)


@pytest.fixture
def fed(session):
    return make_federation(session)


def fund_cash(session, fed, paise=100000, day=DAY):
    """The SHG receives its Revolving Fund in cash: Dr cash, Cr RF."""
    book = fed.book_id(session, fed.shg)
    cash = fed.account(session, fed.shg, "cash")
    rf = fed.account(session, fed.shg, "revolving_fund")
    return transfer(session, book, cash.id, rf.id, paise, day, "Revolving Fund received")


def test_a_balanced_entry_moves_both_balances_and_chains(session, fed):
    entry = fund_cash(session, fed)
    cash = fed.account(session, fed.shg, "cash")
    rf = fed.account(session, fed.shg, "revolving_fund")
    assert (cash.balance_paise, rf.balance_paise) == (100000, 100000)
    assert entry.seq == 1 and entry.prev_hash == "0" * 64 and len(entry.hash) == 64
    second = fund_cash(session, fed, 500)
    assert second.seq == 2 and second.prev_hash == entry.hash
    assert entry.recorded_by == "test:admin"


def test_unbalanced_entries_are_refused_with_the_field_named(session, fed):
    book = fed.book_id(session, fed.shg)
    cash, rf = (
        fed.account(session, fed.shg, "cash"),
        fed.account(session, fed.shg, "revolving_fund"),
    )
    draft = EntryDraft(
        book,
        DAY,
        "bad",
        (PostingDraft(cash.id, Side.DEBIT, 100), PostingDraft(rf.id, Side.CREDIT, 99)),
    )
    with pytest.raises(Invalid) as caught:
        post_entry(session, ADMIN, draft, today=LATER)
    assert caught.value.problems[0].field == "postings"
    assert "₹1.00" in caught.value.problems[0].reason and "₹0.99" in caught.value.problems[0].reason


@pytest.mark.parametrize(
    ("postings", "field"),
    [
        ((), "postings"),
        (((1, Side.DEBIT, 0), (2, Side.CREDIT, 0)), "postings[0].amount"),
    ],
)
def test_shape_rules(session, fed, postings, field):
    book = fed.book_id(session, fed.shg)
    draft = EntryDraft(book, DAY, "x", tuple(PostingDraft(*p) for p in postings))
    with pytest.raises(Invalid) as caught:
        post_entry(session, ADMIN, draft, today=LATER)
    assert field in [p.field for p in caught.value.problems]


def test_future_value_dates_and_foreign_accounts_are_refused(session, fed):
    book = fed.book_id(session, fed.shg)
    vo_cash = fed.account(session, fed.vo, "cash")
    rf = fed.account(session, fed.shg, "revolving_fund")
    draft = EntryDraft(
        book,
        date(2026, 7, 1),
        "x",
        (PostingDraft(vo_cash.id, Side.DEBIT, 5), PostingDraft(rf.id, Side.CREDIT, 5)),
    )
    with pytest.raises(Invalid) as caught:
        post_entry(session, ADMIN, draft, today=date(2026, 6, 30))
    assert [p.field for p in caught.value.problems] == ["value_date"]
    with pytest.raises(Invalid) as caught:
        post_entry(session, ADMIN, draft, today=LATER)
    assert [p.field for p in caught.value.problems] == ["postings[0].account_id"]


def test_control_accounts_take_no_postings(session, fed):
    book = fed.book_id(session, fed.shg)
    control = fed.account(session, fed.shg, "member_savings")
    cash = fed.account(session, fed.shg, "cash")
    with pytest.raises(Invalid, match="control account"):
        transfer(session, book, cash.id, control.id, 100, DAY)


def test_cash_can_never_go_negative(session, fed):
    fund_cash(session, fed, 1000)
    book = fed.book_id(session, fed.shg)
    cash, expense = (
        fed.account(session, fed.shg, "cash"),
        fed.account(session, fed.shg, "admin_expenses"),
    )
    with pytest.raises(Invalid, match="below zero"):
        transfer(session, book, expense.id, cash.id, 1001, DAY)
    transfer(session, book, expense.id, cash.id, 1000, DAY)
    assert cash.balance_paise == 0


def test_the_database_refuses_a_negative_cash_balance(session, fed):
    cash = fed.account(session, fed.shg, "cash")
    with pytest.raises(IntegrityError), session.begin_nested():
        session.execute(
            text("UPDATE accounts SET balance_paise = -1 WHERE id = :id"), {"id": cash.id}
        )


def test_a_bookkeeper_writes_only_in_her_clf(session, fed):
    other = make_federation(session, "BR")
    bookkeeper = Principal(role=Role.BOOKKEEPER, label="bk", token_id=None, scope_path=fed.clf.path)
    auditor = Principal(role=Role.AUDITOR, label="au", scope_path=fed.district.path)
    book = fed.book_id(session, fed.shg)
    cash, rf = (
        fed.account(session, fed.shg, "cash"),
        fed.account(session, fed.shg, "revolving_fund"),
    )
    transfer(session, book, cash.id, rf.id, 100, DAY, who=bookkeeper)
    with pytest.raises(Forbidden):
        transfer(session, book, cash.id, rf.id, 100, DAY, who=auditor)
    other_book = other.book_id(session, other.shg)
    o_cash, o_rf = (
        other.account(session, other.shg, "cash"),
        other.account(session, other.shg, "revolving_fund"),
    )
    with pytest.raises(Invalid, match="no book"):
        transfer(session, other_book, o_cash.id, o_rf.id, 100, DAY, who=bookkeeper)


def test_the_locks_name_the_sessions_state(session, fed):
    """The book and account locks are Core statements: they name the state of a session scoped
    to one (app/state_scope.py) themselves, so a book of another state is not found, as the ORM
    statements of such a session would not find it."""
    book = fed.book_id(session, fed.shg)
    cash = fed.account(session, fed.shg, "cash")
    rf = fed.account(session, fed.shg, "revolving_fund")
    session.info[STATE_KEY] = "OD"
    try:
        with pytest.raises(Invalid, match="no book"):
            transfer(session, book, cash.id, rf.id, 100, DAY)
        session.info[STATE_KEY] = "JH"
        assert transfer(session, book, cash.id, rf.id, 100, DAY).seq == 1
    finally:
        session.info.pop(STATE_KEY)
    assert (cash.balance_paise, rf.balance_paise) == (100, 100)


class TestDatabaseGuards:
    """What the database refuses even if the service had a bug."""

    def _raw_entry(self, session, fed, amounts):
        book = fed.book_id(session, fed.shg)
        cash, rf = (
            fed.account(session, fed.shg, "cash"),
            fed.account(session, fed.shg, "revolving_fund"),
        )
        entry_id = uuid.uuid4()
        for line, (account, side, paise) in enumerate(
            [(cash, "D", amounts[0]), (rf, "C", amounts[1])], 1
        ):
            session.add(
                Posting(
                    entry_id=entry_id,
                    book_id=book,
                    state_code=account.state_code,
                    account_id=account.id,
                    line_no=line,
                    value_date=DAY,
                    side=side,
                    amount_paise=paise,
                    delta_paise=paise if side == "D" else -paise,
                )
            )
        session.flush()
        session.add(
            JournalEntry(
                id=entry_id,
                book_id=book,
                state_code="JH",
                seq=99,
                value_date=DAY,
                narration="raw",
                posting_count=2,
                recorded_at=fed.shg.created_at,
                recorded_by="raw",
                prev_hash="0" * 64,
                hash="0" * 64,
            )
        )
        session.flush()
        return entry_id

    def test_refuses_an_unbalanced_entry(self, session, fed):
        with pytest.raises(IntegrityError, match=r"unbalanced|differ"), session.begin_nested():
            self._raw_entry(session, fed, (100, 99))

    def test_refuses_a_non_positive_amount(self, session, fed):
        with pytest.raises(IntegrityError), session.begin_nested():
            self._raw_entry(session, fed, (0, 0))

    def test_accepts_a_balanced_raw_entry_but_then_no_more_postings(self, session, fed):
        with session.begin_nested():
            entry_id = self._raw_entry(session, fed, (100, 100))
        cash = fed.account(session, fed.shg, "cash")
        with pytest.raises(IntegrityError, match="already posted"), session.begin_nested():
            session.add(
                Posting(
                    entry_id=entry_id,
                    book_id=cash.book_id,
                    state_code=cash.state_code,
                    account_id=cash.id,
                    line_no=3,
                    value_date=DAY,
                    side="D",
                    amount_paise=1,
                    delta_paise=1,
                )
            )
            session.flush()

    @pytest.mark.parametrize(
        "statement",
        [
            "UPDATE journal_entries SET narration = 'changed'",
            "DELETE FROM journal_entries",
            "UPDATE postings SET amount_paise = amount_paise + 1, delta_paise = delta_paise + 1",
            "DELETE FROM postings",
        ],
    )
    def test_journal_is_append_only(self, session, fed, statement):
        fund_cash(session, fed)
        with pytest.raises(IntegrityError, match="append-only"), session.begin_nested():
            session.execute(text(statement))

    def test_refuses_a_posting_into_a_closed_period(self, session, fed):
        periods.close_month(session, ADMIN, fed.book_id(session, fed.shg), "2026-06", today=LATER)
        with pytest.raises(IntegrityError, match="closed"), session.begin_nested():
            self._raw_entry(session, fed, (100, 100))


class TestReversals:
    def test_reversal_mirrors_and_links(self, session, fed):
        entry = fund_cash(session, fed, 2500)
        reversal = reverse_entry(session, ADMIN, entry.id, today=LATER)
        assert reversal.reverses_entry_id == entry.id
        assert fed.account(session, fed.shg, "cash").balance_paise == 0
        sides = session.execute(
            select(Posting.account_id, Posting.side)
            .where(Posting.entry_id == reversal.id)
            .order_by(Posting.line_no)
        ).all()
        assert [s for _, s in sides] == ["C", "D"]

    def test_an_entry_is_reversed_once_and_a_reversal_is_not_reversed(self, session, fed):
        entry = fund_cash(session, fed)
        reversal = reverse_entry(session, ADMIN, entry.id, today=LATER)
        with pytest.raises(Conflict, match="already reversed"):
            reverse_entry(session, ADMIN, entry.id, today=LATER)
        with pytest.raises(Conflict, match="itself a reversal"):
            reverse_entry(session, ADMIN, reversal.id, today=LATER)

    def test_reversal_cannot_predate_the_entry_or_overdraw(self, session, fed):
        entry = fund_cash(session, fed, 1000)
        with pytest.raises(Invalid, match="before the entry"):
            reverse_entry(session, ADMIN, entry.id, value_date=date(2026, 1, 1), today=LATER)
        book = fed.book_id(session, fed.shg)
        cash, expense = (
            fed.account(session, fed.shg, "cash"),
            fed.account(session, fed.shg, "admin_expenses"),
        )
        transfer(session, book, expense.id, cash.id, 600, DAY)
        with pytest.raises(Invalid, match="below zero"):
            reverse_entry(session, ADMIN, entry.id, today=LATER)

    def test_reversal_into_a_closed_period_is_refused_but_a_later_date_works(self, session, fed):
        entry = fund_cash(session, fed)
        periods.close_month(session, ADMIN, fed.book_id(session, fed.shg), "2026-06", today=LATER)
        with pytest.raises(Invalid, match="closed through 2026-06-30"):
            reverse_entry(session, ADMIN, entry.id, today=LATER)
        reversal = reverse_entry(session, ADMIN, entry.id, value_date=date(2026, 7, 1), today=LATER)
        assert reversal.value_date == date(2026, 7, 1)


class TestLinkedSets:
    def _cif(self, fed, session, paise):
        """CLF lends CIF to the VO: recorded once, posted in both books."""
        clf_book, vo_book = fed.book_id(session, fed.clf), fed.book_id(session, fed.vo)
        clf_bank = fed.account(session, fed.clf, "bank")
        transfer(
            session,
            clf_book,
            clf_bank.id,
            fed.account(session, fed.clf, "cif_corpus").id,
            1_000_000,
            DAY,
        )
        return [
            EntryDraft(
                clf_book,
                DAY,
                "CIF to VO",
                (
                    PostingDraft(
                        fed.account(session, fed.clf, "cif_loans_to_vos").id, Side.DEBIT, paise
                    ),
                    PostingDraft(clf_bank.id, Side.CREDIT, paise),
                ),
            ),
            EntryDraft(
                vo_book,
                DAY,
                "CIF from CLF",
                (
                    PostingDraft(fed.account(session, fed.vo, "bank").id, Side.DEBIT, paise),
                    PostingDraft(
                        fed.account(session, fed.vo, "cif_payable").id, Side.CREDIT, paise
                    ),
                ),
            ),
        ]

    def test_posts_in_both_books(self, session, fed):
        entry_set, entries = post_linked_set(
            session, ADMIN, self._cif(fed, session, 300_000), today=LATER
        )
        assert {e.set_id for e in entries} == {entry_set.id}
        assert fed.account(session, fed.vo, "cif_payable").balance_paise == 300_000
        assert fed.account(session, fed.clf, "bank").balance_paise == 700_000

    def test_one_bad_entry_posts_nothing(self, session, fed):
        drafts = self._cif(fed, session, 2_000_000)  # more than the CLF's bank balance
        before = session.scalar(
            select(Account.balance_paise).where(
                Account.id == fed.account(session, fed.vo, "bank").id
            )
        )
        with pytest.raises(Invalid) as caught:
            post_linked_set(session, ADMIN, drafts, today=LATER)
        assert caught.value.problems[0].field == "entries[0].postings[1].account_id"
        assert fed.account(session, fed.vo, "bank").balance_paise == before == 0

    def test_cannot_span_two_states(self, session, fed):
        other = make_federation(session, "BR")
        drafts = self._cif(fed, session, 100)
        o_book = other.book_id(session, other.vo)
        drafts[1] = EntryDraft(
            o_book,
            DAY,
            "x",
            (
                PostingDraft(other.account(session, other.vo, "bank").id, Side.DEBIT, 100),
                PostingDraft(other.account(session, other.vo, "cif_payable").id, Side.CREDIT, 100),
            ),
        )
        with pytest.raises(Invalid, match="two states"):
            post_linked_set(session, ADMIN, drafts, today=LATER)

    def test_set_members_reverse_only_as_a_set(self, session, fed):
        entry_set, entries = post_linked_set(
            session, ADMIN, self._cif(fed, session, 300_000), today=LATER
        )
        with pytest.raises(Conflict, match="reverse the whole set"):
            reverse_entry(session, ADMIN, entries[0].id, today=LATER)
        reversal, _ = reverse_set(session, ADMIN, entry_set.id, today=LATER)
        assert reversal.reverses_set_id == entry_set.id
        assert fed.account(session, fed.vo, "cif_payable").balance_paise == 0
        assert fed.account(session, fed.clf, "bank").balance_paise == 1_000_000
        with pytest.raises(Conflict):
            reverse_set(session, ADMIN, entry_set.id, today=LATER)


class TestPeriods:
    def test_close_then_reopen_is_logged(self, session, fed):
        book = fed.book_id(session, fed.shg)
        periods.close_month(session, ADMIN, book, "2026-06", today=LATER)
        with pytest.raises(Invalid, match="closed through"):
            fund_cash(session, fed, day=date(2026, 6, 30))
        fund_cash(session, fed, day=date(2026, 7, 1))
        bookkeeper = Principal(role=Role.BOOKKEEPER, label="bk", scope_path=fed.clf.path)
        with pytest.raises(Forbidden):
            periods.reopen_month(session, bookkeeper, book, "2026-06", "late receipt")
        with pytest.raises(Invalid):
            periods.reopen_month(session, ADMIN, book, "2026-06", "  ")
        periods.reopen_month(session, ADMIN, book, "2026-06", "late receipt found")
        fund_cash(session, fed, day=date(2026, 6, 30))
        status = periods.period_status(session, ADMIN, book)
        assert [(e.action, e.month, e.closed_through_after) for e in status.events] == [
            ("close", "2026-06", date(2026, 6, 30)),
            ("reopen", "2026-06", date(2026, 5, 31)),
        ]
        assert status.events[1].reason == "late receipt found"

    def test_a_month_that_has_not_ended_cannot_close(self, session, fed):
        with pytest.raises(Invalid, match="not ended"):
            periods.close_month(
                session, ADMIN, fed.book_id(session, fed.shg), "2026-06", today=date(2026, 6, 30)
            )

    def test_cannot_close_twice(self, session, fed):
        book = fed.book_id(session, fed.shg)
        periods.close_month(session, ADMIN, book, "2026-06", today=LATER)
        with pytest.raises(Conflict):
            periods.close_month(session, ADMIN, book, "2026-05", today=LATER)
