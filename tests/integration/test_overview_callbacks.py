"""The London overview's callbacks, called as plain functions on the real published data."""

from __future__ import annotations

import io
import re
from dataclasses import replace
from html import unescape

import numpy as np
import pandas as pd
import pytest
from dash import dcc

from callbacks.overview import (
    headline_card,
    overview_view,
    trend_download,
    trend_table_frame,
    trend_view,
)
from data import overview, queries
from data.dataset import Dataset
from data.overview import CONNECT_START, MONTHLY, ROLLING

KNIFE = (
    "knife_crime",
    "knife_crime_injury",
    "knife_crime_injury_robbery",
    "knife_injury_victims_1_24",
    "knife_injury_victims_1_24_non_da",
)
GUN = ("gun_crime", "gun_crime_robbery", "lethal_barrelled_discharges", "non_lethal_discharges")


def text_of(component) -> str:
    """All the text a person would read in a component tree (tables included)."""
    if component is None:
        return ""
    if isinstance(component, str | int | float):
        return str(component)
    if isinstance(component, list | tuple):
        return " ".join(text_of(c) for c in component)
    if isinstance(component, dcc.Markdown):
        return unescape(re.sub(r"<[^>]+>", " ", component.children))
    return text_of(getattr(component, "children", None))


def find(component, id_: str):
    if isinstance(component, list | tuple):
        for c in component:
            if (hit := find(c, id_)) is not None:
                return hit
        return None
    if getattr(component, "id", None) == id_:
        return component
    children = getattr(component, "children", None)
    return find(children, id_) if children is not None else None


def card_text(view: dict, measure: str) -> str:
    card = find(view["cards"], f"overview-card-box-{measure}")
    assert card is not None, f"no card for {measure}"
    return " ".join(text_of(card).split())


def section_text(view: dict, key: str) -> str:
    for section in view["cards"]:
        if section.children[0].id == f"overview-group-{key}":
            return " ".join(text_of(section).split())
    return ""


@pytest.fixture(scope="module")
def view(dataset):
    return overview_view(dataset)


def test_the_knife_crime_card_shows_the_london_headline(dataset, view):
    expected = queries.london_headline(dataset, "knife_crime", "r12")
    text = card_text(view, "knife_crime")
    assert expected["count"] == 13_552
    assert "13,552 offences in the 12 months to February 2026" in text
    assert f"{expected['previous']:,} in the 12 months before (March 2024 to February 2025)" in text
    assert "Down 18%, a statistically significant fall." in text


def test_the_knife_crime_count_matches_the_raw_file(raw_dir, view):
    raw = pd.read_parquet(raw_dir / "mps_knife_crime" / "monthly-crime-dashboard.parquet")
    chosen = raw[
        (raw["area_type"] == "Borough")
        & (raw["crime_subtype"] == "Knife Crime")
        & (raw["measure"] == "Offences")
        & raw["month_year"].between("2025-03-01", "2026-02-01")
    ]
    assert f"{int(chosen['count'].sum()):,} offences" in card_text(view, "knife_crime")


@pytest.mark.parametrize("measure", KNIFE)
def test_every_knife_card_has_figure_comparison_verdict_and_definition(dataset, view, measure):
    expected = queries.london_headline(dataset, measure, "r12")
    text = card_text(view, measure)
    unit = dataset.measures.loc[measure, "unit"]
    assert f"{expected['count']:,} {unit}" in text
    assert f"{expected['previous']:,} in the 12 months before" in text
    assert expected["verdict"][:1].upper() + expected["verdict"][1:] in text
    assert "Definition: " + dataset.measures.loc[measure, "definition"] in text
    assert "Fewer than 10" not in text


def test_the_young_people_headline_measure_is_marked(view):
    assert "The headline measure for young people" in card_text(
        view, "knife_injury_victims_1_24_non_da"
    )
    assert "headline measure for young people" not in card_text(view, "knife_crime")


