"""The Public Attitude Survey reader on the two real sheets and on small files in their
layouts, including the faults staff are likely to upload."""

from __future__ import annotations

import datetime
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from data.areas import BOROUGHS, CITY_OF_LONDON_CODE, LONDON_CODE, MPS_BOROUGHS
from data.frames import SURVEY_COLUMNS
from data.problems import Problem, ReadResult
from data.readers import SourceFile, read_source, survey
from data.readers.tables import open_table

PAS = Path("mopac_pas")
BOROUGH_SHEET = PAS / "PAS_Dashboard_Borough.csv"
TOTAL_SHEET = PAS / "PAS_Total.csv"
BOROUGH_HEADER = "Date,Survey,Borough,Measure,Proportion,MPS"
TOTAL_HEADER = "Date;Survey;Borough;Measure;Proportion"


@pytest.fixture(scope="module")
def borough_sheet(raw_dir: Path) -> ReadResult:
    return survey.read(open_table(raw_dir / BOROUGH_SHEET))


@pytest.fixture(scope="module")
def total_sheet(raw_dir: Path) -> ReadResult:
    return survey.read(open_table(raw_dir / TOTAL_SHEET))


def read_text(tmp_path: Path, text: str, name: str = "pas.csv") -> ReadResult:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return survey.read(open_table(path))


def borough_file(*rows: str) -> str:
    return "\n".join([BOROUGH_HEADER, *rows]) + "\n"


def only_error(result: ReadResult) -> Problem:
    assert len(result.errors) == 1, [str(p) for p in result.errors]
    return result.errors[0]


def value(result: ReadResult, area: str, measure: str, date: str) -> float:
    frame = result.frame
    row = frame[
        (frame["area_code"] == area)
        & (frame["measure"] == measure)
        & (frame["quarter_end"] == pd.Timestamp(date))
    ]
    assert len(row) == 1, row
    return float(row["proportion"].iloc[0])


# --- the real sheets ------------------------------------------------------------------


def test_borough_sheet_matches_all_32_mps_boroughs(borough_sheet):
    result = borough_sheet
    assert not result.problems, [str(p) for p in result.problems[:3]]
    assert list(result.frame.columns) == SURVEY_COLUMNS
    codes = set(result.frame["area_code"])
    assert codes == MPS_BOROUGHS | {LONDON_CODE}
    assert CITY_OF_LONDON_CODE not in codes
    assert result.meta["boroughs"] == 32
    # 9,312 borough rows and one London row per quarter and measure from the MPS column.
    assert result.rows_read == 9312
    assert len(result.frame) == 9312 + 291
    assert result.meta["london_from_mps_column"] == 291


def test_borough_sheet_decimal_commas_and_day_first_dates(borough_sheet):
    assert value(borough_sheet, "E09000002", '"Good Job" local', "2014-12-31") == 0.56
    assert value(borough_sheet, LONDON_CODE, '"Good Job" local', "2014-12-31") == 0.67
    dates = borough_sheet.frame["quarter_end"]
    assert dates.min() == pd.Timestamp("2014-12-31")
    assert dates.max() == pd.Timestamp("2023-12-31")
    assert dates.nunique() == 37
    assert dates.map(survey.is_quarter_end).all()
    assert borough_sheet.frame["proportion"].between(0, 1).all()


def test_both_spellings_of_richmond_and_westminster_are_matched(borough_sheet):
    per_area = borough_sheet.frame.groupby("area_code").size()
    # Richmond is spelled "Richmond Upon Thames" on 24 rows and "upon" on 267.
    assert per_area["E09000027"] == 291
    assert per_area["E09000033"] == 291
    assert set(per_area[per_area.index.isin(BOROUGHS)]) == {291}


def test_measures_are_kept_as_published(borough_sheet):
    assert borough_sheet.meta["measures"] == [
        '"Good Job" local',
        "Contact ward officer",
        "Informed local",
        "Listen to concerns",
        "Relied on to be there",
        "Treat everyone fairly",
        "Trust MPS",
        "Understand issues",
    ]
    trust = borough_sheet.frame[borough_sheet.frame["measure"] == "Trust MPS"]
    assert trust["quarter_end"].min() == pd.Timestamp("2016-03-31")


def test_total_sheet_is_london_only(total_sheet):
    assert total_sheet.ok
    assert not total_sheet.problems
    assert total_sheet.rows_read == 291
    assert set(total_sheet.frame["area_code"]) == {LONDON_CODE}
    assert len(total_sheet.frame) == 291


