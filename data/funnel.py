"""Funnel plots and the ranking of the most at-risk areas.

A league table of rates puts the smallest areas at both ends by chance alone: one
more offence in a ward of 5,000 residents moves its rate twenty times as far as in a
borough of 100,000. A funnel plot instead asks whether an area's rate is further from
London's than would be expected at its population, so an area is only called unusual
when the evidence says so.

Areas differ for reasons that are not chance (who lives there, how many people visit,
the night-time economy): on the real data 25 of 32 boroughs sit outside Poisson
limits that should hold all but one in 500. So the limits that give the verdict allow
for that spread (Spiegelhalter 2005, additive random effects; METHODS.md, section 3),
and the Poisson limits are kept beside them for reference.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

import numpy as np
import pandas as pd

from data import queries, stats
from data.dataset import Dataset
from data.periods import Period

T = TypeVar("T")

ABOVE_998 = "above the 99.8% limit"
ABOVE_95 = "above the 95% limit"
WITHIN = "within the limits"
BELOW_95 = "below the 95% limit"
BELOW_998 = "below the 99.8% limit"
POSITIONS = (ABOVE_998, ABOVE_95, WITHIN, BELOW_95, BELOW_998)

# Completes "so it is ...": what each position (against the limits that allow for the
# usual differences between areas) says about an area's rate.
MEANINGS = {
    ABOVE_998: "far higher than London's rate, even allowing for the usual differences "
    "between areas (a typical area is this far above about once in 1,000)",
    ABOVE_95: "higher than London's rate by more than the usual differences between areas "
    "and chance would usually explain (a typical area is this far above about once in 40)",
    WITHIN: "within the usual range around London's rate for an area of its population",
    BELOW_95: "lower than London's rate by more than the usual differences between areas "
    "and chance would usually explain (a typical area is this far below about once in 40)",
    BELOW_998: "far lower than London's rate, even allowing for the usual differences "
    "between areas (a typical area is this far below about once in 1,000)",
}

# What the two sets of limits are, for a chart's legend and a page's notes.
LIMITS_NOTE = (
    "The funnel's limits allow for the usual differences between areas as well as for "
    "chance: areas differ for reasons that have nothing to do with luck (who lives "
    "there, how many people visit), so limits that allow for chance alone would mark "
    "most areas as unusual. An area outside the 99.8% limits stands out even against "
    "that spread. The narrower limits for chance alone (Poisson) are shown for reference."
)

LEVEL_WORDS = {
    "ward": ("ward", "wards"),
    "borough": ("borough", "boroughs"),
    "bcu": ("BCU", "BCUs"),
}

# -- views of the one cache ---------------------------------------------------------


def memoised(ds: Dataset, key: tuple, compute: Callable[[], T], *, small: bool = False) -> T:
    """`compute()`, kept in the dataset's view cache under `key` (see data/cache.py).

    `small` is accepted for callers written before the one cache; every answer now
    lives in the same bounded cache.
    """
    del small
    return ds.cached(key, compute)


def area_values(ds: Dataset, measure: str, level: str, period: str) -> queries.MapValues:
    """`queries.map_values` (rates, change tests, q-values) for a view, memoised.
    Callers must not modify the returned frame."""
    return memoised(
        ds,
        ("values", measure, level, period),
        lambda: queries.map_values(ds, measure=measure, level=level, period=period),
    )


def area_funnel(ds: Dataset, measure: str, level: str, period: str) -> Funnel | None:
    """The funnel of a view (see `funnel_of`), memoised like `area_values`."""

    def compute() -> Funnel | None:
        values = area_values(ds, measure, level, period)
        if not values.available:
            return None
        return funnel_of(values.frame, young=bool(ds.measures.loc[measure, "young"]))

    return memoised(ds, ("funnel", measure, level, period), compute)


# -- funnel arithmetic -----------------------------------------------------------


def pooled_rate(
    counts: pd.Series | np.ndarray, populations: pd.Series | np.ndarray, per: float = 1000.0
) -> float:
    """The rate of all the compared areas together: the funnel's centre line."""
    c = np.asarray(counts, dtype=float)
    p = np.asarray(populations, dtype=float)
    ok = np.isfinite(c) & np.isfinite(p) & (p > 0)
    total = p[ok].sum()
    return float(c[ok].sum() / total * per) if total > 0 else float("nan")


