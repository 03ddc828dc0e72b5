"""The recorded-crime reader on the real MPS files, on the same data in the official CSV
layout, and on small hand-made and generated files with one fault each."""

from __future__ import annotations

import datetime
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from data.areas import BOROUGHS, UNALLOCATED_CODE, is_lsoa_code, is_ward_code
from data.problems import InputError, Problem, ReadResult
from data.readers import recorded_crime
from data.readers.tables import open_table
from tests.unit.data.strategies import WIDE_AREA_COLUMN, WIDE_LABELS, csv_bytes, wide_files

RECORDED = "mps_recorded_crime"
WARD_RECENT = "recorded-crime-ward.parquet"
WARD_HISTORICAL = "recorded-crime-ward-historical.parquet"
BOROUGH_RECENT = "recorded-crime-borough.parquet"
BOROUGH_HISTORICAL = "recorded-crime-borough-historical.parquet"
LSOA = "recorded-crime-lsoa.parquet"

OFFICIAL_WARD = dict(
    zip(
        ["majortext", "minortext", "wardname", "wardcode", "lookup_boroughname"],
        WIDE_LABELS["ward"],
        strict=True,
    )
)


@pytest.fixture(scope="module")
def real(raw_dir: Path):
    """Each real file read once per module."""
    cache: dict[str, ReadResult] = {}

    def read(name: str) -> ReadResult:
        if name not in cache:
            cache[name] = recorded_crime.read(open_table(raw_dir / RECORDED / name))
        return cache[name]

    return read


def month(text: str) -> pd.Timestamp:
    return pd.Timestamp(f"{text}-01")


def yyyymm(header: str) -> pd.Timestamp:
    return pd.Timestamp(int(header[:4]), int(header[4:]), 1)


def coverage_of(result: ReadResult) -> set[tuple[str, str, pd.Timestamp, pd.Timestamp]]:
    return set(result.coverage.itertuples(index=False, name=None))


def read_bytes(tmp_path: Path, content: bytes, name: str = "ward.csv", **kwargs) -> ReadResult:
    path = tmp_path / name
    path.write_bytes(content)
    return recorded_crime.read(open_table(path), **kwargs)


def only_error(result: ReadResult) -> Problem:
    assert len(result.errors) == 1, [str(p) for p in result.errors]
    return result.errors[0]


# --- the real files -------------------------------------------------------------------


def test_historical_ward_file_covers_april_2010_to_february_2024(real):
    result = real(WARD_HISTORICAL)
    assert result.ok, result.errors[:3]
    assert result.kind == "recorded_crime_ward"
    assert coverage_of(result) == {
        (m, "ward", month("2010-04"), month("2024-02"))
        for m in ("possession_of_weapons", "violence_against_the_person")
    }
    assert result.meta["months"] == "2010-04 to 2024-02"
    assert result.meta["areas"] == 679
    assert result.rows_read == 21_118


def test_recent_ward_file_drops_its_near_empty_first_month(real):
    result = real(WARD_RECENT)
    assert result.ok
    dropped = [p for p in result.warnings if p.column == "202402"]
    assert len(dropped) == 1
    assert "2024-02" in dropped[0].reason
    assert "40 offences" in dropped[0].reason
    assert result.frame["month"].min() == month("2024-03")
    assert {row[2] for row in coverage_of(result)} == {month("2024-03")}
    assert result.meta["dropped_month"] == "2024-02"


def test_recent_borough_file_keeps_its_complete_first_month(real):
    result = real(BOROUGH_RECENT)
    assert result.ok
    assert not [p for p in result.warnings if p.column == "202403"]
    assert {row[2] for row in coverage_of(result)} == {month("2024-03")}
    assert (result.frame["month"] == month("2024-03")).any()


def test_possession_of_weapons_ward_totals_match_the_raw_file(real, raw_dir):
    raw = pd.read_parquet(raw_dir / RECORDED / WARD_HISTORICAL)
    months = [c for c in raw.columns if c.isdigit()]
    pow_rows = raw[raw["majortext"] == "POSSESSION OF WEAPONS"]
    expected = pow_rows.groupby("wardcode")[months].sum().sum(axis=1)
    expected = expected[expected != 0].sort_index()

    frame = real(WARD_HISTORICAL).frame
    got = frame[frame["measure"] == "possession_of_weapons"].groupby("area_code")["value"].sum()
    pd.testing.assert_series_equal(got.sort_index(), expected, check_names=False)


