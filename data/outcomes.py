"""Positive outcome rates of every area of a level: outcomes / offences over a period,
with the exact 95% interval of each rate where one means something.

The rate and its interval follow the area profile's (`data.profiles.outcome_rates`,
`outcome_interval`): the rate is positive outcomes (charges, cautions and other
sanctions) recorded in the period divided by offences recorded in the same period; the
Clopper-Pearson interval is given only with at least 10 offences and 10 outcomes, and
not when outcomes outnumber offences (outcomes of earlier offences then dominate, so the
figure is no proportion of these offences).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from data import stats
from data.dataset import Dataset
from data.funnel import area_values
from data.periods import Period
from data.profiles import _london_total, outcome_interval, outcome_measures

COLUMNS = ("code", "offences", "outcomes", "rate", "low", "high", "no_interval", "low_count")


@dataclass(frozen=True)
class OutcomeRates:
    """`frame`: one row per area with figures for both counts, with columns code,
    offences, outcomes, rate (%), low and high (% limits of the 95% interval, NaN
    without one), no_interval (why there is none, in words; "" when there is one) and
    low_count (fewer than 10 offences or outcomes). `london_offences` and
    `london_outcomes` count every offence and outcome the MPS recorded in London over the
    same period (the unplaced ones too); `london` is their rate (%)."""

    measure: str
    level: str
    period: Period | None
    frame: pd.DataFrame
    london_offences: int = 0
    london_outcomes: int = 0

    @property
    def london(self) -> float:
        if not self.london_offences:
            return float("nan")
        return self.london_outcomes / self.london_offences * 100

    @property
    def available(self) -> bool:
        return self.period is not None and not self.frame.empty

    @property
    def by_code(self) -> pd.DataFrame:
        return self.frame.set_index("code")


def outcomes_measure(ds: Dataset, measure: str) -> str | None:
    """The positive outcomes measure of an offences measure, or None."""
    found = ds.measures.index[ds.measures["outcome_of"] == measure]
    return str(found[0]) if len(found) else None


def has_outcomes(ds: Dataset, measure: str, level: str) -> bool:
    """Whether a measure has positive outcome figures (and its offences) at a level."""
    outcomes = outcomes_measure(ds, measure)
    return outcomes is not None and ds.has_data(measure, level) and ds.has_data(outcomes, level)


def measures_with_outcomes(ds: Dataset, level: str) -> list[str]:
    return [m for m in outcome_measures(ds) if has_outcomes(ds, m, level)]


def area_outcomes(ds: Dataset, measure: str, level: str, period: str) -> OutcomeRates:
    """Every area's positive outcome rate for a view, kept in the one view cache."""
    return ds.cached(
        ("outcome-rates", measure, level, period),
        lambda: _area_outcomes(ds, measure, level, period),
    )


def _area_outcomes(ds: Dataset, measure: str, level: str, period: str) -> OutcomeRates:
    empty = pd.DataFrame(columns=list(COLUMNS))
    if not has_outcomes(ds, measure, level):
        return OutcomeRates(measure, level, None, empty)
    offences = area_values(ds, measure, level, period)
    outcomes = area_values(ds, str(outcomes_measure(ds, measure)), level, period)
    if not (offences.available and outcomes.available):
        return OutcomeRates(measure, level, None, empty)
    both = offences.by_code[["count"]].join(
        outcomes.by_code[["count"]].rename(columns={"count": "outcomes"}), how="inner"
    )
    both = both.rename(columns={"count": "offences"}).dropna()
    rows = []
    for code, r in both.iterrows():
        n_off, n_out = int(r["offences"]), int(r["outcomes"])
        low, high, reason = outcome_interval(n_out, n_off)
        rows.append(
            {
                "code": code,
                "offences": n_off,
                "outcomes": n_out,
                "rate": n_out / n_off * 100 if n_off > 0 else np.nan,
                "low": low * 100,
                "high": high * 100,
                "no_interval": reason,
                "low_count": bool(n_out < stats.LOW_COUNT or n_off < stats.LOW_COUNT),
            }
        )
    frame = pd.DataFrame(rows, columns=list(COLUMNS))
    return OutcomeRates(
        measure,
        level,
        offences.period,
        frame,
        _london_total(ds, measure, offences.period),
        _london_total(ds, str(outcomes_measure(ds, measure)), offences.period),
    )
