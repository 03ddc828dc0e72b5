"""The Monthly Crime Dashboard reader on the real knife file, on the same data in the
official CSV and XLSX layouts, on a gun file made by relabelling it, and on small
files with one fault each."""

from __future__ import annotations

import datetime
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from data.areas import UNALLOCATED_CODE, is_ward_code
from data.catalogue import MEASURES
from data.problems import InputError, Problem, ReadResult
from data.readers import crime_dashboard
from data.readers.tables import RawTable, open_table
from tests.unit.data.strategies import DASHBOARD_HEADERS, csv_bytes, dashboard_files

KNIFE = Path("mps_knife_crime") / "monthly-crime-dashboard.parquet"

PARQUET_TO_OFFICIAL = dict(
    zip(
        [
            "month_year",
            "area_type",
            "borough_snt",
            "area_name",
            "area_code",
            "crime_type",
            "crime_subtype",
            "measure",
            "financial_year",
            "fy_fyindex",
            "count",
            "refresh_date",
        ],
        DASHBOARD_HEADERS,
        strict=True,
    )
)

KNIFE_OFFENCES = {
    "Knife Crime": "knife_crime",
    "Knife Crime with Injury": "knife_crime_injury",
    "Knife Crime with Injury (Personal Robbery)": "knife_crime_injury_robbery",
    "Knife Injury Victims (1-24)": "knife_injury_victims_1_24",
    "Knife Injury Victims (non DA 1-24)": "knife_injury_victims_1_24_non_da",
}

GUN_SUBTYPES = {
    "Knife Crime": "Gun Crime",
    "Knife Crime with Injury": "Gun Crime Personal Robbery",
    "Knife Crime with Injury (Personal Robbery)": "Lethal Barrelled Discharges",
    "Knife Injury Victims (1-24)": "Non-Lethal Discharges",
}
GUN_IDS = {
    "Gun Crime": "gun_crime",
    "Gun Crime Personal Robbery": "gun_crime_robbery",
    "Lethal Barrelled Discharges": "lethal_barrelled_discharges",
    "Non-Lethal Discharges": "non_lethal_discharges",
}


@pytest.fixture(scope="module")
def knife_raw(raw_dir: Path) -> pd.DataFrame:
    return pd.read_parquet(raw_dir / KNIFE)


@pytest.fixture(scope="module")
def knife(raw_dir: Path) -> ReadResult:
    return crime_dashboard.read(open_table(raw_dir / KNIFE))


def as_table(frame: pd.DataFrame, name: str = "dashboard.parquet") -> RawTable:
    frame = frame.reset_index(drop=True)
    frame.index = pd.Index(range(2, len(frame) + 2), name="row")
    return RawTable(name=name, frame=frame, format="parquet")


def read_bytes(tmp_path: Path, content: bytes, name: str = "dashboard.csv", **kwargs):
    path = tmp_path / name
    path.write_bytes(content)
    return crime_dashboard.read(open_table(path), **kwargs)


def only_error(result: ReadResult) -> Problem:
    assert len(result.errors) == 1, [str(p) for p in result.errors]
    return result.errors[0]


def financial_year(month: pd.Series) -> pd.Series:
    return month.dt.year - (month.dt.month < 4)


def totals(frame: pd.DataFrame) -> Counter:
    out = Counter()
    for row in frame.itertuples():
        out[(row.measure, row.level, row.area_code, row.month.strftime("%Y-%m"))] += row.value
    return out


# --- the real knife file --------------------------------------------------------------


def test_knife_file_reads_without_errors(knife):
    assert knife.ok, [str(p) for p in knife.errors[:5]]
    assert knife.kind == "crime_dashboard"
    assert knife.rows_read == 59_431
    assert knife.meta["months"] == "2022-03 to 2026-02"
    assert knife.meta["crime_types"] == ["Knife Crime"]
    assert knife.meta["refresh_date"] == "2026-03-18"


def test_knife_crime_offences_per_financial_year_agree_at_both_levels(knife):
    frame = knife.frame[knife.frame["measure"] == "knife_crime"]
    by_year = frame.groupby([financial_year(frame["month"]), "level"])["value"].sum().unstack()
    assert (by_year["borough"] == by_year["ward"]).all()
    assert by_year["borough"].sum() == 57_709
    assert by_year.loc[2024, "ward"] == 16_156  # fy24-25 in the file


