"""The expert scorecard: points by hand, used until enough outcomes exist to train a model.

Every characteristic adds or takes away points from 600, on the same 300-900 scale a trained
scorecard uses. The points follow field practice for SHG members and are monotonic by
construction: a better value never earns fewer points. A missing value (no loan yet) earns
zero points for that characteristic.

**Not calibrated.** The points were set by hand, not fitted to outcomes: the score ranks
members, but the odds its scale names (600 at 50:1) are not a probability of default. It is
shown as an *expert score* with these points (API, web page, PDF profile), never as a
probability, until a trained model that passed its gates is activated
(`app/services/credit/scoring_models.py`).

Points by characteristic (value bands, lowest first):

- on_time_share, last 12 months of running loans: <0.50 -60, <0.80 -20, <0.95 +15, else +40
- worst_days_past_due, last 12 months: 0 +20, 1-30 0, 31-90 -40, over 90 -90
- savings_regularity, months saved / months on record: <0.40 -35, <0.70 -10, <0.90 +15,
  else +35
- savings_streak, months: <3 -10, <6 0, <12 +10, else +20
- attendance_share, last 12 months: <0.50 -15, <0.80 0, else +15
- shg_overdue_share, her group's loans overdue: up to 0.10 +10, up to 0.30 0, more -20
- months_of_history: <12 0, <24 +5, else +15
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from scoring.features import FEATURE_NAMES
from scoring.scale import BASE_SCORE, HIGHEST, LOWEST

NAME = "expert-scorecard-1"

# (upper bound exclusive, points) in increasing order of the value; the last band has no bound.
Bands = tuple[tuple[float | None, int], ...]
POINTS: dict[str, Bands] = {
    "on_time_share": ((0.50, -60), (0.80, -20), (0.95, 15), (None, 40)),
    "worst_days_past_due": ((1, 20), (31, 0), (91, -40), (None, -90)),
    "savings_regularity": ((0.40, -35), (0.70, -10), (0.90, 15), (None, 35)),
    "savings_streak": ((3, -10), (6, 0), (12, 10), (None, 20)),
    "attendance_share": ((0.50, -15), (0.80, 0), (None, 15)),
    "shg_overdue_share": ((0.10001, 10), (0.30001, 0), (None, -20)),
    "months_of_history": ((12, 0), (24, 5), (None, 15)),
}


@dataclass(frozen=True)
class ExpertScore:
    score: int  # BASE_SCORE plus the points, kept within LOWEST..HIGHEST
    points: dict[str, int]  # each characteristic's points
    shortfall: dict[str, int]  # how far each is below the best it could earn


def _points(bands: Bands, value: float) -> int:
    for bound, points in bands:
        if bound is None or value < bound:
            return points
    raise AssertionError("the last band has no bound")


def expert_score(values: Mapping[str, float | None]) -> ExpertScore:
    points: dict[str, int] = {}
    shortfall: dict[str, int] = {}
    for name in FEATURE_NAMES:
        value = values.get(name)
        bands = POINTS[name]
        best = max(p for _, p in bands)
        earned = 0 if value is None else _points(bands, value)
        points[name] = earned
        shortfall[name] = best - earned if value is not None else 0
    raw = BASE_SCORE + sum(points.values())
    score = min(max(raw, LOWEST), HIGHEST)
    return ExpertScore(score, points, shortfall)