def test_london_rows_of_the_total_sheet_match_the_borough_sheets_mps_column(
    borough_sheet, total_sheet
):
    key = ["quarter_end", "survey", "measure"]
    from_column = borough_sheet.frame[borough_sheet.frame["area_code"] == LONDON_CODE]
    joined = total_sheet.frame.merge(from_column, on=key, suffixes=("_total", "_column"))
    assert len(joined) == 291
    differ = joined[joined["proportion_total"] != joined["proportion_column"]]
    assert differ.empty, differ


def test_note_in_an_unnamed_column_is_reported_once_through_read_source(raw_dir):
    result = read_source(SourceFile.from_path(raw_dir / BOROUGH_SHEET))
    assert result.kind == "survey"
    notes = [p for p in result.problems if "under no column header" in p.reason]
    assert [(p.row, p.severity) for p in notes] == [(8034, "warning"), (8034, "warning")]
    assert "'Trust'" in notes[0].reason
    assert "'0,71'" in notes[1].reason


# --- the real sheets, broken or re-exported ------------------------------------------


def real_lines(raw_dir: Path, sheet: Path) -> list[str]:
    return (raw_dir / sheet).read_text(encoding="utf-8-sig").splitlines()


def read_lines(tmp_path: Path, lines: list[str], name: str) -> ReadResult:
    return read_text(tmp_path, "\n".join(lines) + "\n", name)


def first_row_with(lines: list[str], text: str) -> int:
    """The spreadsheet row number (header = 1) of the first line holding `text`."""
    return next(i for i, line in enumerate(lines, start=1) if text in line)


@pytest.mark.parametrize(
    ("find", "replace", "column", "reason"),
    [
        ('"0,56","0,67"', '"56,0","0,67"', "Proportion", "'56,0' is above 1"),
        ("31/12/2014,PAS,Barnet", "31/13/2014,PAS,Barnet", "Date", "'31/13/2014'"),
        ("City of Westminster", "City of Westminister", "Borough", "'City of Westminister'"),
        ('"0,47","0,49"', '"0.4.7","0,49"', "Proportion", "'0.4.7' is not a number"),
    ],
)
def test_one_broken_cell_in_the_real_borough_sheet_is_named_and_the_rest_is_read(
    raw_dir, tmp_path, find, replace, column, reason
):
    lines = real_lines(raw_dir, BOROUGH_SHEET)
    row = first_row_with(lines, find)
    lines[row - 1] = lines[row - 1].replace(find, replace, 1)
    result = read_lines(tmp_path, lines, "PAS_Dashboard_Borough.csv")
    problem = only_error(result)
    assert (problem.file, problem.row, problem.column) == ("PAS_Dashboard_Borough.csv", row, column)
    assert reason in problem.reason
    # Every other borough row is still read (and London's rows still come from MPS).
    boroughs = result.frame[result.frame["area_code"] != LONDON_CODE]
    assert len(boroughs) == 9312 - 1


def test_the_real_borough_sheet_without_its_proportion_column_is_refused_by_name(raw_dir, tmp_path):
    lines = real_lines(raw_dir, BOROUGH_SHEET)
    lines[0] = lines[0].replace("Proportion", "Share")
    problem = only_error(read_lines(tmp_path, lines, "pas.csv"))
    assert (problem.row, problem.column) == (1, None)
    assert "no Proportion column" in problem.reason


def test_other_spellings_of_the_real_boroughs_read_the_same(raw_dir, tmp_path, borough_sheet):
    spellings = {
        "Barking and Dagenham": "Barking & Dagenham",
        "Hammersmith and Fulham": "Hammersmith & Fulham ",
        "Kingston upon Thames": "Kingston Upon Thames",
        "City of Westminster": "Westminster",
        "Richmond Upon Thames": "Richmond upon Thames",
    }
    text = (raw_dir / BOROUGH_SHEET).read_text(encoding="utf-8-sig")
    for old, new in spellings.items():
        text = text.replace(f",{old},", f",{new},")
    result = read_text(tmp_path, text)
    assert not result.problems
    pd.testing.assert_frame_equal(result.frame, borough_sheet.frame)