def test_every_measure_agrees_at_both_levels(knife):
    by_level = knife.frame.groupby(["measure", "level"])["value"].sum().unstack()
    assert (by_level["borough"] == by_level["ward"]).all()
    assert not [p for p in knife.warnings if "should hold the same total" in p.reason]


def test_all_five_subtypes_and_both_measures_map_to_catalogue_ids(knife):
    ids = set(knife.frame["measure"])
    assert set(KNIFE_OFFENCES.values()) <= ids
    # Victim counts have no positive outcomes in the file.
    assert {f"{m}_outcomes" for m in list(KNIFE_OFFENCES.values())[:3]} <= ids
    assert ids <= set(MEASURES)
    assert len(ids) == 8


def test_ward_level_holds_679_wards_and_one_unallocated_total(knife):
    wards = knife.frame[knife.frame["level"] == "ward"]
    codes = set(wards["area_code"])
    assert UNALLOCATED_CODE in codes
    real = codes - {UNALLOCATED_CODE}
    assert len(real) == 679
    assert all(is_ward_code(c) for c in real)
    assert not real & {"E05000326", "E05000649"}
    unallocated = wards[wards["area_code"] == UNALLOCATED_CODE]["value"].sum()
    assert unallocated == 3_043


def test_placeholder_codes_each_get_one_summarising_warning(knife):
    expected = {
        "'-1'": 1_218,
        "'N/K'": 1_592,
        "'NON ATHENA FORCE'": 113,
        "E05000326 (Brunel)": 10,
        "E05000649 (West End)": 6,
        "the ward code is blank": 104,
    }
    for label, total in expected.items():
        found = [p for p in knife.warnings if label in p.reason and "at ward level" in p.reason]
        assert len(found) == 1, label
        assert f"({total:,} counts" in found[0].reason


def test_borough_level_placeholders_are_unallocated(knife, knife_raw):
    boroughs = knife.frame[knife.frame["level"] == "borough"]
    assert len(set(boroughs["area_code"]) - {UNALLOCATED_CODE}) == 32
    raw = knife_raw[(knife_raw["area_type"] == "Borough") & knife_raw["area_code"].isna()]
    got = boroughs[boroughs["area_code"] == UNALLOCATED_CODE]["value"].sum()
    assert got == raw["count"].sum() == 2_228


def test_a_ward_under_two_team_names_is_summed(knife, knife_raw):
    raw = knife_raw[
        (knife_raw["area_code"].str.strip() == "E05013570")
        & (knife_raw["crime_subtype"] == "Knife Crime")
        & (knife_raw["measure"] == "Offences")
    ]
    both = raw.groupby("month_year").filter(lambda g: g["borough_snt"].nunique() == 2)
    assert not both.empty
    month = both["month_year"].iloc[0]
    frame = knife.frame
    got = frame[
        (frame["area_code"] == "E05013570")
        & (frame["measure"] == "knife_crime")
        & (frame["month"] == month)
    ]["value"]
    assert got.tolist() == [both[both["month_year"] == month]["count"].sum()]


def test_coverage_spans_the_file_for_each_measure_and_level(knife):
    coverage = knife.coverage
    assert len(coverage) == 16
    assert set(coverage["level"]) == {"borough", "ward"}
    assert set(coverage["first_month"]) == {pd.Timestamp("2022-03-01")}
    assert set(coverage["last_month"]) == {pd.Timestamp("2026-02-01")}


# --- the official layouts -------------------------------------------------------------


