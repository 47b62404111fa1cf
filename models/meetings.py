"""SHG meetings: who came, and which journal entries the meeting posted.

A meeting is recorded once per SHG and date; `revision` lets it be recorded again only after
the earlier recording was reversed, and the unique key makes a doubled recording impossible
even for two requests racing.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import Boolean, Date, Integer, String, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, BigId, UtcDateTime, state_key, utcnow


class Meeting(Base):
    __tablename__ = "meetings"
    __table_args__ = (
        UniqueConstraint("shg_id", "state_code", "meeting_date", "revision"),
        UniqueConstraint("id", "state_code"),
        state_key("shg_id", "institutions"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    shg_id: Mapped[int] = mapped_column(BigId)
    state_code: Mapped[str] = mapped_column(String(4))  # the SHG's, for distribution
    meeting_date: Mapped[date] = mapped_column(Date)
    revision: Mapped[int] = mapped_column(Integer, default=0)
    members_present: Mapped[int] = mapped_column(Integer)
    members_total: Mapped[int] = mapped_column(Integer)
    source: Mapped[str | None] = mapped_column(String(200))  # e.g. "csv:june.csv row 14"
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    recorded_by: Mapped[str] = mapped_column(String(120))
    # Set when the meeting's entries are reversed; it may then be recorded again.
    reversed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    reversed_by: Mapped[str | None] = mapped_column(String(120))


class MeetingAttendance(Base):
    __tablename__ = "meeting_attendance"
    __table_args__ = (
        state_key("meeting_id", "meetings"),
        state_key("member_id", "members"),
    )

    meeting_id: Mapped[int] = mapped_column(BigId, primary_key=True)
    state_code: Mapped[str] = mapped_column(String(4), primary_key=True)  # the meeting's
    member_id: Mapped[int] = mapped_column(BigId, primary_key=True)
    present: Mapped[bool] = mapped_column(Boolean)


class MeetingEntry(Base):
    __tablename__ = "meeting_entries"
    __table_args__ = (
        state_key("meeting_id", "meetings"),
        state_key("entry_id", "journal_entries"),
    )

    meeting_id: Mapped[int] = mapped_column(BigId, primary_key=True)
    state_code: Mapped[str] = mapped_column(String(4), primary_key=True)  # the meeting's
    entry_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
