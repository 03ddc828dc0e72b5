"""The choices a page offers: measures, levels, periods, months, BCUs and boroughs.

One function per kind of choice, so every page labels the same period the same way.
Options are (value, label, group): options sharing a group go in one <optgroup>.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

import pandas as pd

from data.dataset import Dataset
from data.periods import (
    LATEST_MONTH,
    RANGE,
    ROLLING_12,
    control_values,
    financial_year,
    financial_years,
    fy_label,
    is_token,
    resolve,
)
from presenters.common.words import LEVEL_TITLES


class Option(NamedTuple):
    value: str
    label: str
    group: str = ""


GROUPS = {
    "knife": "Knife crime",
    "gun": "Gun crime",
    "outcomes": "Positive outcomes",
    "context": "Context",
}
NO_DATA_YET = " (no published data yet)"


def values(options: Iterable[Option]) -> list[str]:
    return [o.value for o in options]


def measure_options(
    ds: Dataset,
    *,
    groups: Iterable[str] = tuple(GROUPS),
    only: Iterable[str] | None = None,
    level: str | None = None,
    mark_missing: bool = True,
) -> list[Option]:
    """Measures by group, in catalogue order; `only` keeps some ids (context measures
    a page shows), `level` keeps measures published at that level. A measure with no
    published data yet is offered, marked as such, so a person learns why it is blank."""
    wanted = set(only) if only is not None else None
    out = []
    for group in groups:
        for m in ds.measures.itertuples():
            if m.grp != group or (wanted is not None and m.id not in wanted):
                continue
            if level is not None and level not in str(m.levels).split(","):
                continue
            missing = mark_missing and not ds.has_data(m.id)
            out.append(Option(str(m.id), str(m.label) + (NO_DATA_YET if missing else ""),
                              GROUPS[group]))  # fmt: skip
    return out


def measure_levels(ds: Dataset, measure: str, levels: Iterable[str]) -> list[str]:
    """The levels (of those a page offers) at which a measure is published."""
    if measure not in ds.measures.index:
        return []
    listed = str(ds.measures.loc[measure, "levels"]).split(",")
    return [level for level in levels if level in listed]


def level_options(ds: Dataset, measure: str, levels: Iterable[str]) -> list[Option]:
    return [Option(level, LEVEL_TITLES[level]) for level in measure_levels(ds, measure, levels)]


def period_options(ds: Dataset, measure: str, level: str) -> list[Option]:
    """The latest 12 months, the latest month, each financial year with data, and a
    range of months. A financial year still running says "to date"; one the data
    starts part-way through says "part year"."""
    span = ds.months_covered(measure, level)
    if span is None:
        return [
            Option(ROLLING_12, "Latest 12 months"),
            Option(LATEST_MONTH, "Latest month"),
        ]
    first, last = span
    out = [
        Option(ROLLING_12, f"12 months to {last:%B %Y}"),
        Option(LATEST_MONTH, f"{last:%B %Y} (latest month)"),
    ]
    for year in reversed(financial_years(first, last)):
        period = financial_year(year, last)
        suffix = ""
        if period.end < pd.Timestamp(year=year + 1, month=3, day=1):
            suffix = " (to date)"
        elif period.start < first:
            suffix = " (part year)"
        out.append(Option(f"fy{year}", f"Financial year {fy_label(year)}{suffix}",
                          "Financial years"))  # fmt: skip
    out.append(Option(RANGE, "A range of months"))
    return out


def month_options(ds: Dataset, measure: str, level: str) -> list[Option]:
    """Every month with data, latest first."""
    span = ds.months_covered(measure, level)
    if span is None:
        return []
    months = pd.date_range(span[0], span[1], freq="MS")[::-1]
    return [Option(f"{m:%Y-%m}", f"{m:%B %Y}") for m in months]


def valid_period(ds: Dataset, measure: str, level: str, token: object) -> str:
    """The token if the measure has data for it at the level, else the latest 12 months.

    A range that runs past the data is cut to the months the data covers; a financial
    year with no month of data falls back.
    """
    if not is_token(token):
        return ROLLING_12
    assert isinstance(token, str)
    if token in (ROLLING_12, LATEST_MONTH):
        return token
    span = ds.months_covered(measure, level)
    if span is None:
        return ROLLING_12
    first, last = span
    if token.startswith("fy"):
        return token if int(token[2:]) in financial_years(first, last) else ROLLING_12
    period = resolve(token, last)
    start, end = max(period.start, first), min(period.end, last)
    if start > end:
        return ROLLING_12
    return f"{start:%Y-%m}" if start == end else f"{start:%Y-%m}..{end:%Y-%m}"


def period_controls(ds: Dataset, measure: str, level: str, token: str) -> dict[str, object]:
    """The period select's options and value, and the From and To selects' when the
    period is a range of months (a range starts as the latest six months)."""
    choice, start, end = control_values(token)
    months = month_options(ds, measure, level)
    if months and (start is None or end is None):
        end = months[0].value
        start = months[min(5, len(months) - 1)].value
    return {
        "options": period_options(ds, measure, level),
        "value": choice,
        "range": choice == RANGE,
        "months": months,
        "start": start or "",
        "end": end or "",
    }


def bcu_options(ds: Dataset, *, everyone: str = "All of London") -> list[Option]:
    """The 12 BCUs, each labelled with its boroughs."""
    bcus = ds.areas[ds.areas["level"] == "bcu"].sort_values("name")
    boroughs = covered_boroughs(ds)
    out = [Option("", everyone)] if everyone else []
    for row in bcus.itertuples():
        members = boroughs.loc[boroughs["bcu"] == row.bcu, "name"]
        out.append(Option(str(row.code), f"{row.name} ({', '.join(members)})"))
    return out


def covered_boroughs(ds: Dataset) -> pd.DataFrame:
    """The 32 boroughs the MPS polices, by name."""
    areas = ds.areas
    return areas[(areas["level"] == "borough") & areas["covered"]].sort_values("name")


def borough_options(ds: Dataset, *, everyone: str = "All boroughs") -> list[Option]:
    out = [Option("", everyone)] if everyone else []
    return out + [Option(str(r.code), str(r.name)) for r in covered_boroughs(ds).itertuples()]


def within_options(ds: Dataset, level: str) -> list[Option]:
    """All of London, the BCUs and (for wards and small areas) the boroughs: the places
    a table or ranking can be narrowed to."""
    out = [Option(o.value, o.label, "Basic Command Units" if o.value else "")
           for o in bcu_options(ds)]  # fmt: skip
    if level in ("ward", "lsoa"):
        out += [Option(o.value, o.label, "Boroughs") for o in borough_options(ds, everyone="")]
    return out