def test_heathrow_villages_under_two_borough_labels_is_one_ward_with_one_warning(real, raw_dir):
    raw = pd.read_parquet(raw_dir / RECORDED / WARD_HISTORICAL)
    heathrow = raw[(raw["wardcode"] == "E05013570") & (raw["majortext"] == "POSSESSION OF WEAPONS")]
    assert set(heathrow["lookup_boroughname"]) == {"Aviation Security (SO18)", "Hillingdon"}

    result = real(WARD_HISTORICAL)
    frame = result.frame
    got = frame[(frame["area_code"] == "E05013570") & (frame["measure"] == "possession_of_weapons")]
    assert got["value"].sum() == heathrow.filter(regex=r"^\d{6}$").to_numpy().sum()
    notes = [p for p in result.warnings if "Aviation Security (SO18)" in p.reason]
    assert len(notes) == 1
    assert "Hillingdon" in notes[0].reason


def test_borough_file_counts_unknown_and_airports_as_unallocated(real, raw_dir):
    result = real(BOROUGH_HISTORICAL)
    assert result.ok
    codes = set(result.frame["area_code"])
    assert codes - {UNALLOCATED_CODE} == set(BOROUGHS) - {"E09000001"}
    assert UNALLOCATED_CODE in codes
    labels = {"Unknown", "London Heathrow and London City Airports"}
    assert {label for p in result.warnings for label in labels if repr(label) in p.reason} == labels

    raw = pd.read_parquet(raw_dir / RECORDED / BOROUGH_HISTORICAL)
    months = [c for c in raw.columns if c.isdigit()]
    vap = raw[(raw["majortext"] == "VIOLENCE AGAINST THE PERSON") & raw["boroughname"].isin(labels)]
    frame = result.frame
    got = frame[
        (frame["area_code"] == UNALLOCATED_CODE)
        & (frame["measure"] == "violence_against_the_person")
    ]["value"].sum()
    assert got == vap[months].to_numpy().sum()


def test_lsoa_file_gives_4988_small_areas(real):
    result = real(LSOA)
    assert result.ok
    assert result.meta["areas"] == 4_988
    assert result.frame["area_code"].map(is_lsoa_code).all()
    assert set(result.frame["level"]) == {"lsoa"}
    assert result.meta["dropped_month"] == "2024-02"


def test_only_catalogue_categories_are_output_and_the_rest_are_counted(real):
    result = real(WARD_RECENT)
    assert set(result.frame["measure"]) == {"possession_of_weapons", "violence_against_the_person"}
    assert "THEFT" in result.meta["categories_not_output"]
    assert result.meta["rows_not_output"] == 18_688 - 677 - 2_392


# --- the official layout --------------------------------------------------------------


def test_official_ward_csv_reads_like_the_parquet(real, raw_dir, tmp_path):
    raw = pd.read_parquet(raw_dir / RECORDED / WARD_RECENT)
    months = [c for c in raw.columns if c.isdigit()]
    official = raw.rename(columns=OFFICIAL_WARD)[[*WIDE_LABELS["ward"], *months]]
    official["WardCode"] = official["WardCode"] + " "  # as some exports pad codes
    path = tmp_path / "MPS Ward Level Crime (most recent 24 months).csv"
    official.to_csv(path, index=False)

    table = open_table(path)
    assert recorded_crime.recognise(list(table.frame.columns)) == "recorded_crime_ward"
    result = recorded_crime.read(table)
    expected = real(WARD_RECENT)
    assert result.ok
    pd.testing.assert_frame_equal(result.frame, expected.frame)
    pd.testing.assert_frame_equal(result.coverage, expected.coverage)
    assert result.meta == expected.meta


