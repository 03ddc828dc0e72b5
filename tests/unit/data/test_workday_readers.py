"""The Census 2021 place-of-work reader, the MSOA names reader and the LSOA-to-MSOA
lookup reader, on the real files and on small files with one fault each."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest

from data.areas import BOROUGHS
from data.frames import MSOA_LOOKUP_COLUMNS, WORKPLACE_COLUMNS
from data.problems import InputError, Problem, ReadResult
from data.readers import SourceFile, msoa_lookup, read_source, workday
from data.readers.tables import open_table

FOLDER = Path("ons_census2021_workday")
LAD = FOLDER / "odwp01ew_lad_counts_london.csv"
MSOA = FOLDER / "odwp01ew_msoa_counts_london.csv"
NAMES = FOLDER / "msoa21_names_london.csv"
DBF = Path("boundaries_lsoa_2021/london-2021-lsoa-gen20.dbf")
SHP = Path("boundaries_lsoa_2021/london-2021-lsoa-gen20.shp")
HEADER = "areacd,origin,destination,nomove,within,fromout,toout"


def only_error(result: ReadResult) -> Problem:
    assert len(result.errors) == 1, [str(p) for p in result.errors]
    return result.errors[0]


def read_counts(tmp_path: Path, *rows: str, header: str = HEADER) -> ReadResult:
    path = tmp_path / "counts.csv"
    path.write_text("\n".join([header, *rows]) + "\n")
    return read_source(SourceFile.from_path(path))


# --- the real files -----------------------------------------------------------------


def test_real_borough_counts_are_the_files_own_figures(raw_dir):
    result = read_source(SourceFile.from_path(raw_dir / LAD))
    assert result.kind == "workday"
    assert result.ok
    assert not result.problems
    assert list(result.frame.columns) == WORKPLACE_COLUMNS
    raw = pd.read_csv(raw_dir / LAD).set_index("areacd")
    got = result.frame.set_index("area_code")
    assert set(got.index) == set(BOROUGHS)
    assert (got["level"] == "borough").all()
    assert (got["employed_residents"] == raw["origin"].reindex(got.index)).all()
    assert (got["workplace"] == raw["destination"].reindex(got.index)).all()
    # Westminster, as PROVENANCE.md checks it.
    assert tuple(got.loc["E09000033", ["employed_residents", "workplace"]]) == (101_741, 265_015)


def test_real_msoa_counts_and_names(raw_dir):
    counts = read_source(SourceFile.from_path(raw_dir / MSOA))
    names = read_source(SourceFile.from_path(raw_dir / NAMES))
    assert counts.ok
    assert not counts.problems
    assert names.ok
    assert not names.problems
    assert (counts.kind, names.kind) == ("workday", "msoa_names")
    assert len(counts.frame) == 1002
    assert (counts.frame["level"] == "msoa").all()
    assert counts.area_rows["E02000001"] == 2
    assert set(names.frame["msoa_code"]) == set(counts.frame["area_code"])
    named = names.frame.set_index("msoa_code")
    assert named.loc["E02000977", "msoa_name"] == "Strand, St James & Mayfair"
    assert named.loc["E02000977", "borough_code"] == "E09000033"


def test_the_lsoa_boundaries_table_is_the_lsoa_to_msoa_lookup(raw_dir):
    result = read_source(SourceFile.from_path(raw_dir / DBF))
    assert result.kind == "lsoa_msoa_lookup"
    assert result.ok
    assert not result.problems
    assert list(result.frame.columns) == MSOA_LOOKUP_COLUMNS
    assert result.meta == {"lsoas": 4994, "msoas": 1002, "boroughs": 33, "rows_outside_london": 0}
    # The same links as the shapefile read by GDAL.
    shapes = gpd.read_file(raw_dir / SHP, ignore_geometry=True).set_index("LSOA21CD")
    got = result.frame.set_index("lsoa_code")
    assert (got["msoa_code"] == shapes["MSOA21CD"].reindex(got.index)).all()
    assert (got["borough_code"] == shapes["LAD22CD"].reindex(got.index)).all()


def test_files_are_recognised_by_content_not_name(raw_dir):
    for path, kind in ((LAD, "workday"), (NAMES, "msoa_names"), (DBF, "lsoa_msoa_lookup")):
        renamed = SourceFile("download (3).dat", (raw_dir / path).read_bytes())
        assert read_source(renamed).kind == kind


# --- place-of-work counts: small files --------------------------------------------------


def test_local_authorities_outside_london_are_set_aside(tmp_path):
    result = read_counts(
        tmp_path,
        "E09000033,101741,265015,65000,0,0,10",
        "E06000001,40000,38000,20000,0,0,5",
        "W06000015,150000,170000,90000,0,0,5",
        "E02000977,3000,49000,2000,0,0,1",
    )
    assert result.ok
    assert result.frame.to_dict("records") == [
        {"area_code": "E09000033", "level": "borough", "employed_residents": 101741,
         "workplace": 265015},
        {"area_code": "E02000977", "level": "msoa", "employed_residents": 3000,
         "workplace": 49000},
    ]  # fmt: skip
    assert result.meta["rows_outside_london"] == 2
    assert "32 of London's 33" not in " ".join(p.reason for p in result.warnings)
    assert "has 1 of London's 33 boroughs" in result.warnings[0].reason


@pytest.mark.parametrize(
    ("cells", "column", "reason"),
    [
        ("E09000033,abc,265015,1", "origin", "the count 'abc' is not a number"),
        ("E09000033,101741,-5,1", "destination", "the count -5 is negative"),
        ("E09000033,101741,,1", "destination", "the count is blank; write 0 where there were none"),
        ("E09000033,101741.5,265015,1", "origin", "the count 101741.5 is not a whole number"),
        ("E09000033,100,200,150", "nomove", "150 people live and work in E09000033"),
        ("X09000033,100,200,1", "areacd", "'X09000033' is not a local authority"),
        (",100,200,1", "areacd", "the area code is blank"),
    ],
)
def test_a_bad_cell_is_named_by_file_row_column_and_reason(tmp_path, cells, column, reason):
    result = read_counts(
        tmp_path, "E09000001,5358,88919,3871", cells, header="areacd,origin,destination,nomove"
    )
    problem = only_error(result)
    assert (problem.file, problem.row, problem.column) == ("counts.csv", 3, column)
    assert problem.reason.startswith(reason)
    assert result.frame["area_code"].tolist() == ["E09000001"]
    assert result.rows_rejected == 1


def test_an_area_listed_twice_is_an_error_naming_both_rows(tmp_path):
    result = read_counts(tmp_path, "E02000001,1,2,0,0,0,0", "E02000001,3,4,0,0,0,0")
    problem = only_error(result)
    assert (problem.row, problem.column) == (3, "areacd")
    assert problem.reason.startswith("rows 2 and 3 are both E02000001")


def test_a_file_with_no_london_area_is_an_error(tmp_path):
    problem = only_error(read_counts(tmp_path, "E06000001,40000,38000,20000,0,0,5"))
    assert "no London borough (E09) and no MSOA (E02) rows" in problem.reason


def test_a_counts_file_without_destination_says_what_it_lacks(tmp_path):
    result = read_counts(tmp_path, "E09000033,101741,65000", header="areacd,origin,nomove")
    assert result.kind == "unrecognised"
    assert "ONS Census 2021 place of work counts (ODWP01EW), but has no destination column" in (
        result.problems[0].reason
    )


def test_an_msoa_name_file_with_a_bad_code_names_the_row(tmp_path):
    path = tmp_path / "names.csv"
    path.write_text("areacd,areanm,parentcd\nE02000977,Strand,E09000033\nE0200097,Soho,E09000033\n")
    result = workday.read(open_table(path), workday.NAMES_KIND)
    problem = only_error(result)
    assert (problem.row, problem.column) == (3, "areacd")
    assert "'E0200097' is not an MSOA code" in problem.reason


# --- the LSOA to MSOA lookup: small files ----------------------------------------------

LOOKUP_HEADER = "OA21CD,LSOA21CD,LSOA21NM,MSOA21CD,MSOA21NM,LAD22CD,LAD22NM"


def read_lookup(tmp_path: Path, *rows: str, header: str = LOOKUP_HEADER) -> ReadResult:
    path = tmp_path / "oa-lookup.csv"
    path.write_text("\n".join([header, *rows]) + "\n")
    return read_source(SourceFile.from_path(path))


def test_an_output_area_lookup_repeats_lsoas_and_is_read_once_each(tmp_path):
    result = read_lookup(
        tmp_path,
        "E00023800,E01004734,Westminster 018A,E02000977,Westminster 018,E09000033,Westminster",
        "E00023801,E01004734,Westminster 018A,E02000977,Westminster 018,E09000033,Westminster",
        "E00000001,E01000001,City of London 001A,E02000001,City of London 001,E09000001,City",
        "E00062000,E01012000,Leeds 001A,E02002300,Leeds 001,E08000035,Leeds",
    )
    assert result.kind == "lsoa_msoa_lookup"
    assert result.ok
    assert result.frame.to_dict("records") == [
        {"lsoa_code": "E01000001", "msoa_code": "E02000001", "borough_code": "E09000001"},
        {"lsoa_code": "E01004734", "msoa_code": "E02000977", "borough_code": "E09000033"},
    ]
    assert result.meta["rows_outside_london"] == 1


def test_an_lsoa_in_two_msoas_is_an_error(tmp_path):
    result = read_lookup(
        tmp_path,
        "E00023800,E01004734,Westminster 018A,E02000977,Westminster 018,E09000033,Westminster",
        "E00023801,E01004734,Westminster 018A,E02000978,Westminster 019,E09000033,Westminster",
    )
    problem = only_error(result)
    assert (problem.row, problem.column) == (3, "MSOA21CD")
    assert "LSOA E01004734 is in 2 different MSOAs (E02000977, E02000978)" in problem.reason
    assert result.frame.empty


def test_an_msoa_in_two_boroughs_is_an_error(tmp_path):
    result = read_lookup(
        tmp_path,
        "E00023800,E01004734,Westminster 018A,E02000977,Westminster 018,E09000033,Westminster",
        "E00023900,E01004735,Camden 018A,E02000977,Westminster 018,E09000007,Camden",
    )
    problem = only_error(result)
    assert "MSOA E02000977 is in 2 different boroughs" in problem.reason


@pytest.mark.parametrize(
    ("header", "row", "reason"),
    [
        ("LSOA11CD,MSOA11CD,LAD20CD", "E01004734,E02000977,E09000033", "another year"),
        ("LSOA21CD,MSOA21CD", "E01004734,E02000977", "no local authority code column"),
        ("LSOA21CD,MSOA21CD,LAD22CD", "E01004734,E0200097,E09000033", "is not an MSOA code"),
    ],
)
def test_a_lookup_that_cannot_serve_is_refused_with_why(tmp_path, header, row, reason):
    result = read_lookup(tmp_path, row, header=header)
    assert result.errors
    assert all(reason in e.reason for e in result.errors)
    assert result.frame.empty


# --- the dBase table itself -------------------------------------------------------------


def test_a_truncated_dbf_is_refused_with_the_row_it_stops_at(raw_dir):
    raw = (raw_dir / DBF).read_bytes()
    header = int.from_bytes(raw[8:10], "little")
    width = int.from_bytes(raw[10:12], "little")
    cut = raw[: header + 10 * width + 7]
    with pytest.raises(InputError) as caught:
        open_table("lsoas.dbf", raw=cut)
    problem = caught.value.problems[0]
    assert problem.file == "lsoas.dbf"
    assert problem.row == 12  # record 11 is the first missing one: row 12
    assert "promises 4,994 records but the file holds only 10" in problem.reason


def test_a_dbf_whose_fields_do_not_fill_its_records_is_refused(raw_dir):
    raw = bytearray((raw_dir / DBF).read_bytes())
    raw[10:12] = (int.from_bytes(raw[10:12], "little") + 1).to_bytes(2, "little")
    with pytest.raises(InputError, match="the file is damaged"):
        open_table("lsoas.dbf", raw=bytes(raw))


def test_deleted_dbf_records_are_skipped(raw_dir):
    raw = bytearray((raw_dir / DBF).read_bytes())
    header = int.from_bytes(raw[8:10], "little")
    raw[header] = ord("*")  # mark the first record deleted
    table = open_table("lsoas.dbf", raw=bytes(raw))
    assert len(table.frame) == 4993
    assert table.frame.index[0] == 3
    assert table.frame.iloc[0]["LSOA21CD"] == "E01000002"


def test_msoa_lookup_recognition():
    assert msoa_lookup.recognise(["LSOA21CD", "MSOA21CD", "LAD22CD"]) == "lsoa_msoa_lookup"
    assert msoa_lookup.recognise(["LSOA21CD", "MSOA21CD", "WD22CD", "LAD22CD"]) is None
    assert msoa_lookup.recognise(["LSOA21CD", "WD22CD"]) is None
