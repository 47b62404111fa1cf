"""An SHG's grading, as the grading team gave it and her bookkeeper recorded it.

SHGs are graded on the Panchasutra (regular meetings, savings, internal lending, repayment,
books up to date) before capital support: the Revolving Fund goes only to an SHG that passed
its grading (`models/capital_rules.json`, key `revolving_fund_to_shg`, says which grades
pass). The books hold the grading's inputs (meetings, savings, lending, repayment) but not the
grading itself, which a team of the federation or the mission does with the group: so it is
recorded, with the day it was done, the grade, the score where the scale gives one, and who
graded. A grading is never changed: a later one supersedes it, and the rule reads the latest
grading on or before the day it judges.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, BigId, UtcDateTime, one_of, state_key, utcnow

# The common scale (DOMAIN.md): A above 85, B 75-85, C below 75. A state using other
# letters changes this list, its migration and the rule file together.
GRADES = ("A", "B", "C")


class ShgGrading(Base):
    __tablename__ = "shg_gradings"
    __table_args__ = (
        state_key("shg_id", "institutions"),
        CheckConstraint(one_of("grade", GRADES), name="grade"),
        CheckConstraint("score IS NULL OR score BETWEEN 0 AND 100", name="score"),
        Index("ix_shg_gradings_shg", "shg_id", "graded_on"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    shg_id: Mapped[int] = mapped_column(BigId)
    state_code: Mapped[str] = mapped_column(String(4))  # the SHG's, for distribution
    graded_on: Mapped[date] = mapped_column(Date)
    grade: Mapped[str] = mapped_column(String(2))
    score: Mapped[int | None] = mapped_column(Integer)  # out of 100, where the scale has one
    graded_by: Mapped[str] = mapped_column(String(200))  # the team, e.g. "CLF grading committee"
    reference: Mapped[str | None] = mapped_column(String(100))  # the grading sheet's number
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    recorded_by: Mapped[str] = mapped_column(String(120))
