"""The register of areas the dashboard can show, with what a reader needs to know of each.

`covered` separates "the Metropolitan Police publishes nothing here" (the City of
London and its wards, which have their own police force) from "nothing happened
here": an uncovered area is shown as "not covered", never as zero.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd

from data.areas import (
    BOROUGHS,
    CITY_OF_LONDON_CODE,
    LONDON_CODE,
    LONDON_NAME,
    MPS_BOROUGHS,
    bcu_of,
)
from geo.boundaries import load_boroughs, load_lsoas, load_wards

REGISTER_COLUMNS = ["code", "name", "level", "parent_code", "bcu", "covered", "caveat"]

CITY_CAVEAT = (
    "Policed by the City of London Police: the Metropolitan Police publishes no data here."
)


def area_register(raw_dir: Path) -> pd.DataFrame:
    """London, its 33 boroughs and its 704 wards, one row each."""
    return register_from(load_boroughs(raw_dir), load_wards(raw_dir))


def register_from(boroughs: pd.DataFrame, wards: pd.DataFrame) -> pd.DataFrame:
    """The register built from already loaded borough and ward layers."""
    unknown = sorted(set(boroughs["code"]) - set(BOROUGHS))
    if unknown:
        raise ValueError(f"borough boundaries hold codes that are not London boroughs: {unknown}")
    orphans = wards.loc[~wards["borough_code"].isin(boroughs["code"])]
    if not orphans.empty:
        listed = ", ".join(orphans["code"] + " (" + orphans["borough_code"] + ")")
        raise ValueError(f"wards whose borough has no boundary: {listed}")

    rows = [_row(LONDON_CODE, LONDON_NAME, "london", None, None)]
    rows += [_row(b.code, b.name, "borough", LONDON_CODE, b.code) for b in boroughs.itertuples()]
    rows += [
        _row(w.code, w.name, "ward", w.borough_code, w.borough_code) for w in wards.itertuples()
    ]
    return _frame(rows)


def lsoa_register(raw_dir: Path) -> pd.DataFrame:
    """The 4,994 London LSOAs of 2021, kept apart from the main register for its size.

    The City of London's 6 LSOAs are not covered: the MPS LSOA file has no rows for
    exactly those six.
    """
    return lsoa_register_from(load_lsoas(raw_dir))


def lsoa_register_from(lsoas: gpd.GeoDataFrame) -> pd.DataFrame:
    return _frame(
        [_row(a.code, a.name, "lsoa", a.borough_code, a.borough_code) for a in lsoas.itertuples()]
    )


def _row(
    code: str, name: str, level: str, parent: str | None, borough: str | None
) -> dict[str, object]:
    city = borough == CITY_OF_LONDON_CODE
    return {
        "code": code,
        "name": name,
        "level": level,
        "parent_code": parent,
        "bcu": bcu_of(borough) if borough else None,
        "covered": borough is None or borough in MPS_BOROUGHS,
        # Visitor-area caveats come with the data version (data.visitors), not here.
        "caveat": CITY_CAVEAT if city else None,
    }


def _frame(rows: list[dict[str, object]]) -> pd.DataFrame:
    # Object columns keep None as None (a str column would turn it into NaN).
    frame = pd.DataFrame(
        {c: pd.Series([r[c] for r in rows], dtype=object) for c in REGISTER_COLUMNS}
    )
    frame["covered"] = frame["covered"].astype(bool)
    return frame
