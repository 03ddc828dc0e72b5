"""Small hand-made datasets for fast tests of presenters: no ingest, no files.

`tiny_dataset` builds a London of two boroughs in one BCU (Lambeth with three wards,
Southwark with two) and the City of London (not covered), with knife crime counts by
ward for a run of months. Borough figures are their wards' sums plus what the MPS
could not place in a ward; London is the boroughs' sum plus what it could not place
in a borough. Expected values in tests are worked out by hand from these numbers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from itertools import pairwise

import numpy as np
import pandas as pd
import scipy.sparse as sp

from data import frames, visitors
from data.areas import LONDON_CODE, UNALLOCATED_CODE
from data.canonical import Tables, measures_frame
from data.dataset import Dataset
from geo.hotspots import Hotspots
from geo.weights import Contiguity

LAMBETH, SOUTHWARK, CITY = "E09000022", "E09000028", "E09000001"
BCU = "BCU-CENTRAL-SOUTH"
# Ward codes: three in Lambeth, two in Southwark, one in the City.
BRIXTON, CLAPHAM, STOCKWELL = "E05000001", "E05000002", "E05000003"
PECKHAM, BOROUGH_WARD = "E05000004", "E05000005"
ALDERSGATE = "E05000006"
WARD_BOROUGH = {
    BRIXTON: LAMBETH,
    CLAPHAM: LAMBETH,
    STOCKWELL: LAMBETH,
    PECKHAM: SOUTHWARK,
    BOROUGH_WARD: SOUTHWARK,
}
NAMES = {
    LONDON_CODE: "London",
    BCU: "Central South BCU",
    LAMBETH: "Lambeth",
    SOUTHWARK: "Southwark",
    CITY: "City of London",
    BRIXTON: "Brixton Windrush",
    CLAPHAM: "Clapham Town",
    STOCKWELL: "Stockwell East",
    PECKHAM: "Peckham",
    BOROUGH_WARD: "Borough & Bankside",
    ALDERSGATE: "Aldersgate",
}
# Residents (all ages, aged 0-24).
POPULATION = {
    BRIXTON: (15_000, 4_000),
    CLAPHAM: (12_000, 3_000),
    STOCKWELL: (10_000, 2_500),
    PECKHAM: (14_000, 4_500),
    BOROUGH_WARD: (11_000, 2_000),
    ALDERSGATE: (1_500, 200),
}


def _areas() -> pd.DataFrame:
    rows = [
        (LONDON_CODE, "london", None, None, True),
        (BCU, "bcu", LONDON_CODE, "Central South", True),
        (LAMBETH, "borough", LONDON_CODE, "Central South", True),
        (SOUTHWARK, "borough", LONDON_CODE, "Central South", True),
        (CITY, "borough", LONDON_CODE, None, False),
        *((w, "ward", b, "Central South", True) for w, b in WARD_BOROUGH.items()),
        (ALDERSGATE, "ward", CITY, None, False),
    ]
    return pd.DataFrame(
        [
            {
                "code": c,
                "name": NAMES[c],
                "level": lv,
                "parent_code": p,
                "bcu": b,
                "covered": cov,
                "caveat": None,
            }
            for c, lv, p, b, cov in rows
        ]
    )


def _population() -> pd.DataFrame:
    rows = []
    by_borough: dict[str, list[int]] = {}
    for code, (everyone, young) in POPULATION.items():
        rows += [(code, "ward", "all", everyone), (code, "ward", "0-24", young)]
        borough = WARD_BOROUGH.get(code, CITY)
        total = by_borough.setdefault(borough, [0, 0])
        total[0] += everyone
        total[1] += young
    for borough, (everyone, young) in by_borough.items():
        rows += [(borough, "borough", "all", everyone), (borough, "borough", "0-24", young)]
    london = np.sum(list(by_borough.values()), axis=0)
    rows += [(LONDON_CODE, "london", "all", int(london[0])),
             (LONDON_CODE, "london", "0-24", int(london[1]))]  # fmt: skip
    return pd.DataFrame(rows, columns=frames.POPULATION_COLUMNS)


def tiny_dataset(
    ward_counts: Mapping[str, Sequence[int]] | None = None,
    *,
    first_month: str = "2024-03",
    measure: str = "knife_crime",
    unplaced_in_borough: Sequence[int] | None = None,
    unplaced_in_london: Sequence[int] | None = None,
    version: int = 1,
    survey: Sequence[tuple[str, str, str, str, float]] = (),
    ward_only_months: int = 0,
    extra: Mapping[str, Mapping[str, Sequence[int]]] | None = None,
    workday: Mapping[str, float] | None = None,
) -> Dataset:
    """Knife crime (or `measure`) by ward for consecutive months from `first_month`.

    By default each ward has a steady monthly count (Brixton 6, Clapham 3, Stockwell 2,
    Peckham 4, Borough & Bankside 1) over 24 months, and 1 offence a month in Lambeth
    and none in London could not be placed. `survey` adds Public Attitude Survey rows:
    (quarter end "2025-12-31", survey, area code, measure, proportion); none by default.
    With `ward_only_months`, the last that many months are published for wards only:
    the borough, BCU and London figures stop before them, as when a month's ward file
    arrives before its borough file. `extra` adds more measures, each by ward over the
    same months and with the same offences placed in no ward or borough. `workday` gives
    areas (wards or boroughs) a Census workday population, so the visitor rule
    (data.visitors) applies to them; none by default.
    """
    if ward_counts is None:
        steady = {BRIXTON: 6, CLAPHAM: 3, STOCKWELL: 2, PECKHAM: 4, BOROUGH_WARD: 1}
        ward_counts = {code: [n] * 24 for code, n in steady.items()}
    n_months = len(next(iter(ward_counts.values())))
    months = pd.date_range(first_month, periods=n_months, freq="MS")
    in_borough = list(unplaced_in_borough or [1] * n_months)
    in_london = list(unplaced_in_london or [0] * n_months)
    upper = months[: n_months - ward_only_months]  # the months above the wards
    rows = []
    for name, counts in {measure: ward_counts, **(extra or {})}.items():
        rows += _measure_rows(name, counts, months, upper, in_borough, in_london)
    counts = frames.counts_frame(pd.DataFrame(rows, columns=frames.COUNT_COLUMNS))
    coverage = frames.coverage_frame(
        [
            span
            for name in (measure, *(extra or {}))
            for span in [(name, "ward", months[0], months[-1])]
            + [(name, level, upper[0], upper[-1]) for level in ("london", "bcu", "borough")]
        ]
    )
    workday_table = workday_frame(workday or {})
    tables = Tables(
        areas=visitors.with_visitor_caveats(_areas(), workday_table),
        measures=measures_frame(),
        counts=counts,
        coverage=coverage,
        population=_population(),
        lookup=frames.empty(frames.LOOKUP_COLUMNS),
        survey=survey_frame(survey),
        workday=workday_table,
    )
    return Dataset(version, tables)


def _measure_rows(
    measure: str,
    ward_counts: Mapping[str, Sequence[int]],
    months: pd.DatetimeIndex,
    upper: pd.DatetimeIndex,
    in_borough: list[int],
    in_london: list[int],
) -> list[tuple]:
    """Count rows of one measure at every level: wards as given over `months`; over the
    `upper` months, boroughs their wards' sums and Lambeth's unplaced offences, the BCU
    its boroughs, London all of them."""
    n_months = len(months)
    rows = []
    borough_totals = {LAMBETH: np.zeros(n_months), SOUTHWARK: np.zeros(n_months)}
    for code, counts in ward_counts.items():
        borough_totals[WARD_BOROUGH[code]] += np.asarray(counts)
        rows += [(measure, "ward", code, m, int(v)) for m, v in zip(months, counts, strict=True)]
    rows += [(measure, "ward", UNALLOCATED_CODE, m, v)
             for m, v in zip(months, in_borough, strict=True)]  # fmt: skip
    borough_totals[LAMBETH] = borough_totals[LAMBETH] + np.asarray(in_borough)
    for code, totals in borough_totals.items():
        rows += [(measure, "borough", code, m, int(v)) for m, v in zip(upper, totals, strict=False)]
        rows += [(measure, "bcu", BCU, m, int(v)) for m, v in zip(upper, totals, strict=False)]
    rows += [
        (measure, "borough", UNALLOCATED_CODE, m, v) for m, v in zip(upper, in_london, strict=False)
    ]
    london = sum(borough_totals.values()) + np.asarray(in_london)
    rows += [
        (measure, "london", LONDON_CODE, m, int(v)) for m, v in zip(upper, london, strict=False)
    ]
    return rows


def workday_frame(workday: Mapping[str, float]) -> pd.DataFrame:
    """The workday table for areas given a workday population (residents as in
    POPULATION, or the sum of a borough's wards)."""
    if not workday:
        return frames.empty(frames.WORKDAY_COLUMNS)
    residents = {code: everyone for code, (everyone, _young) in POPULATION.items()}
    for ward, borough in WARD_BOROUGH.items():
        residents[borough] = residents.get(borough, 0) + POPULATION[ward][0]
    return pd.DataFrame(
        [
            {"area_code": code, "level": "ward" if code.startswith("E05") else "borough",
             "name": NAMES[code], "residents": float(residents[code]),
             "employed_residents": 0.0, "workplace": 0.0,
             "workday_population": float(value), "estimated": code.startswith("E05")}
            for code, value in workday.items()
        ],
        columns=frames.WORKDAY_COLUMNS,
    )  # fmt: skip


# Neighbours of the tiny London: Brixton - Clapham - Stockwell - Peckham - Borough &
# Bankside, a chain; the City's ward is left out, as in geo.weights.
CHAIN = (BRIXTON, CLAPHAM, STOCKWELL, PECKHAM, BOROUGH_WARD)


def tiny_contiguity() -> Contiguity:
    """The wards of `tiny_dataset` as neighbours in a chain, each 1 km² of land."""
    codes = np.array(sorted(CHAIN))
    position = {c: i for i, c in enumerate(codes)}
    pairs = [(position[a], position[b]) for a, b in pairwise(CHAIN)]
    rows = [i for i, _ in pairs] + [j for _, j in pairs]
    cols = [j for _, j in pairs] + [i for i, _ in pairs]
    adjacency = sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(codes),) * 2)
    return Contiguity(
        "ward",
        codes,
        np.array([NAMES[c] for c in codes]),
        np.array([WARD_BOROUGH[c] for c in codes]),
        adjacency,
        np.ones(len(codes)),
    )