def test_official_borough_csv_reads_like_the_parquet(real, raw_dir, tmp_path):
    raw = pd.read_parquet(raw_dir / RECORDED / BOROUGH_HISTORICAL)
    official = raw.rename(
        columns={"majortext": "MajorText", "minortext": "MinorText", "boroughname": "BoroughName"}
    )
    path = tmp_path / "MPS Borough Level Crime (Historical).csv"
    official.to_csv(path, index=False)
    result = recorded_crime.read(open_table(path))
    pd.testing.assert_frame_equal(result.frame, real(BOROUGH_HISTORICAL).frame)
    pd.testing.assert_frame_equal(result.coverage, real(BOROUGH_HISTORICAL).coverage)


def test_official_lsoa_csv_with_borough_names_reads_like_the_parquet(raw_dir, tmp_path):
    raw = pd.read_parquet(raw_dir / RECORDED / LSOA).head(4_000)
    months = [c for c in raw.columns if c.isdigit()]
    subset = tmp_path / "subset.parquet"
    raw.to_parquet(subset, index=False)
    official = raw.rename(
        columns=dict(
            zip(
                ["lsoa_code", "lsoa_name", "borough", "major_category", "minor_category"],
                WIDE_LABELS["lsoa"],
                strict=True,
            )
        )
    )
    official["Borough"] = official["Borough"].map(BOROUGHS)  # names instead of codes
    path = tmp_path / "MPS LSOA Level Crime (most recent 24 months).csv"
    official[[*WIDE_LABELS["lsoa"], *months]].to_csv(path, index=False)

    result = recorded_crime.read(open_table(path))
    expected = recorded_crime.read(open_table(subset))
    assert result.ok
    assert expected.ok
    assert result.kind == "recorded_crime_lsoa"
    assert not result.frame.empty
    pd.testing.assert_frame_equal(result.frame, expected.frame)


# --- recognising the layout -----------------------------------------------------------


@pytest.mark.parametrize(
    ("columns", "kind"),
    [
        (["MajorText", "MinorText", "WardName", "WardCode", "LookUp_BoroughName", "202403"],
         "recorded_crime_ward"),
        (["wardname", "wardcode", "majortext", "minortext", "lookup_boroughname", "201004"],
         "recorded_crime_ward"),
        (["MajorText", "MinorText", "BoroughName", "202403"], "recorded_crime_borough"),
        (["majortext", "minortext", "boroughname", "202403"], "recorded_crime_borough"),
        (["LSOA Code", "LSOA Name", "Borough", "Major Category", "Minor Category", "202402"],
         "recorded_crime_lsoa"),
        (["lsoa_code", "lsoa_name", "borough", "major_category", "minor_category", "202402"],
         "recorded_crime_lsoa"),
        (["Month_Year", "Area Type", "Borough_SNT", "Area name", "Area code", "Count"], None),
        (["Borough", "Measure", "Proportion"], None),
    ],
)  # fmt: skip
def test_recognise_by_header_content(columns, kind):
    assert recorded_crime.recognise(columns) == kind


# --- faults, each reported with file, row, column and reason ---------------------------

WARD_HEADER = [*WIDE_LABELS["ward"], "202401", "202402", "202403"]
POW = ["POSSESSION OF WEAPONS", "POSSESSION OF WEAPONS"]
VWI = ["VIOLENCE AGAINST THE PERSON", "VIOLENCE WITH INJURY"]
ABBEY = ["Abbey", "E05014053", "Barking and Dagenham"]
ALIBON = ["Alibon", "E05014054", "Barking and Dagenham"]


def ward_rows() -> list[list[str]]:
    return [
        [*POW, *ABBEY, "1", "2", "3"],  # row 2
        [*VWI, *ABBEY, "4", "5", "6"],  # row 3
        ["THEFT", "SHOPLIFTING", *ABBEY, "7", "8", "9"],  # row 4
        [*POW, *ALIBON, "0", "1", "0"],  # row 5
    ]


