"""Homicide victims by age group, sex and solved status, by year, with small-number care.

A count under 10 is not split further: a borough-year with 7 victims shows its 7 but
not how they divide by age, sex or solved status. Two reasons, both the Code of
Practice's: a split of a handful of victims can point to the people behind it (the
one woman killed in a borough in a year), and its shares swing so much from one death
to the next that they say nothing reliable. The rule is on the count being split, so
a split is shown only where the victims it divides number 10 or more; the parts may
themselves be small, and are marked as such.
"""

from __future__ import annotations

import pandas as pd

from data import frames, stats
from data.areas import LONDON_CODE
from data.dataset import Dataset

# The smallest count that is split by age, sex or solved status.
SPLIT_MIN = stats.LOW_COUNT
DIMENSIONS: dict[str, tuple[str, ...]] = {
    "age_group": frames.HOMICIDE_AGE_GROUPS,
    "sex": frames.HOMICIDE_SEXES,
    "solved_status": frames.HOMICIDE_SOLVED,
}
ALL_YEARS = "all"


def victims_of(ds: Dataset, code: str) -> pd.DataFrame:
    """The victims table's rows for London (every row, airports included) or a borough."""
    table = ds.tables.homicide_victims
    return table if code == LONDON_CODE else table[table["area_code"] == code]


def categories(ds: Dataset, code: str, dimension: str) -> list[str]:
    """A dimension's categories in order, with "Not recorded" only where it occurs."""
    known = list(DIMENSIONS[dimension])
    rows = victims_of(ds, code)
    if (rows[dimension] == frames.NOT_RECORDED).any():
        known.append(frames.NOT_RECORDED)
    return known


def victims_by_year(ds: Dataset, code: str, dimension: str) -> pd.DataFrame:
    """Victims in an area by year, split by a dimension only where there are 10 or more.

    One row per calendar year the victims table covers (years with none included), then
    a row for all the years together (`year` "all"). Columns: `year`, `first` and
    `last` (the months of the row), `total`, `split` (whether the total is split), then
    one column per category holding its count, or NaN where the row is not split.
    Empty when the version has no victims table.
    """
    table = ds.tables.homicide_victims
    if table.empty:
        return pd.DataFrame(columns=["year", "first", "last", "total", "split"])
    first, last = pd.Timestamp(table["month"].min()), pd.Timestamp(table["month"].max())
    rows = victims_of(ds, code)
    names = categories(ds, code, dimension)
    years = list(range(first.year, last.year + 1))
    by_year = rows.assign(year=pd.to_datetime(rows["month"]).dt.year)
    counts = (
        by_year.pivot_table(index="year", columns=dimension, values="value", aggfunc="sum")
        .reindex(index=years, columns=names)
        .fillna(0)
        .astype(int)
    )
    out = counts.reset_index()
    out["first"] = [max(first, pd.Timestamp(y, 1, 1)) for y in years]
    out["last"] = [min(last, pd.Timestamp(y, 12, 1)) for y in years]
    every = pd.DataFrame([{"year": ALL_YEARS, "first": first, "last": last,
                           **counts.sum().to_dict()}])  # fmt: skip
    out = pd.concat([out, every], ignore_index=True)
    out["year"] = out["year"].astype(object)
    out["total"] = out[names].sum(axis=1).astype(int)
    out["split"] = out["total"] >= SPLIT_MIN
    for name in names:
        out[name] = out[name].astype(float).where(out["split"])
    return out[["year", "first", "last", "total", "split", *names]]


def shares(frame: pd.DataFrame, names: list[str]) -> dict[str, float]:
    """Each category's share (%) of the all-years row, if it is split; else empty."""
    every = frame[frame["year"] == ALL_YEARS]
    if every.empty or not bool(every["split"].iloc[0]):
        return {}
    row = every.iloc[0]
    return {name: float(row[name]) / float(row["total"]) * 100 for name in names}
