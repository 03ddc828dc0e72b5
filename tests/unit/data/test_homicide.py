"""The homicide victims reader on the real MPS file and on small files with one fault
each."""

from __future__ import annotations

import datetime
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from data.areas import BOROUGHS, CITY_OF_LONDON_CODE, UNALLOCATED_CODE
from data.problems import Problem, ReadResult
from data.readers import SourceFile, homicide, read_source
from data.readers.tables import open_table

HOMICIDE = Path("mps_homicide") / "Homicides_2003_2023.csv"
HEADER = (
    "Count of Victims,Age Group,Sex,Method of Killing,Domestic Abuse,Recorded Date,"
    "Homicide Offence Type,Solved Status,Borough,Officer Observed Ethnicity"
)
TODAY = datetime.date(2025, 6, 15)


@pytest.fixture(scope="module")
def real(raw_dir: Path) -> ReadResult:
    return homicide.read(open_table(raw_dir / HOMICIDE))


@pytest.fixture(scope="module")
def raw(raw_dir: Path) -> pd.DataFrame:
    """The file as pandas reads it, for totals computed independently of the reader."""
    return pd.read_csv(raw_dir / HOMICIDE, dtype=str)


def victim(
    method: str = "Knife or Sharp Implement",
    date: str = "Jan-23",
    borough: str = "Lambeth",
    count: str = "1",
) -> str:
    return f"{count},20 to 24,Male,{method},Not Domestic Abuse,{date},Murder,Solved,{borough},Black"


def read_rows(tmp_path: Path, *rows: str, header: str = HEADER) -> ReadResult:
    path = tmp_path / "victims.csv"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return homicide.read(open_table(path), today=TODAY)


def only_error(result: ReadResult) -> Problem:
    assert len(result.errors) == 1, [str(p) for p in result.errors]
    return result.errors[0]


def month(text: str) -> pd.Timestamp:
    return pd.Timestamp(f"{text}-01")


# --- the real file --------------------------------------------------------------------


def test_real_file_has_1504_knife_and_334_shooting_victims(real):
    assert real.ok, [str(p) for p in real.errors[:3]]
    assert real.kind == "homicide_victims"
    assert real.rows_read == 2912
    totals = real.frame.groupby("measure")["value"].sum().to_dict()
    assert totals == {"homicide_knife": 1504, "homicide_shooting": 334}
    assert real.meta["victims"] == totals
    assert real.meta["victims_other_methods"] == 2912 - 1504 - 334


def test_real_file_covers_both_measures_from_january_2003_to_december_2023(real):
    assert set(real.coverage.itertuples(index=False, name=None)) == {
        ("homicide_knife", "borough", month("2003-01"), month("2023-12")),
        ("homicide_shooting", "borough", month("2003-01"), month("2023-12")),
    }
    assert real.meta["months"] == "2003-01 to 2023-12"


def test_real_file_borough_totals_match_the_raw_names(real, raw):
    # The file's own spellings, resolved by hand: '&', 'Upon' and trailing spaces.
    name = raw["Borough"].str.strip().str.replace("&", "and").str.replace("Upon", "upon")
    code = name.map({n: c for c, n in BOROUGHS.items()})
    knife = raw["Method of Killing"] == "Knife or Sharp Implement"
    expected = code[knife].value_counts().to_dict()
    got = real.frame[real.frame["measure"] == "homicide_knife"].groupby("area_code")["value"].sum()
    assert got.to_dict() == expected
    assert len(expected) == 32
    assert CITY_OF_LONDON_CODE not in got.index
    assert got["E09000002"] == (knife & raw["Borough"].eq("Barking & Dagenham")).sum()


def test_real_file_months_match_the_raw_dates(real, raw):
    shooting = raw[raw["Method of Killing"] == "Shooting"]
    expected = pd.to_datetime(shooting["Recorded Date"], format="%b-%y").value_counts()
    got = real.frame[real.frame["measure"] == "homicide_shooting"].groupby("month")["value"].sum()
    assert got.sort_index().to_dict() == expected.sort_index().to_dict()


def test_real_heathrow_row_is_one_warning_not_an_error(real):
    assert len(real.warnings) == 1
    warning = real.warnings[0]
    assert "'Heathrow'" in warning.reason
    assert "unallocated" in warning.reason
    assert (warning.row, warning.column) == (1216, "Borough")
    # Its victim was not killed with a knife or by shooting, so nothing is unallocated.
    assert "0 knife or shooting victims" in warning.reason
    assert UNALLOCATED_CODE not in set(real.frame["area_code"])


def test_real_file_is_recognised_from_its_header(raw_dir):
    result = read_source(SourceFile.from_path(raw_dir / HOMICIDE))
    assert result.kind == "homicide_victims"
    assert result.frame["value"].sum() == 1504 + 334


