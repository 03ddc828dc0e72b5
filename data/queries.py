"""The questions the pages ask of a data version.

Each function returns a plain frame or dict, ready to draw, so callbacks stay thin
and these answers can be tested without a browser.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from data import change, stats, visitors
from data.areas import LONDON_CODE, UNALLOCATED_CODE
from data.dataset import Dataset
from data.periods import Period, resolve

VALUES = {
    "count": "Count",
    "rate": "Rate per 1,000 residents",
    "young_rate": "Rate per 1,000 residents aged 0-24",
    "change": "Change against the previous period",
    "outcome_rate": "Positive outcome rate",
}

# Status of an area on a map, beside its value.
OK, NOT_COVERED, NO_DATA = "ok", "not covered", "no data"


@dataclass(frozen=True)
class MapValues:
    """The values of one map view, and the facts needed to explain it."""

    frame: pd.DataFrame
    period: Period | None
    measure: str
    level: str
    value: str
    available: bool
    message: str = ""
    # The dispersion every change test of the view allows for (None: no previous period).
    dispersion: change.LevelDispersion | None = None
    by_code: pd.DataFrame = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # `frame` indexed by area code, for the pages that look one area up.
        object.__setattr__(self, "by_code", self.frame.set_index("code"))


def _window_sum(ds: Dataset, measure: str, level: str, period: Period) -> pd.Series | None:
    series = ds.series(measure, level)
    if not series.covers(period.start, period.end):
        return None
    return pd.Series(series.window(period.start, period.end).sum(axis=1), index=series.areas)


def value_choices(ds: Dataset, measure: str, level: str | None = None) -> list[str]:
    """Rates per young resident only make sense for the young-victim measures, positive
    outcome rates for a measure with outcome figures (at `level`, or at any level)."""
    young = bool(ds.measures.loc[measure, "young"]) if measure in ds.measures.index else False
    outcomes = ds.measures.index[ds.measures["outcome_of"] == measure]
    levels = [level] if level else ["ward", "borough"]
    has_outcomes = any(
        ds.has_data(measure, lv) and ds.has_data(str(o), lv) for o in outcomes for lv in levels
    )
    return [
        v for v in VALUES if (v != "young_rate" or young) and (v != "outcome_rate" or has_outcomes)
    ]


def map_values(
    ds: Dataset, *, measure: str, level: str, period: str, value: str = "count"
) -> MapValues:
    """Every area of a level with its count, rate, change and reliability for a period.

    Besides the count and rates, every row has the visitor-area columns of
    `data.visitors.VISITOR_COLUMNS`: workday_population, workday_ratio, visitor_flag
    and workday_rate (offences per 1,000 workday population over the period).
    """
    areas = ds.mapped_areas(level)
    base = pd.DataFrame(
        {
            "code": areas["code"].to_numpy(),
            "name": areas["name"].to_numpy(),
            "parent_code": areas["parent_code"].to_numpy(),
            "covered": areas["covered"].to_numpy(dtype=bool),
            "caveat": areas["caveat"].to_numpy(),
        }
    )
    # Visitor areas (data.visitors): the workday population and the rule's flag belong
    # to the area, whatever the measure; the workday rate is filled in with the counts.
    workday = visitors.workday_columns(ds, base["code"], np.full(len(base), np.nan))
    for column in visitors.VISITOR_COLUMNS:
        base[column] = workday[column].to_numpy()
    latest = ds.latest_month(measure, level)
    if latest is None:
        frame = base.assign(status=np.where(base["covered"], NO_DATA, NOT_COVERED), value=np.nan)
        arrival = ds.measures.loc[measure, "arrival"] if measure in ds.measures.index else None
        message = "There is no published data for this measure yet."
        if isinstance(arrival, str) and arrival:
            message += " " + arrival
        return MapValues(frame, None, measure, level, value, False, message)

    chosen = resolve(period, latest)
    now = _window_sum(ds, measure, level, chosen)
    if now is None:
        first, last = ds.months_covered(measure, level)
        frame = base.assign(status=np.where(base["covered"], NO_DATA, NOT_COVERED), value=np.nan)
        message = (
            f"This measure has data from {first:%B %Y} to {last:%B %Y}; "
            f"{chosen.label} is outside that."
        )
        return MapValues(frame, chosen, measure, level, value, False, message)

    before = _window_sum(ds, measure, level, chosen.previous())
    frame = base.copy()
    frame["count"] = now.reindex(frame["code"]).to_numpy()
    frame["previous"] = before.reindex(frame["code"]).to_numpy() if before is not None else np.nan
    frame["population"] = ds.population_of(frame["code"], "all")
    frame["population_0_24"] = ds.population_of(frame["code"], "0-24")
    frame["rate"] = frame["count"] / frame["population"] * 1000
    frame["young_rate"] = frame["count"] / frame["population_0_24"] * 1000
    frame["workday_rate"] = visitors.workday_columns(ds, frame["code"], frame["count"])[
        "workday_rate"
    ].to_numpy()
    frame["change_pct"] = np.where(
        frame["previous"] > 0,
        (frame["count"] - frame["previous"]) / frame["previous"] * 100,
        np.nan,
    )
    # The change test allows for overdispersion; see data.change.change_columns for
    # what each column means (p_value and verdict_own: the area's own test; q_value and
    # verdict: the many-areas verdict for maps and rankings).
    covered_counts = frame["count"].where(frame["covered"])
    dispersion = change.level_dispersion(ds, measure, level, chosen) if before is not None else None
    tests = change.change_columns(
        covered_counts, frame["previous"], dispersion.factor if dispersion else 1.0
    )
    for column in tests.columns:
        frame[column] = tests[column].to_numpy()
    frame["low_count"] = frame["count"] < stats.LOW_COUNT
    frame["status"] = np.where(frame["covered"], OK, NOT_COVERED)
    column = {"count": "count", "rate": "rate", "young_rate": "young_rate",
              "change": "change_pct"}[value]  # fmt: skip
    frame["value"] = frame[column].where(frame["covered"])
    ranked = frame["value"].where(frame["status"] == OK)
    frame["rank"] = ranked.rank(ascending=False, method="min")
    frame["of"] = int(ranked.notna().sum())
    return MapValues(frame, chosen, measure, level, value, True, dispersion=dispersion)


def unallocated(ds: Dataset, measure: str, level: str, period: Period) -> int:
    """Offences the MPS could not place in an area of this level (in London's total)."""
    counts = _window_sum(ds, measure, level, period)
    if counts is None or UNALLOCATED_CODE not in counts.index:
        return 0
    return int(counts[UNALLOCATED_CODE])


def london_headline(ds: Dataset, measure: str, period: str = "r12") -> dict | None:
    """London's figure for a period against the previous one, with its verdict.

    Keys: count, previous, p_value (London's own test, allowing for the overdispersion
    of London's monthly counts), verdict (from that p), rate_ratio, rr_low, rr_high
    (95%), rate_ratio_words, dispersion (a `change.LevelDispersion`), low_count.
    """
    latest = ds.latest_month(measure, "london")
    if latest is None:
        return None
    chosen = resolve(period, latest)
    now = _window_sum(ds, measure, "london", chosen)
    before = _window_sum(ds, measure, "london", chosen.previous())
    if now is None:
        return None
    count = int(now[LONDON_CODE])
    previous = int(before[LONDON_CODE]) if before is not None else None
    out = {
        "measure": measure,
        "period": chosen,
        "count": count,
        "previous": previous,
        "p_value": None,
        "verdict": "",
        "low_count": count < stats.LOW_COUNT,
        "rate_ratio": None,
        "rr_low": None,
        "rr_high": None,
        "rate_ratio_words": "",
        "dispersion": None,
    }
    if previous is None:
        return out
    # London is one area: its own monthly counts give its dispersion.
    dispersion = change.level_dispersion(ds, measure, "london", chosen)
    test = change.change_columns([count], [previous], dispersion.factor).iloc[0]
    return out | {
        "p_value": float(test["p_value"]),
        "verdict": str(test["verdict_own"]),
        "rate_ratio": float(test["rate_ratio"]),
        "rr_low": float(test["rr_low"]),
        "rr_high": float(test["rr_high"]),
        "rate_ratio_words": str(test["rate_ratio_words"]),
        "dispersion": dispersion,
    }


def area_series(ds: Dataset, code: str, measure: str) -> pd.DataFrame:
    """Monthly counts for one area beside London's, for a trend chart."""
    level = str(ds.areas.loc[code, "level"])
    series = ds.series(measure, level)
    out = pd.DataFrame({"month": series.months})
    if code in series.areas:
        out["count"] = series.values[series.areas.get_loc(code)]
    else:
        out["count"] = np.nan
    london = ds.series(measure, "london")
    out["london"] = pd.Series(london.values[0], index=london.months).reindex(series.months).values
    return out