def test_the_london_sheet_re_exported_with_points_commas_and_iso_dates_reads_the_same(
    raw_dir, tmp_path, total_sheet
):
    # The same sheet saved from a spreadsheet set up for the UK: comma-separated,
    # decimal points, ISO or month-name dates.
    lines = real_lines(raw_dir, TOTAL_SHEET)
    out = ["Date,Survey,Borough,Measure,Proportion"]
    for i, line in enumerate(lines[1:]):
        date, name, area, measure, proportion = line.split(";")
        day, month, year = (int(part) for part in date.split("/"))
        when = datetime.date(year, month, day)
        shown = when.isoformat() if i % 2 else when.strftime("%d-%b-%Y")
        out.append(",".join([shown, name, area, measure, proportion.replace(",", ".")]))
    result = read_lines(tmp_path, out, "PAS_Total.csv")
    assert not result.problems
    pd.testing.assert_frame_equal(result.frame, total_sheet.frame)


# --- recognition ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("columns", "kind"),
    [
        (BOROUGH_HEADER.split(","), "survey"),
        (TOTAL_HEADER.split(";"), "survey"),
        (["date", "survey", "borough", "measure", "proportion"], "survey"),
        (["Date", "Borough", "Proportion"], "survey"),
        (["Count of Victims", "Method of Killing", "Recorded Date", "Borough"], None),
        (["month_year", "area_code", "measure", "count"], None),
    ],
)
def test_recognise_by_header_content(columns, kind):
    assert survey.recognise(columns) == kind


# --- small files ----------------------------------------------------------------------


def test_semicolon_file_with_mixed_decimal_marks_and_percentages(tmp_path):
    text = (
        TOTAL_HEADER
        + "\n31/12/2014;PAS;MPS;Trust MPS;0,56\n31/03/2015;PAS;London;Trust MPS;0.6\n"
        + "30/6/2015;PAS;Metropolitan Police;Trust MPS;61%\n"
        + "2015-09-30;PAS;Camden;Trust MPS; 62,5 % \n"
    )
    result = read_text(tmp_path, text)
    assert result.ok
    assert not result.problems
    assert result.frame["proportion"].tolist() == pytest.approx([0.56, 0.6, 0.61, 0.625])
    assert result.frame["area_code"].tolist() == [LONDON_CODE] * 3 + ["E09000007"]


@pytest.mark.parametrize(
    ("cell", "reason"),
    [
        ('"1,5"', "'1,5' is above 1"),
        ("56", "'56' is above 1"),
        ("120%", "'120%' is above 1"),
        ("-0.1", "'-0.1' is below 0"),
        ("n/a", "'n/a' is not a number"),
        ("0.5.1", "'0.5.1' is not a number"),
    ],
)
def test_a_proportion_out_of_range_or_not_a_number_is_an_error(tmp_path, cell, reason):
    result = read_text(tmp_path, borough_file(f'31/12/2014,PAS,Camden,Trust MPS,{cell},"0,6"'))
    problem = only_error(result)
    assert (problem.file, problem.row, problem.column) == ("pas.csv", 2, "Proportion")
    assert reason in problem.reason
    assert "E09000007" not in set(result.frame["area_code"])


def test_a_whole_percentage_without_the_sign_suggests_adding_it(tmp_path):
    problem = only_error(read_text(tmp_path, borough_file("31/12/2014,PAS,Camden,Trust MPS,56,")))
    assert "write 56%" in problem.reason


@pytest.mark.parametrize("cell", ["31/6/2015", "12/31/2014", "Dec 2014", "", "2014"])
def test_a_bad_date_names_file_row_column_and_reason(tmp_path, cell):
    result = read_text(
        tmp_path,
        borough_file('31/12/2014,PAS,Camden,Trust MPS,"0,5",', f'{cell},PAS,Camden,Trust,"0,5",'),
    )
    problem = only_error(result)
    assert (problem.row, problem.column) == (3, "Date")
    assert "day/month/year" in problem.reason
    assert len(result.frame) == 1


def test_a_date_that_is_not_a_quarter_end_is_kept_with_a_warning(tmp_path):
    result = read_text(tmp_path, borough_file('15/11/2014,PAS,Camden,Trust MPS,"0,5",'))
    assert result.ok
    assert [(w.row, w.column) for w in result.warnings] == [(2, "Date")]
    assert "15/11/2014 is not the last day of a quarter" in result.warnings[0].reason
    assert result.frame["quarter_end"].tolist() == [pd.Timestamp("2014-11-15")]


def test_an_unknown_borough_is_an_error(tmp_path):
    result = read_text(tmp_path, borough_file('31/12/2014,PAS,Gotham,Trust MPS,"0,5","0,6"'))
    problem = only_error(result)
    assert (problem.row, problem.column) == (2, "Borough")
    assert "'Gotham' is not a London borough name" in problem.reason


