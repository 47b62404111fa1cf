"""A generic scorecard engine: fit, score and explain a weight-of-evidence binned logistic
scorecard on any table of features with a binary outcome.

    card = fit_scorecard(train, Spec(target="bad", numeric=[...], categorical=[...],
                                     monotonic={"on_time_share": "descending"}),
                         calibration=calibration_rows)
    card.score(rows); card.probability(rows); card.reasons(rows)

- Each column is binned by optbinning with the event-rate trend it is given (``"ascending"``:
  more of it, more risk; ``"descending"``: less risk); missing values get a bin of their own,
  and so do the spec's special codes; categorical columns are binned by their categories.
- A missing or special value is scored with the weight of evidence of its own bin
  (optbinning's ``metric_missing="empirical"``, ``metric_special="empirical"``), in fitting and
  in scoring: a column missing mostly for bad rows marks risk. (optbinning's default, 0, would
  score every missing value as average risk.) An empty missing bin has a weight of 0.
  Models stored before this rule keep the treatment they were validated with.
- A logistic regression is fitted on the weights of evidence. A column whose coefficient would
  turn its trend around is dropped and the model refitted, so the score is monotonic in every
  constrained column (the binning is monotonic, and every coefficient keeps its sign).
- Probabilities are calibrated (Platt, on rows the model did not see: a monotonic map, so the
  ordering and the constraints survive) and scaled to points (scoring.scale).
- Reasons: the columns whose bins earned the fewest points compared with the best bin of the
  same column, i.e. what lowered the score most.

Works on public credit data as well as on Bahi's features; nothing here knows about SHGs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from optbinning import BinningProcess
from sklearn.calibration import CalibratedClassifierCV
from sklearn.frozen import FrozenEstimator
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline

from scoring.scale import FACTOR, score_of
from scoring.spec import Spec

__all__ = ["Scorecard", "Spec", "fit_scorecard"]  # Spec: where callers have always found it

# Missing and special values take their own bin's weight of evidence, not 0 (average risk).
OWN_BIN = {"metric_missing": "empirical", "metric_special": "empirical"}


@dataclass
class Scorecard:
    spec: Spec
    columns: list[str]  # those kept after the sign check
    pipeline: Pipeline  # binning (to WoE) then logistic regression
    calibrated: CalibratedClassifierCV
    dropped: list[str]

    def _frame(self, rows: pd.DataFrame) -> pd.DataFrame:
        return rows[self.columns]

    def probability(self, rows: pd.DataFrame) -> np.ndarray[Any, np.dtype[np.float64]]:
        """Calibrated probability of the event (bad) for each row."""
        return np.asarray(self.calibrated.predict_proba(self._frame(rows))[:, 1], dtype=float)

    def score(self, rows: pd.DataFrame) -> list[int]:
        return [score_of(float(p)) for p in self.probability(rows)]

    def contributions(self, rows: pd.DataFrame) -> pd.DataFrame:
        """Points each kept column adds for each row (before calibration): the larger, the
        better. A column's best bin is where its points are highest."""
        binning: BinningProcess = self.pipeline.named_steps["binning"]
        woe = pd.DataFrame(
            binning.transform(self._frame(rows), metric="woe"),
            columns=self.columns,
            index=rows.index,
        )
        coefficients = _coefficients(self.pipeline, self.columns)
        # log-odds of bad = b0 + sum(c * woe); points are FACTOR × log-odds of good.
        return pd.DataFrame({c: -FACTOR * coefficients[c] * woe[c] for c in self.columns})

    def best_points(self) -> dict[str, float]:
        """The most points each kept column can add: from the WoE of its bins."""
        binning: BinningProcess = self.pipeline.named_steps["binning"]
        coefficients = _coefficients(self.pipeline, self.columns)
        best = {}
        for column in self.columns:
            table = binning.get_binned_variable(column).binning_table.build(show_digits=8)
            woes = pd.to_numeric(table["WoE"].iloc[:-1], errors="coerce").dropna()
            best[column] = float(max(-FACTOR * coefficients[column] * w for w in woes))
        return best

    def reasons(self, rows: pd.DataFrame, top: int = 4) -> list[list[str]]:
        """For each row, up to `top` columns that cost it the most points, worst first."""
        points = self.contributions(rows)
        best = self.best_points()
        out = []
        for _, row in points.iterrows():
            lost = sorted(((best[c] - float(row[c]), c) for c in self.columns), reverse=True)
            out.append([c for shortfall, c in lost[:top] if shortfall > 0.5])
        return out


def _pipeline(spec: Spec, columns: list[str]) -> Pipeline:
    categorical = [c for c in spec.categorical if c in columns]
    binning = BinningProcess(
        variable_names=columns,
        categorical_variables=categorical or None,
        selection_criteria=None,
        special_codes=list(spec.special_codes) or None,
        binning_fit_params={
            c: {"monotonic_trend": trend} for c, trend in spec.monotonic.items() if c in columns
        }
        or None,
        binning_transform_params={c: OWN_BIN for c in columns},
        max_n_bins=spec.max_bins,
    )
    return Pipeline([("binning", binning), ("model", LogisticRegression(C=1.0, max_iter=1000))])


def _coefficients(pipeline: Pipeline, columns: list[str]) -> dict[str, float]:
    model: LogisticRegression = pipeline.named_steps["model"]
    return dict(zip(columns, (float(c) for c in model.coef_[0]), strict=True))


def _wrong_signs(pipeline: Pipeline, columns: list[str]) -> list[str]:
    """optbinning's weight of evidence is log(share of non-events / share of events) in the
    bin, so riskier bins have lower WoE and a regression of the event on WoE must give each
    column a negative coefficient. A column whose coefficient came out otherwise would turn
    its binned trend around: those are the ones to drop."""
    return [c for c, value in _coefficients(pipeline, columns).items() if value >= 0]


def fit_scorecard(
    train: pd.DataFrame, spec: Spec, calibration: pd.DataFrame | None = None
) -> Scorecard:
    """Fit on `train`; calibrate on `calibration` (rows the model has not seen), or on a
    held-back fifth of `train` when none is given."""
    if calibration is None:
        shuffled = train.sample(frac=1.0, random_state=7)
        cut = int(len(shuffled) * 0.8)
        train, calibration = shuffled.iloc[:cut], shuffled.iloc[cut:]
    columns = list(spec.columns)
    dropped: list[str] = []
    while True:
        pipeline = _pipeline(spec, columns)
        pipeline.fit(train[columns], train[spec.target].to_numpy())
        wrong = _wrong_signs(pipeline, columns)
        if not wrong:
            break
        dropped += wrong
        columns = [c for c in columns if c not in wrong]
        if not columns:
            raise ValueError("no column has a usable relation to the outcome")
    outcomes = calibration[spec.target].to_numpy()
    fewest = int(min((outcomes == 1).sum(), (outcomes == 0).sum()))
    if fewest < 2:
        raise ValueError("too few good or bad outcomes to calibrate on")
    # The frozen model is not refitted: the folds only gather its predictions, so they need
    # be no more than the rarer outcome has rows.
    folds = min(5, fewest)
    calibrated = CalibratedClassifierCV(FrozenEstimator(pipeline), method="sigmoid", cv=folds)
    calibrated.fit(calibration[columns], outcomes)
    return Scorecard(spec, columns, pipeline, calibrated, dropped)
