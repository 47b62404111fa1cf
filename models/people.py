"""People who sign in to the pages as themselves: a name, a mobile number, a role and scope
(the same as an API token's), an argon2id password hash, lock-out and a one-time-code secret.

Only hashes and ciphertext are stored: the password's argon2id hash, the TOTP secret
encrypted with Fernet under a key from configuration (`app/web/totp_key.py`).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, CheckConstraint, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, BigId, UtcDateTime, utcnow

LANGUAGES = ("en", "hi", "or")

# The scope rule every principal keeps: the same CHECK as api_tokens'.
SCOPE_MATCHES_ROLE = (
    "(role = 'admin' AND institution_id IS NULL AND bank_id IS NULL)"
    " OR (role IN ('bookkeeper','auditor') AND institution_id IS NOT NULL"
    " AND bank_id IS NULL)"
    " OR (role = 'bank_partner' AND bank_id IS NOT NULL AND institution_id IS NULL)"
)


class Person(Base):
    """Someone who signs in to the pages; API tokens may be issued to her too."""

    __tablename__ = "people"
    __table_args__ = (
        CheckConstraint("role IN ('admin','bookkeeper','auditor','bank_partner')", name="role"),
        CheckConstraint(SCOPE_MATCHES_ROLE, name="scope_matches_role"),
        CheckConstraint("length(mobile) = 10", name="mobile"),
        CheckConstraint("language IN ('en','hi','or')", name="language"),
        CheckConstraint("failed_attempts >= 0", name="failed_attempts"),
        # A confirmed one-time-code secret is a secret that exists.
        CheckConstraint(
            "totp_confirmed_at IS NULL OR totp_secret_encrypted IS NOT NULL", name="totp"
        ),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    mobile: Mapped[str] = mapped_column(String(10), unique=True)  # 10 digits, no +91
    role: Mapped[str] = mapped_column(String(12))
    # No foreign key, as api_tokens': people are national, institutions distributed by state;
    # people.create_person checks it (tokens.check_scope).
    institution_id: Mapped[int | None] = mapped_column(BigId)
    bank_id: Mapped[int | None] = mapped_column(ForeignKey("banks.id"))
    password_hash: Mapped[str] = mapped_column(String(200))  # argon2id, PHC string
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False)
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)  # wrong in a row
    locked_until: Mapped[datetime | None] = mapped_column(UtcDateTime)
    disabled_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    language: Mapped[str] = mapped_column(String(2), default="en")
    totp_required: Mapped[bool] = mapped_column(Boolean, default=False)
    totp_secret_encrypted: Mapped[str | None] = mapped_column(Text)  # Fernet token
    totp_confirmed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # The last time step whose code was accepted: a code is never accepted twice.
    totp_last_step: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(120))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_by: Mapped[str] = mapped_column(String(120))

    def stamp(self, who: str) -> None:
        self.updated_at = utcnow()
        self.updated_by = who[:120]