def test_a_duplicate_row_is_an_error_naming_both_rows(tmp_path):
    result = read_text(
        tmp_path,
        borough_file(
            '31/12/2014,PAS,Camden,Trust MPS,"0,5","0,6"',
            '31/12/2014,PAS,Barnet,Trust MPS,"0,5","0,6"',
            '31/12/2014,PAS,Camden ,Trust MPS ,"0,7","0,6"',
        ),
    )
    problem = only_error(result)
    assert problem.row == 4
    assert problem.reason.startswith("rows 2 and 4 both give PAS 'Trust MPS' for Camden")
    assert value(result, "E09000007", "Trust MPS", "2014-12-31") == 0.5


def test_a_missing_column_is_named(tmp_path):
    result = read_text(tmp_path, "Date,Borough,Measure,Proportion\n31/12/2014,Camden,Trust,0.5\n")
    problem = only_error(result)
    assert problem.row == 1
    assert "no Survey column" in problem.reason
    assert list(result.frame.columns) == SURVEY_COLUMNS
    assert result.frame.empty


def test_conflicting_mps_values_are_a_warning_and_the_majority_is_kept(tmp_path):
    result = read_text(
        tmp_path,
        borough_file(
            '31/12/2014,PAS,Camden,Trust MPS,"0,5","0,6"',
            '31/12/2014,PAS,Barnet,Trust MPS,"0,5","0,7"',
            '31/12/2014,PAS,Brent,Trust MPS,"0,5","0,6"',
        ),
    )
    assert result.ok
    [warning] = result.warnings
    assert (warning.row, warning.column) == (3, "MPS")
    assert "0.6 (row 2" in warning.reason
    assert "0.7 (row 3)" in warning.reason
    assert value(result, LONDON_CODE, "Trust MPS", "2014-12-31") == 0.6


def test_an_explicit_london_row_wins_over_the_mps_column(tmp_path):
    result = read_text(
        tmp_path,
        borough_file(
            '31/12/2014,PAS,Camden,Trust MPS,"0,5","0,6"',
            '31/12/2014,PAS,MPS,Trust MPS,"0,65",',
        ),
    )
    assert result.ok
    assert value(result, LONDON_CODE, "Trust MPS", "2014-12-31") == 0.65
    assert "0.65 on its own row but 0.6 in the MPS column" in result.warnings[0].reason


def test_a_blank_proportion_skips_the_row_with_a_warning(tmp_path):
    result = read_text(tmp_path, borough_file("31/12/2014,PAS,Camden,Trust MPS,,"))
    assert result.ok
    assert result.frame.empty
    assert [(w.row, w.column) for w in result.warnings] == [(2, "Proportion")]


def test_any_measure_is_accepted(tmp_path):
    result = read_text(
        tmp_path, borough_file('31/3/2024,PAS,Hackney,Worried about knife crime,"0,31",')
    )
    assert result.ok
    assert result.frame["measure"].tolist() == ["Worried about knife crime"]


def test_a_semicolon_file_with_a_comma_separated_row_names_the_row(tmp_path):
    content = TOTAL_HEADER + "\n31/12/2014;PAS;MPS;Trust MPS;0,56\n31/03/2015,PAS,MPS,Trust,0,6\n"
    result = read_source(SourceFile("pas_total.csv", content.encode()))
    assert result.kind == "unrecognised"
    [problem] = result.problems
    assert (problem.file, problem.row) == ("pas_total.csv", 3)
    assert "fields but the header has 5" in problem.reason


@pytest.mark.parametrize("encoding", ["cp1252", "utf-16"])
def test_a_file_in_another_encoding_names_the_file_and_says_what_to_do(encoding):
    content = (BOROUGH_HEADER + '\n31/12/2014,PAS,Camden,"Confiance – élevé",0.5,\n').encode(
        encoding
    )
    result = read_source(SourceFile("pas.csv", content))
    [problem] = result.problems
    assert problem.file == "pas.csv"
    assert problem.row is not None
    assert "not UTF-8" in problem.reason
    assert "CSV UTF-8" in problem.reason


# --- parsing, property-based ----------------------------------------------------------

hundredths = st.integers(min_value=0, max_value=100)


