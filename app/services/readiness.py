"""Credit readiness: a member's characteristics from her history, her score (or "insufficient
history" and what is missing), the reasons in words she can be told, and what she may be
eligible for. Every score is stored with the model that made it and its inputs, so a past
score can always be explained.

Until a trained model is activated, the expert scorecard (scoring/expert.py) scores; every
score says which model made it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.services import subvention
from app.services.credit_history import CreditHistory
from app.services.errors import DomainError
from app.services.model_store import active_model
from models.base import utcnow
from models.capital import Facility
from models.credit import CreditScore
from models.institutions import Institution
from models.money import format_inr
from scoring import expert
from scoring.features import BY_NAME, FEATURE_NAMES, MIN_HISTORY_MONTHS, MIN_REPAID_INSTALMENTS

# Savings-linked individual loans: a multiple of her savings by score band, less what she
# owes, at most the cap. Bands and cap are policy, stated here and in the README.
LOAN_MULTIPLE_BY_SCORE = ((700, 4), (650, 3), (600, 2))
INDIVIDUAL_LOAN_CAP_PAISE = 1_00_000_00
ROUND_DOWN_TO_PAISE = 1_000_00


@dataclass(frozen=True)
class Eligibility:
    suggested_loan_paise: int
    loan_reason: str
    subvention: list[str]  # one line per bank loan of her SHG


@dataclass(frozen=True)
class Readiness:
    model: str
    score: int | None  # None: insufficient history
    probability_bad: float | None
    reasons: list[str]
    missing: list[str]  # for a thin file: what her record still needs
    features: dict[str, float | None]
    eligibility: Eligibility


def _share(part: int, whole: int) -> float | None:
    return None if whole == 0 else part / whole


def characteristics(
    recent: list[int],
    saving: tuple[int, int, int],
    attendance: tuple[int, int],
    group_loans: tuple[int, int],
) -> dict[str, float | None]:
    """The characteristics from their parts: the days past due of her running loans at the
    last 12 month ends; (months saved, months on record, longest streak); (meetings attended,
    meetings held); (loans of her group overdue, running). One member's history and the batch
    (`batch_features`) both build them here."""
    saved, on_record, streak = saving
    return {
        "on_time_share": _share(sum(1 for c in recent if c == 0), len(recent)),
        "worst_days_past_due": float(max(recent)) if recent else None,
        "savings_regularity": _share(saved, on_record),
        "savings_streak": float(streak),
        "attendance_share": _share(*attendance),
        "shg_overdue_share": _share(*group_loans),
        "months_of_history": float(on_record),
    }


def features_of(history: CreditHistory) -> dict[str, float | None]:
    """The characteristics, from the last 12 months of the grid where they look back."""
    savings, attendance, shg = history.savings, history.attendance, history.shg
    return characteristics(
        [c for loan in history.loans for c in loan.grid[-12:] if c is not None],
        (savings.months_saved, savings.months_in_window, savings.longest_streak),
        (attendance.present, attendance.meetings),
        (shg.loans_overdue, shg.loans_running),
    )


def _repaid_instalments(history: CreditHistory) -> int:
    """Months of running loans with nothing overdue: instalments she has met."""
    return sum(1 for loan in history.loans for c in loan.grid if c == 0)


def _months(count: int) -> str:
    return f"{count} month" if count == 1 else f"{count} months"


def _missing(history: CreditHistory) -> list[str]:
    missing = []
    months = history.savings.months_in_window
    if months < MIN_HISTORY_MONTHS:
        missing.append(f"{_months(months)} of record with her group; {MIN_HISTORY_MONTHS} needed")
    met = _repaid_instalments(history)
    if history.loans and met < MIN_REPAID_INSTALMENTS and months < MIN_HISTORY_MONTHS:
        missing.append(f"{met} months of loan repayment on time; {MIN_REPAID_INSTALMENTS} needed")
    return missing


def _suggested_loan(history: CreditHistory, score: int | None) -> tuple[int, str]:
    if score is None:
        return 0, "no suggestion until her record is long enough to score"
    multiple = next((m for floor, m in LOAN_MULTIPLE_BY_SCORE if score >= floor), 0)
    if multiple == 0:
        return 0, f"a score of {score} is below {LOAN_MULTIPLE_BY_SCORE[-1][0]}"
    owed = sum(loan.outstanding_paise for loan in history.loans)
    amount = min(history.savings.balance_paise * multiple - owed, INDIVIDUAL_LOAN_CAP_PAISE)
    amount = max(amount, 0) // ROUND_DOWN_TO_PAISE * ROUND_DOWN_TO_PAISE
    return amount, (
        f"{multiple} times her savings of {format_inr(history.savings.balance_paise)}"
        f" for a score of {score}, less {format_inr(owed)} she owes,"
        f" at most {format_inr(INDIVIDUAL_LOAN_CAP_PAISE)}"
    )


def _subvention(session: Session, history: CreditHistory) -> list[str]:
    shg = session.get_one(Institution, history.member.shg_id)
    loans = session.scalars(
        select(Facility).where(Facility.borrower_id == shg.id, Facility.fund == "bank")
    ).all()
    if not loans:
        return ["her SHG has no bank loan on these books"]
    as_of = history.as_of
    year_start = date(as_of.year if as_of.month >= 4 else as_of.year - 1, 4, 1)
    lines = []
    for loan in loans:
        try:
            category = subvention.district_category(session, shg, as_of)
            prompt = subvention.is_prompt(session, loan, year_start, as_of)
        except DomainError as error:
            lines.append(f"bank loan {loan.id}: cannot tell ({error.detail})")
            continue
        incentive = (
            "and the prompt-repayment incentive" if prompt else "but not the prompt incentive"
        )
        lines.append(
            f"bank loan {loan.id}: interest subvention in a category {category} district,"
            f" {incentive} (repayment this year so far"
            f" {'prompt' if prompt else 'not prompt'})"
        )
    return lines


def readiness(session: Session, history: CreditHistory, by: str) -> Readiness:
    """Score her (or say what is missing), explain it, and store it."""
    values = features_of(history)
    missing = _missing(history)
    trained = active_model(session)
    model = trained[0] if trained else expert.NAME
    if missing:
        score, probability, reasons = None, None, []
    elif trained is not None:
        import pandas as pd  # only with a trained model, which needs it anyway

        row = pd.DataFrame([{name: values[name] for name in FEATURE_NAMES}], dtype=float)
        score = trained[1].score(row)[0]
        probability = float(trained[1].probability(row)[0])
        reasons = [BY_NAME[name].reason for name in trained[1].reasons(row)[0]]
    else:
        scored = expert.expert_score(values)
        score, probability = scored.score, scored.probability_bad
        lost = sorted(
            ((points, name) for name, points in scored.shortfall.items() if points > 0),
            reverse=True,
        )
        reasons = [BY_NAME[name].reason for _, name in lost[:4]]
    amount, why = _suggested_loan(history, score)
    result = Readiness(
        model,
        score,
        probability,
        reasons,
        missing,
        values,
        Eligibility(amount, why, _subvention(session, history)),
    )
    session.add(
        CreditScore(
            member_id=history.member.id,
            as_of=history.as_of,
            model=result.model,
            score=score,
            inputs={name: values[name] for name in FEATURE_NAMES},
            reasons=reasons or missing,
            scored_at=utcnow(),
            scored_by=by,
        )
    )
    session.flush()
    return result