def test_a_valid_small_ward_file(tmp_path):
    result = read_bytes(tmp_path, csv_bytes(WARD_HEADER, ward_rows()))
    assert result.ok
    assert not result.problems
    got = {
        (r.measure, r.area_code, r.month.strftime("%Y%m")): r.value
        for r in result.frame.itertuples()
    }
    assert got == {
        ("possession_of_weapons", "E05014053", "202401"): 1,
        ("possession_of_weapons", "E05014053", "202402"): 2,
        ("possession_of_weapons", "E05014053", "202403"): 3,
        ("possession_of_weapons", "E05014054", "202402"): 1,
        ("violence_against_the_person", "E05014053", "202401"): 4,
        ("violence_against_the_person", "E05014053", "202402"): 5,
        ("violence_against_the_person", "E05014053", "202403"): 6,
    }
    assert result.meta["categories_not_output"] == ["THEFT"]
    assert result.meta["months"] == "2024-01 to 2024-03"


@pytest.mark.parametrize(
    ("cell", "reason"),
    [
        ("twelve", "'twelve' is not a number"),
        ("-4", "negative"),
        ("2.5", "not a whole number"),
        ("", "blank"),
        ("1e3", "not a number"),
    ],
)
def test_a_bad_count_names_its_row_and_month_column(tmp_path, cell, reason):
    rows = ward_rows()
    rows[1][6] = cell  # row 3, column 202402
    problem = only_error(read_bytes(tmp_path, csv_bytes(WARD_HEADER, rows), name="wards.csv"))
    assert (problem.file, problem.row, problem.column) == ("wards.csv", 3, "202402")
    assert reason in problem.reason


def test_a_duplicate_category_and_ward_names_both_rows(tmp_path):
    rows = [*ward_rows(), [*POW, *ABBEY, "9", "9", "9"]]  # row 6 repeats row 2
    problem = only_error(read_bytes(tmp_path, csv_bytes(WARD_HEADER, rows)))
    assert problem.row == 6
    assert "rows 2 and 6" in problem.reason
    assert "E05014053" in problem.reason


@pytest.mark.parametrize(("code", "reason"), [("E0501405", "not a ward code"), ("", "blank")])
def test_a_malformed_ward_code_is_an_error(tmp_path, code, reason):
    rows = ward_rows()
    rows[3][3] = code
    problem = only_error(read_bytes(tmp_path, csv_bytes(WARD_HEADER, rows)))
    assert (problem.row, problem.column) == (5, "WardCode")
    assert reason in problem.reason


def test_a_month_missing_in_the_middle_is_named(tmp_path):
    header = [*WIDE_LABELS["ward"], "202312", "202401", "202403", "202404"]
    rows = [[*row, "1"] for row in ward_rows()]
    problem = only_error(read_bytes(tmp_path, csv_bytes(header, rows)))
    assert problem.column == "202403"
    assert "2024-02" in problem.reason
    assert "missing" in problem.reason


def test_a_month_in_the_future_is_an_error(tmp_path):
    content = csv_bytes(WARD_HEADER, ward_rows())
    problem = only_error(read_bytes(tmp_path, content, today=datetime.date(2024, 2, 20)))
    assert (problem.row, problem.column) == (1, "202403")
    assert "month in the future" in problem.reason


def test_a_month_far_in_the_future_is_an_error_today(tmp_path):
    header = [*WIDE_LABELS["ward"], "209901"]
    rows = [[*row[:5], "1"] for row in ward_rows()]
    problem = only_error(read_bytes(tmp_path, csv_bytes(header, rows)))
    assert problem.column == "209901"
    assert "month in the future" in problem.reason


@pytest.mark.parametrize("bad", ["202413", "2024-03", "Mar 2024"])
def test_a_month_header_not_in_yyyymm_form_is_an_error(tmp_path, bad):
    header = [*WARD_HEADER[:-1], bad]
    problem = only_error(read_bytes(tmp_path, csv_bytes(header, ward_rows())))
    assert (problem.row, problem.column) == (1, bad)


def test_wrong_headers_give_one_error_listing_the_layouts(tmp_path):
    header = ["Category", "Ward", *WARD_HEADER[5:]]
    content = csv_bytes(header, [row[:1] + row[3:4] + row[5:] for row in ward_rows()])
    table = open_table(_write(tmp_path / "odd.csv", content))
    assert recorded_crime.recognise(list(table.frame.columns)) is None
    problem = only_error(recorded_crime.read(table))
    assert (problem.file, problem.row) == ("odd.csv", 1)
    assert "WardCode" in problem.reason
    assert "BoroughName" in problem.reason