def funnel_positions(
    rates: pd.Series | np.ndarray,
    populations: pd.Series | np.ndarray,
    london_rate: float,
    per: float = 1000.0,
    tau2: float = 0.0,
) -> np.ndarray:
    """Where each area's rate falls against the 95% and 99.8% limits at its population:
    the Poisson limits with `tau2` 0, the random-effects limits otherwise.

    An area with no population or no rate gets an empty position.
    """
    r = np.asarray(rates, dtype=float)
    p = np.asarray(populations, dtype=float)
    out = np.full(r.shape, "", dtype=object)
    ok = np.isfinite(r) & np.isfinite(p) & (p > 0)
    if not ok.any() or not np.isfinite(london_rate):
        return out
    limits = stats.overdispersed_limits(london_rate, p[ok], tau2, per=per)
    low95, high95 = limits[0.95]
    low998, high998 = limits[0.998]
    rate = r[ok]
    # An area exactly on a limit (to rounding) is not outside it.
    eps = 1e-9 * max(1.0, london_rate)
    position = np.full(rate.shape, WITHIN, dtype=object)
    position[rate > high95 + eps] = ABOVE_95
    position[rate > high998 + eps] = ABOVE_998
    position[rate < low95 - eps] = BELOW_95
    position[rate < low998 - eps] = BELOW_998
    out[ok] = position
    return out


def _limit_columns(
    london_rate: float, populations: np.ndarray, tau2: float, per: float
) -> dict[str, np.ndarray]:
    """lower_95 ... upper_998: the limits that give the verdict (allowing for the
    spread between areas); the same with the suffix _poisson: chance alone."""
    limits = stats.overdispersed_limits(london_rate, populations, tau2, per=per)
    poisson = stats.funnel_limits(london_rate, populations, per=per)
    columns = {}
    for suffix, chosen in (("", limits), ("_poisson", poisson)):
        for level, key in ((0.95, "95"), (0.998, "998")):
            columns[f"lower_{key}{suffix}"] = chosen[level][0]
            columns[f"upper_{key}{suffix}"] = chosen[level][1]
    return columns


def funnel_curve(
    london_rate: float,
    smallest: float,
    largest: float,
    per: float = 1000.0,
    points: int = 120,
    tau2: float = 0.0,
) -> pd.DataFrame:
    """The control limits drawn as lines, over populations spaced evenly on a log scale.

    Columns lower_95, upper_95, lower_998, upper_998 allow for the spread between
    areas (`tau2`, per `per` residents squared); the same names ending in _poisson are
    the limits for chance alone. With `tau2` 0 the two are the same.
    """
    low, high = max(float(smallest), 1.0) * 0.8, float(largest) * 1.25
    population = np.geomspace(low, high, points)
    return pd.DataFrame(
        {"population": population, **_limit_columns(london_rate, population, tau2, per)}
    )


@dataclass(frozen=True)
class Funnel:
    """The areas of one view placed on a funnel plot around London's rate.

    points: code, name, parent_code, count, population, rate, z (the Poisson z-score
    against London's rate), lower_95 ... upper_998 (the limits that give the verdict,
    allowing for the spread between areas), the same ending in _poisson (chance
    alone), position (the verdict: against the first set), position_poisson (against
    the second, for reference), low_count, caveat.
    overdispersion: phi, the Winsorised overdispersion factor, and tau, the spread of
    the underlying rates between areas (per 1,000), that widen the limits.
    """

    points: pd.DataFrame
    curve: pd.DataFrame
    london_rate: float
    per: float
    young: bool
    overdispersion: stats.Overdispersion | None = None

    def outside(self, level: float = 0.998, *, poisson: bool = False) -> int:
        """How many areas lie outside the limits of `level`."""
        column = "position_poisson" if poisson else "position"
        outside = (ABOVE_998, BELOW_998) if level == 0.998 else (ABOVE_998, ABOVE_95,
                                                                   BELOW_95, BELOW_998)  # fmt: skip
        return int(self.points[column].isin(outside).sum())