# --- recognition ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("columns", "kind"),
    [
        (HEADER.split(","), "homicide_victims"),
        ([c.lower().replace(" ", "_") for c in HEADER.split(",")], "homicide_victims"),
        (["Method of Killing", "Recorded Date", "Borough"], "homicide_victims"),
        (["Date", "Survey", "Borough", "Measure", "Proportion"], None),
        (["Count of Victims", "Borough", "Recorded Date"], None),
    ],
)
def test_recognise_by_header_content(columns, kind):
    assert homicide.recognise(columns) == kind


# --- small files ----------------------------------------------------------------------


def test_a_small_file_in_every_accepted_date_form(tmp_path):
    result = read_rows(
        tmp_path,
        victim(date="Jan-23"),
        victim(date="Jan-2023", borough="Kingston Upon Thames"),
        victim(date="2023-02", method="Shooting", borough="Barking & Dagenham"),
        victim(date="15/03/2023", method="Shooting", borough="Ealing "),
        victim(date="Mar-23", method="Blunt Implement", count="2"),
        victim(date="Apr-23", count="0"),
    )
    assert result.ok
    assert not result.problems
    rows = set(result.frame.itertuples(index=False, name=None))
    assert rows == {
        ("homicide_knife", "borough", "E09000022", month("2023-01"), 1),
        ("homicide_knife", "borough", "E09000021", month("2023-01"), 1),
        ("homicide_shooting", "borough", "E09000002", month("2023-02"), 1),
        ("homicide_shooting", "borough", "E09000009", month("2023-03"), 1),
    }
    # The blunt-implement and zero-count rows still extend the months covered.
    assert set(result.coverage["last_month"]) == {month("2023-04")}


def test_victims_in_one_borough_and_month_are_added(tmp_path):
    result = read_rows(tmp_path, victim(), victim(count="2"), victim(borough="Lambeth "))
    assert result.frame["value"].tolist() == [4]


@pytest.mark.parametrize(
    ("cell", "reason"),
    [
        ("Jam-23", "the recorded date is 'Jam-23'"),
        ("31/02/2023", "the recorded date is '31/02/2023'"),
        ("", "the recorded date is blank"),
        ("2023-13", "the recorded date is '2023-13'"),
    ],
)
def test_a_bad_date_names_file_row_column_and_reason(tmp_path, cell, reason):
    problem = only_error(read_rows(tmp_path, victim(), victim(date=cell)))
    assert (problem.file, problem.row, problem.column) == ("victims.csv", 3, "Recorded Date")
    assert problem.reason.startswith(reason)
    assert "Mon-YY" in problem.reason


def test_a_month_after_today_is_an_error(tmp_path):
    result = read_rows(tmp_path, victim(date="Jul-25"), victim(date="Jun-25"))
    problem = only_error(result)
    assert result.frame["month"].tolist() == [month("2025-06")]
    assert problem.row == 2
    assert "after the current month 2025-06" in problem.reason


def test_two_digit_years_are_this_century_unless_that_is_in_the_future(tmp_path):
    result = read_rows(tmp_path, victim(date="Dec-24"), victim(date="Jan-98"))
    assert sorted(result.frame["month"]) == [month("1998-01"), month("2024-12")]


@pytest.mark.parametrize(
    ("cell", "shown"), [("-1", "'-1'"), ("1.5", "'1.5'"), ("one", "'one'"), ("", "blank")]
)
def test_a_count_that_is_not_a_whole_number_is_an_error(tmp_path, cell, shown):
    problem = only_error(read_rows(tmp_path, victim(count=cell)))
    assert (problem.row, problem.column) == (2, "Count of Victims")
    assert f"the count of victims is {shown}" in problem.reason


def test_an_unknown_borough_is_an_error_and_its_row_is_left_out(tmp_path):
    result = read_rows(tmp_path, victim(), victim(borough="Gotham"))
    problem = only_error(result)
    assert (problem.row, problem.column) == (3, "Borough")
    assert "'Gotham' is not a London borough name" in problem.reason
    assert result.frame["value"].sum() == 1


def test_heathrow_knife_victims_are_unallocated_with_a_warning(tmp_path):
    result = read_rows(tmp_path, victim(), victim(borough="Heathrow "), victim(borough="Heathrow"))
    assert result.ok
    assert len(result.warnings) == 1
    assert "2 knife or shooting victims" in result.warnings[0].reason
    unallocated = result.frame[result.frame["area_code"] == UNALLOCATED_CODE]
    assert unallocated["value"].sum() == 2
    assert result.meta["unallocated_victims"] == 2


def test_a_missing_column_is_named(tmp_path):
    header = HEADER.replace("Recorded Date,", "")
    row = victim().replace("Jan-23,", "")
    result = read_rows(tmp_path, row, header=header)
    problem = only_error(result)
    assert problem.row == 1
    assert "no Recorded Date column" in problem.reason
    assert result.frame.empty
    assert list(result.frame.columns) == [
        "measure",
        "level",
        "area_code",
        "month",
        "value",
    ]