def test_a_missing_required_column_is_named(tmp_path):
    header = [h for h in WARD_HEADER if h != "WardCode"]
    rows = [row[:3] + row[4:] for row in ward_rows()]
    table = open_table(_write(tmp_path / "w.csv", csv_bytes(header, rows)))
    problem = only_error(recorded_crime.read(table, "recorded_crime_ward"))
    assert "WardCode" in problem.reason


def test_borough_names_map_to_codes_and_placeholders_to_unallocated(tmp_path):
    header = ["MajorText", "MinorText", "BoroughName", "202401", "202402"]
    rows = [
        [*POW, "Barking & Dagenham", "1", "2"],
        [*POW, "Unknown", "3", "4"],
        [*POW, "Kingston Upon Thames ", "5", "0"],
    ]
    result = read_bytes(tmp_path, csv_bytes(header, rows), name="b.csv")
    assert result.ok
    totals = result.frame.groupby("area_code")["value"].sum().to_dict()
    assert totals == {"E09000002": 3, UNALLOCATED_CODE: 7, "E09000021": 5}
    [note] = [p for p in result.warnings if p.column == "BoroughName"]
    assert note.row == 3
    assert "'Unknown' is not a borough" in note.reason


def test_an_unrecognised_borough_name_is_an_error(tmp_path):
    header = ["MajorText", "MinorText", "BoroughName", "202401"]
    rows = [[*POW, "Barnet", "1"], [*POW, "Atlantis", "3"]]
    problem = only_error(read_bytes(tmp_path, csv_bytes(header, rows), name="b.csv"))
    assert (problem.row, problem.column) == (3, "BoroughName")
    assert "'Atlantis' is not a London borough" in problem.reason


def test_lsoa_file_accepts_borough_codes_or_names_and_rejects_bad_codes(tmp_path):
    header = [*WIDE_LABELS["lsoa"], "202401"]
    rows = [
        ["E01000006", "Barking and Dagenham 016A", "E09000002", *POW, "2"],
        ["E01000007", "Barking and Dagenham 015A", "Barking and Dagenham", *POW, "3"],
        ["E0100008", "Barking and Dagenham 015B", "E09000002", *POW, "4"],
    ]
    result = read_bytes(tmp_path, csv_bytes(header, rows), name="lsoa.csv")
    problem = only_error(result)
    assert (problem.row, problem.column) == (4, "LSOA Code")
    assert set(result.frame["area_code"]) == {"E01000006", "E01000007"}


def test_heathrow_villages_label_is_one_warning_and_the_ward_is_kept(tmp_path):
    heathrow = ["Heathrow Villages", "E05013570", "Aviation Security (SO18)"]
    rows = [[*POW, *heathrow, "1", "1", "1"], [*VWI, *heathrow, "2", "2", "2"]]
    result = read_bytes(tmp_path, csv_bytes(WARD_HEADER, rows))
    assert result.ok
    assert len(result.warnings) == 1
    assert "Hillingdon" in result.warnings[0].reason
    assert set(result.frame["area_code"]) == {"E05013570"}


def test_a_ward_under_two_borough_labels_is_summed_with_a_warning(tmp_path):
    rows = [*ward_rows(), [*POW, "Abbey", "E05014053", "Barnet", "5", "5", "5"]]
    result = read_bytes(tmp_path, csv_bytes(WARD_HEADER, rows))
    assert result.ok
    [note] = result.warnings
    assert note.row == 2
    assert "'Barking and Dagenham' and 'Barnet'" in note.reason
    pow_abbey = result.frame[
        (result.frame["area_code"] == "E05014053")
        & (result.frame["measure"] == "possession_of_weapons")
    ]
    assert pow_abbey["value"].tolist() == [6, 7, 8]


