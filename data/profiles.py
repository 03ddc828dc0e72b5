"""One area's figures: the numbers behind the area profile (presenters/profile.py
puts them into words).

Everything is computed from the same views as the map and the at-risk ranking
(`funnel.area_values`), so a ward's rate and rank read the same on every page.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from data import queries, stats
from data.areas import LONDON_CODE
from data.catalogue import MEASURES
from data.dataset import Dataset
from data.funnel import Funnel, area_funnel, area_values, memoised
from data.periods import Period

PROFILE_LEVELS = ("ward", "borough", "bcu")
HEADLINE = "knife_crime"
YOUNG_HEADLINE = "knife_injury_victims_1_24_non_da"
# Every offences measure with positive outcomes, knife then gun, in catalogue order:
# a measure with no published figures (gun crime before its file is uploaded) is left
# out of a profile by `outcome_rates`, not here.
OUTCOME_MEASURES = tuple(str(m.outcome_of) for m in MEASURES.values() if m.outcome_of)
ROLLING = 12
# The download's column flagging a month's count too small to rely on.
LOW_COLUMN = f"fewer_than_{stats.LOW_COUNT}"

_SINGULAR = {"offences": "offence", "victims": "victim", "outcomes": "outcome"}


@dataclass(frozen=True)
class AreaFacts:
    code: str
    name: str
    level: str
    borough_code: str | None
    borough: str | None
    bcu: str | None
    covered: bool
    caveat: str
    members: tuple[str, ...] = ()  # a BCU's boroughs

    @property
    def description(self) -> str:
        if self.level == "ward":
            where = f"Ward in {self.borough}"
            return where + (f", {self.bcu} BCU" if self.bcu else "")
        if self.level == "borough":
            return "London borough" + (f" in the {self.bcu} BCU" if self.bcu else "")
        return "Basic Command Unit covering " + _and(self.members)


def _and(names: tuple[str, ...] | list[str]) -> str:
    names = list(names)
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def area_facts(ds: Dataset, code: str) -> AreaFacts | None:
    """Name, borough and BCU of a ward, borough or BCU; None for any other code."""
    if code not in ds.areas.index:
        return None
    row = ds.areas.loc[code]
    level = str(row["level"])
    if level not in PROFILE_LEVELS:
        return None
    borough_code = None
    if level == "ward":
        borough_code = str(row["parent_code"])
    elif level == "borough":
        borough_code = code
    borough = str(ds.areas.loc[borough_code, "name"]) if borough_code in ds.areas.index else None
    bcu = _text(row["bcu"]) or None
    members: tuple[str, ...] = ()
    if level == "bcu":
        boroughs = ds.areas[(ds.areas["level"] == "borough") & (ds.areas["bcu"] == bcu)]
        members = tuple(sorted(boroughs["name"]))
    return AreaFacts(
        code,
        str(row["name"]),
        level,
        borough_code,
        borough,
        bcu,
        bool(row["covered"]),
        _text(row["caveat"]),
        members,
    )


# -- standing: count, rate, change and rank among peers ----------------------------


def ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def rate_ranks(ds: Dataset, measure: str, level: str, period: str) -> pd.DataFrame:
    """Every area's rank by rate (per 1,000 residents, or aged 0-24 for the young-victim
    measures) among London's areas of its level and, for wards, among its borough's
    wards: 1 is the highest, tied areas share the best rank (as on the at-risk page).

    Columns: rank, of (areas ranked in London), rank_parent, of_parent. Areas the MPS
    does not police, or with no rate, are not ranked.
    """

    def compute() -> pd.DataFrame:
        frame = area_values(ds, measure, level, period).by_code
        ok = frame[frame["status"] == queries.OK]
        young = bool(ds.measures.loc[measure, "young"])
        rates = ok["young_rate" if young else "rate"].dropna()
        parents = ok["parent_code"].reindex(rates.index)
        out = pd.DataFrame(index=rates.index)
        out["rank"] = rates.rank(ascending=False, method="min").astype(int)
        out["of"] = len(rates)
        out["rank_parent"] = (
            rates.groupby(parents, sort=False).rank(ascending=False, method="min").astype(int)
        )
        out["of_parent"] = parents.map(parents.value_counts()).astype(int)
        return out

    return memoised(ds, ("rate-ranks", measure, level, period), compute)


@dataclass(frozen=True)
class Standing:
    """One measure in one area over a period, beside its peers.

    `rank` is by rate among London's areas of the same level (1 is the highest) out of
    `of`; for a ward, `rank_parent` of `of_parent` is among the wards of its borough.
    """

    measure: str
    unit: str
    young: bool
    period: Period
    count: int
    previous: int | None
    rate: float
    london_rate: float
    verdict: str
    q_value: float
    low_count: bool
    rank: int | None = None
    of: int = 0
    rank_parent: int | None = None
    of_parent: int = 0
    # The area's own change test (allowing for overdispersion) and the rate ratio with
    # its 95% interval; `verdict` is from this own test (one area's panel or profile),
    # `verdict_many` from the Benjamini-Hochberg q of maps and rankings.
    p_value: float = float("nan")
    rate_ratio: float = float("nan")
    rr_low: float = float("nan")
    rr_high: float = float("nan")
    rate_ratio_words: str = ""
    verdict_many: str = ""
    # Visitor areas (data.visitors): per 1,000 workday population (all ages), the
    # area's and London's; shown beside the resident rate where visitor_flag is set.
    workday_rate: float = float("nan")
    london_workday_rate: float = float("nan")
    visitor_flag: bool = False


def measure_noun(ds: Dataset, measure: str) -> tuple[str, str]:
    label = str(ds.measures.loc[measure, "label"])
    unit = str(ds.measures.loc[measure, "unit"])
    text = label[0].lower() + label[1:]
    text = text.replace(", non domestic abuse", " outside domestic abuse")
    if unit in text:
        return text, text.replace(unit, _SINGULAR.get(unit, unit))
    return f"{text} {unit}", f"{text} {_SINGULAR.get(unit, unit)}"


def london_rate(ds: Dataset, measure: str, period: Period, young: bool) -> float:
    """London's rate as a whole (every offence the MPS recorded, per London resident)."""
    series = ds.series(measure, "london")
    if LONDON_CODE not in series.areas or not series.covers(period.start, period.end):
        return float("nan")
    count = series.window(period.start, period.end)[series.areas.get_loc(LONDON_CODE)].sum()
    population = ds.population_of([LONDON_CODE], "0-24" if young else "all")[0]
    return float(count / population * 1000) if population > 0 else float("nan")


