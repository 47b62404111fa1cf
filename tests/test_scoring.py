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


def _missing_and_special(rows: int, seed: int):
    """A risk column `x` (more of it, more risk: about 23% bad), missing in 15% of rows that
    are 70% bad, and the special code -1 ("not applicable") in 10% of rows that are 5% bad;
    `noise` carries nothing."""
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(seed)
    x = rng.normal(size=rows)
    bad = rng.random(rows) < 1 / (1 + np.exp(1.5 - x))
    kind = rng.random(rows)
    missing, special = kind < 0.15, (kind >= 0.15) & (kind < 0.25)
    bad[missing] = rng.random(int(missing.sum())) < 0.70
    bad[special] = rng.random(int(special.sum())) < 0.05
    x[missing], x[special] = np.nan, -1.0
    return pd.DataFrame({"x": x, "noise": rng.normal(size=rows), "bad": bad.astype(int)})


def test_missing_and_special_values_score_as_their_own_bins():
    """Rows missing `x` are 70% bad: their calibrated probability must be 0.70 within 0.05
    (their bin's observed rate, not the average 0.3 a weight of evidence of 0 gives); rows
    with the special code are 5% bad: 0.05 within 0.03. Tolerances are about four standard
    errors of the rates on 1,500 and 1,000 scored rows."""
    spec = Spec("bad", ["x", "noise"], monotonic={"x": "ascending"}, special_codes=(-1.0,))
    card = fit_scorecard(_missing_and_special(20_000, 1), spec, _missing_and_special(6_000, 2))
    later = _missing_and_special(10_000, 3)
    probability = card.probability(later)
    missing, special = later["x"].isna().to_numpy(), (later["x"] == -1.0).to_numpy()
    assert abs(later["bad"][missing].mean() - 0.70) < 0.05  # the planted rate, as drawn
    assert abs(probability[missing].mean() - 0.70) < 0.05
    assert abs(probability[special].mean() - 0.05) < 0.03
    # Every row of a bin scores alike, and a missing value scores below the average member.
    assert probability[missing].std() < 0.02
    assert max(card.score(later[missing].head(5))) < min(card.score(later[special].head(5)))


def test_adverse_impact_judges_only_groups_large_enough():
    """Approval at 600. District A: 100 members, 70 approved (0.70); B: 50, 40 approved
    (0.80, the best); C: 20 members, none approved; D: 40 members, 3 approved. A's ratio is
    0.70 / 0.80 = 0.875. C (under 30 members) and D (under 5 approvals) are too small to
    judge: neither passed nor failed. (Judged as before, C's ratio of 0 failed the gate.)"""
    from scoring.validation import GroupMinimum, validate

    sizes = {"A": (100, 70), "B": (50, 40), "C": (20, 0), "D": (40, 3)}
    scores, groups = [], []
    for name, (members, approved) in sizes.items():
        scores += [650] * approved + [550] * (members - approved)
        groups += [name] * members
    y = [int(s < 600) for s in scores]
    p = [0.2 if s < 600 else 0.02 for s in scores]
    result = validate(y, p, scores, {"district": groups})
    assert result.adverse_impact == {"district": {"A": pytest.approx(0.875), "B": 1.0}}
    assert result.adverse_impact_ratio == pytest.approx(0.875)
    assert result.too_small == {
        "district": {
            "C": "too small to judge: 20 members, 0 approved (at least 30 members and 5 approvals)",
            "D": "too small to judge: 40 members, 3 approved (at least 30 members and 5 approvals)",
        }
    }
    assert not any(f.startswith("adverse_impact") for f in result.failures)
    # With a lower minimum D is judged: 0.075 / 0.80 fails the gate.
    lower = validate(y, p, scores, {"district": groups}, minimum=GroupMinimum(30, 3))
    assert lower.adverse_impact["district"]["D"] == pytest.approx(0.09375)
    assert any(f.startswith("adverse_impact_ratio 0.094") for f in lower.failures)
    # Nothing large enough to compare: the gate is not judged, rather than passed.
    tiny = validate(
        y[:170], p[:170], scores[:170], {"district": groups[:170]}, minimum=GroupMinimum(200, 5)
    )
    assert tiny.adverse_impact_ratio is None
    assert tiny.not_judged == ["adverse_impact_ratio: no two groups large enough to compare"]


def test_the_group_minimum_settings_default_to_the_engines():
    from config import BaseConfig
    from scoring.validation import GroupMinimum

    assert (
        (BaseConfig.ADVERSE_IMPACT_MIN_MEMBERS, BaseConfig.ADVERSE_IMPACT_MIN_APPROVALS)
        == (
            GroupMinimum().members,
            GroupMinimum().approvals,
        )
        == (30, 5)
    )
