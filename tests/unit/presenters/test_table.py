"""The table model that the page's table and its CSV both render."""

from __future__ import annotations

import json

import pytest

from presenters.common.table import Column, num, slug, table


def test_the_payload_carries_text_and_numbers_and_nothing_else():
    model = table(
        "Knife crime by ward",
        [Column("Area"), Column("Offences", numeric=True)],
        [("<b>Brixton</b>\n\n[link](x)", num("1,234", 1234.0)), ("Peckham", num("", None))],
        footer=[("London", num("2,000", 2000))],
    )
    data = json.loads(model.payload())
    assert data["caption"] == "Knife crime by ward"
    assert data["rows"] == [
        ["<b>Brixton</b>\n\n[link](x)", ["1,234", 1234]],
        ["Peckham", ["", None]],
    ]
    assert data["footer"] == [["London", ["2,000", 2000]]]
    assert data["columns"][1] == {"heading": "Offences", "numeric": True}
    assert data["filename"] == "knife-crime-by-ward.csv"


def test_rows_must_fit_the_columns():
    with pytest.raises(ValueError, match="a row of 1 cells in a table of 2 columns"):
        table("t", ["a", "b"], [("only one",)])


def test_non_finite_numbers_travel_as_missing():
    assert num("", float("nan")) == ("", None)
    assert num("", float("inf")) == ("", None)
    assert num("3", 3.0) == ("3", 3)


def test_columns_can_be_read_back():
    model = table(
        "t", ["Area", Column("Rank", numeric=True)], [("A", num("1", 1)), ("B", num("2", 2))]
    )
    assert model.column_texts("Area") == ["A", "B"]
    assert model.column_values("Rank") == [1, 2]


def test_file_names_are_plain():
    assert slug("Knife crime: Lambeth, 12 months to Feb 2026") == (
        "knife-crime-lambeth-12-months-to-feb-2026"
    )


def _wards() -> object:
    return table(
        "Knife crime by ward",
        [Column("Ward"), Column("Borough"), Column("Offences", numeric=True)],
        [("Brixton", "Lambeth", num("5", 5)), ("Peckham", "Southwark", num("7", 7)),
         ("Clapham", "Lambeth", num("3", 3)), ("Unplaced", "", num("1", 1))],
        footer=[("London total", "", num("16", 16))],
    )  # fmt: skip


def test_a_table_of_wards_is_filtered_by_its_borough_column():
    model = _wards()
    assert model.filter_column == 1
    assert json.loads(model.payload())["filter"] == 1
    assert model.filter_values() == ["Lambeth", "Southwark"]  # blanks are no choice
    lambeth = model.filtered("Lambeth")
    assert lambeth.column_texts("Ward") == ["Brixton", "Clapham"]
    # The footer adds up every row, so it goes while a filter is on.
    assert lambeth.footer == ()


def test_the_filter_column_is_never_the_rows_own_name_and_can_be_turned_off():
    boroughs = table("b", ["Borough", "BCU"], [("Lambeth", "Central South")])
    assert boroughs.filter_column == 1  # the BCU, not the row header
    assert table("w", ["Ward", "Borough"], [("a", "b")], filter_by=None).filter_column is None
    assert table("m", ["Month", "Offences"], [("May", "1")]).filter_column is None
    assert json.loads(table("m", ["Month"], [("May",)]).payload())["filter"] is None
    with pytest.raises(ValueError, match="no filter"):
        table("m", ["Month"], [("May",)]).filtered("May")