def london_workday_rate(ds: Dataset, measure: str, period: Period) -> float:
    """London's offences per 1,000 workday population (its 32 MPS boroughs)."""
    series = ds.series(measure, "london")
    workday = ds.workday_of([LONDON_CODE])[0]
    if LONDON_CODE not in series.areas or not series.covers(period.start, period.end):
        return float("nan")
    count = series.window(period.start, period.end)[series.areas.get_loc(LONDON_CODE)].sum()
    return float(count / workday * 1000) if workday > 0 else float("nan")


def standing(ds: Dataset, facts: AreaFacts, measure: str, period: str = "r12") -> Standing | None:
    """The area's figures for a measure, with its rank by rate among London's areas of
    the same level and, for a ward, among the wards of its borough."""
    return memoised(ds, ("standing", facts, measure, period),
                    lambda: _standing(ds, facts, measure, period), small=True)  # fmt: skip


def _standing(ds: Dataset, facts: AreaFacts, measure: str, period: str) -> Standing | None:
    if not facts.covered or not ds.has_data(measure, facts.level):
        return None
    values = area_values(ds, measure, facts.level, period)
    if not values.available:
        return None
    frame = values.by_code
    if facts.code not in frame.index or frame.at[facts.code, "status"] != queries.OK:
        return None
    row = frame.loc[facts.code]
    young = bool(ds.measures.loc[measure, "young"])
    rate_column = "young_rate" if young else "rate"
    ranks = rate_ranks(ds, measure, facts.level, period)
    ranked = facts.code in ranks.index
    previous = None if pd.isna(row["previous"]) else int(row["previous"])
    return Standing(
        measure=measure,
        unit=str(ds.measures.loc[measure, "unit"]),
        young=young,
        period=values.period,
        count=int(row["count"]),
        previous=previous,
        rate=float(row[rate_column]),
        london_rate=london_rate(ds, measure, values.period, young),
        verdict=str(row["verdict_own"]),
        q_value=float(row["q_value"]),
        low_count=bool(row["low_count"]),
        rank=int(ranks.at[facts.code, "rank"]) if ranked else None,
        of=int(ranks.at[facts.code, "of"]) if ranked else 0,
        rank_parent=int(ranks.at[facts.code, "rank_parent"]) if ranked else None,
        of_parent=int(ranks.at[facts.code, "of_parent"]) if ranked else 0,
        p_value=float(row["p_value"]),
        rate_ratio=float(row["rate_ratio"]),
        rr_low=float(row["rr_low"]),
        rr_high=float(row["rr_high"]),
        rate_ratio_words=str(row["rate_ratio_words"]),
        verdict_many=str(row["verdict"]),
        workday_rate=float(row["workday_rate"]),
        london_workday_rate=london_workday_rate(ds, measure, values.period),
        visitor_flag=bool(row["visitor_flag"]),
    )


