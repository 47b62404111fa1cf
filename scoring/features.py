"""The characteristics a readiness score is built from, what each means in plain words, and
which way is better. A member's values are computed from her credit history
(`app/services/credit/readiness.py`); nothing here reads the database.

Caste and religion are never characteristics: they are only used to check scores for fair
treatment across groups (`scoring.validation.adverse_impact`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Better = Literal["higher", "lower"]


@dataclass(frozen=True)
class Feature:
    name: str
    better: Better  # which way lowers the risk: the score never moves against it
    reason: str  # said to her when this characteristic lowered her score
    words: str  # what it is, for a points table
    officer: str  # the same reason, written for the bank's loan officer


FEATURES: tuple[Feature, ...] = (
    Feature(
        "on_time_share",
        "higher",
        "Some of your loan instalments were paid late in the last 12 months.",
        "Instalments on time, last 12 months",
        "Some of her loan instalments were paid late in the last 12 months.",
    ),
    Feature(
        "worst_days_past_due",
        "lower",
        "A loan instalment was overdue for many days in the last 12 months.",
        "Most days past due, last 12 months",
        "One of her instalments was overdue for many days in the last 12 months.",
    ),
    Feature(
        "savings_regularity",
        "higher",
        "You did not save in every month.",
        "Months saved of months on record",
        "She did not save in every month she has been in the group.",
    ),
    Feature(
        "savings_streak",
        "higher",
        "Your longest run of monthly savings without a break is short.",
        "Longest run of monthly savings",
        "Her longest run of monthly savings without a break is short.",
    ),
    Feature(
        "attendance_share",
        "higher",
        "You missed several of your group's meetings in the last year.",
        "Meetings attended, last 12 months",
        "She missed several of her group's meetings in the last 12 months.",
    ),
    Feature(
        "shg_overdue_share",
        "lower",
        "Several members of your group are behind on their loans.",
        "Her group's loans overdue",
        "Several members of her group are behind on their loans.",
    ),
    Feature(
        "months_of_history",
        "higher",
        "Your record with the group is still short.",
        "Months on record",
        "Her record with the group is still short.",
    ),
)
FEATURE_NAMES = tuple(f.name for f in FEATURES)
BY_NAME = {f.name: f for f in FEATURES}

# Below these, a member has "insufficient history" rather than a score (DOMAIN.md: under ~6
# months or ~6 instalments): months of record with her group, and, where she has borrowed,
# instalments of her loans fallen due (repayments there were to judge, paid or not).
MIN_HISTORY_MONTHS = 6
MIN_INSTALMENTS_DUE = 6
