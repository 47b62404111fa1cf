"""The active readiness model, loaded once per version."""

from __future__ import annotations

import io
from functools import cache
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.credit import ScoringModel

if TYPE_CHECKING:
    from scoring.scorecard import Scorecard


@cache
def _load(version: str, artefact: bytes) -> Scorecard:
    # joblib (and, through the pickle, the modelling stack) only once a trained model is used:
    # importing them costs seconds that every `flask` command and worker start would pay.
    import joblib

    card: Scorecard = joblib.load(io.BytesIO(artefact))
    return card


def active_model(session: Session) -> tuple[str, Scorecard] | None:
    """(version, scorecard) of the model an admin activated, or None: the expert scorecard."""
    row = session.execute(
        select(ScoringModel.version, ScoringModel.artefact).where(ScoringModel.active.is_(True))
    ).first()
    return None if row is None else (row.version, _load(row.version, row.artefact))