# -- every measure at a glance -----------------------------------------------------


def profile_measures(ds: Dataset, level: str) -> list[str]:
    """Measures with published data at a level, in catalogue order (outcomes apart)."""
    return [
        m
        for m in ds.measures.index
        if ds.has_data(m, level) and pd.isna(ds.measures.loc[m, "outcome_of"])
    ]


def missing_measures(ds: Dataset, level: str) -> list[tuple[str, str]]:
    """(label, how the data arrives) of catalogue measures with no data at a level yet."""
    out = []
    for m in ds.measures.index:
        levels = str(ds.measures.loc[m, "levels"]).split(",")
        if level in levels and not ds.has_data(m, level):
            out.append((str(ds.measures.loc[m, "label"]), _text(ds.measures.loc[m, "arrival"])))
    return out


def glance(ds: Dataset, facts: AreaFacts, period: str = "r12") -> list[Standing]:
    """Every measure published at the area's level over a period, in catalogue order."""
    found = (standing(ds, facts, measure, period) for measure in profile_measures(ds, facts.level))
    return [s for s in found if s is not None]


def warm(ds: Dataset, period: str = "r12") -> None:
    """Work out the views every profile reads (each measure's values and ranks, and the
    headline funnel at each level), so the first visitor after a publish does not
    wait over a second for them."""
    for level in PROFILE_LEVELS:
        for measure in ds.measures.index:
            if ds.has_data(measure, level):
                rate_ranks(ds, measure, level, period)
        if ds.has_data(HEADLINE, level):
            area_funnel(ds, HEADLINE, level, period)


# -- trends ------------------------------------------------------------------------


@dataclass(frozen=True)
class Trend:
    """Monthly counts and rolling 12-month rates of the area, its borough and London."""

    frame: pd.DataFrame  # month, area, parent, london, area_rate, parent_rate, london_rate
    lines: dict[str, str]  # rate column -> legend name
    young: bool
    per: int  # rates per this many residents (1,000, or 100,000 for rare events)
    outcome_of: str | None = None  # for an outcome measure: the offences it is a share of

    @property
    def percent(self) -> bool:
        """The lines are positive outcomes as a percentage of offences."""
        return self.outcome_of is not None