def test_a_near_empty_first_month_is_dropped_and_a_full_one_kept(tmp_path):
    months = [f"2024{m:02d}" for m in range(1, 9)]
    header = [*WIDE_LABELS["ward"], *months]
    near_empty = [[*POW, *ABBEY, "1", *["40"] * 7], [*VWI, *ALIBON, "0", *["60"] * 7]]
    result = read_bytes(tmp_path, csv_bytes(header, near_empty))
    assert result.ok
    assert [p.column for p in result.warnings] == ["202401"]
    assert "1 offences against a median of 100" in result.warnings[0].reason
    assert result.coverage["first_month"].tolist() == [month("2024-02")] * 2

    full = [[*POW, *ABBEY, "30", *["40"] * 7], [*VWI, *ALIBON, "0", *["60"] * 7]]
    kept = read_bytes(tmp_path, csv_bytes(header, full))
    assert not kept.problems
    assert kept.coverage["first_month"].tolist() == [month("2024-01")] * 2


# --- files that cannot be opened ------------------------------------------------------


def _write(path: Path, content: bytes) -> Path:
    path.write_bytes(content)
    return path


def test_a_truncated_csv_names_the_file_and_row(tmp_path):
    content = csv_bytes(WARD_HEADER, ward_rows())
    cut = content[: content.rstrip().rfind(b",") - 1]  # mid-way through the last row
    with pytest.raises(InputError) as caught:
        open_table(_write(tmp_path / "cut.csv", cut))
    assert "cut.csv" in str(caught.value)
    assert caught.value.problems[0].row == 5
    assert "truncated" in caught.value.problems[0].reason


def test_an_empty_file_names_the_file(tmp_path):
    with pytest.raises(InputError, match=r"empty\.csv.*empty"):
        open_table(_write(tmp_path / "empty.csv", b""))


@pytest.mark.parametrize("encoding", ["utf-16", "latin-1"])
def test_a_file_in_another_encoding_names_the_file(tmp_path, encoding):
    rows = ward_rows()
    rows[0][2] = "Abbey Café"
    text = csv_bytes(WARD_HEADER, rows).decode("utf-8")
    with pytest.raises(InputError) as caught:
        open_table(_write(tmp_path / "encoded.csv", text.encode(encoding)))
    assert "encoded.csv" in str(caught.value)
    assert "not UTF-8" in str(caught.value)


# --- generated files ------------------------------------------------------------------

FAST = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@FAST
@given(wide_files())
def test_generated_wide_files_round_trip_their_totals(tmp_path, file):
    result = read_bytes(tmp_path, file.csv(), name="generated.csv")
    assert result.ok, [str(p) for p in result.errors]
    assert result.kind == file.kind
    totals = Counter()
    for row in result.frame.itertuples():
        totals[(row.measure, row.area_code)] += row.value
    assert totals == file.expected_totals()
    assert (result.frame["value"] > 0).all()
    assert set(result.coverage["first_month"]) <= {yyyymm(file.months[0])}
    assert set(result.coverage["last_month"]) <= {yyyymm(file.months[-1])}
    if file.level != "lsoa":
        assert result.frame["area_code"].map(lambda c: is_ward_code(c) or c in BOROUGHS).all()


BAD_CELLS = ["x", "-3", "0.5", "", "N/A"]


@FAST
@given(wide_files(), st.data())
def test_one_bad_cell_is_reported_at_exactly_its_row_and_column(tmp_path, file, data):
    row = data.draw(st.integers(0, len(file.rows) - 1), label="row")
    labels = len(file.header) - len(file.months)
    area_column = file.header.index(WIDE_AREA_COLUMN[file.level])
    column = data.draw(
        st.sampled_from([area_column, *range(labels, len(file.header))]), label="column"
    )
    bad = data.draw(st.sampled_from(BAD_CELLS), label="bad")
    file.rows[row][column] = bad
    result = read_bytes(tmp_path, file.csv(), name="generated.csv")
    problem = only_error(result)
    assert (problem.file, problem.row, problem.column) == (
        "generated.csv",
        row + 2,
        file.header[column],
    )


def test_an_infinite_count_in_a_typed_column_is_reported_not_raised():
    import numpy as np

    from data.readers.cells import whole_counts

    cells = pd.Series([3.0, np.inf, -np.inf, np.nan], index=[2, 3, 4, 5])
    values, reasons = whole_counts(cells)
    assert values.tolist() == [3, 0, 0, 0]
    assert "not a number" in reasons[3]
    assert "not a number" in reasons[4]
    assert "blank" in reasons[5]
