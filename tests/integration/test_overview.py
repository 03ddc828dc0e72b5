"""The London overview on the real published data: the presenter's cards and trend table
and the page's `show` functions, checked against the store and the raw file."""

from __future__ import annotations

import re
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from callbacks import overview as page
from data import overview as data_overview
from data import queries
from data.dataset import Dataset
from data.overview import MONTHLY, ROLLING
from data.periods import CONNECT_START
from presenters import overview
from presenters.overview import OverviewState
from tests.components import find, flat, text_of

KNIFE = (
    "knife_crime",
    "knife_crime_injury",
    "knife_crime_injury_robbery",
    "knife_injury_victims_1_24",
    "knife_injury_victims_1_24_non_da",
)
GUN = ("gun_crime", "gun_crime_robbery", "lethal_barrelled_discharges", "non_lethal_discharges")


def card_text(shown: dict, measure: str) -> str:
    card = find(shown["cards"], f"overview-card-box-{measure}")
    assert card is not None, f"no card for {measure}"
    return flat(text_of(card))


def section_text(shown: dict, key: str) -> str:
    for section in shown["cards"]:
        if section.children[0].id == f"overview-group-{key}":
            return flat(text_of(section))
    return ""


@pytest.fixture(scope="module")
def shown(dataset):
    return page.show(dataset)


def test_the_knife_crime_card_shows_the_london_headline(dataset, shown):
    expected = queries.london_headline(dataset, "knife_crime", "r12")
    text = card_text(shown, "knife_crime")
    assert expected["count"] == 13_552
    assert "13,552 offences in the 12 months to February 2026" in text
    assert f"{expected['previous']:,} in the 12 months before (March 2024 to February 2025)" in text
    assert "Down 18%, a statistically significant fall." in text


def test_the_knife_crime_count_matches_the_raw_file(raw_dir, shown):
    raw = pd.read_parquet(raw_dir / "mps_knife_crime" / "monthly-crime-dashboard.parquet")
    chosen = raw[
        (raw["area_type"] == "Borough")
        & (raw["crime_subtype"] == "Knife Crime")
        & (raw["measure"] == "Offences")
        & raw["month_year"].between("2025-03-01", "2026-02-01")
    ]
    assert f"{int(chosen['count'].sum()):,} offences" in card_text(shown, "knife_crime")


@pytest.mark.parametrize("measure", KNIFE)
def test_every_knife_card_has_figure_comparison_verdict_and_definition(dataset, shown, measure):
    expected = queries.london_headline(dataset, measure, "r12")
    text = card_text(shown, measure)
    unit = dataset.measures.loc[measure, "unit"]
    assert f"{expected['count']:,} {unit}" in text
    assert f"{expected['previous']:,} in the 12 months before" in text
    assert expected["verdict"][:1].upper() + expected["verdict"][1:] in text
    assert "Definition: " + dataset.measures.loc[measure, "definition"] in text
    assert "Fewer than 10" not in text


def test_the_young_people_headline_measure_is_marked(shown):
    assert "The headline measure for young people" in card_text(
        shown, "knife_injury_victims_1_24_non_da"
    )
    assert "headline measure for young people" not in card_text(shown, "knife_crime")


@pytest.mark.parametrize("measure", GUN)
def test_gun_cards_show_no_number(dataset, shown, measure):
    text = card_text(shown, measure)
    assert "No figures yet" in text
    assert dataset.measures.loc[measure, "arrival"] not in text  # said once, for the group
    assert not re.search(r"\d", text)


def test_the_gun_group_says_once_how_the_data_will_arrive(dataset, shown):
    text = section_text(shown, "gun")
    arrival = dataset.measures.loc["gun_crime", "arrival"]
    assert text.count(arrival) == 1
    assert text.count("There is no published data for any of these measures yet.") == 1


def test_possession_of_weapons_is_a_current_card(dataset, shown):
    expected = queries.london_headline(dataset, "possession_of_weapons", "r12")
    text = section_text(shown, "context")
    assert f"{expected['count']:,} offences in the 12 months to February 2026" in text
    assert "Homicide" not in text


def test_homicide_is_shown_as_historical_with_its_own_last_period(dataset, shown):
    text = section_text(shown, "historical")
    for measure in ("homicide_knife", "homicide_shooting"):
        expected = queries.london_headline(dataset, measure, "r12")
        card = card_text(shown, measure)
        assert f"{expected['count']:,} victims in the 12 months to December 2023" in card
        assert "Historical: the published data end in December 2023" in card
        assert card in text
    assert "do not describe London now" in text


def test_a_figure_under_ten_carries_the_low_count_warning(dataset, shown):
    expected = queries.london_headline(dataset, "homicide_shooting", "r12")
    assert expected["count"] < 10
    assert "Fewer than 10 victims: too few for the change to be reliable." in card_text(
        shown, "homicide_shooting"
    )


def test_the_period_line_names_both_periods(shown):
    assert shown["period"].startswith(
        "The latest 12 months of data, the 12 months to February 2026, against the "
        "12 months before (March 2024 to February 2025)."
    )


