"""The Census 2021 age-band reader on the real ONS files (LTLA and LSOA) and on small
files with one fault each."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from data.areas import BOROUGHS, borough_code
from data.frames import AGE_BANDS, POPULATION_COLUMNS
from data.problems import Problem, ReadResult
from data.readers import census
from data.readers.tables import open_table

CENSUS = Path("ons_census2021")
LTLA = CENSUS / "census2021-ts007a-ltla.csv"
LSOA = CENSUS / "census2021-ts007a-lsoa.csv"
LONDON_TOTAL = 8_799_710

BAND_HEADERS = [
    "Age: Aged 4 years and under",
    *(f"Age: Aged {a} to {a + 4} years" for a in range(5, 85, 5)),
    "Age: Aged 85 years and over",
]
HEADER = ["date", "geography", "geography code", "Age: Total", *BAND_HEADERS]


@pytest.fixture(scope="module")
def ltla(raw_dir: Path) -> ReadResult:
    return census.read(open_table(raw_dir / LTLA))


@pytest.fixture(scope="module")
def lsoa(raw_dir: Path) -> ReadResult:
    return census.read(open_table(raw_dir / LSOA))


def area_row(name: str, code: str, bands: list[int] | None = None, total: int | None = None):
    bands = bands if bands is not None else list(range(1, 19))
    return ["2021", name, code, str(sum(bands) if total is None else total), *map(str, bands)]


def read_rows(tmp_path: Path, *rows: list[str], header: list[str] = HEADER) -> ReadResult:
    lines = [header, *rows]
    path = tmp_path / "ts007a.csv"
    path.write_text("\n".join(",".join(f'"{c}"' for c in line) for line in lines) + "\n")
    return census.read(open_table(path))


def only_error(result: ReadResult) -> Problem:
    assert len(result.errors) == 1, [str(p) for p in result.errors]
    return result.errors[0]


def population(result: ReadResult, code: str, band: str) -> int:
    frame = result.frame
    values = frame[(frame["area_code"] == code) & (frame["age_band"] == band)]["value"]
    assert len(values) == 1
    return int(values.iloc[0])


# --- the real files -------------------------------------------------------------------


def test_ltla_file_gives_33_boroughs_totalling_8799710(ltla):
    assert ltla.ok
    assert not ltla.problems
    assert ltla.kind == "census_age"
    assert list(ltla.frame.columns) == POPULATION_COLUMNS
    assert ltla.meta["london_total"] == LONDON_TOTAL
    assert ltla.meta["boroughs"] == 33
    assert set(ltla.frame["area_code"]) == set(BOROUGHS)
    assert set(ltla.frame["level"]) == {"borough"}
    assert set(ltla.frame["age_band"]) == {*AGE_BANDS, "all"}
    assert len(ltla.frame) == 33 * 19
    assert ltla.frame["value"].dtype == "int64"
    bands = ltla.frame[ltla.frame["age_band"] != "all"]
    assert bands["value"].sum() == LONDON_TOTAL


def test_ltla_bands_match_the_raw_cells(ltla, raw_dir):
    raw = pd.read_csv(raw_dir / LTLA).set_index("geography code")
    camden = raw.loc["E09000007"]
    assert population(ltla, "E09000007", "0-4") == camden["Age: Aged 4 years and under"]
    assert population(ltla, "E09000007", "85+") == camden["Age: Aged 85 years and over"]
    assert population(ltla, "E09000007", "20-24") == camden["Age: Aged 20 to 24 years"]
    assert population(ltla, "E09000001", "all") == raw.loc["E09000001", "Age: Total"]


def test_lsoa_file_gives_all_4994_london_lsoas(lsoa):
    assert lsoa.ok
    assert not lsoa.problems
    assert lsoa.rows_read == 35_672
    assert lsoa.meta["lsoas"] == 4994
    totals = lsoa.frame[lsoa.frame["age_band"] == "all"]
    assert len(totals) == 4994
    assert set(lsoa.frame["level"]) == {"lsoa"}
    assert totals["area_code"].str.match(r"^E01\d{6}$").all()
    # Small-area counts are perturbed separately by the ONS, so London's LSOA total
    # differs from the borough total by a few dozen residents.
    assert abs(lsoa.meta["london_lsoa_total"] - LONDON_TOTAL) < 200


def test_lsoa_file_keeps_no_lsoa_outside_london(lsoa, raw_dir):
    raw = pd.read_csv(raw_dir / LSOA, usecols=["geography", "geography code"])
    kept = set(lsoa.frame["area_code"])
    names = raw.set_index("geography code")["geography"]
    boroughs = {names[c].rsplit(" ", 1)[0] for c in kept}
    assert {borough_code(b) for b in boroughs} == set(BOROUGHS)
    assert "E01012152" not in kept  # Redcar and Cleveland 021D


# --- recognition ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("columns", "kind"),
    [
        (HEADER, "census_age"),
        (["geography code", "Age: Total; measures: Value"], "census_age"),
        (["geography", "geography code", "Sex: All persons"], None),
        (["LSOA21CD", "WD25CD", "LAD25CD"], None),
    ],
)
def test_recognise_by_header_content(columns, kind):
    assert census.recognise(columns) == kind


# --- small files ----------------------------------------------------------------------


def test_bands_are_found_by_their_ages_not_their_position(tmp_path):
    shuffled = ["geography code", "date", *reversed(BAND_HEADERS), "geography", "Age: Total"]
    bands = list(range(1, 19))
    row = ["E09000007", "2021", *map(str, reversed(bands)), "Camden", str(sum(bands))]
    result = read_rows(tmp_path, row, header=shuffled)
    assert result.ok
    assert [population(result, "E09000007", b) for b in AGE_BANDS] == bands


def test_nomis_style_headers_are_read(tmp_path):
    header = [*HEADER[:3], *(f"{h}; measures: Value" for h in HEADER[3:])]
    result = read_rows(tmp_path, area_row("Camden", "E09000007"), header=header)
    assert result.ok
    assert population(result, "E09000007", "85+") == 18


def test_only_london_rows_are_kept(tmp_path):
    result = read_rows(
        tmp_path,
        area_row("Hartlepool", "E06000001"),
        area_row("Cardiff 001A", "W01001701"),
        area_row("Hartlepool 001A", "E01011954"),
        area_row("City of London 001A", "E01000001"),
        area_row("Westminster", "E09000033"),
    )
    assert result.ok
    levels = dict(result.frame[["area_code", "level"]].drop_duplicates().itertuples(index=False))
    assert levels == {"E01000001": "lsoa", "E09000033": "borough"}
    assert result.meta["rows_outside_london"] == 3


def test_a_missing_band_is_an_error_naming_it(tmp_path):
    header = [h for h in HEADER if "30 to 34" not in h]
    row = area_row("Camden", "E09000007")
    del row[4 + 6]
    problem = only_error(read_rows(tmp_path, row, header=header))
    assert problem.row == 1
    assert "no column for ages 30-34" in problem.reason


def test_a_ten_year_band_is_an_error_even_in_a_five_year_place(tmp_path):
    header = [h.replace("Aged 5 to 9 years", "Aged 5 to 14 years") for h in HEADER]
    result = read_rows(tmp_path, area_row("Camden", "E09000007"), header=header)
    wrong, missing = result.errors
    assert wrong.column == "Age: Aged 5 to 14 years"
    assert "no column for ages 5-9" in missing.reason
    assert result.frame.empty


def test_a_single_year_column_is_an_error(tmp_path):
    header = [*HEADER, "Age: Aged 7 years"]
    problem = only_error(
        read_rows(tmp_path, [*area_row("Camden", "E09000007"), "5"], header=header)
    )
    assert problem.column == "Age: Aged 7 years"
    assert "five-year" in problem.reason


def test_a_total_that_is_not_the_sum_of_the_bands_is_an_error(tmp_path):
    result = read_rows(
        tmp_path, area_row("Barnet", "E09000003"), area_row("Camden", "E09000007", total=170)
    )
    problem = only_error(result)
    assert (problem.row, problem.column) == (3, "Age: Total")
    assert "the total 170 is not the sum of the age bands (171)" in problem.reason
    assert set(result.frame["area_code"]) == {"E09000003"}


@pytest.mark.parametrize(("cell", "shown"), [("-3", "'-3'"), ("4.5", "'4.5'"), ("", "blank")])
def test_a_cell_that_is_not_a_whole_number_is_an_error(tmp_path, cell, shown):
    row = area_row("Camden", "E09000007")
    row[4] = cell
    problem = only_error(read_rows(tmp_path, row))
    assert (problem.row, problem.column) == (2, "Age: Aged 4 years and under")
    assert f"the number of residents is {shown}" in problem.reason


def test_thousands_separators_are_accepted(tmp_path):
    row = area_row("Camden", "E09000007", bands=[1000, *range(2, 19)])
    row[3] = f"{int(row[3]):,}"
    row[4] = "1,000"
    result = read_rows(tmp_path, row)
    assert result.ok
    assert population(result, "E09000007", "0-4") == 1000


def test_a_duplicate_area_is_an_error_naming_both_rows(tmp_path):
    result = read_rows(tmp_path, area_row("Camden", "E09000007"), area_row("Camden", "E09000007"))
    problem = only_error(result)
    assert problem.row == 3
    assert problem.reason.startswith("rows 2 and 3 are both E09000007")


def test_a_missing_geography_column_is_named(tmp_path):
    header = [h for h in HEADER if h != "geography"]
    row = area_row("Camden", "E09000007")
    del row[1]
    problem = only_error(read_rows(tmp_path, row, header=header))
    assert problem.row == 1
    assert "no geography column" in problem.reason


def test_an_lsoa_name_not_in_ons_form_is_an_error(tmp_path):
    problem = only_error(read_rows(tmp_path, area_row("Camden", "E01000907")))
    assert (problem.row, problem.column) == (2, "geography")


def test_missing_boroughs_are_listed_in_a_warning(tmp_path):
    result = read_rows(tmp_path, area_row("Camden", "E09000007"))
    [warning] = result.warnings
    assert "1 of London's 33 boroughs" in warning.reason
    assert "Westminster" in warning.reason


def test_a_file_with_no_london_rows_is_an_error(tmp_path):
    problem = only_error(read_rows(tmp_path, area_row("Hartlepool", "E06000001")))
    assert "no London rows" in problem.reason


# --- header parsing -------------------------------------------------------------------


@given(
    start=st.sampled_from(range(5, 85, 5)),
    wording=st.sampled_from(
        [
            "Age: Aged {a} to {b} years",
            "Age: Aged {a} to {b} years; measures: Value",
            "Aged {a}-{b}",
            "age: aged {a} to {b}",
        ]
    ),
)
def test_band_headers_map_by_their_numbers(start, wording):
    header = wording.format(a=start, b=start + 4)
    assert census.age_band(header) == f"{start}-{start + 4}"


@pytest.mark.parametrize(
    ("header", "band"),
    [
        ("Age: Aged 4 years and under", "0-4"),
        ("Age: Aged under 5 years", "0-4"),
        ("Age: Aged 85 years and over", "85+"),
        ("Age: Aged 85+", "85+"),
        ("Age: Total", "all"),
        ("Age: Aged 5 to 14 years", "5-14"),
        ("geography code", None),
    ],
)
def test_open_ended_bands_and_the_total(header, band):
    assert census.age_band(header) == band
