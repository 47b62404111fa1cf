"""Books, accounts, journal entries and postings: the tables double entry lives in.

What the database itself refuses (see the triggers in the first migration):
- a posting with amount <= 0, or whose delta disagrees with its side (CHECK);
- a posting to an account of another book than its entry's (composite foreign keys);
- a journal entry whose postings do not sum to zero, number fewer than two, carry another
  value date, or fall on or before the book's closed-through date (trigger on entry insert:
  postings are inserted first, the entry row last, so the entry row seals them);
- a posting added to an entry that already exists (trigger);
- any UPDATE or DELETE of entries, postings or period events (triggers: append-only);
- a cash or bank balance below zero (CHECK on the maintained balance).
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKeyConstraint,
    Index,
    Integer,
    SmallInteger,
    String,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, BigId, UtcDateTime, state_key, utcnow


class AccountType(StrEnum):
    ASSET = "asset"
    LIABILITY = "liability"
    FUND = "fund"  # own funds, corpus and grants: the equity of a community institution
    INCOME = "income"
    EXPENSE = "expense"


class Side(StrEnum):
    DEBIT = "D"
    CREDIT = "C"


NORMAL_SIDE: dict[AccountType, Side] = {
    AccountType.ASSET: Side.DEBIT,
    AccountType.EXPENSE: Side.DEBIT,
    AccountType.LIABILITY: Side.CREDIT,
    AccountType.FUND: Side.CREDIT,
    AccountType.INCOME: Side.CREDIT,
}

GENESIS_HASH = "0" * 64


class Book(Base):
    """One institution's books. `last_seq` and `head_hash` advance with every entry."""

    __tablename__ = "books"
    __table_args__ = (
        UniqueConstraint("id", "state_code"),
        UniqueConstraint("institution_id", "state_code"),
        state_key("institution_id", "institutions"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    institution_id: Mapped[int] = mapped_column(BigId)
    state_code: Mapped[str] = mapped_column(String(4))
    chart: Mapped[str] = mapped_column(String(40))
    last_seq: Mapped[int] = mapped_column(BigInteger, default=0)
    head_hash: Mapped[str] = mapped_column(String(64), default=GENESIS_HASH)
    # Entries may be posted or reversed only with a value date after this day.
    closed_through: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class Account(Base):
    __tablename__ = "accounts"
    __table_args__ = (
        # Unique keys end with the state (issue 18): the same rows, as a book is in one state,
        # and the index keeps the prefix the queries use.
        UniqueConstraint("book_id", "code", "state_code"),
        UniqueConstraint("id", "book_id", "state_code"),
        UniqueConstraint("id", "state_code"),
        UniqueConstraint("book_id", "role", "state_code"),
        state_key("book_id", "books"),
        state_key("parent_id", "accounts"),
        state_key("member_id", "members"),
        CheckConstraint("type IN ('asset','liability','fund','income','expense')", name="type"),
        CheckConstraint("normal_side IN ('D','C')", name="normal_side"),
        CheckConstraint("allow_negative OR balance_paise >= 0", name="not_negative"),
        CheckConstraint("status IN ('open','closed')", name="status"),
        Index("ix_accounts_member", "member_id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    book_id: Mapped[int] = mapped_column(BigId)
    state_code: Mapped[str] = mapped_column(String(4))
    code: Mapped[str] = mapped_column(String(40))
    # What the account is for ("cash", "member_savings", ...): services find accounts by role.
    role: Mapped[str | None] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200))
    type: Mapped[str] = mapped_column(String(10))
    normal_side: Mapped[str] = mapped_column(String(1))
    allow_negative: Mapped[bool] = mapped_column(Boolean, default=True)
    # Control accounts (member savings, loans to members) only sum their sub-accounts.
    postable: Mapped[bool] = mapped_column(Boolean, default=True)
    parent_id: Mapped[int | None] = mapped_column(BigId)
    member_id: Mapped[int | None] = mapped_column(BigId)
    # Balance on the account's normal side, maintained with every posting.
    balance_paise: Mapped[int] = mapped_column(BigInteger, default=0)
    status: Mapped[str] = mapped_column(String(6), default="open")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(120))


class EntrySet(Base):
    """Entries recorded by one request across books (both sides of a CIF disbursal)."""

    __tablename__ = "entry_sets"
    __table_args__ = (
        UniqueConstraint("id", "state_code"),
        UniqueConstraint("reverses_set_id", "state_code"),
        state_key("reverses_set_id", "entry_sets"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    state_code: Mapped[str] = mapped_column(String(4))
    narration: Mapped[str] = mapped_column(String(500))
    reverses_set_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime)
    recorded_by: Mapped[str] = mapped_column(String(120))


class JournalEntry(Base):
    __tablename__ = "journal_entries"
    __table_args__ = (
        UniqueConstraint("book_id", "seq", "state_code"),
        UniqueConstraint("id", "book_id", "state_code"),
        UniqueConstraint("id", "state_code"),
        UniqueConstraint("reverses_entry_id", "state_code"),
        state_key("book_id", "books"),
        state_key("set_id", "entry_sets"),
        state_key("reverses_entry_id", "journal_entries"),
        Index("ix_journal_entries_book_date", "book_id", "value_date", "seq"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    book_id: Mapped[int] = mapped_column(BigId)
    state_code: Mapped[str] = mapped_column(String(4))
    seq: Mapped[int] = mapped_column(BigInteger)
    value_date: Mapped[date] = mapped_column(Date)
    narration: Mapped[str] = mapped_column(String(500))
    set_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    # An entry can be reversed once; the reversal points at it, the original is never touched.
    reverses_entry_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    posting_count: Mapped[int] = mapped_column(SmallInteger)
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime)
    recorded_by: Mapped[str] = mapped_column(String(120))
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class Posting(Base):
    __tablename__ = "postings"
    __table_args__ = (
        # The entry's and the account's book are the posting's (and so is their state).
        ForeignKeyConstraint(
            ["entry_id", "book_id", "state_code"],
            ["journal_entries.id", "journal_entries.book_id", "journal_entries.state_code"],
            deferrable=True,
            initially="DEFERRED",
        ),
        ForeignKeyConstraint(
            ["account_id", "book_id", "state_code"],
            ["accounts.id", "accounts.book_id", "accounts.state_code"],
        ),
        CheckConstraint("amount_paise > 0", name="amount_positive"),
        CheckConstraint(
            "(side = 'D' AND delta_paise = amount_paise)"
            " OR (side = 'C' AND delta_paise = -amount_paise)",
            name="delta_matches_side",
        ),
        UniqueConstraint("entry_id", "line_no", "state_code"),
        # Covering on PostgreSQL: balance-as-of and statement sums are index-only scans.
        Index(
            "ix_postings_account_date",
            "account_id",
            "value_date",
            "id",
            postgresql_include=["delta_paise"],
        ),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    entry_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    book_id: Mapped[int] = mapped_column(BigId)
    state_code: Mapped[str] = mapped_column(String(4))  # the book's, for distribution
    account_id: Mapped[int] = mapped_column(BigId)
    line_no: Mapped[int] = mapped_column(Integer)
    value_date: Mapped[date] = mapped_column(Date)
    side: Mapped[str] = mapped_column(String(1))
    amount_paise: Mapped[int] = mapped_column(BigInteger)
    # +amount for a debit, -amount for a credit: every sum over postings is a plain SUM.
    delta_paise: Mapped[int] = mapped_column(BigInteger)


class PeriodEvent(Base):
    """Append-only log of month-end closes and re-openings of a book."""

    __tablename__ = "period_events"
    __table_args__ = (
        state_key("book_id", "books"),
        CheckConstraint("action IN ('close','reopen')", name="action"),
        Index("ix_period_events_book", "book_id", "id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    book_id: Mapped[int] = mapped_column(BigId)
    state_code: Mapped[str] = mapped_column(String(4))  # the book's, for distribution
    action: Mapped[str] = mapped_column(String(6))
    month: Mapped[str] = mapped_column(String(7))
    closed_through_before: Mapped[date | None] = mapped_column(Date)
    closed_through_after: Mapped[date | None] = mapped_column(Date)
    reason: Mapped[str | None] = mapped_column(String(500))
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    recorded_by: Mapped[str] = mapped_column(String(120))
