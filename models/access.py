"""API tokens, idempotency records and the access log."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, BigId, UtcDateTime, utcnow


class Role(StrEnum):
    ADMIN = "admin"
    BOOKKEEPER = "bookkeeper"  # writes in one CLF and everything under it
    AUDITOR = "auditor"  # reads a district or a state
    BANK_PARTNER = "bank_partner"  # one bank


class ApiToken(Base):
    """A bearer token. Only the SHA-256 of the secret is stored; the secret is shown once.

    A token is issued to a person (`person_id`; tokens issued before people existed have
    none). A person's *page token* (`for_pages`) has no secret at all (its hash is of a
    random value never kept): it only names her pages' writes in idempotency records and
    queued imports, the way a machine's token names its API writes."""

    __tablename__ = "api_tokens"
    __table_args__ = (
        CheckConstraint("role IN ('admin','bookkeeper','auditor','bank_partner')", name="role"),
        CheckConstraint(
            "(role = 'admin' AND institution_id IS NULL AND bank_id IS NULL)"
            " OR (role IN ('bookkeeper','auditor') AND institution_id IS NOT NULL"
            " AND bank_id IS NULL)"
            " OR (role = 'bank_partner' AND bank_id IS NOT NULL AND institution_id IS NULL)",
            name="scope_matches_role",
        ),
        CheckConstraint("person_id IS NOT NULL OR NOT for_pages", name="page_token_person"),
        CheckConstraint("(institution_id IS NULL) = (scope_state IS NULL)", name="scope_state"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), index=True)
    for_pages: Mapped[bool] = mapped_column(Boolean, default=False)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))
    role: Mapped[str] = mapped_column(String(12))
    # No foreign key: tokens are national (a reference table when distributed by state) and
    # may not refer to institutions, which are distributed; tokens.check_scope checks it.
    institution_id: Mapped[int | None] = mapped_column(BigId)
    # Its institution's state, so the check joins the institution by (id, state) (issue 18).
    scope_state: Mapped[str | None] = mapped_column(String(4))
    bank_id: Mapped[int | None] = mapped_column(ForeignKey("banks.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(120))
    expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class IdempotencyRecord(Base):
    """The first response to a write, replayed for a retry with the same key and body.

    Never holds a secret (responses that carry one are kept redacted) and is purged after
    the retention setting (`IDEMPOTENCY_RETENTION_DAYS`)."""

    __tablename__ = "idempotency_records"
    __table_args__ = (
        UniqueConstraint("token_id", "key"),
        Index("ix_idempotency_records_created_at", "created_at"),  # the daily purge
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    token_id: Mapped[int] = mapped_column(ForeignKey("api_tokens.id"))
    key: Mapped[str] = mapped_column(String(200))
    fingerprint: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int] = mapped_column(Integer)
    response_body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class AccessLogEntry(Base):
    """Every write, and every read of member data by a bank, with who and the outcome."""

    __tablename__ = "access_log"
    __table_args__ = (Index("ix_access_log_token_at", "token_id", "at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    token_id: Mapped[int | None] = mapped_column(ForeignKey("api_tokens.id"))
    # The person behind the request: the signed-in person, or the one the token was issued to.
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    role: Mapped[str | None] = mapped_column(String(12))
    method: Mapped[str] = mapped_column(String(8))
    path: Mapped[str] = mapped_column(String(400))
    status_code: Mapped[int] = mapped_column(Integer)
    idempotency_key: Mapped[str | None] = mapped_column(String(200))
    remote_addr: Mapped[str | None] = mapped_column(String(64))


class ThrottleWindow(Base):
    """A fixed-window counter of attempts (failed authentications, sign-ins) by key, kept in
    the database so that every worker process counts against the same limit."""

    __tablename__ = "throttle_windows"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    window_start: Mapped[int] = mapped_column(BigInteger)  # seconds since the epoch
    hits: Mapped[int] = mapped_column(Integer)
