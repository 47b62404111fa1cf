"""Synthetic members at the level of characteristics, with planted behaviour: a hidden
discipline drives how regularly each saves, attends and repays, and whether she goes 90+ days
past due in the next 12 months. Used to check the scorecard engine end to end (the planted
relation must be found, monotonic and calibrated) without building ledgers. Seeded, so the
same call gives the same table."""

from __future__ import annotations

import numpy as np
import pandas as pd

DISTRICTS = ("Ranchi", "Gumla", "Khunti", "Lohardaga")
SOCIAL_CATEGORIES = ("SC", "ST", "OBC", "General")


def synthetic_members(count: int, seed: int = 7, drift: float = 0.0) -> pd.DataFrame:
    """`drift` shifts discipline down (a later, harder period) for out-of-time checks."""
    rng = np.random.default_rng(seed)
    discipline = rng.normal(-drift, 1.0, count)
    months = rng.integers(6, 60, count)

    def share(weight: float, noise: float) -> np.ndarray:
        return np.asarray(1 / (1 + np.exp(-(weight * discipline + rng.normal(0, noise, count)))))

    has_loan = rng.uniform(0, 1, count) < 0.8
    on_time = np.where(has_loan, np.clip(share(2.0, 0.8) * 1.05, 0, 1), np.nan)
    worst = np.where(
        has_loan, np.round(np.clip(rng.exponential(12, count) * (1.6 - on_time), 0, 240)), np.nan
    )
    table = pd.DataFrame(
        {
            "on_time_share": on_time,
            "worst_days_past_due": worst,
            "savings_regularity": share(1.5, 0.7),
            "savings_streak": np.minimum(months, np.round(share(1.5, 0.7) * months)),
            "attendance_share": share(1.0, 1.0),
            "shg_overdue_share": np.clip(rng.beta(1.5, 8, count) - 0.05 * discipline, 0, 1),
            "months_of_history": months.astype(float),
            "district": rng.choice(DISTRICTS, count),
            "social_category": rng.choice(SOCIAL_CATEGORIES, count),
        }
    )
    risk = -3.6 - 1.6 * discipline + 0.4 * table["shg_overdue_share"].to_numpy() * 5
    table["bad"] = (rng.uniform(0, 1, count) < 1 / (1 + np.exp(-risk))).astype(int)
    return table
