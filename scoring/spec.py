"""What a scorecard is fitted on: its outcome, its columns and the trends they must keep.

Apart from the engine (scoring.scorecard) so that naming a model's columns does not import
scikit-learn, optbinning and pandas: the app's start-up stays fast, the engine loads when a
model is fitted or used.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Trend = Literal["ascending", "descending"]


@dataclass(frozen=True)
class Spec:
    target: str
    numeric: list[str]
    categorical: list[str] = field(default_factory=list)
    # The event (bad) rate's trend as the column grows, for columns that must be monotonic.
    monotonic: dict[str, Trend] = field(default_factory=dict)
    max_bins: int = 6
    # Values that mean something other than an amount ("not applicable"): binned apart, like
    # missing values, each scored by its own bin's weight of evidence. A tuple default, so a
    # model pickled before this field existed still reads it (as none).
    special_codes: tuple[float, ...] = ()

    @property
    def columns(self) -> list[str]:
        return [*self.numeric, *self.categorical]
