"""The federation tree (state → district → block → CLF → VO → SHG), members, banks, branches.

Every row that belongs to a state carries `state_code`; composite foreign keys on
(id, state_code) make the database refuse a child in another state than its parent.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, BigId, UtcDateTime, state_key, utcnow

if TYPE_CHECKING:
    from models.ledger import Account, Book


class InstitutionKind(StrEnum):
    STATE = "state"
    DISTRICT = "district"
    BLOCK = "block"
    CLF = "clf"
    VO = "vo"
    SHG = "shg"


class Status(StrEnum):
    ACTIVE = "active"
    DORMANT = "dormant"
    CLOSED = "closed"


# The only parent kind each kind may hang under.
PARENT_KIND: dict[InstitutionKind, InstitutionKind | None] = {
    InstitutionKind.STATE: None,
    InstitutionKind.DISTRICT: InstitutionKind.STATE,
    InstitutionKind.BLOCK: InstitutionKind.DISTRICT,
    InstitutionKind.CLF: InstitutionKind.BLOCK,
    InstitutionKind.VO: InstitutionKind.CLF,
    InstitutionKind.SHG: InstitutionKind.VO,
}

# Institutions that keep their own books.
BOOK_KEEPING_KINDS = frozenset({InstitutionKind.CLF, InstitutionKind.VO, InstitutionKind.SHG})


def _in(column: str, values: type[StrEnum]) -> str:
    return f"{column} IN ({', '.join(repr(v.value) for v in values)})"


class Audited:
    """Who created and last changed a row, and when."""

    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(120))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_by: Mapped[str] = mapped_column(String(120))

    def stamp(self, who: str, at: datetime | None = None) -> None:
        """Record who changed the row, and when."""
        self.updated_by = who
        self.updated_at = at or utcnow()


class Institution(Audited, Base):
    __tablename__ = "institutions"
    __table_args__ = (
        UniqueConstraint("id", "state_code"),
        state_key("parent_id", "institutions"),
        CheckConstraint(_in("kind", InstitutionKind), name="kind"),
        CheckConstraint(_in("status", Status), name="status"),
        CheckConstraint("(kind = 'state') = (parent_id IS NULL)", name="root_is_state"),
        Index("ix_institutions_path", "path"),
        Index("ix_institutions_parent", "parent_id", "id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    name: Mapped[str] = mapped_column(String(200))
    code: Mapped[str | None] = mapped_column(String(40))
    state_code: Mapped[str] = mapped_column(String(4))
    parent_id: Mapped[int | None] = mapped_column(BigId)
    # Materialised ancestry, "/1/4/17/": a subtree is a prefix match, which is how scopes work.
    path: Mapped[str] = mapped_column(String(400))
    status: Mapped[str] = mapped_column(String(10), default=Status.ACTIVE.value)
    formed_on: Mapped[date | None] = mapped_column(Date)
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    # Joined on the state too, so that loading it names the state (issue 18).
    book: Mapped[Book | None] = relationship(
        "Book",
        primaryjoin="and_(Book.institution_id == Institution.id,"
        " Book.state_code == Institution.state_code)",
        foreign_keys="[Book.institution_id, Book.state_code]",
        viewonly=True,
        uselist=False,
    )


SOCIAL_CATEGORIES = ("SC", "ST", "OBC", "General", "undisclosed")


class Member(Audited, Base):
    __tablename__ = "members"
    __table_args__ = (
        UniqueConstraint("id", "state_code"),
        state_key("shg_id", "institutions"),
        CheckConstraint(_in("status", Status), name="status"),
        CheckConstraint(
            "social_category IS NULL OR social_category IN"
            " ('SC', 'ST', 'OBC', 'General', 'undisclosed')",
            name="social_category",
        ),
        Index("ix_members_shg", "shg_id", "id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    shg_id: Mapped[int] = mapped_column(BigId)
    state_code: Mapped[str] = mapped_column(String(4))
    name: Mapped[str] = mapped_column(String(200))
    member_code: Mapped[str | None] = mapped_column(String(40))
    joined_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(10), default=Status.ACTIVE.value)
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # Only to check that scores treat groups fairly; never an input to any score.
    social_category: Mapped[str | None] = mapped_column(String(12))

    # Joined on the state too, so that loading them names the state (issue 18).
    accounts: Mapped[list[Account]] = relationship(
        "Account",
        primaryjoin="and_(Account.member_id == Member.id, Account.state_code == Member.state_code)",
        foreign_keys="[Account.member_id, Account.state_code]",
        viewonly=True,
        order_by="Account.id",
    )


class Bank(Audited, Base):
    """A lending bank: national, so it carries no state code (its branches do)."""

    __tablename__ = "banks"
    __table_args__ = (CheckConstraint(_in("status", Status), name="status"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    ifsc_prefix: Mapped[str] = mapped_column(String(4), unique=True)
    status: Mapped[str] = mapped_column(String(10), default=Status.ACTIVE.value)


class BankBranch(Audited, Base):
    __tablename__ = "bank_branches"
    __table_args__ = (CheckConstraint(_in("status", Status), name="status"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    bank_id: Mapped[int] = mapped_column(ForeignKey("banks.id"))
    state_code: Mapped[str] = mapped_column(String(4))
    name: Mapped[str] = mapped_column(String(200))
    ifsc: Mapped[str] = mapped_column(String(11), unique=True)
    status: Mapped[str] = mapped_column(String(10), default=Status.ACTIVE.value)
