"""A member's consent to share her credit profile with a bank, and every enquiry a bank made.

A consent record follows the Account Aggregator consent artefact (DOMAIN.md): the member,
the data consumer (a bank), a purpose (code and words), when it starts and expires, how
far back the data goes, and whether the bank may fetch once or periodically. It is recorded
by her bookkeeper and can be revoked at any time; revocation takes effect at once. Consents
are never deleted. A bank's enquiry is kept once per member, consent and day (India's day),
however often its officer opens, reloads or downloads the profile that day: it shows in the
member's credit history, as at a credit bureau, and a day's repeated views must not make her
look as if she were hunting for credit. Each view is still in the access log.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, BigId, UtcDateTime, one_of, state_key, utcnow

PURPOSES = {
    "individual_loan": "Appraisal of an individual loan application",
    "group_loan": "Appraisal of her SHG's bank loan",
    "loan_monitoring": "Monitoring of a loan the bank has lent her",
}
FETCH_TYPES = ("one_time", "periodic")


class Consent(Base):
    __tablename__ = "consents"
    __table_args__ = (
        CheckConstraint(one_of("purpose", tuple(PURPOSES)), name="purpose"),
        CheckConstraint(one_of("fetch_type", FETCH_TYPES), name="fetch_type"),
        CheckConstraint("expires_on >= starts_on", name="period"),
        CheckConstraint("data_months BETWEEN 1 AND 36", name="data_months"),
        CheckConstraint("(revoked_at IS NULL) = (revoked_by IS NULL)", name="revocation"),
        UniqueConstraint("id", "state_code"),  # what an enquiry's composite key refers to
        state_key("member_id", "members"),
        Index("ix_consents_bank", "bank_id", "member_id"),
        Index("ix_consents_member", "member_id", "id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    member_id: Mapped[int] = mapped_column(BigId)
    state_code: Mapped[str] = mapped_column(String(4))  # the member's, for distribution
    bank_id: Mapped[int] = mapped_column(ForeignKey("banks.id"))
    purpose: Mapped[str] = mapped_column(String(30))
    starts_on: Mapped[date] = mapped_column(Date)
    expires_on: Mapped[date] = mapped_column(Date)
    data_months: Mapped[int] = mapped_column(Integer, default=36)
    fetch_type: Mapped[str] = mapped_column(String(10), default="one_time")
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    recorded_by: Mapped[str] = mapped_column(String(120))
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    revoked_by: Mapped[str | None] = mapped_column(String(120))
    revoke_reason: Mapped[str | None] = mapped_column(Text)

    def active_on(self, day: date) -> bool:
        return self.revoked_at is None and self.starts_on <= day <= self.expires_on

    @property
    def purpose_text(self) -> str:
        return PURPOSES[self.purpose]


class CreditEnquiry(Base):
    """A bank pulled a member's profile on a day (append-only)."""

    __tablename__ = "credit_enquiries"
    __table_args__ = (
        state_key("member_id", "members"),
        state_key("consent_id", "consents"),
        Index("ix_credit_enquiries_member", "member_id", "id"),
        # One enquiry per bank, member, consent and day, even when two views race. The state
        # changes nothing (a member is in one state); a unique index of a distributed table
        # must hold it.
        Index(
            "uq_credit_enquiries_daily",
            "bank_id",
            "member_id",
            "state_code",
            "consent_id",
            "on_day",
            unique=True,
        ),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    member_id: Mapped[int] = mapped_column(BigId)
    state_code: Mapped[str] = mapped_column(String(4))  # the member's, for distribution
    bank_id: Mapped[int] = mapped_column(ForeignKey("banks.id"))
    consent_id: Mapped[int] = mapped_column(BigId)
    purpose: Mapped[str] = mapped_column(String(30))
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    by: Mapped[str] = mapped_column(String(120))
    # India's day of the enquiry. Null on enquiries recorded before migration 0025, when each
    # view was a row: the history counts those once per day as well (by `at`).
    on_day: Mapped[date | None] = mapped_column(Date)


class CreditScore(Base):
    """A score as it was given: the model, the inputs and the reasons (append-only)."""

    __tablename__ = "credit_scores"
    __table_args__ = (
        state_key("member_id", "members"),
        CheckConstraint("score IS NULL OR score BETWEEN 300 AND 900", name="range"),
        Index("ix_credit_scores_member", "member_id", "id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    member_id: Mapped[int] = mapped_column(BigId)
    state_code: Mapped[str] = mapped_column(String(4))  # the member's, for distribution
    as_of: Mapped[date] = mapped_column(Date)
    model: Mapped[str] = mapped_column(String(60))
    score: Mapped[int | None] = mapped_column(Integer)  # None: insufficient history
    inputs: Mapped[dict[str, Any]] = mapped_column(JSON)
    reasons: Mapped[list[str]] = mapped_column(JSON)
    scored_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    scored_by: Mapped[str] = mapped_column(String(120))


class ScoringModel(Base):
    """A trained scorecard: its card (metrics, gates, data) and the fitted model itself.

    Only an admin activates one, and only if it beats the active model on the same
    validation data; at most one is active at a time."""

    __tablename__ = "scoring_models"
    __table_args__ = (
        Index(
            "uq_scoring_models_active",
            "active",
            unique=True,
            postgresql_where=text("active"),
            sqlite_where=text("active"),
        ),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    version: Mapped[str] = mapped_column(String(60), unique=True)
    trained_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    trained_by: Mapped[str] = mapped_column(String(120))
    card: Mapped[dict[str, Any]] = mapped_column(JSON)
    # joblib bytes of scoring.scorecard.Scorecard; written only by the training script.
    artefact: Mapped[bytes] = mapped_column(LargeBinary)
    active: Mapped[bool] = mapped_column(Boolean, default=False)
    activated_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    activated_by: Mapped[str | None] = mapped_column(String(120))


class LivelihoodIncome(Base):
    """A member's household income from one season or business cycle, as she reported it to
    her group. Never changed: a wrong record is replaced by a new one naming it."""

    __tablename__ = "livelihood_incomes"
    __table_args__ = (
        CheckConstraint("period_end >= period_start", name="period"),
        CheckConstraint("income_paise >= 0", name="income"),
        UniqueConstraint("id", "state_code"),  # what a replacement's composite key refers to
        UniqueConstraint("replaces_id", "state_code"),  # a record is replaced once
        state_key("member_id", "members"),
        state_key("replaces_id", "livelihood_incomes"),
        Index("ix_livelihood_incomes_member", "member_id", "period_end"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    member_id: Mapped[int] = mapped_column(BigId)
    state_code: Mapped[str] = mapped_column(String(4))  # the member's, for distribution
    activity: Mapped[str] = mapped_column(String(100))  # "paddy, kharif", "dairy", "shop"
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    income_paise: Mapped[int] = mapped_column(BigInteger)  # net, for the whole household
    replaces_id: Mapped[int | None] = mapped_column(BigId)
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    recorded_by: Mapped[str] = mapped_column(String(120))
