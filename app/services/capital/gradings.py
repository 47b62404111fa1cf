"""SHG gradings: recorded by the SHG's bookkeeper as the grading team gave them, read by the
Revolving Fund rule (the latest grading on or before the day it judges). Never changed: a
later grading supersedes an earlier one. See `models/grading.py`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.formats import indian_date
from app.services.federation.institutions import readable_institution, writable_institution
from app.services.shared.errors import FieldProblem, require_no_problems
from app.services.shared.principal import Principal
from models.base import utcnow
from models.grading import GRADES, ShgGrading
from models.institutions import InstitutionKind


@dataclass(frozen=True)
class NewGrading:
    shg_id: int
    graded_on: date
    grade: str
    graded_by: str
    score: int | None = None
    reference: str | None = None


def record_grading(session: Session, who: Principal, new: NewGrading, today: date) -> ShgGrading:
    shg = writable_institution(session, who, new.shg_id)
    problems = []
    if shg.kind != InstitutionKind.SHG.value:
        problems.append(FieldProblem("institution_id", f"a {shg.kind} is not graded; an SHG is"))
    if new.grade not in GRADES:
        problems.append(FieldProblem("grade", f"must be one of {', '.join(GRADES)}"))
    if new.score is not None and not 0 <= new.score <= 100:
        problems.append(FieldProblem("score", "must be 0 to 100"))
    if new.graded_on > today:
        problems.append(FieldProblem("graded_on", "is after today"))
    if shg.formed_on is not None and new.graded_on < shg.formed_on:
        formed = indian_date(shg.formed_on)
        problems.append(FieldProblem("graded_on", f"is before the SHG was formed ({formed})"))
    if not new.graded_by.strip():
        problems.append(FieldProblem("graded_by", "must name who graded the SHG"))
    require_no_problems(problems, "the grading cannot be recorded")
    grading = ShgGrading(
        shg_id=shg.id,
        state_code=shg.state_code,
        graded_on=new.graded_on,
        grade=new.grade,
        score=new.score,
        graded_by=new.graded_by.strip(),
        reference=new.reference,
        recorded_at=utcnow(),
        recorded_by=who.label,
    )
    session.add(grading)
    session.flush()
    return grading


def gradings_of(session: Session, who: Principal, shg_id: int) -> list[ShgGrading]:
    """Every grading of the SHG, latest first."""
    readable_institution(session, who, shg_id)
    return list(
        session.scalars(
            select(ShgGrading)
            .where(ShgGrading.shg_id == shg_id)
            .order_by(ShgGrading.graded_on.desc(), ShgGrading.id.desc())
        )
    )


def latest_grading(session: Session, shg_id: int, on: date) -> ShgGrading | None:
    """The grading that stands on `on`: the latest done on or before it."""
    return session.scalar(
        select(ShgGrading)
        .where(ShgGrading.shg_id == shg_id, ShgGrading.graded_on <= on)
        .order_by(ShgGrading.graded_on.desc(), ShgGrading.id.desc())
        .limit(1)
    )
