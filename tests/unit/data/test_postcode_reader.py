"""The OS Code-Point Open reader on small hand-made files, each fault named by file, row,
column and reason; and gzip-compressed files opened (or refused) before any reading."""

from __future__ import annotations

import gzip

import pandas as pd
import pytest

from data.canonical import check_postcode_wards
from data.frames import POSTCODE_COLUMNS
from data.problems import InputError, Problem, ReadResult
from data.readers import SourceFile, read_source
from data.readers.tables import GZIP_MAX_RATIO, open_table
from tests.builders import BRIXTON, CLAPHAM, LAMBETH, SOUTHWARK, _areas

LONG = (
    "Postcode,Positional_quality_indicator,Eastings,Northings,Country_code,"
    "NHS_regional_HA_code,NHS_HA_code,Admin_county_code,Admin_district_code,Admin_ward_code"
)
SHORT = "PC,PQ,EA,NO,CY,RH,LH,CC,DC,WC"
NAME = "codepoint.csv"


def row(postcode="SW2 1RW", quality="10", east="530919", north="175202",
        district=LAMBETH, ward=BRIXTON) -> str:  # fmt: skip
    return (f'"{postcode}",{quality},{east},{north},"E92000001","E19000003","E18000007","",'
            f'"{district}","{ward}"')  # fmt: skip


def read(*rows: str, header: str | None = LONG, name: str = NAME, gz: bool = False) -> ReadResult:
    text = "\n".join([*([header] if header else []), *rows]) + "\n"
    raw = text.encode()
    return read_source(SourceFile(name, gzip.compress(raw) if gz else raw))


def only_error(result: ReadResult) -> Problem:
    assert len(result.errors) == 1, [str(p) for p in result.errors]
    return result.errors[0]


def test_londons_postcodes_are_read_and_the_rest_of_britain_left_out():
    result = read(
        row(),
        row("sw2  1aa", ward=CLAPHAM),
        row("M1 1AE", district="E08000003", ward="E05011111"),
        row("BAD", district="E08000003", ward="nonsense"),  # outside London: not checked
    )
    assert result.kind == "postcodes"
    assert result.ok, [str(p) for p in result.problems]
    assert list(result.frame.columns) == POSTCODE_COLUMNS
    assert result.frame.to_dict("records") == [
        {"postcode": "SW2 1RW", "ward_code": BRIXTON, "borough_code": LAMBETH,
         "easting": 530919.0, "northing": 175202.0, "quality": 10},
        {"postcode": "SW2 1AA", "ward_code": CLAPHAM, "borough_code": LAMBETH,
         "easting": 530919.0, "northing": 175202.0, "quality": 10},
    ]  # fmt: skip
    assert result.meta["rows_outside_london"] == 2
    assert result.rows_read == 4


def test_the_short_header_and_a_gzipped_file_read_the_same():
    long = read(row(), row("SW2 1AA", ward=CLAPHAM))
    short = read(row(), row("SW2 1AA", ward=CLAPHAM), header=SHORT, gz=True,
                 name="codepoint.csv.gz")  # fmt: skip
    assert short.ok
    pd.testing.assert_frame_equal(long.frame, short.frame)


def test_a_file_without_its_header_row_is_told_which_row_to_add():
    error = only_error(read(row(), row("SW2 1AA"), header=None))
    assert (error.file, error.row) == (NAME, 1)
    assert error.reason.startswith(
        "the file has no header row: its first row is a postcode (SW2 1RW)"
    )
    assert "Postcode, Positional_quality_indicator, Eastings" in error.reason


def test_a_missing_column_is_named():
    header = LONG.replace(",Admin_ward_code", "")
    result = read(",".join(row().split(",")[:-1]), header=header)
    assert result.kind == "unrecognised"  # without its ward column it is not Code-Point
    header = LONG.replace("Eastings", "East")
    error = only_error(read(row(), header=header))
    assert (error.row, error.reason.split(";")[0]) == (1, "the header row has no Eastings column")


