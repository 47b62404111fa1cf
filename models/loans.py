"""Internal loans from an SHG to its members: terms, the stored schedule, and repayments.

The money itself lives in the journal: a loan's disbursement and each repayment are journal
entries, and the loan's outstanding principal is the balance of its sub-account. These tables
keep what the journal cannot: the terms, the schedule as agreed, and how each repayment was
split between penalty, interest and principal.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    Index,
    Integer,
    String,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, BigId, UtcDateTime, state_key, utcnow

FUND_SOURCES = ("own", "cif", "bank_loan", "vrf")
DEFAULT_ALLOCATION = "penalty,interest,principal"


class MemberLoan(Base):
    __tablename__ = "member_loans"
    __table_args__ = (
        UniqueConstraint("id", "state_code"),
        UniqueConstraint("account_id", "state_code"),
        state_key("shg_id", "institutions"),
        state_key("member_id", "members"),
        state_key("account_id", "accounts"),
        state_key("disbursement_entry_id", "journal_entries"),
        state_key("facility_id", "facilities"),
        CheckConstraint("principal_paise > 0", name="principal_positive"),
        CheckConstraint("rate_bp >= 0", name="rate_not_negative"),
        CheckConstraint("rate_basis IN ('per_month','per_annum')", name="rate_basis"),
        CheckConstraint("method IN ('flat','declining')", name="method"),
        CheckConstraint("frequency IN ('weekly','fortnightly','monthly')", name="frequency"),
        CheckConstraint("instalments > 0 AND moratorium_periods >= 0", name="tenure"),
        CheckConstraint("fund_source IN ('own','cif','bank_loan','vrf')", name="fund_source"),
        CheckConstraint("interest_basis IN ('per_period','actual_365')", name="interest_basis"),
        CheckConstraint("facility_id IS NULL OR fund_source = 'bank_loan'", name="facility"),
        Index("ix_member_loans_member", "member_id"),
        Index("ix_member_loans_facility", "facility_id"),
        Index("ix_member_loans_shg", "shg_id", "id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    shg_id: Mapped[int] = mapped_column(BigId)
    state_code: Mapped[str] = mapped_column(String(4))
    member_id: Mapped[int] = mapped_column(BigId)
    account_id: Mapped[int] = mapped_column(BigId)
    principal_paise: Mapped[int] = mapped_column(BigInteger)
    rate_bp: Mapped[int] = mapped_column(Integer)
    rate_basis: Mapped[str] = mapped_column(String(10))
    method: Mapped[str] = mapped_column(String(10))
    frequency: Mapped[str] = mapped_column(String(12))
    instalments: Mapped[int] = mapped_column(Integer)
    moratorium_periods: Mapped[int] = mapped_column(Integer)
    # How interest runs between repayments (models.interest): the schedule's periodic rate
    # per period ("per_period"), or actual days on the yearly rate ("actual_365"). The
    # database default serves rows written in bulk by SQL (benchmarks, loads).
    interest_basis: Mapped[str] = mapped_column(
        String(12), default="per_period", server_default="per_period"
    )
    disbursed_on: Mapped[date] = mapped_column(Date)
    # Where the money came from, so CIF and bank money can be traced to members.
    fund_source: Mapped[str] = mapped_column(String(10))
    fund_reference: Mapped[str | None] = mapped_column(String(100))
    # The SHG's bank loan (a facility) that funded a loan from "bank_loan" funds: her share of
    # that bank loan, which the bank reports to the credit bureaus. Null for other sources,
    # and for bank-funded loans whose bank loan could not be told (migration 0022).
    facility_id: Mapped[int | None] = mapped_column(BigId)
    purpose: Mapped[str | None] = mapped_column(String(200))
    allocation_order: Mapped[str] = mapped_column(String(40), default=DEFAULT_ALLOCATION)
    disbursement_entry_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(120))


class LoanInstalment(Base):
    __tablename__ = "loan_instalments"
    __table_args__ = (
        state_key("loan_id", "member_loans"),
        CheckConstraint("principal_paise >= 0 AND interest_paise >= 0", name="amounts"),
        Index("ix_loan_instalments_due", "due_on"),
    )

    # The key's order (loan, state, number) keeps its index serving a loan's schedule.
    loan_id: Mapped[int] = mapped_column(BigId, primary_key=True)
    state_code: Mapped[str] = mapped_column(String(4), primary_key=True)  # the loan's
    number: Mapped[int] = mapped_column(Integer, primary_key=True)
    due_on: Mapped[date] = mapped_column(Date)
    principal_paise: Mapped[int] = mapped_column(BigInteger)
    interest_paise: Mapped[int] = mapped_column(BigInteger)
    # Principal due through this instalment, cumulated: arrears begin at the first instalment
    # whose figure exceeds the principal repaid.
    principal_through_paise: Mapped[int] = mapped_column(BigInteger)


class LoanRepayment(Base):
    """How one repayment entry was split. Ignored once its entry is reversed."""

    __tablename__ = "loan_repayments"
    __table_args__ = (
        CheckConstraint(
            "penalty_paise >= 0 AND interest_paise >= 0 AND principal_paise >= 0"
            " AND penalty_unpaid_paise >= 0 AND interest_unpaid_paise >= 0",
            name="amounts",
        ),
        Index("ix_loan_repayments_loan", "loan_id", "value_date"),
        state_key("entry_id", "journal_entries"),
        state_key("loan_id", "member_loans"),
    )

    # One meeting's entry can carry repayments of several loans: one row per loan.
    entry_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    state_code: Mapped[str] = mapped_column(String(4), primary_key=True)  # the loan's
    loan_id: Mapped[int] = mapped_column(BigId, primary_key=True)
    value_date: Mapped[date] = mapped_column(Date)
    penalty_paise: Mapped[int] = mapped_column(BigInteger)
    interest_paise: Mapped[int] = mapped_column(BigInteger)
    principal_paise: Mapped[int] = mapped_column(BigInteger)
    # Interest is charged up to this day; the next repayment's interest runs from here.
    interest_through: Mapped[date] = mapped_column(Date)
    # What this repayment left unpaid, carried to the next one.
    penalty_unpaid_paise: Mapped[int] = mapped_column(BigInteger, default=0)
    interest_unpaid_paise: Mapped[int] = mapped_column(BigInteger, default=0)


class LoanWriteOff(Base):
    """A loan's outstanding principal written off. Ignored once its entry is reversed."""

    __tablename__ = "loan_write_offs"
    __table_args__ = (
        CheckConstraint("principal_paise > 0", name="principal_positive"),
        state_key("entry_id", "journal_entries"),
        state_key("loan_id", "member_loans"),
    )

    entry_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    state_code: Mapped[str] = mapped_column(String(4), primary_key=True)  # the loan's
    loan_id: Mapped[int] = mapped_column(BigId, index=True)
    value_date: Mapped[date] = mapped_column(Date)
    principal_paise: Mapped[int] = mapped_column(BigInteger)
    reason: Mapped[str] = mapped_column(String(500))