def _row(ds: Dataset, measure: str, level: str, code: str, months: pd.DatetimeIndex) -> pd.Series:
    series = ds.series(measure, level)
    if code not in series.areas:
        return pd.Series(np.nan, index=months)
    values = pd.Series(series.values[series.areas.get_loc(code)], index=series.months)
    return values.reindex(months)


def trend(ds: Dataset, facts: AreaFacts, measure: str) -> Trend | None:
    if not facts.covered or not ds.has_data(measure, facts.level):
        return None
    months = ds.series(measure, facts.level).months
    outcome_of = ds.measures.loc[measure, "outcome_of"]
    young = bool(ds.measures.loc[measure, "young"])
    places = [("area", facts.level, facts.code, facts.name)]
    if facts.level == "ward" and facts.borough_code:
        places.append(("parent", "borough", facts.borough_code, facts.borough or ""))
    places.append(("london", "london", LONDON_CODE, "London"))
    frame = pd.DataFrame({"month": months})
    lines: dict[str, str] = {}
    rolled: dict[str, pd.Series] = {}
    for key, level, code, _ in places:
        counts = _row(ds, measure, level, code, months)
        frame[key] = counts.to_numpy()
        rolled[key] = counts.rolling(ROLLING, min_periods=ROLLING).sum()
    if isinstance(outcome_of, str) and outcome_of:
        for key, level, code, name in places:
            offences = _row(ds, outcome_of, level, code, months)
            total = offences.rolling(ROLLING, min_periods=ROLLING).sum()
            frame[f"{key}_rate"] = (rolled[key] / total.where(total > 0) * 100).to_numpy()
            lines[f"{key}_rate"] = name
        return Trend(frame, lines, young, 100, outcome_of)
    band = "0-24" if young else "all"
    populations = {key: ds.population_of([code], band)[0] for key, _, code, _ in places}
    london_latest = rolled["london"].dropna()
    per = 1000
    if not london_latest.empty and london_latest.iloc[-1] / populations["london"] * 1000 < 0.1:
        per = 100_000
    for key, _, _, name in places:
        population = populations[key]
        rate = rolled[key] / population * per if population > 0 else rolled[key] * np.nan
        frame[f"{key}_rate"] = rate.to_numpy()
        lines[f"{key}_rate"] = name
    return Trend(frame, lines, young, per)


# -- positive outcomes ---------------------------------------------------------------


def outcome_rates(ds: Dataset, facts: AreaFacts, period: str = "r12") -> pd.DataFrame:
    """Positive outcomes / offences over a period for the area and London, with an exact
    (Clopper-Pearson) 95% interval on the area's rate where one means something.

    Columns: measure, period, offences, outcomes, rate (%), low and high (% limits,
    NaN when there is no interval), no_interval (why not, in words; "" when there is
    one), london_offences, london_outcomes, london_rate (%), low_count.

    The rate is treated as a proportion of the offences, which is what a reader takes
    it for, so its interval never leaves 0-100%. There is no interval when either
    count is under 10 (a proportion built on fewer than 10 is marked unreliable and
    gets none), nor when outcomes outnumber offences: outcomes recorded in a period
    can belong to offences recorded before it, so the figure is then not a proportion
    of these offences at all.
    """
    rows = []
    if not facts.covered:
        return pd.DataFrame(rows)
    for measure in OUTCOME_MEASURES:
        outcomes_measure = f"{measure}_outcomes"
        if not (ds.has_data(measure, facts.level) and ds.has_data(outcomes_measure, facts.level)):
            continue
        offences = area_values(ds, measure, facts.level, period)
        outcomes = area_values(ds, outcomes_measure, facts.level, period)
        if not (offences.available and outcomes.available):
            continue
        n_off = offences.by_code["count"].get(facts.code, np.nan)
        n_out = outcomes.by_code["count"].get(facts.code, np.nan)
        if pd.isna(n_off) or pd.isna(n_out):
            continue
        n_off, n_out = int(n_off), int(n_out)
        low, high, reason = outcome_interval(n_out, n_off)
        london_off = _london_total(ds, measure, offences.period)
        london_out = _london_total(ds, outcomes_measure, offences.period)
        rows.append(
            {
                "measure": str(ds.measures.loc[measure, "label"]),
                "period": offences.period.label,
                "offences": n_off,
                "outcomes": n_out,
                "rate": n_out / n_off * 100 if n_off > 0 else np.nan,
                "low": low * 100,
                "high": high * 100,
                "no_interval": reason,
                "london_offences": london_off,
                "london_outcomes": london_out,
                "london_rate": london_out / london_off * 100 if london_off else np.nan,
                "low_count": bool(n_out < stats.LOW_COUNT or n_off < stats.LOW_COUNT),
            }
        )
    return pd.DataFrame(rows)


