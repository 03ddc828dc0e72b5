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
