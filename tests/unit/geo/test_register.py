from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from data.areas import CITY_OF_LONDON_CODE, LONDON_CODE
from geo.register import CITY_CAVEAT, REGISTER_COLUMNS, lsoa_register, register_from

CITY_WARDS = {f"E05{n:06d}" for n in range(9288, 9313)}


def _at(register: pd.DataFrame, level: str) -> pd.DataFrame:
    return register[register["level"] == level]


def test_one_row_per_area(register: pd.DataFrame) -> None:
    assert list(register.columns) == REGISTER_COLUMNS
    assert register["code"].is_unique
    assert register["level"].value_counts().to_dict() == {"ward": 704, "borough": 33, "london": 1}


def test_london_heads_the_register(register: pd.DataFrame) -> None:
    london = _at(register, "london").iloc[0]
    assert london["code"] == LONDON_CODE
    assert london["parent_code"] is None
    assert london["bcu"] is None
    assert london["covered"]
    assert (_at(register, "borough")["parent_code"] == LONDON_CODE).all()


def test_679_wards_are_covered_by_the_mps(register: pd.DataFrame) -> None:
    wards = _at(register, "ward")
    assert wards["covered"].sum() == 679
    assert set(wards.loc[~wards["covered"], "code"]) == CITY_WARDS


def test_the_city_of_london_and_its_wards_are_not_covered(register: pd.DataFrame) -> None:
    uncovered = register[~register["covered"]]
    assert set(uncovered["code"]) == CITY_WARDS | {CITY_OF_LONDON_CODE}
    assert (uncovered["caveat"] == CITY_CAVEAT).all()
    assert uncovered["bcu"].isna().all()
    assert (_at(register, "borough")["covered"].sum()) == 32


def test_heathrow_villages_is_in_hillingdon(register: pd.DataFrame) -> None:
    ward = register.set_index("code").loc["E05013570"]
    assert (ward["name"], ward["level"], ward["parent_code"]) == (
        "Heathrow Villages",
        "ward",
        "E09000017",
    )
    assert ward["bcu"] == "West"


def test_only_the_city_has_a_caveat_from_the_boundaries(register: pd.DataFrame) -> None:
    # Visitor-area caveats come from the workday population with each data version
    # (data.visitors, tests/integration/test_visitors.py), never from a list here.
    caveated = register.dropna(subset=["caveat"])
    assert set(caveated["code"]) == CITY_WARDS | {CITY_OF_LONDON_CODE}


def test_every_ward_sits_in_a_registered_borough(register: pd.DataFrame) -> None:
    wards = _at(register, "ward")
    boroughs = _at(register, "borough").set_index("code")
    assert wards["parent_code"].isin(boroughs.index).all()
    assert (wards["bcu"].fillna("") == wards["parent_code"].map(boroughs["bcu"]).fillna("")).all()
    assert wards.groupby("parent_code").size().min() >= 17


def test_every_borough_but_the_city_has_a_bcu(register: pd.DataFrame) -> None:
    boroughs = _at(register, "borough").set_index("code")
    assert boroughs["bcu"].isna().sum() == 1
    assert boroughs["bcu"].nunique() == 12


def test_a_ward_in_an_unknown_borough_is_refused(boroughs, wards) -> None:
    stray = wards.head(1).assign(borough_code="E09999999")
    with pytest.raises(ValueError, match="E09999999"):
        register_from(boroughs, pd.concat([wards, stray]))


def test_lsoa_register_covers_all_but_the_citys_six(raw_dir: Path) -> None:
    lsoas = lsoa_register(raw_dir)
    assert list(lsoas.columns) == REGISTER_COLUMNS
    assert len(lsoas) == 4994
    assert (lsoas["level"] == "lsoa").all()
    assert lsoas["parent_code"].str.fullmatch(r"E09\d{6}").all()
    assert (~lsoas["covered"]).sum() == 6
    assert (lsoas.loc[~lsoas["covered"], "parent_code"] == CITY_OF_LONDON_CODE).all()
