from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from data.problems import Problem
from geo.check import boundary_coverage_report, check_codes

KNIFE = Path("mps_knife_crime/monthly-crime-dashboard.parquet")
WARD_CRIME = Path("mps_recorded_crime/recorded-crime-ward.parquet")


@pytest.fixture(scope="module")
def knife(raw_dir: Path) -> pd.DataFrame:
    return pd.read_parquet(raw_dir / KNIFE, columns=["area_type", "area_code"])


def test_a_bogus_ward_code_is_reported(register: pd.DataFrame) -> None:
    problems = check_codes(["E05013570", "E05999999", "E05999999"], "ward", register, file="x.csv")
    assert problems == [
        Problem("x.csv", "ward code E05999999 is not a 2022 London ward", severity="error")
    ]


def test_every_registered_ward_and_borough_is_accepted(register: pd.DataFrame) -> None:
    for level in ("ward", "borough", "london"):
        codes = register.loc[register["level"] == level, "code"]
        assert check_codes(codes, level, register) == []


def test_codes_are_stripped_before_checking(register: pd.DataFrame) -> None:
    assert check_codes([" E05013570  ", "E09000017\t"], "ward", register) == [
        Problem("data", "ward code E09000017 is not a 2022 London ward (it is a borough code)")
    ]


def test_blank_codes_are_counted_once(register: pd.DataFrame) -> None:
    problems = check_codes([None, "", float("nan"), "E05013570"], "ward", register)
    assert [p.reason for p in problems] == ["3 ward codes are blank"]


def test_an_unknown_level_is_refused(register: pd.DataFrame) -> None:
    with pytest.raises(ValueError, match="msoa"):
        check_codes(["E02000001"], "msoa", register)


def test_ward_crime_codes_all_match(raw_dir: Path, register: pd.DataFrame) -> None:
    codes = pd.read_parquet(raw_dir / WARD_CRIME, columns=["wardcode"])["wardcode"]
    assert check_codes(codes, "ward", register) == []


def test_knife_snt_codes_show_only_the_non_geographic_ones(knife, register) -> None:
    codes = knife.loc[knife["area_type"] == "Safer Neighbourhood Teams", "area_code"]
    reported = {p.reason.split(" is not ")[0] for p in check_codes(codes, "ward", register)}
    assert reported == {
        "ward code -1",
        "ward code N/K",
        "ward code NON ATHENA FORCE",
        "ward code E05000326",
        "ward code E05000649",
        "41 ward codes are blank",
    }


def test_coverage_report_of_the_knife_data(knife, register) -> None:
    by_level = {
        "ward": knife.loc[knife["area_type"] == "Safer Neighbourhood Teams", "area_code"],
        "borough": knife.loc[knife["area_type"] == "Borough", "area_code"],
    }
    report = boundary_coverage_report(register, by_level)
    ward, borough = report["ward"], report["borough"]
    assert (ward["matched"], ward["unmatched"], ward["missing"]) == (679, 5, 25)
    assert ward["missing_covered"] == 0
    assert set(ward["missing_codes"]) == {f"E05{n:06d}" for n in range(9288, 9313)}
    assert (borough["matched"], borough["unmatched"], borough["missing"]) == (32, 0, 1)
    assert borough["missing_codes"] == ["E09000001"]


def test_coverage_report_counts_covered_areas_without_data(register) -> None:
    wards = set(register.loc[register["level"] == "ward", "code"])
    absent = {"E05013570", "E05013808", "E05009300"}
    report = boundary_coverage_report(register, {"ward": sorted(wards - absent)})
    assert report["ward"]["missing_codes"] == sorted(absent)
    assert (report["ward"]["missing"], report["ward"]["missing_covered"]) == (3, 2)
