"""The overview presenter on a hand-made London: cards, groups and the trend table, with
every expected figure worked out by hand from tests/builders.py."""

from __future__ import annotations

from data.overview import headline
from presenters import overview
from presenters.overview import NO_FIGURES, OverviewState
from tests.builders import BOROUGH_WARD, BRIXTON, CLAPHAM, PECKHAM, STOCKWELL, tiny_dataset

GUN = ("gun_crime", "gun_crime_robbery", "lethal_barrelled_discharges", "non_lethal_discharges")


def cards(view, key):
    return next(g for g in view.groups if g.key == key)


def test_the_knife_card_gives_londons_figure_against_the_year_before():
    view = overview.view(tiny_dataset())
    knife = cards(view, "knife").cards[0]
    # 16 offences a month in wards and 1 not placed in one: 204 in each 12 months.
    assert (knife.figure, knife.figure_words) == (
        "204",
        "offences in the 12 months to February 2026",
    )
    assert knife.previous == "204 in the 12 months before (March 2024 to February 2025)"
    assert (knife.verdict, knife.change) == ("No change.", "")
    assert view.period.startswith("The latest 12 months of data, the 12 months to February 2026")


def test_gun_cards_say_once_for_their_group_why_there_is_no_figure():
    ds = tiny_dataset()
    gun = cards(overview.view(ds), "gun")
    assert [c.measure for c in gun.cards] == list(GUN)
    assert {c.no_figure for c in gun.cards} == {NO_FIGURES}
    assert {c.message for c in gun.cards} == {""}
    arrival = ds.measures.loc["gun_crime", "arrival"]
    assert [p.text for p in gun.lead] == [
        f"There is no published data for any of these measures yet. {arrival}"
    ]


def test_a_lone_card_without_data_says_why_itself():
    ds = tiny_dataset()
    group = overview.card_group(ds, "gun", "Gun crime", [headline(ds, "gun_crime")])
    assert group.lead == ()
    assert group.cards[0].message.startswith("There is no published data for this measure yet.")


def test_a_small_count_warns_that_the_change_is_unreliable():
    counts = {BRIXTON: [0] * 24, CLAPHAM: [0] * 24, STOCKWELL: [0] * 24,
              PECKHAM: [0] * 24, BOROUGH_WARD: [0] * 23 + [1]}  # fmt: skip
    ds = tiny_dataset(counts, unplaced_in_borough=[0] * 24)
    knife = cards(overview.view(ds), "knife").cards[0]
    assert knife.figure == "1"
    assert knife.warnings == ("Fewer than 10 offences: too few for the change to be reliable.",)
    table = overview.trend_table(ds, "monthly")
    assert table.headings == ["Month", "Knife crime (offences)", "Reliability"]
    assert table.texts()[-1] == ["2026-02", "1", "Fewer than 10, unreliable: Knife crime"]


def test_the_trend_table_is_monthly_or_rolling_and_names_its_file():
    ds = tiny_dataset()
    monthly = overview.trend_view(ds, OverviewState())
    assert monthly.table.headings == ["Month", "Knife crime (offences)"]
    assert monthly.table.texts()[0] == ["2024-03", "17"]
    assert monthly.table.filename == "london-knife-crime-monthly-v1.csv"
    assert [c.label for c in monthly.charts] == ["Knife crime"]
    assert monthly.charts[0].figure["data"][0]["y"][0] == 17
    rolling = overview.trend_view(ds, OverviewState(trend="rolling"))
    assert rolling.table.texts()[0] == ["2025-02", "204"]
    assert rolling.choices == (
        ("monthly", "Each month", False),
        ("rolling", "Rolling 12 months", True),
    )


def test_an_unknown_trend_view_falls_back_to_each_month():
    ds = tiny_dataset()
    assert overview.settle(ds, OverviewState.from_query("?trend=weekly")).trend == "monthly"
    chosen = overview.choose(ds, OverviewState(), {"trend": "rolling"})
    assert chosen.search() == "?trend=rolling"


def test_with_nothing_published_the_page_says_so():
    assert overview.view(None).period == "No data has been published yet."
    assert overview.trend_view(None, OverviewState()).message == "No data has been published yet."