@given(n=hundredths, form=st.sampled_from(["point", "comma", "percent", "spaced percent"]))
def test_proportions_in_any_accepted_form_read_the_same(n, form):
    text = {
        "point": f"{n / 100:.2f}",
        "comma": f"{n / 100:.2f}".replace(".", ","),
        "percent": f"{n}%",
        "spaced percent": f" {n} % ",
    }[form]
    number, reason = survey.parse_proportion(text)
    assert reason is None
    assert number == pytest.approx(n / 100)


@given(st.floats(min_value=1.0001, max_value=1e6) | st.floats(max_value=-1e-6, min_value=-1e6))
def test_proportions_outside_zero_to_one_are_refused(x):
    for text in (repr(x), repr(x).replace(".", ",")):
        number, reason = survey.parse_proportion(text)
        assert number is None
        assert reason is not None
        assert "above 1" in reason or "below 0" in reason or "not a number" in reason


@given(st.text(max_size=10) | st.floats() | st.integers())
def test_parse_proportion_never_raises(value):
    number, reason = survey.parse_proportion(value)
    assert (number is None) != (reason is None)
    assert number is None or 0 <= number <= 1


dates = st.dates(min_value=datetime.date(2000, 1, 1), max_value=datetime.date(2099, 12, 31))


@given(day=dates, padded=st.booleans(), iso=st.booleans())
def test_dates_read_day_first_with_or_without_leading_zeros(day, padded, iso):
    if iso:
        text = day.isoformat()
    elif padded:
        text = day.strftime("%d/%m/%Y")
    else:
        text = f"{day.day}/{day.month}/{day.year}"
    assert survey.parse_date(text) == pd.Timestamp(day)


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("31-Dec-2014", "2014-12-31"),
        ("30 June 15", "2015-06-30"),
        ("30-Sept-2015", "2015-09-30"),
        ("31 Mar. 2016", "2016-03-31"),
        ("31/12/14", "2014-12-31"),
    ],
)
def test_month_names_and_two_digit_years_are_read(text, day):
    assert survey.parse_date(text) == pd.Timestamp(day)


@pytest.mark.parametrize("text", ["31-Foo-2014", "Dec-2014", "31-Dec", "31 December 2014 12:00"])
def test_dates_that_name_no_real_day_are_refused(text):
    assert survey.parse_date(text) is None


@given(day=dates)
def test_quarter_ends_are_the_last_days_of_march_june_september_and_december(day):
    stamp = pd.Timestamp(day)
    last = (stamp + pd.offsets.MonthEnd(0)) == stamp
    assert survey.is_quarter_end(stamp) == (last and day.month % 3 == 0)


@given(st.text(max_size=12))
def test_parse_date_never_raises(text):
    assert survey.parse_date(text) is None or isinstance(survey.parse_date(text), pd.Timestamp)


quarter_ends = st.sampled_from(
    [pd.Timestamp(y, m, 1) + pd.offsets.MonthEnd(0) for y in (2019, 2020) for m in (3, 6, 9, 12)]
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rows=st.lists(
        st.tuples(quarter_ends, st.sampled_from(sorted(MPS_BOROUGHS)), hundredths, hundredths),
        min_size=1,
        max_size=12,
        unique_by=lambda r: (r[0], r[1]),
    ),
    sep=st.sampled_from([",", ";"]),
)
def test_generated_borough_sheets_read_back_exactly(tmp_path, rows, sep):
    # Each quarter's London value is the one on its first row, repeated on its others.
    london = {}
    for when, _, _, mps in rows:
        london.setdefault(when, mps)
    lines = [sep.join(["Date", "Survey", "Borough", "Measure", "Proportion", "MPS"])]
    for when, code, n, _ in rows:
        shown = f"{n / 100:.2f}".replace(".", ",")
        mps = f"{london[when] / 100:.2f}".replace(".", ",")
        cells = [f"{when.day}/{when.month}/{when.year}", "PAS", BOROUGHS[code], "Trust MPS"]
        lines.append(sep.join([*cells, f'"{shown}"', f'"{mps}"']))
    result = read_text(tmp_path, "\n".join(lines) + "\n")
    assert result.ok
    assert not result.problems
    expected = {(when, code, n / 100) for when, code, n, _ in rows}
    expected |= {(when, LONDON_CODE, v / 100) for when, v in london.items()}
    got = set(result.frame[["quarter_end", "area_code", "proportion"]].itertuples(index=False))
    assert {(w, c, round(p, 2)) for w, c, p in got} == {(w, c, round(p, 2)) for w, c, p in expected}
