"""Import jobs: a meeting-sheet file too large to import within one web request, queued for
the scheduler process and polled by its owner (`202 Accepted`, then `GET` its status)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, BigId, UtcDateTime, one_of, utcnow

JOB_STATUSES = ("queued", "running", "done", "failed")
JOB_MODES = ("dry-run", "apply")


class ImportJob(Base):
    """One file to import. The file's text is kept only until the job ends (its hash and
    size stay); the report is kept as JSON. `lease_until` lets another scheduler process take
    over a job whose runner died (a crash rolls its import back whole)."""

    __tablename__ = "import_jobs"
    __table_args__ = (
        CheckConstraint(one_of("status", JOB_STATUSES), name="status"),
        CheckConstraint(one_of("mode", JOB_MODES), name="mode"),
        Index("ix_import_jobs_status_id", "status", "id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), default="meetings")
    mode: Mapped[str] = mapped_column(String(8))
    source: Mapped[str] = mapped_column(String(120))
    status: Mapped[str] = mapped_column(String(8), default="queued")
    token_id: Mapped[int] = mapped_column(ForeignKey("api_tokens.id"))
    created_by: Mapped[str] = mapped_column(String(120))
    scope_path: Mapped[str | None] = mapped_column(String(400))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    rows: Mapped[int] = mapped_column(Integer)
    file_bytes: Mapped[int] = mapped_column(Integer)
    file_sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    started_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    lease_until: Mapped[datetime | None] = mapped_column(UtcDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    report: Mapped[str | None] = mapped_column(Text)
    error: Mapped[str | None] = mapped_column(Text)