def official(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.drop(columns=["sheet"]).rename(columns=PARQUET_TO_OFFICIAL)


def test_official_csv_reads_like_the_parquet(knife, knife_raw, tmp_path):
    path = tmp_path / "M1045_MonthlyCrimeDashboard_KnifeCrimeData.csv"
    official(knife_raw).to_csv(path, index=False)
    table = open_table(path)
    assert crime_dashboard.recognise(list(table.frame.columns)) == "crime_dashboard"
    result = crime_dashboard.read(table)
    pd.testing.assert_frame_equal(result.frame, knife.frame)
    pd.testing.assert_frame_equal(result.coverage, knife.coverage)
    assert result.meta == knife.meta
    assert [p.reason for p in result.problems] == [p.reason for p in knife.problems]


def test_official_xlsx_reads_like_the_parquet(knife_raw, tmp_path):
    subset = knife_raw.iloc[::40]  # every borough and level, many months
    path = tmp_path / "M1045_MonthlyCrimeDashboard_KnifeCrimeData.xlsx"
    with pd.ExcelWriter(path) as writer:
        pd.DataFrame({"Notes": ["Source: MPS"]}).to_excel(writer, sheet_name="Notes", index=False)
        official(subset).to_excel(writer, sheet_name="Data", index=False)
    result = crime_dashboard.read(open_table(path))
    expected = crime_dashboard.read(as_table(subset))
    assert result.ok
    assert not result.frame.empty
    pd.testing.assert_frame_equal(result.frame, expected.frame)
    assert result.meta == expected.meta


@pytest.mark.parametrize(
    ("text", "month"),
    [
        ("2022-03-01", "2022-03"),
        ("2022-03-01 00:00:00", "2022-03"),
        ("01/03/2022", "2022-03"),
        ("03/01/2022", "2022-01"),  # day first
        ("2022-03", "2022-03"),
        ("Mar-22", "2022-03"),
        ("March 2022", "2022-03"),
        ("mar-22", "2022-03"),
    ],
)
def test_accepted_month_formats(text, month):
    assert crime_dashboard.parse_month(text) == pd.Timestamp(f"{month}-01")


def test_parquet_datetimes_within_a_month_count_for_that_month(knife_raw):
    part = knife_raw.head(50).copy()
    part["month_year"] = part["month_year"] + pd.Timedelta(days=14, hours=9)
    result = crime_dashboard.read(as_table(part))
    assert result.ok
    assert set(result.frame["month"]) == {pd.Timestamp("2022-03-01")}
    assert result.frame["value"].sum() == part["count"].sum()


# --- gun crime: the same reader, a different crime type -------------------------------


def gun_file(knife_raw: pd.DataFrame) -> pd.DataFrame:
    part = knife_raw[knife_raw["month_year"].between("2024-01-01", "2024-06-01")].copy()
    part["crime_type"] = "Gun Crime"
    part["crime_subtype"] = part["crime_subtype"].map(GUN_SUBTYPES)
    return part


def test_a_gun_file_reads_into_the_gun_measures(knife_raw, tmp_path):
    part = gun_file(knife_raw).dropna(subset=["crime_subtype"])
    path = tmp_path / "M1045_MonthlyCrimeDashboard_OtherCrimeData.parquet"
    part.to_parquet(path, index=False)
    result = crime_dashboard.read(open_table(path))
    assert result.ok
    assert result.meta["crime_types"] == ["Gun Crime"]
    got = result.frame.groupby(["measure", "level"])["value"].sum().to_dict()
    suffix = part["measure"].map({"Offences": "", "Positive Outcomes": "_outcomes"})
    ids = part["crime_subtype"].map(GUN_IDS) + suffix
    level = part["area_type"].map({"Borough": "borough", "Safer Neighbourhood Teams": "ward"})
    expected = part.groupby([ids, level])["count"].sum().to_dict()
    assert got == expected
    assert {m for m, _ in got} >= set(GUN_IDS.values())


def test_an_unknown_subtype_is_reported_once_with_its_first_row_and_count(knife_raw):
    part = gun_file(knife_raw)
    part["crime_subtype"] = part["crime_subtype"].fillna("Gun Crime (Imitation Only)")
    table = as_table(part)
    unknown = table.frame[table.frame["crime_subtype"] == "Gun Crime (Imitation Only)"]
    result = crime_dashboard.read(table)
    problem = only_error(result)
    assert (problem.row, problem.column) == (int(unknown.index[0]), "crime_subtype")
    assert "'Gun Crime (Imitation Only)'" in problem.reason
    assert f"({len(unknown)} rows)" in problem.reason
    assert "not in the measure catalogue" in problem.reason
    assert "gun_crime" in set(result.frame["measure"])


@pytest.mark.parametrize(
    ("column", "value", "header"),
    [("crime_type", "Drug Crime", "crime_type"), ("measure", "Arrests", "measure")],
)
def test_an_unknown_crime_type_or_measure_is_one_error(knife_raw, column, value, header):
    part = knife_raw.head(300).reset_index(drop=True)
    # Offences rows only, so that no two relabelled rows become the same series.
    chosen = part.index[(part.index >= 10) & (part["measure"] == "Offences")][:10]
    part.loc[chosen, column] = value
    problem = only_error(crime_dashboard.read(as_table(part)))
    assert (problem.row, problem.column) == (chosen[0] + 2, header)
    assert f"'{value}'" in problem.reason
    assert "(10 rows)" in problem.reason


# --- faults, each reported with file, row, column and reason ---------------------------


def dashboard_rows() -> list[list[str]]:
    def row(month, area_type, snt, name, code, subtype, measure, count):
        return [month, area_type, snt, name, code, "Knife Crime", subtype, measure, "", "",
                count, "18/03/2026"]  # fmt: skip

    return [
        row("2024-03-01", "Borough", "Barnet", "Barnet", "E09000003", "Knife Crime",
            "Offences", "5"),  # row 2
        row("2024-03-01", "Safer Neighbourhood Teams", "Barnet Edgware", "Edgware",
            "E05013637 ", "Knife Crime", "Offences", "3"),  # row 3
        row("2024-03-01", "Safer Neighbourhood Teams", "Barnet Burnt Oak", "Burnt Oak",
            "E05013632", "Knife Crime", "Offences", "2"),  # row 4
        row("2024-04-01", "Borough", "Other / NK", "N/K (Legacy Only)", "", "Knife Crime",
            "Offences", "1"),  # row 5
        row("2024-04-01", "Safer Neighbourhood Teams", "Other / NK", "N/K", "N/K",
            "Knife Crime", "Offences", "1"),  # row 6
    ]  # fmt: skip


def test_a_valid_small_file(tmp_path):
    result = read_bytes(tmp_path, csv_bytes(DASHBOARD_HEADERS, dashboard_rows()))
    assert result.ok
    assert totals(result.frame) == {
        ("knife_crime", "borough", "E09000003", "2024-03"): 5,
        ("knife_crime", "ward", "E05013637", "2024-03"): 3,
        ("knife_crime", "ward", "E05013632", "2024-03"): 2,
        ("knife_crime", "borough", UNALLOCATED_CODE, "2024-04"): 1,
        ("knife_crime", "ward", UNALLOCATED_CODE, "2024-04"): 1,
    }
    assert len(result.warnings) == 2  # one per placeholder


@pytest.mark.parametrize(
    ("cell", "reason"),
    [("five", "not a number"), ("-2", "negative"), ("1.5", "not a whole number"), ("", "blank")],
)
def test_a_bad_count_names_its_row_and_column(tmp_path, cell, reason):
    rows = dashboard_rows()
    rows[2][10] = cell
    problem = only_error(read_bytes(tmp_path, csv_bytes(DASHBOARD_HEADERS, rows), "knife.csv"))
    assert (problem.file, problem.row, problem.column) == ("knife.csv", 4, "Count")
    assert reason in problem.reason


def test_a_true_duplicate_names_both_rows(tmp_path):
    rows = dashboard_rows()
    rows.append(list(rows[1]))  # row 7 repeats row 3
    rows[-1][4] = "E05013637"  # the same code once stripped
    problem = only_error(read_bytes(tmp_path, csv_bytes(DASHBOARD_HEADERS, rows)))
    assert problem.row == 7
    assert "rows 3 and 7" in problem.reason


def test_the_same_ward_under_two_team_names_is_not_a_duplicate(tmp_path):
    rows = dashboard_rows()
    rows.append(list(rows[1]))
    rows[-1][2] = "Aviation Security"
    result = read_bytes(tmp_path, csv_bytes(DASHBOARD_HEADERS, rows))
    assert result.ok
    assert totals(result.frame)[("knife_crime", "ward", "E05013637", "2024-03")] == 6


@pytest.mark.parametrize(
    ("row", "code", "reason"),
    [
        (2, "E05013637", "not a London borough code"),  # a ward code on a borough row
        (3, "E0501363", "not a ward code"),
        (3, "Edgware", "not a ward code"),
        (2, "E09000099", "not a London borough code"),
        (5, "", "not one of the non-geographic rows"),
    ],
)
def test_an_unknown_or_malformed_area_code_is_an_error(tmp_path, row, code, reason):
    rows = dashboard_rows()
    rows[row - 2][4] = code
    if row == 5:
        rows[row - 2][3] = "Heathrow"
    problem = only_error(read_bytes(tmp_path, csv_bytes(DASHBOARD_HEADERS, rows)))
    assert (problem.row, problem.column) == (row, "Area code")
    assert reason in problem.reason


def test_an_inactive_ward_is_unallocated_by_its_marker(tmp_path):
    rows = dashboard_rows()
    rows[2][3] = "Somewhere (NOT ACTIVE)"
    result = read_bytes(tmp_path, csv_bytes(DASHBOARD_HEADERS, rows))
    assert result.ok
    assert "E05013632" not in set(result.frame["area_code"])
    assert any("inactive pre-2022 ward E05013632" in p.reason for p in result.warnings)


def test_an_unknown_area_type_is_an_error(tmp_path):
    rows = dashboard_rows()
    rows[3][1] = "Region"
    problem = only_error(read_bytes(tmp_path, csv_bytes(DASHBOARD_HEADERS, rows)))
    assert (problem.row, problem.column) == (5, "Area Type")
    assert "'Region'" in problem.reason


@pytest.mark.parametrize("bad", ["2024/03/01", "13/2024", "sometime", ""])
def test_an_unreadable_month_is_an_error(tmp_path, bad):
    rows = dashboard_rows()
    rows[1][0] = bad
    problem = only_error(read_bytes(tmp_path, csv_bytes(DASHBOARD_HEADERS, rows)))
    assert (problem.row, problem.column) == (3, "Month_Year")


def test_a_month_in_the_future_is_an_error(tmp_path):
    rows = dashboard_rows()
    rows[4][0] = "2024-03-01"
    content = csv_bytes(DASHBOARD_HEADERS, rows)
    problem = only_error(read_bytes(tmp_path, content, today=datetime.date(2024, 3, 31)))
    assert (problem.column, problem.row) == ("Month_Year", 5)
    assert "month in the future" in problem.reason
    assert read_bytes(tmp_path, content, today=datetime.date(2024, 4, 1)).ok


def test_wrong_headers_are_one_error_naming_what_is_missing(tmp_path):
    header = [h if h != "Count" else "Value" for h in DASHBOARD_HEADERS]
    table = open_table(_write(tmp_path / "odd.csv", csv_bytes(header, dashboard_rows())))
    assert crime_dashboard.recognise(list(table.frame.columns)) is None
    problem = only_error(crime_dashboard.read(table))
    assert (problem.file, problem.row) == ("odd.csv", 1)
    assert "no Count column" in problem.reason


def test_optional_columns_may_be_absent(tmp_path):
    keep = [i for i, h in enumerate(DASHBOARD_HEADERS) if h not in {"Financial Year",
            "FY_FYIndex", "Refresh Date"}]  # fmt: skip
    rows = [[row[i] for i in keep] for row in dashboard_rows()]
    result = read_bytes(tmp_path, csv_bytes([DASHBOARD_HEADERS[i] for i in keep], rows))
    assert result.ok
    assert "refresh_date" not in result.meta
    assert result.frame["value"].sum() == 12


def _write(path: Path, content: bytes) -> Path:
    path.write_bytes(content)
    return path


def test_a_truncated_csv_names_the_file(tmp_path):
    content = csv_bytes(DASHBOARD_HEADERS, dashboard_rows())
    cut = content[: content.rstrip().rfind(b"Knife Crime,Knife")]
    with pytest.raises(InputError) as caught:
        open_table(_write(tmp_path / "knife-cut.csv", cut))
    assert "knife-cut.csv" in str(caught.value)
    assert "truncated" in str(caught.value)


# --- generated files ------------------------------------------------------------------

FAST = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@FAST
@given(dashboard_files())
def test_generated_files_round_trip_their_counts(tmp_path, file):
    result = read_bytes(tmp_path, file.csv(), name="generated.csv")
    assert result.ok, [str(p) for p in result.errors]
    assert totals(result.frame) == file.expected


@FAST
@given(dashboard_files(), st.data())
def test_one_bad_cell_is_reported_at_exactly_its_row_and_column(tmp_path, file, data):
    row = data.draw(st.integers(0, len(file.rows) - 1), label="row")
    column, bad = data.draw(
        st.sampled_from(
            [
                ("Count", "x"),
                ("Count", "-1"),
                ("Count", ""),
                ("Month_Year", "32/13/2024"),
                ("Month_Year", "2099-01-01"),
                ("Area code", "E05ABC"),
            ]
        ),
        label="bad",
    )
    file.rows[row][DASHBOARD_HEADERS.index(column)] = bad
    problem = only_error(read_bytes(tmp_path, file.csv(), name="generated.csv"))
    assert (problem.file, problem.row, problem.column) == ("generated.csv", row + 2, column)
