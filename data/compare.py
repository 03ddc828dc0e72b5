"""Two or more areas side by side: one measure's rates over time for each of them and
London, monthly or as rolling 12-month totals, per 1,000 residents (aged 0-24 for the
young-victim measures; per 100,000 for events as rare as homicide, as on the profile)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from data.areas import LONDON_CODE
from data.dataset import Dataset
from data.profiles import ROLLING, AreaFacts

LONDON = "london"


@dataclass(frozen=True)
class CompareTrend:
    """`frame`: month, then one column of rates per area (named by its code) and
    "london"; `names`: column -> the name of its line, areas first, London last;
    `counts`: month, then each area's monthly count (for the table under the chart)."""

    frame: pd.DataFrame
    names: dict[str, str]
    counts: pd.DataFrame
    per: int
    young: bool
    rolling: bool


def _row(ds: Dataset, measure: str, level: str, code: str, months: pd.DatetimeIndex) -> pd.Series:
    series = ds.series(measure, level)
    if code not in series.areas:
        return pd.Series(np.nan, index=months)
    values = pd.Series(series.values[series.areas.get_loc(code)], index=series.months)
    return values.reindex(months)


def trend(
    ds: Dataset, areas: Sequence[AreaFacts], measure: str, *, rolling: bool
) -> CompareTrend | None:
    """The rates of `measure` for each area with figures at its level, and London's.

    With `rolling`, each month's rate is the 12 months to it (the first 11 months have
    none); otherwise the month's own count. London's line counts every offence the MPS
    recorded, the unplaced ones included. None when no area has figures."""
    shown = [a for a in areas if a.covered and ds.has_data(measure, a.level)]
    if not shown:
        return None
    spans = [ds.series(measure, a.level).months for a in shown]
    months = spans[0]
    for other in spans[1:]:
        months = months.union(other)
    young = bool(ds.measures.loc[measure, "young"])
    band = "0-24" if young else "all"
    places = [(a.code, a.level, a.name) for a in shown]
    if ds.has_data(measure, "london"):
        places.append((LONDON, "london", "London"))
    counts = pd.DataFrame({"month": months})
    sums: dict[str, pd.Series] = {}
    for key, level, _ in places:
        code = LONDON_CODE if key == LONDON else key
        row = _row(ds, measure, level, code, months)
        counts[key] = row.to_numpy()
        sums[key] = row.rolling(ROLLING, min_periods=ROLLING).sum() if rolling else row
    populations = {
        key: ds.population_of([LONDON_CODE if key == LONDON else key], band)[0]
        for key, _, _ in places
    }
    per = 1000
    if LONDON in sums:
        latest = sums[LONDON].dropna()
        scale = 1 if rolling else ROLLING
        if not latest.empty and latest.iloc[-1] * scale / populations[LONDON] * 1000 < 0.1:
            per = 100_000
    frame = pd.DataFrame({"month": months})
    names: dict[str, str] = {}
    for key, _, name in places:
        population = populations[key]
        rate = sums[key] / population * per if population > 0 else sums[key] * np.nan
        frame[key] = rate.to_numpy()
        names[key] = name
    return CompareTrend(frame, names, counts, per, young, rolling)