@pytest.mark.parametrize("measure", GUN)
def test_gun_cards_show_no_number_and_say_how_the_data_will_arrive(dataset, view, measure):
    text = card_text(view, measure)
    assert "No figures yet" in text
    assert "There is no published data for this measure yet." in text
    assert dataset.measures.loc[measure, "arrival"] in text
    assert not re.search(r"\d", text)


def test_possession_of_weapons_is_a_current_card(dataset, view):
    expected = queries.london_headline(dataset, "possession_of_weapons", "r12")
    text = section_text(view, "context")
    assert f"{expected['count']:,} offences in the 12 months to February 2026" in text
    assert "Homicide" not in text


def test_homicide_is_shown_as_historical_with_its_own_last_period(dataset, view):
    text = section_text(view, "historical")
    for measure in ("homicide_knife", "homicide_shooting"):
        expected = queries.london_headline(dataset, measure, "r12")
        card = card_text(view, measure)
        assert f"{expected['count']:,} victims in the 12 months to December 2023" in card
        assert "Historical: the published data end in December 2023" in card
        assert card in text
    assert "do not describe London now" in text


def test_a_figure_under_ten_carries_the_low_count_warning(dataset, view):
    expected = queries.london_headline(dataset, "homicide_shooting", "r12")
    assert expected["count"] < 10
    assert "Fewer than 10 victims: too few for the change to be reliable." in card_text(
        view, "homicide_shooting"
    )


def test_the_period_line_names_both_periods(view):
    assert view["period"].startswith(
        "The latest 12 months of data, the 12 months to February 2026, against the "
        "12 months before (March 2024 to February 2025)."
    )


def test_what_changed_states_the_knife_figures_and_their_verdicts(dataset, view):
    text = text_of(view["summary"])
    knife = queries.london_headline(dataset, "knife_crime", "r12")
    young = queries.london_headline(dataset, "knife_injury_victims_1_24_non_da", "r12")
    assert (
        f"{knife['count']:,} knife crime offences in London, against {knife['previous']:,} "
        f"in the 12 months before: {knife['verdict']}." in text
    )
    assert f"{young['count']:,} victims aged 1 to 24" in text
    assert young["verdict"] in text
    significant_falls = sum(
        queries.london_headline(dataset, m, "r12")["p_value"] < 0.05 for m in KNIFE
    )
    words = {2: "two", 3: "three"}
    assert f"{words[significant_falls]} fell by a statistically significant amount" in text
    assert "There are no published gun crime figures yet." in text


def test_monthly_trend_table_holds_each_london_series(dataset):
    table = trend_table_frame(dataset, MONTHLY)
    series = dataset.series("knife_crime", "london")
    assert list(table["Month"]) == [f"{m:%Y-%m}" for m in series.months]
    assert table["Knife crime (offences)"].tolist() == series.values[0].astype(int).tolist()
    assert len(table.columns) == 1 + len(KNIFE)  # no low counts, so no reliability column


def test_rolling_trend_is_the_sum_of_the_twelve_months_to_each_month(dataset):
    table = trend_table_frame(dataset, ROLLING)
    monthly = dataset.series("knife_crime_injury", "london")
    assert table["Month"].iloc[0] == f"{monthly.months[11]:%Y-%m}"
    assert len(table) == len(monthly.months) - 11
    column = "Knife crime with injury (offences, rolling 12 months)"
    assert table[column].iloc[-1] == queries.london_headline(dataset, "knife_crime_injury")["count"]
    assert table[column].iloc[0] == int(monthly.values[0][:12].sum())


@pytest.mark.parametrize("view_name", [MONTHLY, ROLLING])
def test_each_chart_plots_exactly_the_tables_numbers(dataset, view_name):
    shown = trend_view(dataset, view_name)
    table = trend_table_frame(dataset, view_name)
    graphs = [chart.children[1] for chart in shown["charts"]]
    assert len(graphs) == len(KNIFE)
    for graph, column in zip(graphs, table.columns[1:], strict=True):
        (trace,) = graph.figure.data
        assert [f"{pd.Timestamp(x):%Y-%m}" for x in trace.x] == table["Month"].tolist()
        assert np.array_equal(np.asarray(trace.y, dtype=float), table[column].to_numpy(float))
    markup = shown["table"].children
    assert markup.count("<tr>") == len(table) + 1
    last = table.iloc[-1]
    assert f'<th scope="row">{last["Month"]}</th>' in markup
    assert f'<td class="num">{int(last.iloc[1]):,}</td>' in markup


