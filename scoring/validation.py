"""How good a scorecard is, on data it did not see, and whether it may be released.

Release gates (issue 5), computed on out-of-time data and written to the model card:
AUC ≥ 0.70, KS ≥ 0.25, calibration slope 0.8–1.2, score PSI < 0.10 against the previous
model, and an adverse impact ratio ≥ 0.8 across districts and social categories (the share of
each group scoring at or above the approval cut-off, over the best group's share).

Adverse impact is judged only on groups large enough to say something: at least
`GroupMinimum.members` members (30) and `GroupMinimum.approvals` approvals (5), settings
`BAHI_ADVERSE_IMPACT_MIN_MEMBERS` and `BAHI_ADVERSE_IMPACT_MIN_APPROVALS` (config.py). A smaller
group is reported as "too small to judge", neither passing nor failing the gate, and is left
out of the best group's share; a column with fewer than two groups large enough compares
nothing. With no group judged anywhere the gate is "not judged" (listed on the card), not
passed. The minimum is a setting, not a rule from a source: the four-fifths ratio itself
is the US EEOC's rule of thumb, and a ratio between groups of a handful of members is noise.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import brier_score_loss, roc_auc_score, roc_curve

GATES = {
    "auc": (0.70, None),
    "ks": (0.25, None),
    "calibration_slope": (0.8, 1.2),
    "psi": (None, 0.10),
    "adverse_impact_ratio": (0.8, None),
}
APPROVAL_CUTOFF = 600


@dataclass(frozen=True)
class GroupMinimum:
    """The smallest group the adverse-impact gate judges (config.py has the settings)."""

    members: int = 30
    approvals: int = 5

    def too_small(self, stats: dict[str, float]) -> str | None:
        """Why a group cannot be judged, or None when it can."""
        members, approved = int(stats["rows"]), round(stats["rows"] * stats["approved"])
        if members >= self.members and approved >= self.approvals:
            return None
        return (
            f"too small to judge: {members} members, {approved} approved"
            f" (at least {self.members} members and {self.approvals} approvals)"
        )


@dataclass
class Validation:
    rows: int
    bad_rate: float
    auc: float
    ks: float
    brier: float
    calibration_slope: float
    calibration_table: list[dict[str, float]]
    psi: float | None  # None: no previous model to compare with
    adverse_impact: dict[str, dict[str, float]]  # column → group → ratio (judged groups)
    score_distribution: dict[str, dict[str, dict[str, float]]]  # column → group → stats
    too_small: dict[str, dict[str, str]] = field(default_factory=dict)  # column → group → why
    minimum: GroupMinimum = field(default_factory=GroupMinimum)
    failures: list[str] = field(default_factory=list)
    not_judged: list[str] = field(default_factory=list)  # gates nothing could be judged on

    @property
    def adverse_impact_ratio(self) -> float | None:
        """The lowest ratio of a judged group; None when no group could be judged."""
        ratios = [r for groups in self.adverse_impact.values() for r in groups.values()]
        return min(ratios, default=None)

    def passes(self) -> bool:
        return not self.failures


def ks_statistic(y: Sequence[int], p: Sequence[float]) -> float:
    fpr, tpr, _ = roc_curve(np.asarray(y), np.asarray(p))
    return float(np.max(tpr - fpr))


def calibration_slope(y: Sequence[int], p: Sequence[float]) -> float:
    """The slope of the outcome's log-odds on the predicted log-odds: 1 is perfect, below 1
    the predictions are too extreme, above 1 too timid."""
    clipped = np.clip(np.asarray(p, dtype=float), 1e-6, 1 - 1e-6)
    logit = np.log(clipped / (1 - clipped)).reshape(-1, 1)
    model = LogisticRegression(C=1e6, max_iter=1000).fit(logit, np.asarray(y))
    return float(model.coef_[0][0])


def calibration_table(
    y: Sequence[int], p: Sequence[float], bins: int = 10
) -> list[dict[str, float]]:
    order = np.argsort(np.asarray(p))
    ys, ps = np.asarray(y)[order], np.asarray(p)[order]
    table = []
    for chunk_y, chunk_p in zip(np.array_split(ys, bins), np.array_split(ps, bins), strict=True):
        if len(chunk_y):
            table.append(
                {
                    "rows": float(len(chunk_y)),
                    "predicted": float(chunk_p.mean()),
                    "observed": float(chunk_y.mean()),
                }
            )
    return table


def psi(expected: Sequence[int], actual: Sequence[int], bins: int = 10) -> float:
    """Population stability of two score distributions, on the expected one's deciles."""
    edges = np.unique(np.quantile(np.asarray(expected), np.linspace(0, 1, bins + 1)))
    edges[0], edges[-1] = -math.inf, math.inf
    e = np.histogram(expected, edges)[0] / len(expected)
    a = np.histogram(actual, edges)[0] / len(actual)
    e, a = np.clip(e, 1e-4, None), np.clip(a, 1e-4, None)
    return float(np.sum((a - e) * np.log(a / e)))


