"""Homicide victims by year on hand-made rows: a year under 10 is never split."""

from __future__ import annotations

import numpy as np

from data import victims
from data.areas import LONDON_CODE, UNALLOCATED_CODE
from tests.builders import LAMBETH, SOUTHWARK, tiny_dataset, with_homicide_victims

# Lambeth: 7 victims in 2021 (5 men, 2 women), none in 2022, 12 in 2023 (9 men, 3
# women, one of them not recorded as solved); Southwark 4 in 2022; the airports 1.
ROWS = [
    ("2021-03", LAMBETH, "20-24", "Male", "Solved", 5),
    ("2021-08", LAMBETH, "35-44", "Female", "Unsolved", 2),
    ("2023-01", LAMBETH, "13-19", "Male", "Solved", 9),
    ("2023-12", LAMBETH, "65+", "Female", "Unsolved", 3),
    ("2022-05", SOUTHWARK, "25-34", "Male", "Solved", 4),
    ("2022-06", UNALLOCATED_CODE, "25-34", "Not recorded", "Solved", 1),
]
DS = with_homicide_victims(tiny_dataset(), ROWS)


def test_a_year_under_ten_shows_its_total_but_no_split():
    frame = victims.victims_by_year(DS, LAMBETH, "sex").set_index("year")
    assert frame.loc[2021, "total"] == 7
    assert not frame.loc[2021, "split"]
    assert np.isnan(frame.loc[2021, "Male"])
    assert frame.loc[2022, "total"] == 0  # a year with no victims is a year, with 0
    assert frame.loc[2023, "split"]
    assert (frame.loc[2023, "Male"], frame.loc[2023, "Female"]) == (9, 3)
    every = frame.loc[victims.ALL_YEARS]
    assert (every["total"], every["Male"], every["Female"]) == (19, 14, 5)
    assert "Not recorded" not in frame.columns  # Lambeth has none


def test_london_is_every_victim_the_airports_included():
    frame = victims.victims_by_year(DS, LONDON_CODE, "sex").set_index("year")
    assert list(frame.index) == [2021, 2022, 2023, victims.ALL_YEARS]
    assert frame.loc[2022, "total"] == 5
    assert not frame.loc[2022, "split"]
    assert frame.loc[victims.ALL_YEARS, "Not recorded"] == 1
    assert frame.loc[victims.ALL_YEARS, "total"] == 7 + 12 + 4 + 1


def test_shares_come_from_the_all_years_row_only_when_it_is_split():
    frame = victims.victims_by_year(DS, LAMBETH, "solved_status")
    found = victims.shares(frame, ["Solved", "Unsolved"])
    assert found["Solved"] == (5 + 9) / 19 * 100
    southwark = victims.victims_by_year(DS, SOUTHWARK, "solved_status")
    assert victims.shares(southwark, ["Solved"]) == {}


def test_a_version_without_victims_gives_nothing():
    assert victims.victims_by_year(tiny_dataset(), LAMBETH, "age_group").empty