# Columns of a hot-spot table row (geo.hotspots), with values for an ordinary area.
HOTSPOT_ROW = {
    "code": "", "name": "", "parent_code": LAMBETH, "parent": "Lambeth", "ward": "",
    "count": 10, "population": 10_000.0, "rate": 1.0, "eb_rate": 1.0, "area_km2": 1.0,
    "density": 10.0, "months_with": 8, "years": 3, "top_years": 0, "persistent": False,
    "top_years_density": 0, "persistent_density": False, "z": 0.0, "p": 0.5, "q": 0.8,
    "confidence": 0, "hot": False, "cold": False, "above_average": False, "class": "",
    "hot_windows": 0, "windows": 24, "trend": 0, "trend_p": 0.5, "low_count": False,
    "caveat": "", "reasons": "", "flagged": False, "category": "none",
}  # fmt: skip


def hand_hotspots(
    rows: Sequence[Mapping[str, object]],
    *,
    level: str = "ward",
    measure: str = "knife_crime",
    last_month: str = "2026-02",
    n_years: int = 3,
    concentration: pd.DataFrame | None = None,
    lorenz: pd.DataFrame | None = None,
    gini: float = float("nan"),
    sensitivity: pd.DataFrame | None = None,
) -> Hotspots:
    """A hot-spot answer made by hand: each row is HOTSPOT_ROW with the values given
    (`flagged` and `category` must be given to agree with them). `n_years` separate
    years and 24 rolling windows end in `last_month`; the arrays are not used by the page."""
    table = pd.DataFrame([{**HOTSPOT_ROW, "years": n_years, **row} for row in rows])
    last = pd.Timestamp(last_month)
    windows = pd.date_range(end=last, periods=24, freq="MS")
    years = tuple(
        (last - pd.DateOffset(months=12 * (n_years - y) - 1),
         last - pd.DateOffset(months=12 * (n_years - y - 1)))
        for y in range(n_years)
    )  # fmt: skip
    empty = np.zeros((len(table), 24))
    return Hotspots(
        measure, level, True, "", table, windows, empty, empty, empty, empty.astype(int),
        windows[0] - pd.DateOffset(months=11), empty.astype(bool), empty.astype(bool), years,
        concentration=concentration if concentration is not None else pd.DataFrame(),
        lorenz=lorenz if lorenz is not None else pd.DataFrame(),
        gini=gini,
        sensitivity=sensitivity if sensitivity is not None else pd.DataFrame(),
    )  # fmt: skip


