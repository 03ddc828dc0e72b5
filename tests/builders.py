"""Small hand-made datasets for fast tests of presenters: no ingest, no files.

`tiny_dataset` builds a London of two boroughs in one BCU (Lambeth with three wards,
Southwark with two) and the City of London (not covered), with knife crime counts by
ward for a run of months. Borough figures are their wards' sums plus what the MPS
could not place in a ward; London is the boroughs' sum plus what it could not place
in a borough. Expected values in tests are worked out by hand from these numbers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from data import frames
from data.areas import LONDON_CODE, UNALLOCATED_CODE
from data.canonical import Tables, measures_frame
from data.dataset import Dataset

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
) -> Dataset:
    """Knife crime (or `measure`) by ward for consecutive months from `first_month`.

    By default each ward has a steady monthly count (Brixton 6, Clapham 3, Stockwell 2,
    Peckham 4, Borough & Bankside 1) over 24 months, and 1 offence a month in Lambeth
    and none in London could not be placed. `survey` adds Public Attitude Survey rows:
    (quarter end "2025-12-31", survey, area code, measure, proportion); none by default.
    and none in London could not be placed. With `ward_only_months`, the last that many
    months are published for wards only: the borough, BCU and London figures stop
    before them, as when a month's ward file arrives before its borough file.
    """
    if ward_counts is None:
        steady = {BRIXTON: 6, CLAPHAM: 3, STOCKWELL: 2, PECKHAM: 4, BOROUGH_WARD: 1}
        ward_counts = {code: [n] * 24 for code, n in steady.items()}
    n_months = len(next(iter(ward_counts.values())))
    months = pd.date_range(first_month, periods=n_months, freq="MS")
    in_borough = list(unplaced_in_borough or [1] * n_months)
    in_london = list(unplaced_in_london or [0] * n_months)
    rows = []
    borough_totals = {LAMBETH: np.zeros(n_months), SOUTHWARK: np.zeros(n_months)}
    for code, counts in ward_counts.items():
        borough_totals[WARD_BOROUGH[code]] += np.asarray(counts)
        rows += [(measure, "ward", code, m, int(v)) for m, v in zip(months, counts, strict=True)]
    rows += [(measure, "ward", UNALLOCATED_CODE, m, v)
             for m, v in zip(months, in_borough, strict=True)]  # fmt: skip
    borough_totals[LAMBETH] = borough_totals[LAMBETH] + np.asarray(in_borough)
    upper = months[: n_months - ward_only_months]  # the months above the wards
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
    counts = frames.counts_frame(pd.DataFrame(rows, columns=frames.COUNT_COLUMNS))
    coverage = frames.coverage_frame(
        [(measure, "ward", months[0], months[-1])]
        + [(measure, level, upper[0], upper[-1]) for level in ("london", "bcu", "borough")]
    )
    tables = Tables(
        areas=_areas(),
        measures=measures_frame(),
        counts=counts,
        coverage=coverage,
        population=_population(),
        lookup=frames.empty(frames.LOOKUP_COLUMNS),
        survey=survey_frame(survey),
    )
    return Dataset(version, tables)


def survey_frame(rows: Sequence[tuple[str, str, str, str, float]]) -> pd.DataFrame:
    """Survey rows as the canonical survey table (quarter ends as dates)."""
    if not rows:
        return frames.empty(frames.SURVEY_COLUMNS)
    frame = pd.DataFrame(list(rows), columns=frames.SURVEY_COLUMNS)
    frame["quarter_end"] = pd.to_datetime(frame["quarter_end"]).astype("datetime64[us]")
    frame["proportion"] = frame["proportion"].astype(float)
    return frame
