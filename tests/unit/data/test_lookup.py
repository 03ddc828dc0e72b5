"""The LSOA to ward best-fit lookup reader on the real ONS file and on small files in
other vintages or with one fault each."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from data.areas import BOROUGHS, borough_code
from data.frames import LOOKUP_COLUMNS
from data.problems import Problem, ReadResult
from data.readers import SourceFile, census, lookup, read_source
from data.readers.tables import open_table

LOOKUP = (
    Path("ons_lookups")
    / "LSOA_(2021)_to_Electoral_Ward_(2025)_to_LAD_(2025)_Best_Fit_Lookup_in_EW_v2.csv"
)
HEADER = "LSOA21CD,LSOA21NM,LSOA21NMW,WD25CD,WD25NM,WD25NMW,LAD25CD,LAD25NM,LAD25NMW,ObjectId"


@pytest.fixture(scope="module")
def real(raw_dir: Path) -> ReadResult:
    return lookup.read(open_table(raw_dir / LOOKUP))


def row(
    lsoa: str = "E01000907",
    ward: str = "E05013652",
    ward_name: str = "Camden Square",
    lad: str = "E09000007",
    n: int = 1,
) -> str:
    return f"{lsoa},Camden 001A,,{ward},{ward_name},,{lad},Camden,,{n}"


def read_rows(tmp_path: Path, *rows: str, header: str = HEADER) -> ReadResult:
    path = tmp_path / "lookup.csv"
    path.write_bytes(("\ufeff" + "\n".join([header, *rows]) + "\n").encode("utf-8"))
    return lookup.read(open_table(path))


def only_error(result: ReadResult) -> Problem:
    assert len(result.errors) == 1, [str(p) for p in result.errors]
    return result.errors[0]


# --- the real file --------------------------------------------------------------------


def test_real_lookup_maps_4994_london_lsoas_to_684_wards(real):
    assert real.ok
    assert not real.problems
    assert real.kind == "lsoa_ward_lookup"
    assert list(real.frame.columns) == LOOKUP_COLUMNS
    assert real.rows_read == 35_672
    assert len(real.frame) == 4994
    assert real.frame["lsoa_code"].is_unique
    assert real.frame["ward_code"].nunique() == 684
    assert set(real.frame["borough_code"]) == set(BOROUGHS)
    assert real.meta["vintage"] == "WD25"
    assert real.meta["lad_vintage"] == "LAD25"


def test_real_lookup_puts_each_lsoa_in_the_borough_its_name_starts_with(real, raw_dir):
    raw = pd.read_csv(raw_dir / LOOKUP, encoding="utf-8-sig", usecols=["LSOA21CD", "LSOA21NM"])
    names = raw.set_index("LSOA21CD")["LSOA21NM"]
    named = names.loc[real.frame["lsoa_code"]].str.rsplit(" ", n=1).str[0].map(borough_code)
    assert (named.to_numpy() == real.frame["borough_code"].to_numpy()).all()


def test_real_lookup_covers_exactly_the_census_lsoas(real, raw_dir):
    population = census.read(open_table(raw_dir / "ons_census2021" / "census2021-ts007a-lsoa.csv"))
    assert set(population.frame["area_code"]) == set(real.frame["lsoa_code"])


def test_real_lookup_is_recognised_despite_its_byte_order_mark(raw_dir):
    result = read_source(SourceFile.from_path(raw_dir / LOOKUP))
    assert result.kind == "lsoa_ward_lookup"
    assert len(result.frame) == 4994


# --- recognition ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("columns", "kind"),
    [
        (HEADER.split(","), "lsoa_ward_lookup"),
        (["lsoa21cd", "wd22cd", "wd22nm", "lad22cd"], "lsoa_ward_lookup"),
        (["LSOA11CD", "WD20CD", "LAD20CD"], "lsoa_ward_lookup"),
        (["LSOA21CD", "LSOA21NM", "MSOA21CD", "LAD22CD"], None),
        (["date", "geography", "geography code", "Age: Total"], None),
    ],
)
def test_recognise_by_header_content(columns, kind):
    assert lookup.recognise(columns) == kind


# --- small files ----------------------------------------------------------------------


def test_only_london_rows_are_kept(tmp_path):
    result = read_rows(
        tmp_path,
        row(),
        "E01012152,Redcar and Cleveland 021D,,E05012451,Ormesby,,E06000003,Redcar,,2",
    )
    assert result.ok
    assert result.frame.to_dict("records") == [
        {
            "lsoa_code": "E01000907",
            "ward_code": "E05013652",
            "ward_name": "Camden Square",
            "borough_code": "E09000007",
        }
    ]
    assert result.meta["rows_outside_london"] == 1


def test_another_ward_vintage_is_accepted(tmp_path):
    header = "LSOA21CD,LSOA21NM,WD22CD,WD22NM,LAD22CD,LAD22NM"
    result = read_rows(
        tmp_path, "E01000907,Camden 001A,E05013652,Camden Square,E09000007,Camden", header=header
    )
    assert result.ok
    assert result.meta["vintage"] == "WD22"
    assert result.frame["ward_code"].tolist() == ["E05013652"]


def test_the_newest_of_several_ward_vintages_is_used_with_a_warning(tmp_path):
    header = "LSOA21CD,WD22CD,WD22NM,WD24CD,WD24NM,LAD24CD"
    result = read_rows(
        tmp_path, "E01000907,E05000001,Old,E05013652,Camden Square,E09000007", header=header
    )
    assert result.ok
    assert result.meta["vintage"] == "WD24"
    assert result.frame["ward_name"].tolist() == ["Camden Square"]
    assert "WD22, WD24" in result.warnings[0].reason


def test_an_lsoa_listed_twice_is_an_error_naming_both_rows(tmp_path):
    result = read_rows(tmp_path, row(), row(lsoa="E01000908"), row(ward="E05013653", n=3))
    problem = only_error(result)
    assert (problem.file, problem.row, problem.column) == ("lookup.csv", 4, "LSOA21CD")
    assert problem.reason.startswith("rows 2 and 4 both list LSOA E01000907")
    # Neither ward can be trusted, so both rows are left out.
    assert result.frame["lsoa_code"].tolist() == ["E01000908"]


def test_a_2011_lsoa_lookup_is_refused_with_what_to_upload(tmp_path):
    header = "LSOA11CD,LSOA11NM,WD20CD,WD20NM,LAD20CD,LAD20NM"
    result = read_rows(
        tmp_path, "E01000907,Camden 001A,E05000130,X,E09000007,Camden", header=header
    )
    problem = only_error(result)
    assert (problem.row, problem.column) == (1, "LSOA11CD")
    assert "2011 LSOAs" in problem.reason
    assert "LSOA (2021)" in problem.reason
    assert result.frame.empty


def test_a_missing_ward_name_column_is_named(tmp_path):
    header = "LSOA21CD,LSOA21NM,WD25CD,LAD25CD"
    problem = only_error(
        read_rows(tmp_path, "E01000907,Camden 001A,E05013652,E09000007", header=header)
    )
    assert problem.row == 1
    assert "no WD25NM column" in problem.reason


@pytest.mark.parametrize(
    ("kwargs", "column", "reason"),
    [
        ({"lsoa": "E0100090"}, "LSOA21CD", "'E0100090' is not an LSOA code"),
        ({"ward": "X05013652"}, "WD25CD", "'X05013652' is not a ward code"),
        ({"ward": ""}, "WD25CD", "the ward code is blank"),
        ({"ward_name": ""}, "WD25NM", "the ward name is blank"),
    ],
)
def test_a_bad_london_cell_names_row_and_column(tmp_path, kwargs, column, reason):
    result = read_rows(tmp_path, row(**kwargs))
    problem = only_error(result)
    assert (problem.row, problem.column) == (2, column)
    assert problem.reason.startswith(reason)
    assert result.frame.empty


def test_a_ward_in_two_boroughs_is_an_error(tmp_path):
    result = read_rows(tmp_path, row(), row(lsoa="E01000908", lad="E09000019"))
    problem = only_error(result)
    assert "ward E05013652 has 2 different boroughs" in problem.reason


def test_a_lookup_without_london_rows_is_an_error(tmp_path):
    problem = only_error(read_rows(tmp_path, row(lad="E06000003")))
    assert "no London rows" in problem.reason
