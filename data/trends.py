"""Long-run monthly series of the measures that reach back before the knife crime file.

The Monthly Crime Dashboard's knife file starts in March 2022. Two published series go
further: possession of weapons offences from April 2010 (the MPS's recorded crime
files) and homicide victims by method from January 2003 to December 2023 (the MPS
homicide file). Each is given for London and for one borough, month by month or as
rolling 12-month totals (each month with the 11 before it, which smooths the seasons
and the noise of small counts).
"""

from __future__ import annotations

import pandas as pd

from data.dataset import Dataset
from data.overview import MONTHLY, ROLLING, TREND_VIEWS

LONG_RUN_MEASURES = ("possession_of_weapons", "homicide_knife", "homicide_shooting")
LEVELS = ("london", "borough")


def long_run_measures(ds: Dataset) -> list[str]:
    """The long-run measures the published data hold for London, in order."""
    return [m for m in LONG_RUN_MEASURES if ds.has_data(m, "london")]


def long_run(ds: Dataset, measure: str, codes: list[str], view: str = ROLLING) -> pd.DataFrame:
    """`month` and one column of counts per area code (London's code or boroughs'),
    over every month the measure covers at their level.

    In the rolling view each value is the total of the 12 months to that month, and
    the first 11 months, which have no full year behind them, are left out. An area
    the series does not hold is a column of missing values, never of zeros.
    """
    if view not in TREND_VIEWS:
        raise ValueError(f"unknown trend view {view!r}; expected one of {TREND_VIEWS}")
    columns: dict[str, pd.Series] = {}
    months = None
    for code in codes:
        level = "london" if ds.areas.loc[code, "level"] == "london" else "borough"
        series = ds.series(measure, level)
        if not len(series.months):
            continue
        months = series.months if months is None else months.union(series.months)
        row = series.areas.get_indexer([code])[0]
        values = (
            pd.Series(series.values[row], index=series.months)
            if row >= 0
            else pd.Series(float("nan"), index=series.months)
        )
        if view == ROLLING:
            values = values.rolling(12, min_periods=12).sum()
        columns[code] = values
    if months is None:
        return pd.DataFrame({"month": pd.DatetimeIndex([]), **{c: [] for c in codes}})
    frame = pd.DataFrame({code: columns.get(code) for code in codes}, index=months)
    if view == ROLLING:
        frame = frame.iloc[11:]
    frame = frame.astype("Float64").round().astype("Int64")
    frame.index.name = "month"
    return frame.reset_index()


__all__ = ["LEVELS", "LONG_RUN_MEASURES", "MONTHLY", "ROLLING", "long_run", "long_run_measures"]
