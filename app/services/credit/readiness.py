"""Credit readiness: a member's characteristics from her history, her score (or "insufficient
history" and what is missing), the reasons in words she can be told, and what she may be
eligible for. Every score is stored with the model that made it and its inputs, so a past
score can always be explained.

Until a trained model is activated, the expert scorecard (scoring/expert.py) scores; every
score says which model made it and what kind of score it is. The expert scorecard is not
calibrated, so its score is shown as an *expert score* with its points, never as a
probability of default; only an active trained model (validated, calibrated, through its
gates) gives a probability.

Insufficient history (no score, and what is missing): under 6 months of record with her
group, or, where she has borrowed, under 6 instalments of her loans fallen due by the day of
the score, paid or not: too few repayments to judge how she repays.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.services.capital import subvention
from app.services.credit.credit_history import CreditHistory, shg_of
from app.services.shared.errors import DomainError
from app.services.shared.model_store import active_model
from models.base import utcnow
from models.capital import Facility
from models.credit import CreditScore
from models.loans import LoanInstalment
from models.money import format_inr
from scoring import expert
from scoring.features import BY_NAME, FEATURE_NAMES, MIN_HISTORY_MONTHS, MIN_INSTALMENTS_DUE
from scoring.scale import BASE_SCORE, HIGHEST, LOWEST

EXPERT, TRAINED = "expert", "trained"

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
class Points:
    """What one characteristic added to an expert score, and from which value."""

    characteristic: str
    words: str
    value: float | None  # None: nothing to judge (no loan yet), zero points
    points: int


@dataclass(frozen=True)
class OfficerReason:
    """Why her score is not higher, written for the loan officer, with the points it cost: an
    expert score's shortfall from the best band of that characteristic (None for a trained
    model, whose reasons come ranked without points)."""

    words: str
    points_lost: int | None


@dataclass(frozen=True)
class Readiness:
    model: str
    kind: str  # EXPERT (points by hand, not calibrated) or TRAINED (a validated model)
    score: int | None  # None: insufficient history
    probability_bad: float | None  # only from a trained, calibrated model
    points: list[Points] | None  # an expert score's points, from BASE_SCORE
    reasons: list[str]
    missing: list[str]  # for a thin file: what her record still needs
    features: dict[str, float | None]
    eligibility: Eligibility
    for_officer: list[OfficerReason] = field(default_factory=list)  # the reasons, for her

    base_score = BASE_SCORE  # where an expert score's points start
    lowest, highest = LOWEST, HIGHEST

    @property
    def title(self) -> str:
        return "Expert score" if self.kind == EXPERT else "Model score"

    @property
    def note(self) -> str:
        """What the score is, in a line a loan officer reads beside it."""
        if self.kind == EXPERT:
            return (
                f"points set by hand from {BASE_SCORE}, not calibrated:"
                " not a probability of default"
            )
        if self.probability_bad is None:
            return f"model {self.model}"
        return (
            f"model {self.model}, calibrated: {self.probability_bad:.1%} chance of 90 or more"
            " days past due within 12 months"
        )


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
        "worst_days_past_due": float(max(recent)) if recent else None,  # not money: days
        "savings_regularity": _share(saved, on_record),
        "savings_streak": float(streak),  # not money: a count of months
        "attendance_share": _share(*attendance),
        "shg_overdue_share": _share(*group_loans),
        "months_of_history": float(on_record),  # not money: a count of months
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


def instalments_due(session: Session, history: CreditHistory) -> int:
    """Instalments of her loans (those in her history) fallen due by the history's day."""
    loan_ids = [loan.loan_id for loan in history.loans]
    if not loan_ids:
        return 0
    return (
        session.scalar(
            select(func.count())
            .select_from(LoanInstalment)
            .where(
                LoanInstalment.loan_id.in_(loan_ids),
                LoanInstalment.state_code == history.member.state_code,
                LoanInstalment.due_on <= history.as_of,
            )
        )
        or 0
    )


def _months(count: int) -> str:
    return f"{count} month" if count == 1 else f"{count} months"


def _missing(session: Session, history: CreditHistory) -> list[str]:
    missing = []
    months = history.savings.months_in_window
    if months < MIN_HISTORY_MONTHS:
        missing.append(f"{_months(months)} of record with her group; {MIN_HISTORY_MONTHS} needed")
    if history.loans:
        due = instalments_due(session, history)
        if due < MIN_INSTALMENTS_DUE:
            instalments = "instalment" if due == 1 else "instalments"
            missing.append(
                f"{due} {instalments} of her loans fallen due; {MIN_INSTALMENTS_DUE} needed"
            )
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
    shg = shg_of(session, history.member)
    loans = session.scalars(
        select(Facility).where(
            Facility.borrower_id == shg.id,
            Facility.state_code == shg.state_code,
            Facility.fund == "bank",
        )
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
    missing = _missing(session, history)
    trained = active_model(session)
    model = trained[0] if trained else expert.NAME
    points: list[Points] | None = None
    score: int | None
    probability: float | None
    for_officer: list[OfficerReason] = []
    if missing:
        score, probability, reasons = None, None, []
    elif trained is not None:
        import pandas as pd  # only with a trained model, which needs it anyway

        row = pd.DataFrame([{name: values[name] for name in FEATURE_NAMES}], dtype=float)
        score = trained[1].score(row)[0]
        probability = float(trained[1].probability(row)[0])  # not money: a probability
        named = trained[1].reasons(row)[0]
        reasons = [BY_NAME[name].reason for name in named]
        for_officer = [OfficerReason(BY_NAME[name].officer, None) for name in named]
    else:
        scored = expert.expert_score(values)
        score, probability = scored.score, None  # not calibrated: no probability
        points = [
            Points(name, BY_NAME[name].words, values[name], scored.points[name])
            for name in FEATURE_NAMES
        ]
        lost = sorted(
            ((short, name) for name, short in scored.shortfall.items() if short > 0),
            reverse=True,
        )
        reasons = [BY_NAME[name].reason for _, name in lost[:4]]
        for_officer = [OfficerReason(BY_NAME[name].officer, short) for short, name in lost[:4]]
    amount, why = _suggested_loan(history, score)
    result = Readiness(
        model,
        TRAINED if trained is not None else EXPERT,
        score,
        probability,
        points,
        reasons,
        missing,
        values,
        Eligibility(amount, why, _subvention(session, history)),
        for_officer,
    )
    session.add(
        CreditScore(
            member_id=history.member.id,
            state_code=history.member.state_code,
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
