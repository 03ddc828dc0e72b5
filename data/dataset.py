"""A published version held in memory, shaped for fast queries.

Counts are stored sparsely; here each (measure, level) becomes a dense matrix of
areas by months, with zeros filled inside the months the data covers and NaN outside
it, so that "no offences" and "no data" stay different all the way to the map.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

import numpy as np
import pandas as pd

from data.areas import MPS_BOROUGHS, UNALLOCATED_CODE
from data.cache import ViewCache
from data.canonical import Tables
from data.postcodes import PostcodeIndex

T = TypeVar("T")


@dataclass
class Series:
    """One measure at one level: `values` is areas x months."""

    areas: pd.Index
    months: pd.DatetimeIndex
    values: np.ndarray

    def window(self, start: pd.Timestamp, end: pd.Timestamp) -> np.ndarray:
        cols = (self.months >= start) & (self.months <= end)
        return self.values[:, cols]

    def covers(self, start: pd.Timestamp, end: pd.Timestamp) -> bool:
        return len(self.months) > 0 and self.months[0] <= start and end <= self.months[-1]


@dataclass
class Dataset:
    """A data version in memory: its tables, every series as a dense matrix, and the
    cache of views derived from it (`cached`)."""

    version_id: int
    tables: Tables
    views: ViewCache = field(default_factory=lambda: ViewCache(None), repr=False)
    # The version's name in the view cache (Store.version_key): unique to its content.
    key: str = ""

    def __post_init__(self) -> None:
        t = self.tables
        self.areas = t.areas.set_index("code", drop=False)
        self.measures = t.measures.set_index("id", drop=False)
        self.coverage = t.coverage.set_index(["measure", "level"])
        pop = t.population.pivot_table(
            index="area_code", columns="age_band", values="value", aggfunc="sum"
        )
        self.population = pop
        # One row per area code (codes of different levels never coincide).
        self.workday = t.workday.set_index("area_code", drop=False)
        counts = dict(list(t.counts.groupby(["measure", "level"], sort=False)))
        # Every series is built here, once: the dataset is the one in-process object
        # of its version, and a series is part of its shape, not a cache.
        self._series: dict[tuple[str, str], Series] = {
            key: self._build_series(key, counts.get(key)) for key in self.coverage.index
        }
        # The postcode search's index, built once like the series: read-only, and part
        # of the version (a new Code-Point Open release is a new version).
        self.postcodes = PostcodeIndex(t.postcodes)

    def cached(self, view: tuple, compute: Callable[[], T]) -> T:
        """`compute()`, kept in the one view cache under this version and `view`
        (a tuple: the view's name, then its arguments)."""
        return self.views.get_or_compute(self.key or str(self.version_id), view, compute)

    # -- facts -----------------------------------------------------------------

    def has_data(self, measure: str, level: str | None = None) -> bool:
        if level is None:
            return measure in self.coverage.index.get_level_values(0)
        return (measure, level) in self.coverage.index

    def months_covered(self, measure: str, level: str) -> tuple[pd.Timestamp, pd.Timestamp] | None:
        if (measure, level) not in self.coverage.index:
            return None
        row = self.coverage.loc[(measure, level)]
        return pd.Timestamp(row["first_month"]), pd.Timestamp(row["last_month"])

    def latest_month(self, measure: str, level: str = "london") -> pd.Timestamp | None:
        span = self.months_covered(measure, level)
        return None if span is None else span[1]

    @property
    def latest_month_overall(self) -> pd.Timestamp | None:
        if self.tables.coverage.empty:
            return None
        return pd.Timestamp(self.tables.coverage["last_month"].max())

    def mapped_areas(self, level: str) -> pd.DataFrame:
        """Areas with a boundary at a level, covered or not, in name order."""
        areas = self.areas[self.areas["level"] == level]
        return areas.sort_values("name")

    # -- series ----------------------------------------------------------------

    def series(self, measure: str, level: str) -> Series:
        """Dense areas x months counts for every area of the level with data coverage.

        Areas that the MPS does not cover (the City of London) are not rows here;
        unallocated counts are a row of their own at each level.
        """
        found = self._series.get((measure, level))
        if found is None:
            return Series(pd.Index([]), pd.DatetimeIndex([]), np.zeros((0, 0)))
        return found

    def _build_series(self, key: tuple[str, str], rows: pd.DataFrame | None) -> Series:
        measure, level = key
        span = self.months_covered(measure, level)
        if span is None:
            result = Series(pd.Index([]), pd.DatetimeIndex([]), np.zeros((0, 0)))
        else:
            months = pd.date_range(span[0], span[1], freq="MS")
            if level == "london":
                codes = pd.Index(self.areas.index[self.areas["level"] == "london"])
            elif level == "lsoa":
                codes = self.lsoa_codes().append(pd.Index([UNALLOCATED_CODE]))
            else:
                covered = self.areas[(self.areas["level"] == level) & self.areas["covered"]]
                codes = pd.Index(covered.index).append(pd.Index([UNALLOCATED_CODE]))
            values = np.zeros((len(codes), len(months)))
            if rows is not None and not rows.empty:
                i = codes.get_indexer(rows["area_code"])
                j = months.get_indexer(pd.to_datetime(rows["month"]))
                ok = (i >= 0) & (j >= 0)
                np.add.at(values, (i[ok], j[ok]), rows["value"].to_numpy()[ok])
            result = Series(codes, months, values)
        return result

    def lsoa_codes(self) -> pd.Index:
        """The small areas (LSOAs) the MPS covers, in code order.

        Their 4,994 boundaries are too many for the area register, so they come from
        the LSOA-to-ward lookup; the City of London's six are not covered.
        """
        lookup = self.tables.lookup
        covered = lookup[lookup["borough_code"].isin(MPS_BOROUGHS)]
        return pd.Index(sorted(covered["lsoa_code"].unique()))

    def workday_of(self, codes) -> np.ndarray:
        """Census 2021 workday population (data.workday); NaN where there is none."""
        if self.workday.empty:
            return np.full(len(codes), np.nan)
        return self.workday["workday_population"].reindex(codes).to_numpy(dtype=float)

    def population_of(self, codes, band: str = "all") -> np.ndarray:
        if band not in self.population.columns:
            return np.full(len(codes), np.nan)
        return self.population[band].reindex(codes).to_numpy(dtype=float)
