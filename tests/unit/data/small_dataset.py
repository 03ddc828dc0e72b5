"""A hand-made data version small enough to check sums by hand.

London with two boroughs of the Central South BCU (Lambeth, Southwark) and three
wards; knife crime for the 12 months March 2025 to February 2026, a constant number
each month:

    borough level  Lambeth 10, Southwark 5, not placed in a borough 1   (London 16)
    ward level     W1 (Lambeth) 6, W2 (Lambeth) 3, W3 (Southwark) 5,
                   not placed in a ward 2                              (also 16)

so over the 12 months London has 192, Lambeth 120 of which its wards hold 108, and
Southwark 60, all in its ward. Residents and workday population:

    Lambeth 1,000 and 1,600 (a visitor borough at 1.6), Southwark 1,000 and 1,400,
    W1 400 and 1,000 (2.5), W2 600 and 600, W3 1,000 and 1,400.
"""

from __future__ import annotations

import pandas as pd

from data import frames, visitors
from data.areas import LONDON_CODE, UNALLOCATED_CODE
from data.canonical import Tables, bcu_areas, bcu_counts, london_counts, measures_frame
from data.dataset import Dataset

LAMBETH, SOUTHWARK = "E09000022", "E09000028"
W1, W2, W3 = "E05014100", "E05014101", "E05011098"
BCU = "BCU-CENTRAL-SOUTH"
MONTHS = pd.date_range("2025-03-01", "2026-02-01", freq="MS")
MONTHLY = {
    "borough": {LAMBETH: 10, SOUTHWARK: 5, UNALLOCATED_CODE: 1},
    "ward": {W1: 6, W2: 3, W3: 5, UNALLOCATED_CODE: 2},
}
RESIDENTS = {LAMBETH: 1000, SOUTHWARK: 1000, W1: 400, W2: 600, W3: 1000}
WORKDAY = {LAMBETH: 1600, SOUTHWARK: 1400, W1: 1000, W2: 600, W3: 1400}


def _areas() -> pd.DataFrame:
    rows = [
        (LONDON_CODE, "London", "london", None, None),
        (LAMBETH, "Lambeth", "borough", LONDON_CODE, "Central South"),
        (SOUTHWARK, "Southwark", "borough", LONDON_CODE, "Central South"),
        (W1, "Ward One", "ward", LAMBETH, "Central South"),
        (W2, "Ward Two", "ward", LAMBETH, "Central South"),
        (W3, "Ward Three", "ward", SOUTHWARK, "Central South"),
    ]
    register = pd.DataFrame(
        [
            {
                "code": c,
                "name": n,
                "level": lv,
                "parent_code": p,
                "bcu": b,
                "covered": True,
                "caveat": None,
            }
            for c, n, lv, p, b in rows
        ]
    )
    return pd.concat([register, bcu_areas()], ignore_index=True)


def small_dataset(
    *, with_workday: bool = True, monthly: dict[str, list[int]] | None = None
) -> Dataset:
    """The version above; `monthly` adds measures with one count per month (from March
    2025 on, as many months as given) for Lambeth, at borough level only."""
    rows = [
        ("knife_crime", level, code, month, value)
        for level, by_code in MONTHLY.items()
        for code, value in by_code.items()
        for month in MONTHS
    ]
    spans = [("knife_crime", level, MONTHS[0], MONTHS[-1]) for level in MONTHLY]
    for measure, values in (monthly or {}).items():
        months = pd.date_range(MONTHS[0], periods=len(values), freq="MS")
        rows += [(measure, "borough", LAMBETH, m, v) for m, v in zip(months, values, strict=True)]
        spans.append((measure, "borough", months[0], months[-1]))
    counts = pd.DataFrame(rows, columns=frames.COUNT_COLUMNS)
    coverage = frames.coverage_frame(spans)
    london, london_cov = london_counts(counts, coverage)
    bcu, bcu_cov = bcu_counts(counts, coverage)
    counts = frames.counts_frame(pd.concat([counts, london, bcu]))
    coverage = pd.concat([coverage, london_cov, bcu_cov], ignore_index=True)
    residents = {**RESIDENTS, LONDON_CODE: 2000, BCU: 2000}
    population = pd.DataFrame(
        [(code, "x", band, value) for code, value in residents.items() for band in ("all", "0-24")],
        columns=frames.POPULATION_COLUMNS,
    )
    workday = frames.empty(frames.WORKDAY_COLUMNS)
    if with_workday:
        workday = pd.DataFrame(
            [
                {"area_code": code, "level": "ward" if code.startswith("E05") else "borough",
                 "name": None, "residents": RESIDENTS[code],
                 "employed_residents": 0.0, "workplace": 0.0,
                 "workday_population": float(value), "estimated": code.startswith("E05")}
                for code, value in WORKDAY.items()
            ]
        )  # fmt: skip
    areas = visitors.with_visitor_caveats(_areas(), workday)
    tables = Tables(
        areas=areas,
        measures=measures_frame(),
        counts=counts,
        coverage=coverage,
        population=population,
        lookup=frames.empty(frames.LOOKUP_COLUMNS),
        survey=frames.empty(frames.SURVEY_COLUMNS),
        workday=workday,
    )
    return Dataset(1, tables)
