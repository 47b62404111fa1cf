"""Training, storing and activating readiness models.

- Outcome labels come from the ledger: a member observed on a date is *bad* when any of her
  loans is 90 or more days past due at a month end in the 12 months that follow.
- A trained model is stored with its model card (metrics on out-of-time data, the gates, the
  score distribution by district, and how the active model did on the same rows), never
  active on its own.
- An admin activates it, and only if it passes every gate and beats the active model's AUC
  on the same validation rows; one model is active at a time, and every score says which.
  A group too small for the adverse-impact gate (scoring/validation.py) neither passes nor
  fails it: the card lists it (`adverse_impact_too_small`, `gates_not_judged`), and it does
  not stop an activation.
"""

from __future__ import annotations

import io
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session, aliased

from app.services.credit.batch_features import features_for_scope
from app.services.credit.credit_history import month_ends
from app.services.lending.arrears import standing_where
from app.services.shared.errors import Conflict, Forbidden, NotFound
from app.services.shared.model_store import active_model
from app.services.shared.principal import Principal
from models.base import utcnow
from models.credit import ScoringModel
from models.institutions import Institution, Member
from models.loans import MemberLoan
from scoring.features import FEATURE_NAMES, FEATURES
from scoring.spec import Spec

if TYPE_CHECKING:
    import pandas as pd

    from scoring.validation import GroupMinimum, Validation

# The modelling stack (pandas, scikit-learn, optbinning, joblib) is imported in the functions
# that train and validate: this module is imported by the API at start-up, and those imports
# cost seconds that every `flask` command and worker start would otherwise pay.

SPEC = Spec(
    "bad",
    list(FEATURE_NAMES),
    monotonic={f.name: "descending" if f.better == "higher" else "ascending" for f in FEATURES},
)
HORIZON_MONTHS = 12


def _groups(session: Session, scope_path: str) -> dict[int, tuple[str, str]]:
    """Each member's district name and social category, for the card's fairness checks."""
    district = aliased(Institution, name="district")
    shg = aliased(Institution, name="shg")
    rows = session.execute(
        select(Member.id, district.name, Member.social_category)
        .join(shg, shg.id == Member.shg_id)
        .join(district, shg.path.startswith(district.path))
        .where(district.kind == "district", shg.path.startswith(scope_path, autoescape=True))
    )
    return {i: (name, category or "not recorded") for i, name, category in rows}


def labelled_rows(session: Session, observed_on: date, scope_path: str = "/") -> pd.DataFrame:
    """One row per member with a record by `observed_on`: her characteristics then (set-wise,
    as `batch_features` computes them), her district, and whether any of her loans was 90+
    days past due at a month end in the next 12 months."""
    features = features_for_scope(session, scope_path, observed_on)
    horizon = month_ends(observed_on + timedelta(days=31 * HORIZON_MONTHS), HORIZON_MONTHS)
    in_scope = MemberLoan.shg_id.in_(
        select(Institution.id).where(Institution.path.startswith(scope_path, autoescape=True))
    )
    owner = dict(session.execute(select(MemberLoan.id, MemberLoan.member_id).where(in_scope)).all())
    bad: set[int] = set()
    for end in (e for e in horizon if e > observed_on):
        for loan_id, (_, dpd) in standing_where(session, in_scope, end).items():
            if dpd >= 90:
                bad.add(owner[loan_id])
    groups = _groups(session, scope_path)
    rows = [
        {
            **values,
            "member_id": member_id,
            "district": groups.get(member_id, ("", ""))[0],
            "social_category": groups.get(member_id, ("", ""))[1],
            "bad": int(member_id in bad),
        }
        for member_id, values in features.items()
        if values["months_of_history"] or values["on_time_share"] is not None
    ]
    import pandas as pd

    return pd.DataFrame(rows)