def outcome_interval(outcomes: int, offences: int) -> tuple[float, float, str]:
    """The Clopper-Pearson 95% limits (as proportions) of outcomes / offences, or NaN
    and the reason there are none."""
    if offences < stats.LOW_COUNT or outcomes < stats.LOW_COUNT:
        which = "offences" if offences < stats.LOW_COUNT else "positive outcomes"
        return np.nan, np.nan, f"fewer than {stats.LOW_COUNT} {which}"
    if outcomes > offences:
        return (
            np.nan,
            np.nan,
            "more positive outcomes than offences: some outcomes belong to offences "
            "recorded before the period",
        )
    low, high = stats.binomial_interval(outcomes, offences, 0.95)
    return float(low), float(high), ""


def _london_total(ds: Dataset, measure: str, period: Period) -> int:
    series = ds.series(measure, "london")
    if LONDON_CODE not in series.areas or not series.covers(period.start, period.end):
        return 0
    return int(series.window(period.start, period.end)[series.areas.get_loc(LONDON_CODE)].sum())


# -- funnel position ------------------------------------------------------------------


@dataclass(frozen=True)
class FunnelPlace:
    funnel: Funnel
    row: pd.Series  # the area's point: rate, position, low_count, ...
    period: Period


def funnel_place(ds: Dataset, facts: AreaFacts, measure: str = HEADLINE) -> FunnelPlace | None:
    """The area's mark on the funnel of its level's areas for the latest 12 months."""
    if not facts.covered or not ds.has_data(measure, facts.level):
        return None
    values = area_values(ds, measure, facts.level, "r12")
    if not values.available:
        return None
    funnel = area_funnel(ds, measure, facts.level, "r12")
    if funnel is None or facts.code not in set(funnel.points["code"]):
        return None
    row = funnel.points.set_index("code").loc[facts.code]
    return FunnelPlace(funnel, row, values.period)


# -- download ----------------------------------------------------------------------


def monthly_figures(ds: Dataset, facts: AreaFacts) -> pd.DataFrame:
    """Every monthly count of every measure for the area, for a CSV download."""
    frames = []
    if facts.covered:
        for measure in ds.measures.index:
            if not ds.has_data(measure, facts.level):
                continue
            series = ds.series(measure, facts.level)
            if facts.code not in series.areas:
                continue
            counts = series.values[series.areas.get_loc(facts.code)]
            frames.append(
                pd.DataFrame(
                    {
                        "area_code": facts.code,
                        "area": facts.name,
                        "measure": measure,
                        "measure_label": str(ds.measures.loc[measure, "label"]),
                        "month": series.months.strftime("%Y-%m"),
                        "count": counts.astype("int64"),
                        LOW_COLUMN: np.where(counts < stats.LOW_COUNT, "yes", "no"),
                    }
                )
            )
    columns = ["area_code", "area", "measure", "measure_label", "month", "count", LOW_COLUMN]
    if not frames:
        return pd.DataFrame(columns=columns)
    return pd.concat(frames, ignore_index=True)[columns]