def test_what_changed_states_the_knife_figures_and_their_verdicts(dataset, shown):
    text = text_of(shown["summary"])
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


def trend_table(dataset, trend: str):
    return overview.trend_view(dataset, OverviewState(trend=trend)).table


def test_monthly_trend_table_holds_each_london_series(dataset):
    table = trend_table(dataset, MONTHLY)
    series = dataset.series("knife_crime", "london")
    assert table.column_texts("Month") == [f"{m:%Y-%m}" for m in series.months]
    assert table.column_values("Knife crime (offences)") == series.values[0].astype(int).tolist()
    assert len(table.columns) == 1 + len(KNIFE)  # no low counts, so no reliability column


def test_rolling_trend_is_the_sum_of_the_twelve_months_to_each_month(dataset):
    table = trend_table(dataset, ROLLING)
    monthly = dataset.series("knife_crime_injury", "london")
    assert table.column_texts("Month")[0] == f"{monthly.months[11]:%Y-%m}"
    assert len(table.rows) == len(monthly.months) - 11
    values = table.column_values("Knife crime with injury (offences, rolling 12 months)")
    assert values[-1] == queries.london_headline(dataset, "knife_crime_injury")["count"]
    assert values[0] == int(monthly.values[0][:12].sum())


@pytest.mark.parametrize("trend", [MONTHLY, ROLLING])
def test_each_chart_plots_exactly_the_tables_numbers(dataset, trend):
    view = overview.trend_view(dataset, OverviewState(trend=trend))
    assert len(view.charts) == len(KNIFE)
    for chart, column in zip(view.charts, view.table.headings[1:], strict=True):
        (trace,) = chart.figure["data"]
        assert [x[:7] for x in trace["x"]] == view.table.column_texts("Month")
        assert np.array_equal(
            np.asarray(trace["y"], dtype=float),
            np.asarray(view.table.column_values(column), dtype=float),
        )
    assert view.table.filename == f"london-knife-crime-{trend}-v{dataset.version_id}.csv"


def test_charts_mark_the_connect_change(dataset):
    figure = overview.trend_view(dataset, OverviewState()).charts[0].figure
    (line,) = figure["layout"]["shapes"]
    assert pd.Timestamp(line["x0"]) == CONNECT_START
    assert figure["layout"]["annotations"][0]["text"] == "New recording system"


def test_a_toggle_writes_the_address_and_the_address_alone_reopens_the_view(dataset):
    pressed = page.show_trends(dataset, "", "overview-trend-rolling")
    assert pressed["search"] == "?trend=rolling"
    assert (pressed["monthly"], pressed["rolling"]) == ("false", "true")
    assert "rolling 12-month totals" in text_of(pressed["table"])
    reopened = page.show_trends(dataset, "?trend=rolling")
    assert reopened["rolling"] == "true"
    assert text_of(reopened["table"]) == text_of(pressed["table"])


def test_low_counts_are_named_in_a_reliability_column():
    frame = pd.DataFrame(
        {"month": pd.to_datetime(["2025-01-01", "2025-02-01"]), "a": [12, 9], "b": [3, 40]},
    ).astype({"a": "Int64", "b": "Int64"})
    notes = data_overview.low_count_note(frame, {"a": "Alpha", "b": "Beta"})
    assert notes.tolist() == ["Fewer than 10, unreliable: Beta", "Fewer than 10, unreliable: Alpha"]


def _capped(ds: Dataset, last: str) -> Dataset:
    """The same data as if the latest month published were `last`."""
    coverage = ds.tables.coverage.copy()
    coverage["last_month"] = coverage["last_month"].clip(upper=pd.Timestamp(last))
    return Dataset(ds.version_id, replace(ds.tables, coverage=coverage))


def test_a_comparison_across_february_2024_says_it_spans_connect(dataset):
    earlier = _capped(dataset, "2024-06-01")
    h = data_overview.headline(earlier, "knife_crime")
    assert h.status == data_overview.CURRENT
    assert h.period.label == "12 months to June 2024"
    assert h.spans_connect
    assert "spans the move to the CONNECT recording system in February 2024" in " ".join(
        overview.card(earlier, h).warnings
    )
    assert not data_overview.headline(dataset, "knife_crime").spans_connect


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
    with_guns = page.show(Dataset(dataset.version_id, tables))
    text = card_text(with_guns, "gun_crime")
    assert "240 offences in the 12 months to February 2026" in text
    assert "360 in the 12 months before" in text
    assert "Down 33%, a statistically significant fall." in text
    assert "No figures yet" not in text
    assert "No figures yet" in card_text(with_guns, "gun_crime_robbery")
    # The three without data still share one sentence on how theirs will arrive.
    assert section_text(with_guns, "gun").count("There is no published data") == 1


def test_with_nothing_published_the_page_says_so():
    assert page.show(None)["period"] == "No data has been published yet."
    trends = page.show_trends(None, "")
    assert text_of(trends["table"]) == "No data has been published yet."