def funnel_of(frame: pd.DataFrame, *, young: bool, per: float = 1000.0) -> Funnel | None:
    """A funnel of every ranked area of a `queries.map_values` frame.

    Young-victim measures are set against residents aged 0-24. The centre line is
    the pooled rate of the areas themselves, so offences that the MPS could not
    place in any area do not push every area below it. The overdispersion is
    estimated from the same areas (Spiegelhalter 2005): a funnel of one BCU's wards
    is still judged against the spread of all London's wards.
    """
    population_column = "population_0_24" if young else "population"
    rate_column = "young_rate" if young else "rate"
    rows = frame[(frame["status"] == queries.OK) & (frame[population_column] > 0)]
    if rows.empty:
        return None
    london = pooled_rate(rows["count"], rows[population_column], per)
    population = rows[population_column].to_numpy(dtype=float)
    counts = rows["count"].to_numpy(dtype=float)
    spread = stats.funnel_overdispersion(counts, population, london, per)
    points = pd.DataFrame(
        {
            "code": rows["code"].to_numpy(),
            "name": rows["name"].to_numpy(),
            "parent_code": rows["parent_code"].to_numpy(),
            "count": counts,
            "population": population,
            "rate": rows[rate_column].to_numpy(dtype=float),
            "z": stats.funnel_z_scores(counts, population, london, per),
            **_limit_columns(london, population, spread.tau2, per),
            "low_count": rows["low_count"].to_numpy(dtype=bool),
            "caveat": [c if isinstance(c, str) else "" for c in rows["caveat"]],
        }
    )
    # Visitor areas carry their rate per workday population beside (data.visitors).
    for column in ("workday_population", "visitor_flag", "workday_rate"):
        if column in rows.columns:
            points[column] = rows[column].to_numpy()
    points["position"] = funnel_positions(
        points["rate"], points["population"], london, per, spread.tau2
    )
    points["position_poisson"] = funnel_positions(points["rate"], points["population"], london, per)
    curve = funnel_curve(london, population.min(), population.max(), per, tau2=spread.tau2)
    return Funnel(points, curve, london, per, young, spread)


def overdispersion_words(funnel: Funnel, plural: str) -> str:
    """The overdispersion in a sentence for a page's notes."""
    spread = funnel.overdispersion
    if spread is None or not np.isfinite(spread.phi):
        return ""
    n = spread.areas
    poisson = funnel.outside(poisson=True)
    adjusted = funnel.outside()
    if spread.tau2 == 0:
        return (
            f"The {n:,} {plural}' rates differ no more than chance alone would make them "
            f"(overdispersion factor {spread.phi:.2f}), so the limits are those of chance "
            f"alone; {adjusted:,} {'is' if adjusted == 1 else 'are'} outside the 99.8% limits."
        )
    times = f"{spread.phi:,.2f}" if spread.phi < 10 else f"{spread.phi:,.0f}"
    return (
        f"The {n:,} {plural}' rates differ {times} times as much as chance alone "
        f"would make them (overdispersion factor, Spiegelhalter 2005), because areas differ "
        f"in more than luck: the underlying rates of {plural} of the same size spread by "
        f"about {spread.tau:,.2f} per 1,000 either way (one standard deviation). Against "
        f"limits for chance alone {poisson:,} of the {n:,} would be outside the 99.8% "
        f"limits; against limits that allow for this spread, {adjusted:,}."
    )


# -- the most at-risk areas -------------------------------------------------------

ORDERS = {"rate": "Highest rate first", "count": "Most offences first"}


@dataclass(frozen=True)
class AtRisk:
    """The ranked areas of one view, the funnel beside them, and what to say about them."""

    measure: str
    level: str
    period: Period | None
    available: bool
    message: str
    table: pd.DataFrame
    funnel: Funnel | None
    ranked: int  # areas ranked across London at this level
    not_covered: tuple[str, ...]


