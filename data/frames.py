"""Column layouts of the canonical frames that readers return and the store keeps.

Months are pandas Timestamps at the first day of the month. Counts are sparse: a
month with no offences in an area has no row, and the coverage frame says which
months each series covers, so a missing row inside coverage is a true zero.
"""

from __future__ import annotations

import pandas as pd

COUNT_COLUMNS = ["measure", "level", "area_code", "month", "value"]
COVERAGE_COLUMNS = ["measure", "level", "first_month", "last_month"]
POPULATION_COLUMNS = ["area_code", "level", "age_band", "value"]
LOOKUP_COLUMNS = ["lsoa_code", "ward_code", "ward_name", "borough_code"]
SURVEY_COLUMNS = ["quarter_end", "survey", "area_code", "measure", "proportion"]
# Census 2021 place of work (ODWP01EW) as read: employed residents living in an area
# and the workplace population working in it, by borough or MSOA.
WORKPLACE_COLUMNS = ["area_code", "level", "employed_residents", "workplace"]
# Homicide victims by month, borough (E09 or UNALLOCATED), method of killing, age
# group, sex and solved status, as the MPS homicide victims file records them.
HOMICIDE_VICTIM_COLUMNS = [
    "month", "area_code", "method", "age_group", "sex", "solved_status", "value",
]  # fmt: skip
# How the victims file's ages, sexes and statuses are written in the table; anything
# the file leaves blank or calls unknown is NOT_RECORDED.
HOMICIDE_AGE_GROUPS = ("0-12", "13-19", "20-24", "25-34", "35-44", "45-54", "55-64", "65+")
HOMICIDE_SEXES = ("Female", "Male")
HOMICIDE_SOLVED = ("Solved", "Unsolved")
NOT_RECORDED = "Not recorded"
MSOA_NAME_COLUMNS = ["msoa_code", "msoa_name", "borough_code"]
MSOA_LOOKUP_COLUMNS = ["lsoa_code", "msoa_code", "borough_code"]
# The workday population of every level (data.workday): `estimated` marks figures
# apportioned from MSOAs rather than read from a file.
WORKDAY_COLUMNS = [
    "area_code", "level", "name", "residents", "employed_residents", "workplace",
    "workday_population", "estimated",
]  # fmt: skip

# Census 2021 five-year age bands, in order; "0-24" residents are the first five.
AGE_BANDS = (
    "0-4", "5-9", "10-14", "15-19", "20-24", "25-29", "30-34", "35-39", "40-44",
    "45-49", "50-54", "55-59", "60-64", "65-69", "70-74", "75-79", "80-84", "85+",
)  # fmt: skip
YOUNG_BANDS = AGE_BANDS[:5]


def empty(columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="object") for c in columns})


def counts_frame(rows: pd.DataFrame) -> pd.DataFrame:
    """Counts in canonical order and types, summed over duplicate keys."""
    if rows.empty:
        out = empty(COUNT_COLUMNS)
        out["value"] = out["value"].astype("int64")
        out["month"] = pd.to_datetime(out["month"])
        return out
    out = rows[COUNT_COLUMNS].copy()
    out["month"] = pd.to_datetime(out["month"]).dt.to_period("M").dt.to_timestamp()
    out["value"] = out["value"].astype("int64")
    out = out.groupby(["measure", "level", "area_code", "month"], as_index=False)["value"].sum()
    return out[out["value"] != 0].reset_index(drop=True)


def coverage_frame(rows: list[tuple[str, str, pd.Timestamp, pd.Timestamp]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=COVERAGE_COLUMNS)