def _by_group(scores: np.ndarray[Any, Any], groups: Sequence[Any]) -> dict[str, dict[str, float]]:
    labels = np.asarray([str(g) for g in groups])
    out = {}
    for group in sorted(set(labels)):
        s = scores[labels == group]
        out[str(group)] = {
            "rows": float(len(s)),
            "mean": float(s.mean()),
            "p10": float(np.percentile(s, 10)),
            "median": float(np.median(s)),
            "p90": float(np.percentile(s, 90)),
            "approved": float((s >= APPROVAL_CUTOFF).mean()),
        }
    return out


def _adverse_impact(
    distribution: dict[str, dict[str, dict[str, float]]], minimum: GroupMinimum
) -> tuple[dict[str, dict[str, float]], dict[str, dict[str, str]]]:
    """Each judged group's approval share over the best judged group's, per column; and the
    groups too small to judge, with why."""
    impact: dict[str, dict[str, float]] = {}
    too_small: dict[str, dict[str, str]] = {}
    for column, stats in distribution.items():
        why = {name: minimum.too_small(g) for name, g in stats.items()}
        too_small[column] = {name: w for name, w in why.items() if w is not None}
        judged = {name: g for name, g in stats.items() if why[name] is None}
        if len(judged) < 2:
            impact[column] = {}
            continue
        best = max(g["approved"] for g in judged.values())
        impact[column] = {name: g["approved"] / best for name, g in judged.items()}
    return impact, too_small


def validate(
    y: Sequence[int],
    p: Sequence[float],
    scores: Sequence[int],
    groups: dict[str, Sequence[Any]],
    previous_scores: Sequence[int] | None = None,
    minimum: GroupMinimum | None = None,
) -> Validation:
    """Every figure of the model card, and which gates fail."""
    minimum = minimum or GroupMinimum()
    s = np.asarray(scores, dtype=float)
    distribution = {column: _by_group(s, values) for column, values in groups.items()}
    impact, too_small = _adverse_impact(distribution, minimum)
    result = Validation(
        rows=len(y),
        bad_rate=float(np.mean(y)),
        auc=float(roc_auc_score(np.asarray(y), np.asarray(p))),
        ks=ks_statistic(y, p),
        brier=float(brier_score_loss(np.asarray(y), np.asarray(p))),
        calibration_slope=calibration_slope(y, p),
        calibration_table=calibration_table(y, p),
        psi=None if previous_scores is None else psi(previous_scores, scores),
        adverse_impact=impact,
        score_distribution=distribution,
        too_small=too_small,
        minimum=minimum,
    )
    if groups and result.adverse_impact_ratio is None:
        result.not_judged.append("adverse_impact_ratio: no two groups large enough to compare")
    for name, (low, high) in GATES.items():
        value = getattr(result, name)
        if value is None:
            continue
        too_low = low is not None and value < low
        # PSI must stay below its bound; the calibration slope may reach its bounds.
        too_high = high is not None and (value >= high if name == "psi" else value > high)
        if too_low or too_high:
            result.failures.append(f"{name} {value:.3f} outside the gate {low}–{high}")
    return result