def rate_decimals(largest: float) -> int:
    """Decimals that keep a view's rates apart: homicide rates per 1,000 are about 0.01."""
    if not np.isfinite(largest) or largest >= 1:
        return 2
    return 3 if largest >= 0.1 else 4


def _borough_names(ds: Dataset) -> dict[str, str]:
    boroughs = ds.areas[ds.areas["level"] == "borough"]
    return dict(zip(boroughs["code"], boroughs["name"], strict=True))


def table_columns(young: bool, unit: str) -> dict[str, str]:
    """Frame column -> the header a person reads (and the CSV column name)."""
    rate = "Rate per 1,000 aged 0-24" if young else "Rate per 1,000 residents"
    return {
        "rank": "Rank in London",
        "name": "Area",
        "code": "Code",
        "parent": "Borough",
        "count": unit.capitalize(),
        "rate": rate,
        "previous": "Previous period",
        "verdict": "Change",
        "q_value": "q-value (BH)",
        "position": "Funnel position",
        "reliability": "Reliability",
        "caveat": "Rate caveat",
    }


def at_risk_areas(
    ds: Dataset,
    *,
    measure: str,
    level: str,
    period: str,
    within: str = "",
    order: str = "rate",
) -> AtRisk:
    """Areas of a level ranked across London, optionally only those inside a BCU or borough.

    Ranks are London-wide whatever the filter, so a ward's rank means the same in a
    borough's table as in London's. Areas the MPS does not police (the City of
    London) are never ranked: they have no figures, not zero.
    """
    young = bool(ds.measures.loc[measure, "young"]) if measure in ds.measures.index else False
    unit = str(ds.measures.loc[measure, "unit"]) if measure in ds.measures.index else "offences"
    values = area_values(ds, measure, level, period)
    frame = values.frame
    not_covered = tuple(frame.loc[frame["status"] == queries.NOT_COVERED, "name"])
    columns = table_columns(young, unit)
    empty = pd.DataFrame(columns=list(columns))
    if not values.available:
        return AtRisk(
            measure, level, values.period, False, values.message, empty, None, 0, not_covered
        )

    rate_column = "young_rate" if young else "rate"
    ok = frame[frame["status"] == queries.OK].copy()
    key = ok[rate_column] if order == "rate" else ok["count"]
    ok["rank"] = key.rank(ascending=False, method="min")
    funnel = area_funnel(ds, measure, level, period)
    positions = (
        dict(zip(funnel.points["code"], funnel.points["position"], strict=True)) if funnel else {}
    )
    if level == "ward":
        parents = _borough_names(ds)
        ok["parent"] = ok["parent_code"].map(parents).fillna("")
    else:
        ok["parent"] = ds.areas["bcu"].reindex(ok["code"]).fillna("").to_numpy()
        columns["parent"] = "BCU"
    chosen = _within(ds, ok, level, within)
    chosen = chosen.assign(
        position=chosen["code"].map(positions).fillna(""),
        reliability=np.where(chosen["low_count"], "Fewer than 10: unreliable", ""),
        caveat=[c if isinstance(c, str) else "" for c in chosen["caveat"]],
        rate=chosen[rate_column].round(rate_decimals(ok[rate_column].max())),
        q_value=chosen["q_value"].round(4),
    )
    chosen = chosen.sort_values(["rank", "name"], kind="stable")
    table = chosen[list(columns)].rename(columns=columns).reset_index(drop=True)
    for column in ("Rank in London", unit.capitalize(), "Previous period"):
        table[column] = table[column].astype("Int64")
    return AtRisk(measure, level, values.period, True, "", table, funnel, len(ok), not_covered)


def _within(ds: Dataset, frame: pd.DataFrame, level: str, within: str) -> pd.DataFrame:
    if not within:
        return frame
    if within.startswith("BCU-"):
        bcu = ds.areas.loc[within, "bcu"] if within in ds.areas.index else None
        return frame[ds.areas["bcu"].reindex(frame["code"]).to_numpy() == bcu]
    if level == "ward":
        return frame[frame["parent_code"] == within]
    return frame[frame["code"] == within]