def test_a_blank_method_is_an_error(tmp_path):
    problem = only_error(read_rows(tmp_path, victim(method="")))
    assert (problem.row, problem.column) == (2, "Method of Killing")


def test_many_bad_rows_are_summarised(tmp_path):
    result = read_rows(tmp_path, *[victim(borough="Gotham")] * 30)
    assert len(result.errors) == 21
    assert result.errors[-1].reason.startswith("10 more rows with the same problem")


# --- month parsing --------------------------------------------------------------------

months = st.dates(min_value=datetime.date(1990, 1, 1), max_value=datetime.date(2025, 6, 1))


@given(day=months, form=st.sampled_from(["%b-%y", "%b-%Y", "%Y-%m", "%d/%m/%Y", "%B %Y"]))
def test_parse_month_reads_each_form(day, form):
    text = day.strftime(form)
    assert homicide.parse_month(text, TODAY) == pd.Timestamp(day.year, day.month, 1)


@given(st.text(max_size=12))
def test_parse_month_never_raises_and_only_returns_firsts_of_months(text):
    parsed = homicide.parse_month(text, TODAY)
    assert parsed is None or parsed.day == 1


# -- victims by age group, sex and solved status ---------------------------------------


def detailed(age: str = "20 to 24", sex: str = "Male", solved: str = "Solved",
             method: str = "Blunt Implement", borough: str = "Lambeth") -> str:  # fmt: skip
    return f"1,{age},{sex},{method},Not Domestic Abuse,Mar-23,Murder,{solved},{borough},White"


def test_the_real_victims_table_holds_every_victim_by_age_sex_and_status(real, raw):
    table = real.extra["homicide_victims"]
    assert table["value"].sum() == raw["Count of Victims"].astype(int).sum() == 2912
    by_age = table.groupby("age_group")["value"].sum()
    assert by_age["13-19"] == (raw["Age Group"] == "13 to19").sum()  # the publisher's typo
    assert by_age["65+"] == (raw["Age Group"] == "65 and over").sum()
    by_sex = table.groupby("sex")["value"].sum()
    assert by_sex["Female"] == (raw["Sex"] == "Female").sum()
    assert by_sex["Not recorded"] == (raw["Sex"] == "Unrecorded Gender").sum() == 2
    solved = table.groupby("solved_status")["value"].sum()
    assert solved["Unsolved"] == (raw["Solved Status"] == "Unsolved").sum()
    # Every method, not only knife and shooting, and the airports' victim unallocated.
    assert (
        table.groupby("method")["value"].sum()["Blunt Implement"]
        == (raw["Method of Killing"] == "Blunt Implement").sum()
    )
    assert table.loc[table["area_code"] == UNALLOCATED_CODE, "value"].sum() == 1


@pytest.mark.parametrize(
    ("age", "band"),
    [("13 to19", "13-19"), ("0 to 12", "0-12"), ("65 and over", "65+"), ("65+", "65+"),
     ("25-34", "25-34"), (" 35 TO 44 ", "35-44"), ("", "Not recorded"),
     ("Not known", "Not recorded"), ("13 to 18", None), ("old", None), ("12 to 0", None)],
)  # fmt: skip
def test_age_groups_are_read_by_their_numbers(age, band):
    assert homicide.age_group(age) == band


def test_a_value_not_understood_is_reported_where_it_is_and_counted_as_not_recorded(tmp_path):
    result = read_rows(tmp_path, detailed(), detailed(sex="M"), detailed(age="teen"),
                       detailed(solved="Pending"))  # fmt: skip
    assert result.errors == []
    found = {(p.row, p.column): p.reason for p in result.warnings}
    assert "'M' is not one the dashboard knows" in found[(3, "Sex")]
    assert "'teen'" in found[(4, "Age Group")]
    assert "'Pending'" in found[(5, "Solved Status")]
    table = result.extra["homicide_victims"]
    assert table["value"].sum() == 4
    assert table.groupby("sex")["value"].sum().to_dict() == {"Male": 3, "Not recorded": 1}


def test_a_file_without_a_detail_column_still_gives_its_methods_and_says_what_is_missing(
    tmp_path,
):
    header = HEADER.replace(",Solved Status", "")
    row = "1,20 to 24,Male,Shooting,Not Domestic Abuse,Mar-23,Murder,Lambeth,White"
    result = read_rows(tmp_path, row, row, header=header)
    assert result.errors == []
    assert result.frame["value"].sum() == 2  # the shooting measure is unaffected
    warning = next(p for p in result.warnings if "Solved Status" in p.reason)
    assert "counted as 'Not recorded'" in warning.reason
    assert set(result.extra["homicide_victims"]["solved_status"]) == {"Not recorded"}


def test_a_rejected_row_is_in_neither_table(tmp_path):
    result = read_rows(tmp_path, detailed(), detailed(borough="Atlantis"))
    assert only_error(result).row == 3
    assert result.extra["homicide_victims"]["value"].sum() == 1