def _card(
    validation: Validation, train_rows: int, compared: dict[str, Any] | None
) -> dict[str, Any]:
    from scoring.validation import GATES

    return {
        "train_rows": train_rows,
        "validation_rows": validation.rows,
        "bad_rate": validation.bad_rate,
        "auc": validation.auc,
        "ks": validation.ks,
        "brier": validation.brier,
        "calibration_slope": validation.calibration_slope,
        "calibration_table": validation.calibration_table,
        "psi": validation.psi,
        "adverse_impact": validation.adverse_impact,
        "adverse_impact_ratio": validation.adverse_impact_ratio,
        "adverse_impact_too_small": validation.too_small,
        "adverse_impact_minimum": {
            "members": validation.minimum.members,
            "approvals": validation.minimum.approvals,
        },
        "score_distribution": validation.score_distribution,
        "gates": {name: list(bounds) for name, bounds in GATES.items()},
        "gate_failures": validation.failures,
        "gates_not_judged": validation.not_judged,
        "scale": "600 points at odds 50:1, 20 points to double the odds, 300-900",
        "compared_with": compared,
    }


def train(
    session: Session,
    who: Principal,
    version: str,
    train_rows: pd.DataFrame,
    validation_rows: pd.DataFrame,
    group_columns: tuple[str, ...] = ("district",),
    minimum: GroupMinimum | None = None,
) -> ScoringModel:
    """Fit on `train_rows`, validate out of time on `validation_rows`, store (inactive).
    `minimum`: the smallest group the adverse-impact gate judges (config's
    ADVERSE_IMPACT_MIN_MEMBERS and ..._APPROVALS; 30 and 5 when not given)."""
    import joblib

    from scoring.scorecard import fit_scorecard
    from scoring.validation import validate

    if not who.is_admin:
        raise Forbidden("only an admin trains models")
    if session.scalar(select(ScoringModel.id).where(ScoringModel.version == version)):
        raise Conflict(f"a model {version!r} exists already")
    fitted = fit_scorecard(train_rows, SPEC)
    probabilities = fitted.probability(validation_rows)
    scores = fitted.score(validation_rows)
    current = active_model(session)
    compared = None
    previous_scores = None
    if current is not None:
        previous_scores = current[1].score(validation_rows)
        other = validate(
            validation_rows["bad"].tolist(),
            current[1].probability(validation_rows),
            previous_scores,
            {},
        )
        compared = {"version": current[0], "auc": other.auc}
    groups = {c: validation_rows[c].tolist() for c in group_columns if c in validation_rows}
    result = validate(
        validation_rows["bad"].tolist(), probabilities, scores, groups, previous_scores, minimum
    )
    buffer = io.BytesIO()
    joblib.dump(fitted, buffer)
    model = ScoringModel(
        version=version,
        trained_at=utcnow(),
        trained_by=who.label,
        card=_card(result, len(train_rows), compared)
        | {"kept": fitted.columns, "dropped": fitted.dropped},
        artefact=buffer.getvalue(),
        active=False,
    )
    session.add(model)
    session.flush()
    return model


def activate(session: Session, who: Principal, version: str) -> ScoringModel:
    if not who.is_admin:
        raise Forbidden("only an admin activates a model")
    model = session.scalar(select(ScoringModel).where(ScoringModel.version == version))
    if model is None:
        raise NotFound(f"model {version} not found")
    if model.card["gate_failures"]:
        raise Conflict(f"model {version} fails its gates: {'; '.join(model.card['gate_failures'])}")
    current = session.scalar(select(ScoringModel).where(ScoringModel.active.is_(True)))
    compared = model.card.get("compared_with")
    if current is not None:
        if compared is None or compared["version"] != current.version:
            raise Conflict(
                f"model {version} was not compared with the active model {current.version}:"
                " train it again"
            )
        if model.card["auc"] <= compared["auc"]:
            raise Conflict(
                f"model {version} does not beat {current.version} on the same data"
                f" (AUC {model.card['auc']:.3f} against {compared['auc']:.3f})"
            )
        session.execute(
            update(ScoringModel).where(ScoringModel.id == current.id).values(active=False)
        )
    model.active = True
    model.activated_at = utcnow()
    model.activated_by = who.label
    session.flush()
    return model


def models(session: Session) -> list[ScoringModel]:
    return list(session.scalars(select(ScoringModel).order_by(ScoringModel.id.desc())))
