"""Compare areas on the real data: the chart's rates and the table's counts are the
store's own counts over the Census populations, worked out here; the page adds an area
typed by name and writes the address."""

from __future__ import annotations

import pandas as pd
import pytest

from callbacks import compare as page
from presenters import compare
from presenters.compare import CompareState
from tests.components import text_of

LAMBETH, SOUTHWARK, BRIXTON_WINDRUSH = "E09000022", "E09000028", "E05014098"


def counts(dataset, measure: str, level: str, code: str) -> pd.Series:
    rows = dataset.tables.counts
    rows = rows[(rows["measure"] == measure) & (rows["level"] == level)
                & (rows["area_code"] == code)]  # fmt: skip
    return rows.set_index("month")["value"].sort_index()


def last_12(dataset, measure: str, level: str, code: str) -> int:
    """The 12 months to the level's last month (months with none are not stored)."""
    last = dataset.latest_month(measure, level)
    monthly = counts(dataset, measure, level, code)
    return int(monthly[monthly.index > pd.Timestamp(last) - pd.DateOffset(months=12)].sum())


def residents(dataset, code: str) -> float:
    pop = dataset.tables.population
    return float(pop[(pop["area_code"] == code) & (pop["age_band"] == "all")]["value"].iloc[0])


def test_the_chart_and_the_table_are_the_stores_counts_over_the_census(dataset):
    codes = f"{LAMBETH},{SOUTHWARK},{BRIXTON_WINDRUSH}"
    state = compare.settle(dataset, CompareState(areas=codes))
    view = compare.view(dataset, state)
    lines = {t["name"]: t for t in view.figure["data"]}
    assert list(lines) == ["Lambeth", "Southwark", "Brixton Windrush", "London"]
    for code, name, level in ((LAMBETH, "Lambeth", "borough"),
                              (BRIXTON_WINDRUSH, "Brixton Windrush", "ward")):  # fmt: skip
        last12 = last_12(dataset, "knife_crime", level, code)
        assert lines[name]["y"][-1] == pytest.approx(last12 / residents(dataset, code) * 1000)
    table = view.table
    rows = {(m, a): (c, r) for m, a, c, r in zip(
        table.column_texts("Measure"), table.column_texts("Area"), table.column_values("Count"),
        table.column_values("Rate per 1,000"), strict=True)}  # fmt: skip
    lambeth = last_12(dataset, "knife_crime", "borough", LAMBETH)
    assert rows[("Knife crime", "Lambeth")][0] == lambeth == 634
    assert rows[("Knife crime", "Southwark")][0] == last_12(
        dataset, "knife_crime", "borough", SOUTHWARK
    )
    # Every measure of the profile, for each area.
    measures = {m for m, _ in rows}
    assert {"Knife crime", "Knife crime with injury", "Possession of weapons offences"} <= measures


def test_the_page_adds_an_area_by_name_and_keeps_the_comparison_in_the_address(dataset):
    out = page.show(dataset, f"?areas={LAMBETH}", added="Southwark")
    assert out["search"] == f"?areas={LAMBETH}%2C{SOUTHWARK}&measure=knife_crime&trend=r12"
    assert out["typed"] == ""
    assert out["hidden"] is False
    assert "Comparing Lambeth and Southwark" in out["heading"]
    assert "Remove Southwark" in text_of(out["chosen"])
    assert out["share"] == "/compare" + out["search"]
    again = page.show(dataset, out["search"], added="Clapham")  # several areas match
    assert again["search"] is not None
    assert "match" in text_of(again["message"])
    choice = {"changed": "trend", "trend": "monthly", "measure": "knife_crime"}
    monthly = page.show(dataset, out["search"], choice, from_choice=True)
    assert "trend=monthly" in monthly["search"]