@pytest.mark.parametrize(
    ("bad_row", "column", "reason"),
    [
        (row("SW2 1R"), "Postcode", "'SW2 1R' is not a full unit postcode (such as SW2 1RW)"),
        (row(ward="W05000001"), "Admin_ward_code",
         "the ward code 'W05000001' is not a ward code (E05 followed by six digits)"),
        (row(ward=""), "Admin_ward_code",
         "the ward code blank is not a ward code (E05 followed by six digits)"),
        (row(east="9999999"), "Eastings",
         "the easting '9999999' is not a national grid easting (0 to 700,000 metres)"),
        (row(north="north"), "Northings",
         "the northing 'north' is not a national grid northing (0 to 1,300,000 metres)"),
        (row(quality="1.5"), "Positional_quality_indicator",
         "the positional quality indicator '1.5' is not a whole number"),
    ],
)  # fmt: skip
def test_a_bad_cell_is_named_by_row_column_and_reason(bad_row, column, reason):
    result = read(row("SW2 1AA"), bad_row)
    error = only_error(result)
    assert (error.file, error.row, error.column, error.reason) == (NAME, 3, column, reason)
    assert list(result.frame["postcode"]) == ["SW2 1AA"]
    assert result.rows_rejected == 1


def test_a_postcode_listed_twice_names_both_rows():
    result = read(row(), row("SW2 1AA"), row("sw21rw", ward=CLAPHAM))
    error = only_error(result)
    assert (error.row, error.column) == (4, "Postcode")
    assert error.reason == "rows 2 and 4 both list SW2 1RW; each postcode is listed once"
    assert list(result.frame["postcode"]) == ["SW2 1AA"]


def test_a_postcode_without_a_grid_reference_is_kept_with_a_warning():
    result = read(row(), row("SW2 1AA", quality="90", east="0", north="0"))
    assert result.ok
    assert [w.reason for w in result.warnings] == [
        "1 London postcode without a grid reference (the first at row 3): the search still "
        "finds them, as it needs only their ward"
    ]
    assert result.frame["easting"].isna().tolist() == [False, True]


def test_a_file_with_no_london_row_is_refused():
    error = only_error(read(row("M1 1AE", district="E08000003", ward="E05011111")))
    assert error.reason.startswith("the file has no London postcodes")


def test_ward_codes_are_checked_against_the_boundaries():
    register = _areas()
    result = read(row(), row("SW2 1AA", ward="E05099999"), row("SE1 1AA", district=SOUTHWARK))
    problems = check_postcode_wards(result, NAME, register)
    assert [(p.row, p.column, p.reason) for p in problems] == [
        (3, "Admin_ward_code", "ward code E05099999 is not a known London ward: no ward "
         "boundary has this code (1 postcode)"),
        (4, "Admin_ward_code", f"1 postcode (the first SE1 1AA) in borough {SOUTHWARK} is "
         f"given ward {BRIXTON}, which the ward boundaries place in {LAMBETH}"),
    ]  # fmt: skip


def test_a_gzip_bomb_is_refused_unread():
    packed = gzip.compress(b"Postcode," + b"0" * (GZIP_MAX_RATIO * 2**21), compresslevel=9)
    with pytest.raises(InputError) as raised:
        open_table("bomb.csv.gz", raw=packed)
    (problem,) = raised.value.problems
    assert problem.file == "bomb.csv.gz"
    assert "expands to more than" in problem.reason
    assert "refused unread" in problem.reason


def test_a_damaged_gzip_file_is_refused():
    packed = gzip.compress((LONG + "\n" + row() + "\n").encode())
    with pytest.raises(InputError) as raised:
        open_table("cut.csv.gz", raw=packed[: len(packed) // 2])
    assert raised.value.problems[0].reason.startswith("the gzip file cannot be opened")