def test_charts_mark_the_connect_change(dataset):
    fig = trend_view(dataset, MONTHLY)["charts"][0].children[1].figure
    (line,) = fig.layout.shapes
    assert pd.Timestamp(line.x0) == CONNECT_START
    assert fig.layout.annotations[0].text == "CONNECT"


@pytest.mark.parametrize("view_name", [MONTHLY, ROLLING])
def test_the_download_is_the_table_as_csv(dataset, view_name):
    download = trend_download(dataset, view_name)
    assert download["filename"] == f"london-knife-crime-{view_name}-v{dataset.version_id}.csv"
    back = pd.read_csv(io.StringIO(download["content"]), dtype={"Month": str})
    table = trend_table_frame(dataset, view_name)
    assert list(back.columns) == list(table.columns)
    pd.testing.assert_frame_equal(back, table.astype(dict.fromkeys(table.columns[1:], "int64")))


def test_low_counts_are_named_in_a_reliability_column():
    frame = pd.DataFrame(
        {"month": pd.to_datetime(["2025-01-01", "2025-02-01"]), "a": [12, 9], "b": [3, 40]},
    ).astype({"a": "Int64", "b": "Int64"})
    notes = overview.low_count_note(frame, {"a": "Alpha", "b": "Beta"})
    assert notes.tolist() == ["Fewer than 10, unreliable: Beta", "Fewer than 10, unreliable: Alpha"]


def _capped(ds: Dataset, last: str) -> Dataset:
    """The same data as if the latest month published were `last`."""
    coverage = ds.tables.coverage.copy()
    coverage["last_month"] = coverage["last_month"].clip(upper=pd.Timestamp(last))
    return Dataset(ds.version_id, replace(ds.tables, coverage=coverage))


def test_a_comparison_across_february_2024_says_it_spans_connect(dataset):
    earlier = _capped(dataset, "2024-06-01")
    h = overview.headline(earlier, "knife_crime")
    assert h.status == overview.CURRENT
    assert h.period.label == "12 months to June 2024"
    assert h.spans_connect
    assert "spans the move to the CONNECT recording system" in text_of(headline_card(h))
    assert not overview.headline(dataset, "knife_crime").spans_connect


def test_gun_cards_show_figures_once_gun_data_are_published(dataset):
    months = pd.date_range("2024-03-01", "2026-02-01", freq="MS")
    monthly = [30] * 12 + [20] * 12
    counts = pd.DataFrame(
        {"measure": "gun_crime", "level": "london", "area_code": "E12000007",
         "month": months, "value": monthly}
    )  # fmt: skip
    cover = pd.DataFrame(
        {"measure": ["gun_crime"], "level": ["london"],
         "first_month": [months[0]], "last_month": [months[-1]]}
    )  # fmt: skip
    tables = replace(
        dataset.tables,
        counts=pd.concat([dataset.tables.counts, counts], ignore_index=True),
        coverage=pd.concat([dataset.tables.coverage, cover], ignore_index=True),
    )
    with_guns = Dataset(dataset.version_id, tables)
    text = card_text(overview_view(with_guns), "gun_crime")
    assert "240 offences in the 12 months to February 2026" in text
    assert "360 in the 12 months before" in text
    assert "Down 33%, a statistically significant fall." in text
    assert "No figures yet" not in text
    assert "No figures yet" in card_text(overview_view(with_guns), "gun_crime_robbery")


def test_with_nothing_published_the_page_says_so():
    view = overview_view(None)
    assert view["period"] == "No data has been published yet."
    assert trend_download(None, MONTHLY) is None
    assert text_of(trend_view(None)["table"]) == "No data has been published yet."
