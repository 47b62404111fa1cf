"""The score scale: 600 points at odds of 50 good to 1 bad, 20 points to double the odds
(DOMAIN.md), kept between 300 and 900. Scores and probabilities are not money: floats here
are fine; they are rounded to whole points once, at the end."""

from __future__ import annotations

import math

BASE_SCORE = 600
BASE_ODDS = 50.0
POINTS_TO_DOUBLE_ODDS = 20
LOWEST, HIGHEST = 300, 900
FACTOR = POINTS_TO_DOUBLE_ODDS / math.log(2)
OFFSET = BASE_SCORE - FACTOR * math.log(BASE_ODDS)


def score_of(probability_bad: float) -> int:
    """Whole points for a probability of going 90+ days past due."""
    p = min(max(probability_bad, 1e-9), 1 - 1e-9)
    points = OFFSET + FACTOR * math.log((1 - p) / p)
    return int(min(max(round(points), LOWEST), HIGHEST))


def probability_of(score: float) -> float:
    """The probability a score stands for (the inverse of `score_of`, before clipping)."""
    odds = math.exp((score - OFFSET) / FACTOR)
    return 1 / (1 + odds)
