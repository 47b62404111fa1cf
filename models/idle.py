"""Idle funds: the rules that find them, the audit runs that apply the rules, and the flags
auditors work through.

- An **idle rule** is data an admin edits: for one institution level and one fund, either
  "a balance of at least X with no on-lending or disbursement for N days" (`no_outflow`) or
  "utilisation below P% on the run date and N days before" (`low_utilisation`). A
  `no_outflow` rule may name a token share: a day's outflow below that share of the balance
  on the run date does not reset its clock (lending ₹5,000 out of ₹10 lakh is not use).
- An **audit run** applies every active rule to a scope as of a date. A scheduled run owns a
  `slot` (the schedule time it stands for), unique, so two scheduler processes cannot run the
  same report twice. Runs are kept with their parameters, counts, duration and errors.
- A **flag** is one idle episode of one fund of one institution under one rule. A run that
  finds the same episode again updates it (its days idle grow) and records an observation; a
  run that no longer finds it closes it. A new episode is a new flag. The auditor's status
  (open → acknowledged → explained / resolved / escalated) is separate from whether the
  episode is still going on, and every change of it is an event; nothing is deleted.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    Float,  # not money: the scheduler's timestamps (below)
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    Unicode,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, BigId, UtcDateTime, one_of, state_key, utcnow
from models.institutions import Audited

IDLE_LEVELS = ("shg", "vo", "clf")
IDLE_FUNDS = ("cif", "revolving_fund", "startup_fund", "vrf", "own")
RULE_KINDS = ("no_outflow", "low_utilisation")
RUN_TRIGGERS = ("schedule", "on_demand")
RUN_STATUSES = ("running", "succeeded", "failed")
FLAG_STATUSES = ("open", "acknowledged", "explained", "resolved", "escalated")


class IdleRule(Audited, Base):
    __tablename__ = "idle_rules"
    __table_args__ = (
        CheckConstraint(one_of("level", IDLE_LEVELS), name="level"),
        CheckConstraint(one_of("fund", IDLE_FUNDS), name="fund"),
        CheckConstraint(one_of("kind", RULE_KINDS), name="kind"),
        CheckConstraint("min_balance_paise >= 0 AND days > 0", name="limits"),
        CheckConstraint(
            "(kind = 'low_utilisation') = (max_utilisation_bp IS NOT NULL)", name="utilisation"
        ),
        CheckConstraint(
            "token_outflow_bp BETWEEN 0 AND 10000"
            " AND (kind = 'no_outflow' OR token_outflow_bp = 0)",
            name="token_outflow",
        ),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    code: Mapped[str] = mapped_column(String(60), unique=True)
    level: Mapped[str] = mapped_column(String(10))
    fund: Mapped[str] = mapped_column(String(20))
    kind: Mapped[str] = mapped_column(String(20))
    min_balance_paise: Mapped[int] = mapped_column(BigInteger)
    days: Mapped[int] = mapped_column(Integer)
    # Utilisation in basis points of the fund's capital (6000 = 60%), for low_utilisation.
    max_utilisation_bp: Mapped[int | None] = mapped_column(Integer)
    # no_outflow rules: a day's outflow below this share of the balance on the run date
    # (basis points, 500 = 5%) does not reset the idle clock; 0: every outflow counts.
    token_outflow_bp: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    def parameters(self) -> dict[str, Any]:
        """What a run records about the rule it applied, so a flag can be explained later even
        if the rule is edited afterwards."""
        return {
            "id": self.id,
            "code": self.code,
            "level": self.level,
            "fund": self.fund,
            "kind": self.kind,
            "min_balance_paise": self.min_balance_paise,
            "days": self.days,
            "max_utilisation_bp": self.max_utilisation_bp,
            "token_outflow_bp": self.token_outflow_bp,
        }


class AuditSchedule(Audited, Base):
    """When the scheduled report runs: one row, edited by an admin, read by the scheduler."""

    __tablename__ = "audit_schedule"
    __table_args__ = (
        CheckConstraint("id = 1", name="single_row"),
        CheckConstraint("day BETWEEN 1 AND 28", name="day"),
        CheckConstraint("hour BETWEEN 0 AND 23 AND minute BETWEEN 0 AND 59", name="time"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, default=1)
    day: Mapped[int] = mapped_column(Integer, default=1)
    hour: Mapped[int] = mapped_column(Integer, default=2)
    minute: Mapped[int] = mapped_column(Integer, default=0)
    timezone: Mapped[str] = mapped_column(String(40), default="Asia/Kolkata")
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class AuditRun(Base):
    __tablename__ = "audit_runs"
    __table_args__ = (
        CheckConstraint(one_of("trigger", RUN_TRIGGERS), name="trigger"),
        CheckConstraint(one_of("status", RUN_STATUSES), name="status"),
        CheckConstraint("(trigger = 'schedule') = (slot IS NOT NULL)", name="slot"),
        Index("ix_audit_runs_started", "started_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    trigger: Mapped[str] = mapped_column(String(12))
    # The schedule time a scheduled run stands for; unique, so it runs once whoever fires it.
    slot: Mapped[datetime | None] = mapped_column(UtcDateTime, unique=True)
    as_of: Mapped[date] = mapped_column(Date)
    scope_path: Mapped[str] = mapped_column(String(400))
    started_by: Mapped[str] = mapped_column(String(120))
    started_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    duration_ms: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(10), default="running")
    parameters: Mapped[dict[str, Any]] = mapped_column(JSON)
    funds_scanned: Mapped[int] = mapped_column(Integer, default=0)
    flags_opened: Mapped[int] = mapped_column(Integer, default=0)
    flags_continued: Mapped[int] = mapped_column(Integer, default=0)
    flags_closed: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text)


class IdleFlag(Base):
    __tablename__ = "idle_flags"
    __table_args__ = (
        UniqueConstraint("id", "state_code"),
        state_key("institution_id", "institutions"),
        CheckConstraint(one_of("fund", IDLE_FUNDS), name="fund"),
        CheckConstraint(one_of("status", FLAG_STATUSES), name="status"),
        # One episode going on per institution, fund and rule (the state in the key because a
        # table distributed by state has it in every unique key; the same rows).
        Index(
            "uq_idle_flags_ongoing",
            "institution_id",
            "state_code",
            "fund",
            "rule_id",
            unique=True,
            postgresql_where=text("closed_run_id IS NULL"),
            sqlite_where=text("closed_run_id IS NULL"),
        ),
        Index("ix_idle_flags_path", "path"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    institution_id: Mapped[int] = mapped_column(BigId)
    state_code: Mapped[str] = mapped_column(String(4))  # the institution's, for distribution
    path: Mapped[str] = mapped_column(String(400))  # the institution's, for scope filters
    fund: Mapped[str] = mapped_column(String(20))
    rule_id: Mapped[int] = mapped_column(ForeignKey("idle_rules.id"))
    opened_run_id: Mapped[int] = mapped_column(ForeignKey("audit_runs.id"))
    last_run_id: Mapped[int] = mapped_column(ForeignKey("audit_runs.id"))
    closed_run_id: Mapped[int | None] = mapped_column(ForeignKey("audit_runs.id"))
    idle_since: Mapped[date] = mapped_column(Date)
    first_seen_on: Mapped[date] = mapped_column(Date)
    last_seen_on: Mapped[date] = mapped_column(Date)
    closed_on: Mapped[date | None] = mapped_column(Date)
    # The figures as the last run saw them; each run's are kept in idle_observations.
    balance_paise: Mapped[int] = mapped_column(BigInteger)
    days_idle: Mapped[int] = mapped_column(Integer)
    utilisation_bp: Mapped[int | None] = mapped_column(Integer)
    last_outflow_on: Mapped[date | None] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(12), default="open")
    status_changed_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class IdleObservation(Base):
    """What one run saw of one flag: the run's export is these rows."""

    __tablename__ = "idle_observations"
    __table_args__ = (state_key("flag_id", "idle_flags"),)

    run_id: Mapped[int] = mapped_column(ForeignKey("audit_runs.id"), primary_key=True)
    flag_id: Mapped[int] = mapped_column(BigId, primary_key=True)
    state_code: Mapped[str] = mapped_column(String(4), primary_key=True)  # the flag's
    balance_paise: Mapped[int] = mapped_column(BigInteger)
    days_idle: Mapped[int] = mapped_column(Integer)
    utilisation_bp: Mapped[int | None] = mapped_column(Integer)
    last_outflow_on: Mapped[date | None] = mapped_column(Date)


class IdleFlagEvent(Base):
    """A step in a flag's history: opened, closed by a run, or moved on by a person."""

    __tablename__ = "idle_flag_events"
    __table_args__ = (
        state_key("flag_id", "idle_flags"),
        Index("ix_idle_flag_events_flag", "flag_id", "id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    flag_id: Mapped[int] = mapped_column(BigId)
    state_code: Mapped[str] = mapped_column(String(4))  # the flag's, for distribution
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    by: Mapped[str] = mapped_column(String(120))
    event: Mapped[str] = mapped_column(String(20))  # opened, closed, or the new status
    from_status: Mapped[str | None] = mapped_column(String(12))
    to_status: Mapped[str | None] = mapped_column(String(12))
    note: Mapped[str | None] = mapped_column(Text)


# APScheduler's persistent job store (SQLAlchemyJobStore), declared here so that migrations
# create it like every other table; its layout is APScheduler 3's. next_run_time is a POSIX
# timestamp, not money.
scheduler_jobs = Table(
    "scheduler_jobs",
    Base.metadata,
    Column("id", Unicode(191), primary_key=True),
    Column("next_run_time", Float(25), index=True),  # not money: APScheduler's timestamp
    Column("job_state", LargeBinary, nullable=False),
)