def survey_frame(rows: Sequence[tuple[str, str, str, str, float]]) -> pd.DataFrame:
    """Survey rows as the canonical survey table (quarter ends as dates)."""
    if not rows:
        return frames.empty(frames.SURVEY_COLUMNS)
    frame = pd.DataFrame(list(rows), columns=frames.SURVEY_COLUMNS)
    frame["quarter_end"] = pd.to_datetime(frame["quarter_end"]).astype("datetime64[us]")
    frame["proportion"] = frame["proportion"].astype(float)
    return frame


def with_homicide_victims(
    ds: Dataset, rows: Sequence[tuple[str, str, str, str, str, int]]
) -> Dataset:
    """The same hand-made London with a homicide victims table: (month "2021-06", area
    code, age group, sex, solved status, victims), every method "Knife or Sharp
    Implement"."""
    victims = pd.DataFrame(
        [(pd.Timestamp(f"{m}-01"), code, "Knife or Sharp Implement", age, sex, solved, n)
         for m, code, age, sex, solved, n in rows],
        columns=frames.HOMICIDE_VICTIM_COLUMNS,
    )  # fmt: skip
    tables = Tables(**{name: getattr(ds.tables, name) for name in Tables.names()})
    tables.homicide_victims = victims
    return Dataset(ds.version_id, tables)
