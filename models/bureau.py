"""Bureau files: every file of SHG members' credit information made for a bank, kept whole.

A file is made for one bank as of one reference date of the reporting cycle, once: the
database refuses a second for the same bank and date. Each keeps its exact bytes (downloaded
again byte for byte), their SHA-256, who made it and when, and its counts. Per file, a row for
each member it covered (reported, or rejected for incomplete KYC with what is missing), which
her passbook reads, and one for each SHG with a loan from the bank: the reconciliation of
what was reported with the SHG's books. All three tables are append-only (triggers).

Distributed by state (issue 18, models/distribution.py): a file is national (a reference
table: one row per bank and date, written twice a month); its member and SHG rows carry the
state of their member and SHG, keyed to them by (id, state_code).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, BigId, UtcDateTime, one_of, state_key, utcnow

SOURCES = ("api", "cli", "schedule")
MEMBER_OUTCOMES = ("reported", "rejected")


class BureauFile(Base):
    __tablename__ = "bureau_files"
    __table_args__ = (
        # One file per bank per reference date, however many schedulers or clicks.
        UniqueConstraint("bank_id", "as_of"),
        CheckConstraint("period_start < as_of", name="period"),
        CheckConstraint("length(sha256) = 64", name="sha256"),
        CheckConstraint(one_of("source", SOURCES), name="source"),
        CheckConstraint(
            "byte_count >= 0 AND shgs >= 0 AND members_reported >= 0 AND members_rejected >= 0"
            " AND accounts >= 0 AND accounts_closed >= 0",
            name="counts",
        ),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    bank_id: Mapped[int] = mapped_column(ForeignKey("banks.id"))
    as_of: Mapped[date] = mapped_column(Date)  # the reference date: figures at its day-end
    # Accounts closed or written off after this day (the bank's previous file's date, or
    # the reference date before its first) are reported as closed.
    period_start: Mapped[date] = mapped_column(Date)
    header_profile: Mapped[str] = mapped_column(String(20))
    file_name: Mapped[str] = mapped_column(String(120))
    sha256: Mapped[str] = mapped_column(String(64))
    byte_count: Mapped[int] = mapped_column(BigInteger)
    # The exact bytes sent; not loaded unless asked for.
    content: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    shgs: Mapped[int] = mapped_column(Integer)
    members_reported: Mapped[int] = mapped_column(Integer)
    members_rejected: Mapped[int] = mapped_column(Integer)
    accounts: Mapped[int] = mapped_column(Integer)
    accounts_closed: Mapped[int] = mapped_column(Integer)  # closed or written off in the period
    source: Mapped[str] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(120))


class BureauFileMember(Base):
    """A member a file covered: reported, or rejected with the KYC fields she lacks."""

    __tablename__ = "bureau_file_members"
    __table_args__ = (
        CheckConstraint(one_of("outcome", MEMBER_OUTCOMES), name="outcome"),
        CheckConstraint("(outcome = 'rejected') = (missing IS NOT NULL)", name="missing"),
        CheckConstraint("accounts > 0 AND outstanding_paise >= 0", name="figures"),
        state_key("member_id", "members"),
        state_key("shg_id", "institutions"),
        Index("ix_bureau_file_members_member", "member_id", "file_id"),
    )

    file_id: Mapped[int] = mapped_column(ForeignKey("bureau_files.id"), primary_key=True)
    member_id: Mapped[int] = mapped_column(BigId, primary_key=True)
    # The member's (her SHG's), for distribution: the file itself is national.
    state_code: Mapped[str] = mapped_column(String(4), primary_key=True)
    shg_id: Mapped[int] = mapped_column(BigId)
    outcome: Mapped[str] = mapped_column(String(10))
    accounts: Mapped[int] = mapped_column(Integer)
    outstanding_paise: Mapped[int] = mapped_column(BigInteger)
    # Rejected: what is missing or unfit, "field: reason" joined by "; ".
    missing: Mapped[str | None] = mapped_column(String(2000))


class BureauFileShg(Base):
    """One SHG's reconciliation in a file: what her SHG's books say its members owe on loans
    funded by the bank's loans, against what was reported, and why they differ."""

    __tablename__ = "bureau_file_shgs"
    __table_args__ = (state_key("shg_id", "institutions"),)

    file_id: Mapped[int] = mapped_column(ForeignKey("bureau_files.id"), primary_key=True)
    shg_id: Mapped[int] = mapped_column(BigId, primary_key=True)
    state_code: Mapped[str] = mapped_column(String(4), primary_key=True)  # the SHG's
    facility_limit_paise: Mapped[int] = mapped_column(BigInteger)
    books_outstanding_paise: Mapped[int] = mapped_column(BigInteger)
    reported_outstanding_paise: Mapped[int] = mapped_column(BigInteger)  # whole rupees x 100
    rounding_paise: Mapped[int] = mapped_column(BigInteger)
    rejected_outstanding_paise: Mapped[int] = mapped_column(BigInteger)
    not_reported_paise: Mapped[int] = mapped_column(BigInteger)  # at or under the threshold
    unattributed_outstanding_paise: Mapped[int] = mapped_column(BigInteger)
    unattributed_loans: Mapped[int] = mapped_column(Integer)
    members_reported: Mapped[int] = mapped_column(Integer)
    members_rejected: Mapped[int] = mapped_column(Integer)
    accounts: Mapped[int] = mapped_column(Integer)
