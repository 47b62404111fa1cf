"""The score scale, the expert scorecard, and the generic scorecard engine on planted data:
it must find the relation (AUC out of time), keep every constrained characteristic monotonic,
and be calibrated."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from sklearn.metrics import roc_auc_score

from scoring.expert import expert_score
from scoring.features import FEATURES
from scoring.scale import HIGHEST, LOWEST, probability_of, score_of
from scoring.scorecard import Spec, fit_scorecard
from scoring.synthetic import synthetic_members

SPEC = Spec(
    "bad",
    [f.name for f in FEATURES],
    monotonic={f.name: "descending" if f.better == "higher" else "ascending" for f in FEATURES},
)


def test_the_scale_is_600_at_50_to_1_and_20_points_double_the_odds():
    assert score_of(1 / 51) == 600
    assert score_of(1 / 101) == 620
    assert score_of(1 / 26) == 580
    assert all(score_of(probability_of(s)) == s for s in range(LOWEST, HIGHEST + 1))


values = st.fixed_dictionaries(
    {
        "on_time_share": st.one_of(st.none(), st.floats(0, 1)),
        "worst_days_past_due": st.one_of(st.none(), st.floats(0, 400)),
        "savings_regularity": st.floats(0, 1),
        "savings_streak": st.floats(0, 60),
        "attendance_share": st.floats(0, 1),
        "shg_overdue_share": st.floats(0, 1),
        "months_of_history": st.floats(6, 120),
    }
)


@given(values, st.sampled_from(FEATURES), st.floats(0, 1))
def test_expert_score_never_falls_when_a_characteristic_gets_better(row, feature, step):
    if row[feature.name] is None:
        return
    better = dict(row)
    better[feature.name] = row[feature.name] + step * (1 if feature.better == "higher" else -1)
    better[feature.name] = max(better[feature.name], 0)
    assert expert_score(better).score >= expert_score(row).score


def test_expert_points_worked_by_hand():
    perfect = {
        "on_time_share": 1.0,
        "worst_days_past_due": 0,
        "savings_regularity": 1.0,
        "savings_streak": 24,
        "attendance_share": 0.9,
        "shg_overdue_share": 0.0,
        "months_of_history": 30,
    }
    assert expert_score(perfect).score == 600 + 40 + 20 + 35 + 20 + 15 + 10 + 15
    poor = perfect | {"on_time_share": 0.4, "worst_days_past_due": 120, "savings_regularity": 0.5}
    scored = expert_score(poor)
    assert scored.score == 600 - 60 - 90 - 10 + 20 + 15 + 10 + 15
    assert sorted(scored.shortfall.items(), key=lambda kv: -kv[1])[0] == (
        "worst_days_past_due",
        110,
    )


@pytest.fixture(scope="module")
def card():
    return fit_scorecard(synthetic_members(6000, seed=1), SPEC)


def test_the_engine_finds_the_planted_relation_out_of_time(card):
    later = synthetic_members(3000, seed=2, drift=0.1)
    assert roc_auc_score(later["bad"], card.probability(later)) >= 0.75


def test_probabilities_are_calibrated(card):
    held_out = synthetic_members(4000, seed=3)
    predicted = card.probability(held_out)
    assert abs(predicted.mean() - held_out["bad"].mean()) < 0.02


@pytest.mark.parametrize("feature", [f for f in FEATURES])
def test_scores_are_monotonic_in_every_constrained_characteristic(card, feature):
    base = synthetic_members(200, seed=4)
    low, high = base[feature.name].quantile(0.05), base[feature.name].quantile(0.95)
    grid = [low + (high - low) * i / 10 for i in range(11)]
    for _, row in base.head(20).iterrows():
        rows = pd.DataFrame([row.to_dict() | {feature.name: v} for v in grid])
        scores = card.score(rows)
        if feature.better == "lower":
            scores = scores[::-1]
        assert scores == sorted(scores), (feature.name, scores)


def test_reasons_name_what_cost_the_most_points(card):
    strong = synthetic_members(1, seed=5).assign(
        on_time_share=1.0, savings_regularity=1.0, savings_streak=40.0, shg_overdue_share=0.0
    )
    weak_saver = strong.assign(savings_regularity=0.1, savings_streak=1.0)
    [reasons] = card.reasons(weak_saver)
    assert reasons[0] in ("savings_regularity", "savings_streak")
    assert card.score(weak_saver)[0] < card.score(strong)[0]


def test_the_engine_takes_categorical_columns_and_missing_values():
    table = synthetic_members(3000, seed=6)
    table.loc[table.index[:300], "attendance_share"] = None
    spec = Spec("bad", ["on_time_share", "attendance_share"], ["district"])
    fitted = fit_scorecard(table, spec)
    scores = fitted.score(table.head(10))
    assert all(LOWEST <= s <= HIGHEST for s in scores)
