"""Visitor areas: where a rate per resident misleads, found by a rule, not a list.

An offence is counted where it happens, and in the West End most of the people there
do not live there, so offences per resident overstate the risk to anyone present.
The rule: an area whose Census 2021 workday population (data.workday) is at least
VISITOR_RATIO times its residents carries a caveat written from its own figures, and
its rate per 1,000 workday population is shown beside the rate per resident.

Why 1.5. Across the 679 wards the MPS polices the ratio has a median of 0.94 (most
areas lose commuters by day), a 90th percentile of 1.19 and a 95th of 1.41; 1.5 is
"half as many people again by day as live there" and picks out 27 wards (4%). At
that point the rate per resident is at least 50% higher than the rate per person
present by day, more than the 95% funnel limits allow for a typical ward (about 18
expected knife offences, so limits about 45% either side of London's rate): the
choice of denominator then moves an area's standing further than chance does. The
same ratio is used at every level: it flags Westminster (1.80) and no other borough
the MPS polices (Camden 1.37, Kensington and Chelsea 1.29).

The workday population counts workers, not shoppers, tourists, students at a
college or passengers, so it still understates the people present in a shopping or
night-time district (Shepherd's Bush Green's Westfield, Camden Town's market): the
rule can miss such places, and where it flags one, the people present by day are
at least as many as it says.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:  # data.canonical uses this module to build a version's areas
    from data.dataset import Dataset

VISITOR_RATIO = 1.5
PER = 1000.0
# Ward and small-area figures are estimates (data.workday): rounded in words.
ESTIMATE_ROUNDING = 100

# Columns that every rate-bearing frame gains (queries.map_values, the funnel points,
# the young people's table):
#   workday_population  Census 2021 workday population (NaN where not published)
#   workday_ratio       workday_population / residents (all ages)
#   visitor_flag        workday_ratio >= VISITOR_RATIO: show the caveat and the
#                       workday rate beside the resident rate
#   workday_rate        count per 1,000 workday population, for every area that has
#                       a workday population (flagged or not, so a table or CSV has
#                       no gap at the threshold; pages show it where flagged)
VISITOR_COLUMNS = ("workday_population", "workday_ratio", "visitor_flag", "workday_rate")

_LEVEL_NOUN = {"borough": "borough", "ward": "ward", "lsoa": "small area", "bcu": "BCU",
               "london": "area", "msoa": "MSOA"}  # fmt: skip


def is_visitor_area(workday: float, residents: float) -> bool:
    """The rule: at least VISITOR_RATIO times as many people by day as live there."""
    if not (np.isfinite(workday) and np.isfinite(residents)) or residents <= 0:
        return False
    return workday / residents >= VISITOR_RATIO


def visitor_flags(workday: pd.DataFrame) -> pd.Series:
    """The rule applied to a workday table (data.frames.WORKDAY_COLUMNS), by area code."""
    if workday.empty:
        return pd.Series(dtype=bool)
    ratio = workday["workday_population"] / workday["residents"].where(workday["residents"] > 0)
    return pd.Series((ratio >= VISITOR_RATIO).to_numpy(), index=workday["area_code"].to_numpy())


def _people(value: float, estimated: bool) -> str:
    if estimated:
        rounded = math.floor(value / ESTIMATE_ROUNDING + 0.5) * ESTIMATE_ROUNDING
        return f"about {rounded:,}"
    return f"{value:,.0f}"


def caveat_text(name: str, level: str, residents: float, workday: float, *, estimated: bool) -> str:
    """The caveat of a flagged area, from its own figures."""
    ratio = workday / residents
    source = (
        f"Census 2021 workday population, estimated for the {_LEVEL_NOUN.get(level, level)} "
        "from its MSOAs"
        if estimated
        else "Census 2021 workday population"
    )
    return (
        f"{name}: {_people(workday, estimated)} people are here on a working day against "
        f"{residents:,.0f} residents, {ratio:.1f} times as many ({source}). A rate per "
        "resident therefore overstates the risk to the people here; the rate per 1,000 "
        "workday population is given beside it. Shoppers, tourists and travellers who do "
        "not work here are in neither figure."
    )


def with_visitor_caveats(areas: pd.DataFrame, workday: pd.DataFrame) -> pd.DataFrame:
    """The area register with the caveat of every flagged area the MPS covers.

    Areas the MPS does not cover keep their own caveat (why they have no figures).
    """
    if workday.empty:
        return areas
    rows = workday.set_index("area_code")
    flags = visitor_flags(workday)
    out = areas.copy()
    caveats = out["caveat"].astype(object).copy()
    for i, (code, name, level, covered) in enumerate(
        zip(out["code"], out["name"], out["level"], out["covered"], strict=True)
    ):
        if not covered or not bool(flags.get(code, False)):
            continue
        row = rows.loc[code]
        caveats.iat[i] = caveat_text(
            str(name), str(level), float(row["residents"]), float(row["workday_population"]),
            estimated=bool(row["estimated"]),
        )  # fmt: skip
    out["caveat"] = caveats
    return out


def workday_columns(ds: Dataset, codes, counts) -> pd.DataFrame:
    """VISITOR_COLUMNS for areas and their counts over a period (index as `codes`)."""
    codes = list(codes)
    workday = ds.workday_of(codes)
    residents = ds.population_of(codes, "all")
    count = np.asarray(counts, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = np.where(residents > 0, workday / residents, np.nan)
        rate = np.where(workday > 0, count / workday * PER, np.nan)
    return pd.DataFrame(
        {
            "workday_population": workday,
            "workday_ratio": ratio,
            "visitor_flag": np.nan_to_num(ratio, nan=0.0) >= VISITOR_RATIO,
            "workday_rate": rate,
        },
        index=pd.Index(codes, name="code"),
    )


def flagged_areas(ds: Dataset, level: str) -> pd.DataFrame:
    """The areas of a level the rule flags, largest ratio first: code, name,
    parent_code, covered, residents, workday_population, workday_ratio, estimated."""
    workday = ds.workday
    columns = ["code", "name", "parent_code", "covered", "residents", "workday_population",
               "workday_ratio", "estimated"]  # fmt: skip
    rows = workday[workday["level"] == level] if not workday.empty else workday
    if rows.empty:
        return pd.DataFrame({c: pd.Series(dtype=bool if c in ("covered", "estimated") else object)
                             for c in columns})  # fmt: skip
    flags = visitor_flags(rows)
    rows = rows[flags.reindex(rows.index).fillna(False).to_numpy(dtype=bool)]
    areas = ds.areas.reindex(rows.index)
    out = pd.DataFrame(
        {
            "code": rows.index,
            "name": areas["name"].to_numpy(),
            "parent_code": areas["parent_code"].to_numpy(),
            "covered": areas["covered"].fillna(False).to_numpy(dtype=bool),
            "residents": rows["residents"].to_numpy(),
            "workday_population": rows["workday_population"].to_numpy(),
            "workday_ratio": (rows["workday_population"] / rows["residents"]).to_numpy(),
            "estimated": rows["estimated"].to_numpy(dtype=bool),
        }
    )
    return out.sort_values(["workday_ratio", "name"], ascending=[False, True], ignore_index=True)


def rule_words() -> str:
    """The rule, in the words the About page and the notes use."""
    return (
        "An area is marked as a visitor area when its Census 2021 workday population "
        "(residents, minus those who work elsewhere, plus those who work there) is at least "
        f"{VISITOR_RATIO:g} times its residents. There a rate per resident overstates the "
        "risk, so the rate per 1,000 workday population is given beside it."
    )


def about_caveat(ds: Dataset) -> str | None:
    """The About page's caveat: the rule and every covered borough and ward it flags."""
    parts = []
    for level, plural in (("borough", "Boroughs"), ("ward", "Wards")):
        flagged = flagged_areas(ds, level)
        flagged = flagged[flagged["covered"]].sort_values("name")
        if not flagged.empty:
            parts.append(
                f"{plural}: "
                + "; ".join(
                    f"{r.name} ({r.code}), {r.workday_ratio:.1f} times"
                    for r in flagged.itertuples()
                )
                + "."
            )
    if not parts:
        return None
    return (
        rule_words() + " Ward figures are estimated from the MSOAs they draw on, in proportion to "
        "residents. " + " ".join(parts)
    )
