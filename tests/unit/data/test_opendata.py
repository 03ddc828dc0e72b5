"""The open data download on a hand-made London: every column documented, CSV and
Parquet holding the same figures, written whole or not at all, built once."""

from __future__ import annotations

import io
import zipfile

import pandas as pd
import pytest

from data import opendata
from tests.builders import BRIXTON, tiny_dataset

DS = tiny_dataset(version=3)


def archive(tmp_path, tables=None) -> zipfile.ZipFile:
    path = opendata.write_archive(tables or DS.tables, tmp_path / "out.zip", version_id=3,
                                  published="2026-03-02 09:15 UTC")  # fmt: skip
    return zipfile.ZipFile(path)


def test_the_dictionary_documents_every_column_of_every_file_and_nothing_else(tmp_path):
    files = archive(tmp_path)
    dictionary = pd.read_csv(files.open("london-weapon-crime-data-v3/data_dictionary.csv"))
    documented = dictionary.groupby("file")["column"].apply(list).to_dict()
    for name in opendata.DICTIONARY:
        written = pd.read_csv(files.open(f"london-weapon-crime-data-v3/csv/{name}.csv"))
        assert list(written.columns) == documented[name], name
    assert set(documented) == {*opendata.DICTIONARY, "data_dictionary"}
    assert dictionary["meaning"].str.len().min() >= 5  # "The column"
    assert set(dictionary["type"]) >= {"text", "integer", "boolean", "text (YYYY-MM)"}


def test_csv_and_parquet_hold_the_same_figures(tmp_path):
    files = archive(tmp_path)
    root = "london-weapon-crime-data-v3"
    for name in opendata.DICTIONARY:
        csv = pd.read_csv(files.open(f"{root}/csv/{name}.csv"), dtype=str, keep_default_na=False)
        parquet = pd.read_parquet(io.BytesIO(files.read(f"{root}/parquet/{name}.parquet")))
        as_text = parquet.astype(object).where(parquet.notna(), "").astype(str)
        assert len(csv) == len(parquet), name
        for column in csv.columns:
            left = csv[column].str.replace(r"\.0$", "", regex=True).str.lower()
            right = as_text[column].str.replace(r"\.0$", "", regex=True).str.lower()
            assert left.tolist() == right.tolist(), (name, column)


def test_counts_are_written_by_month_and_add_up_to_the_dataset(tmp_path):
    files = archive(tmp_path)
    counts = pd.read_csv(files.open("london-weapon-crime-data-v3/csv/counts.csv"))
    brixton = counts[(counts["area_code"] == BRIXTON) & (counts["measure"] == "knife_crime")]
    assert brixton["month"].iloc[0] == "2024-03"
    assert brixton["value"].sum() == 6 * 24
    assert counts["value"].sum() == DS.tables.counts["value"].sum()
    readme = files.read("london-weapon-crime-data-v3/README.txt").decode()
    assert "data version 3" in readme
    assert "February 2026" in readme
    assert "never add two levels" in readme


def test_a_text_cell_that_a_spreadsheet_would_run_is_defused_in_the_csv_only(tmp_path):
    survey = [("2025-12-31", "PAS", "E09000022", '=HYPERLINK("x")', 0.5)]
    tables = tiny_dataset(survey=survey).tables
    files = archive(tmp_path, tables)
    root = "london-weapon-crime-data-v3"
    csv = pd.read_csv(files.open(f"{root}/csv/survey.csv"))
    parquet = pd.read_parquet(io.BytesIO(files.read(f"{root}/parquet/survey.parquet")))
    assert csv["measure"].iloc[0] == '\'=HYPERLINK("x")'
    assert parquet["measure"].iloc[0] == '=HYPERLINK("x")'
    assert csv["quarter_end"].iloc[0] == "2025-12-31"


def test_the_same_version_makes_the_same_bytes(tmp_path):
    first = opendata.write_archive(DS.tables, tmp_path / "a.zip", version_id=3)
    second = opendata.write_archive(DS.tables, tmp_path / "b.zip", version_id=3)
    assert first.read_bytes() == second.read_bytes()


def test_a_failed_build_leaves_nothing_behind(tmp_path):
    broken = tiny_dataset().tables
    broken.counts = "not a frame"  # the build fails part-way
    with pytest.raises(Exception):  # noqa: B017, PT011 - whatever the failure, no file
        opendata.write_archive(broken, tmp_path / "x.zip", version_id=1)
    assert list(tmp_path.iterdir()) == []


def test_a_kept_archive_is_built_once_per_version_key(tmp_path):
    loads = []

    def load():
        loads.append(1)
        return DS.tables

    first = opendata.kept_archive(tmp_path, 3, "3.abc.2026", load)
    again = opendata.kept_archive(tmp_path, 3, "3.abc.2026", load)
    other = opendata.kept_archive(tmp_path, 3, "3.def/../2027", load)
    assert first == again
    assert len(loads) == 2
    assert first.name == "london-weapon-crime-data-v3.zip"
    assert other != first
    assert other.parent.parent == tmp_path
    assert not [p for p in first.parent.iterdir() if p.suffix == ".tmp"]
