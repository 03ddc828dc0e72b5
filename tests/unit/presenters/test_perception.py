"""The perception presenter on a hand-made London: the state, the words, the tables and
the charts, with every expected figure worked out by hand from tests/builders.py and
the survey rows below.

The survey: "Trust MPS" for Lambeth, Southwark, Camden and London at three quarter
ends. Knife crime (tests/builders.py) runs from March 2024 to February 2026, so the
12 months to December 2024 are not covered and the other two quarters are.
"""

from __future__ import annotations

import io

import pandas as pd
import pytest
from flask_caching.backends import SimpleCache

from data import perception
from data.areas import CITY_OF_LONDON_CODE, LONDON_CODE
from data.cache import ViewCache
from presenters import perception as presenter
from presenters.common import survey
from presenters.perception import PerceptionState
from tests.builders import (
    BOROUGH_WARD,
    BRIXTON,
    CLAPHAM,
    LAMBETH,
    PECKHAM,
    SOUTHWARK,
    STOCKWELL,
    tiny_dataset,
)

CAMDEN = "E09000007"  # in the survey, not in the hand-made register
TRUST = "Trust MPS"
FIGURES = {
    # quarter end: Lambeth, Southwark, Camden, London
    "2024-12-31": (0.50, 0.60, 0.55, 0.55),
    "2025-03-31": (0.52, 0.58, 0.56, 0.55),
    "2025-12-31": (0.60, 0.60, 0.50, 0.56),
}


def survey_dataset(*args, **kwargs):
    """`tiny_dataset` with the one view cache the app gives every dataset (in process),
    so a section does not work the same survey figures out again for each use."""
    ds = tiny_dataset(*args, **kwargs)
    ds.views = ViewCache(SimpleCache(threshold=1000), namespace="test")
    return ds


def rows(name: str = TRUST, figures=FIGURES) -> list[tuple[str, str, str, str, float]]:
    out = []
    for date, values in figures.items():
        for code, p in zip((LAMBETH, SOUTHWARK, CAMDEN, LONDON_CODE), values, strict=True):
            out.append((date, "PAS", code, name, p))
    return out


@pytest.fixture(scope="module")
def ds():
    return survey_dataset(survey=rows())


def quiet() -> dict[str, list[int]]:
    """No offences in any ward (what the MPS could not place still counts)."""
    return {code: [0] * 24 for code in (BRIXTON, CLAPHAM, STOCKWELL, PECKHAM, BOROUGH_WARD)}


def settled(ds, **query) -> PerceptionState:
    return presenter.settle(ds, PerceptionState.from_query(query))


def texts(paras) -> str:
    return " ".join(p.text for p in paras)


def by_name(figure: dict, name: str) -> dict:
    return next(t for t in figure["data"] if t["name"] == name)


# --- the state ------------------------------------------------------------------------


def test_an_empty_address_opens_the_latest_12_months_for_london_beside_knife_crime(ds):
    assert settled(ds) == PerceptionState("trust-mps", LONDON_CODE, "2025-12", "knife_crime")
    assert settled(ds).search() == (
        f"?measure=trust-mps&area={LONDON_CODE}&quarter=2025-12&crime=knife_crime"
    )


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"area": LAMBETH, "quarter": "2025-03"}, (LAMBETH, "2025-03")),
        ({"borough": SOUTHWARK}, (SOUTHWARK, "2025-12")),  # a link from another page
        ({"area": LAMBETH, "borough": SOUTHWARK}, (LAMBETH, "2025-12")),  # the area wins
        ({"area": CITY_OF_LONDON_CODE}, (LONDON_CODE, "2025-12")),  # not in the survey
        ({"area": "E09999999", "quarter": "2019-06"}, (LONDON_CODE, "2025-12")),
        ({"quarter": "December"}, (LONDON_CODE, "2025-12")),  # not a month
    ],
)
def test_anything_unknown_falls_back_on_its_own(ds, query, expected):
    state = settled(ds, **query)
    assert (state.area, state.quarter) == expected
    assert state.borough is None
    assert presenter.settle(ds, PerceptionState.from_query(state.search())) == state


def test_unknown_measures_and_crime_measures_fall_back(ds):
    state = settled(ds, measure="nope", crime="gun_crime")
    assert (state.measure, state.crime) == ("trust-mps", "knife_crime")


def test_the_selects_become_the_state_and_a_picked_borough_the_area(ds):
    start = settled(ds)
    chosen = presenter.settle(ds, start.with_choice(
        {"changed": "area", "measure": "trust-mps", "area": LAMBETH, "quarter": "2025-03",
         "crime": "knife_crime"}))  # fmt: skip
    assert (chosen.area, chosen.quarter) == (LAMBETH, "2025-03")
    assert presenter.with_area(ds, chosen, SOUTHWARK).area == SOUTHWARK
    assert presenter.with_area(ds, chosen, CITY_OF_LONDON_CODE) is None
    assert presenter.clicked_borough({"points": [{"location": LAMBETH}]}) == LAMBETH
    assert presenter.clicked_borough({"points": [{"customdata": [SOUTHWARK, "x"]}]}) == SOUTHWARK
    assert presenter.clicked_borough({"points": [{"location": CITY_OF_LONDON_CODE}]}) is None
    assert presenter.clicked_borough({"points": []}) is None
    assert presenter.clicked_borough("nonsense") is None


def test_the_selects_offer_the_measures_areas_quarters_and_crime_measures(ds):
    controls = presenter.controls(ds, settled(ds, area=LAMBETH))
    selects = {s.name: s for s in controls.selects}
    assert list(selects) == ["measure", "area", "quarter", "crime"]
    assert [(o.value, o.label) for o in selects["measure"].options] == [("trust-mps", TRUST)]
    areas = selects["area"].options
    assert [(o.value, o.label, o.group) for o in areas] == [
        (LONDON_CODE, "London as a whole", ""),
        (LAMBETH, "Lambeth", "Boroughs"),
        (SOUTHWARK, "Southwark", "Boroughs"),
    ]
    assert selects["area"].value == LAMBETH
    assert [o.label for o in selects["quarter"].options] == [
        "12 months to December 2025", "12 months to March 2025", "12 months to December 2024",
    ]  # fmt: skip
    assert [o.value for o in selects["crime"].options] == ["knife_crime"]


def test_without_survey_figures_there_is_nothing_to_choose_and_the_page_says_why():
    ds = survey_dataset()
    assert settled(ds) == PerceptionState()
    assert presenter.controls(ds, settled(ds)) is None
    view = presenter.view(ds, settled(ds))
    assert view.available is False
    assert view.message[0].text == survey.NO_SURVEY
    assert presenter.view(None, PerceptionState()).message[0].text == (
        "No data has been published yet."
    )
    assert presenter.download(ds, settled(ds)) is None


# --- over time --------------------------------------------------------------------------


def test_the_trend_states_the_latest_figure_against_london_and_a_year_earlier(ds):
    trend = presenter.view(ds, settled(ds, area=LAMBETH)).trend
    assert trend.heading == "Trust MPS in Lambeth, against London"
    figures = perception.area_trend(ds, perception.find_measure(ds, "trust-mps"), LAMBETH)
    last = figures.iloc[-1]
    shown = f"{last['low'] * 100:.0f}% to {last['high'] * 100:.0f}%"
    assert trend.summary[0].text.startswith(
        f"Trust MPS, 12 months to December 2025: 60% in Lambeth (95% interval {shown}); "
    )
    # A year earlier, December 2024: 50%.
    assert "up 10 percentage points on a year earlier (50%)" in trend.summary[0].text
    assert trend.summary[0].tone == "headline"
    assert "from the 12 months to December 2024 to the 12 months to December 2025" in (
        trend.summary[1].text
    )
    lines = [t for t in trend.figure["data"] if t.get("mode") == "lines+markers"]
    assert [t["name"] for t in lines] == ["Lambeth", "London"]
    assert lines[0]["x"] == ["2024-12-31", "2025-03-31", "2025-12-31"]
    assert lines[0]["y"] == pytest.approx([50, 52, 60])
    assert lines[1]["y"] == pytest.approx([55, 55, 56])
    # The table: latest first, figures kept as per cent for the download.
    assert trend.table.column_texts("12 months to") == [
        "December 2025", "March 2025", "December 2024",
    ]  # fmt: skip
    assert trend.table.column_values("Lambeth") == [60, 52, 50]
    assert trend.table.column_texts("London") == ["56%", "55%", "55%"]


def test_london_has_no_comparison_with_itself(ds):
    trend = presenter.view(ds, settled(ds)).trend
    assert trend.heading == "Trust MPS in London"
    assert "than London's" not in trend.summary[0].text
    assert set(trend.table.column_texts("Compared with London")) == {""}
    assert [t["name"] for t in trend.figure["data"]] == ["London: 95% interval", "London"]


def test_an_area_without_figures_is_told_which_areas_have_them():
    ds = survey_dataset(survey=[("2025-12-31", "PAS", LONDON_CODE, "Feel safe", 0.7)])
    trend = presenter.view(ds, settled(ds, area=LAMBETH)).trend
    assert trend.summary[0].text == (
        "There are no figures for Feel safe in Lambeth: the published survey has this measure "
        "for London as a whole only."
    )
    assert trend.table is None


# --- the map ----------------------------------------------------------------------------


def test_the_map_names_every_borough_that_shares_the_highest_or_lowest_figure(ds):
    area_map = presenter.view(ds, settled(ds), "/geo/b.json").map
    # December 2025: Lambeth and Southwark 60%, Camden 50%, London 56%.
    assert area_map.summary[0].text.startswith(
        "Highest: Lambeth; Southwark (60% each). Lowest: Camden (50%). London: 56%."
    )
    march = presenter.view(ds, settled(ds, quarter="2025-03"), "/geo/b.json").map
    assert march.summary[0].text.startswith(
        "Highest: Southwark (58%). Lowest: Lambeth (52%). London: 55%."
    )


def test_the_map_colours_the_boroughs_with_figures_and_greys_the_rest(ds):
    area_map = presenter.view(ds, settled(ds, area=SOUTHWARK), "/geo/b.json").map
    figures = by_name(area_map.figure, "figures")
    assert dict(zip(figures["locations"], figures["z"], strict=True)) == {
        CAMDEN: 50, LAMBETH: 60, SOUTHWARK: 60,
    }  # fmt: skip
    assert by_name(area_map.figure, "not covered")["locations"] == [CITY_OF_LONDON_CODE]
    # The other 29 boroughs have no figure in this hand-made survey.
    assert len(by_name(area_map.figure, "no figure")["locations"]) == 29
    assert by_name(area_map.figure, "chosen borough")["locations"] == [SOUTHWARK]
    assert area_map.fit == {"url": "/geo/b.json", "codes": None, "pad": presenter.MAP_PAD}
    assert [(i.text, i.kind) for i in area_map.key.items] == [
        ("50% (1 borough)", "fill"),
        ("60% (2 boroughs)", "fill"),
        ("No figure for these 12 months", "fill"),
        ("Not in the survey: the City of London", "fill"),
        ("Higher or lower than London by more than chance", "outline"),
    ]
    assert area_map.key.title == "Trust MPS, 12 months to December 2025"
    # The table: the three boroughs with figures first, by rank, then those without.
    assert area_map.table.column_texts("Borough")[:3] == ["Lambeth", "Southwark", "Camden"]
    assert area_map.table.column_values("Rank by figure")[:3] == [1, 1, 3]
    assert len(area_map.table.rows) == 32  # every borough the MPS polices
    assert area_map.table.column_texts("Compared with London")[3] == "No figure"


def test_without_boundaries_the_map_says_so_and_keeps_its_table(ds):
    area_map = presenter.view(ds, settled(ds), None).map
    assert area_map.figure == {}
    assert area_map.fit is None
    assert "cannot be drawn" in texts(area_map.summary)
    assert len(area_map.table.rows) == 32


# --- beside recorded crime ----------------------------------------------------------------


def test_beside_crime_ranks_the_area_and_says_what_each_rank_is_by(ds):
    beside = presenter.view(ds, settled(ds, area=LAMBETH)).beside
    assert beside.heading == "Trust MPS beside knife crime"
    text = texts(beside.summary)
    # Only Lambeth and Southwark have both figures (Camden has no crime figures here).
    assert "There are too few boroughs with both figures (2)" in text
    # Lambeth: 12 offences a month, 144 in the 12 months, 37,000 residents: 3.89 per 1,000.
    assert (
        "Lambeth, 12 months to December 2025: Trust MPS 60%, rank 1 of 2 boroughs by this "
        "figure (1 is the highest); knife crime 3.89 per 1,000 residents, rank 1 of 2 boroughs "
        "by rate per 1,000 residents (1 is the highest)."
    ) in text
    # The 12 months to December 2024 began before the knife crime data.
    assert "only 2 of the 3 survey periods can be set beside them" in text
    model = beside.scatter_table
    assert model.column_texts("Borough") == ["Lambeth", "Southwark"]
    # Southwark: 5 offences a month, 60 in the 12 months, 25,000 residents: 2.40 per 1,000.
    assert model.column_texts("Rate per 1,000 residents") == ["3.89", "2.40"]
    assert model.column_values("Count") == [144, 60]
    assert model.column_values("Rank by rate") == [1, 2]
    scatter = beside.scatter
    assert [t["name"] for t in scatter["data"]] == ["Boroughs", "Lambeth"]
    assert scatter["data"][1]["customdata"][0][0] == LAMBETH
    assert scatter["data"][1]["x"] == pytest.approx([144 / 37_000 * 1000])
    # London: 17 offences a month, 204 in the 12 months, 63,500 residents: 3.21 per 1,000.
    assert " London 3.21" in [a["text"] for a in scatter["layout"]["annotations"]]
    over_time = beside.trend_table
    assert over_time.column_texts("12 months to") == ["December 2025", "March 2025"]
    assert over_time.column_texts("London rate") == ["3.21", "3.21"]
    assert set(over_time.column_texts("Reliability")) == {""}


def test_rates_on_fewer_than_10_offences_are_marked_unreliable():
    ds = survey_dataset(quiet(), unplaced_in_borough=[0] * 24, survey=rows())
    beside = presenter.view(ds, settled(ds, area=LAMBETH)).beside
    warning = [p for p in beside.summary if p.tone == "warning"]
    assert [p.text for p in warning] == [
        "2 of the 2 boroughs had fewer than 10 offences in the 12 months: their rates are "
        "unreliable."
    ]
    assert set(beside.scatter_table.column_texts("Reliability")) == {
        "Fewer than 10 offences: unreliable"
    }


def test_without_a_crime_measure_to_set_beside_it_the_section_says_so():
    ds = survey_dataset(measure="homicide_knife", survey=rows())
    assert settled(ds).crime == ""
    beside = presenter.view(ds, settled(ds)).beside
    assert beside.scatter == {}
    assert beside.summary[0].text.startswith("No recorded crime figures cover the same 12 months")


# --- homicide ---------------------------------------------------------------------------


def test_homicide_counts_by_year_with_part_years_named():
    # Lambeth: 12 a month from March 2024 to February 2026.
    ds = survey_dataset(measure="homicide_knife", survey=rows())
    homicide = presenter.view(ds, settled(ds, area=LAMBETH)).homicide
    assert homicide.heading == "Homicide in Lambeth by year: knife and shooting victims"
    text = texts(homicide.summary)
    # 288 victims over 24 months: 144 a year.
    assert text.startswith(
        "Lambeth, 2024 to 2026: 288 victims killed with a knife or sharp implement "
        "(144.0 a year on average)."
    )
    assert "2024 and 2026 are only partly covered by the data." in text
    assert "Homicide is rare" not in text  # no year below 10
    assert homicide.table.column_texts("Year") == ["2026", "2025", "2024"]
    assert homicide.table.column_values("Victims killed with a knife or sharp implement") == [
        24, 144, 120,
    ]  # fmt: skip
    bars = homicide.figure["data"]
    assert [b["name"] for b in bars] == ["Killed with a knife or sharp implement"]
    assert bars[0]["x"] == [2024, 2025, 2026]


def test_homicide_years_below_10_are_marked():
    ds = survey_dataset(quiet(), measure="homicide_shooting", survey=rows())
    homicide = presenter.view(ds, settled(ds, area=LAMBETH)).homicide
    # Lambeth: the one a month not placed in a ward, so 10, 12 and 2 a year.
    assert homicide.table.column_values("Victims killed by shooting") == [2, 12, 10]
    assert homicide.table.column_texts("Reliability") == [
        "Fewer than 10 victims: unreliable", "", "",
    ]  # fmt: skip
    assert "in 1 of these 3 years at least one of the counts for Lambeth is below 10" in texts(
        homicide.summary
    )


def test_no_homicide_figures_are_said_plainly(ds):
    homicide = presenter.view(ds, settled(ds)).homicide
    assert homicide.summary[0].text == "No homicide figures have been published."
    assert homicide.figure == {}


# --- uploaded names and the download ------------------------------------------------------


def test_an_uploaded_name_is_text_in_tables_and_escaped_in_charts():
    name = '<a href="x">Worry %{y}</a> & fear'
    ds = survey_dataset(survey=rows(name))
    state = settled(ds, area=LAMBETH)
    view = presenter.view(ds, state, "/geo/b.json")
    escaped = '&lt;a href="x"&gt;Worry % {y}&lt;/a&gt; &amp; fear'
    assert view.trend.figure["layout"]["yaxis"]["title"]["text"] == (
        f"{escaped}: per cent of residents"
    )
    assert escaped in view.beside.scatter["data"][0]["hovertemplate"]
    assert name not in str(view.beside.scatter)
    assert name not in str(view.beside.trend)
    assert view.trend.table.caption == f"{name} in Lambeth, by 12-month period"
    assert view.map.key.title.startswith(name)
    assert view.message[0].text.startswith(f"Worry about crime and safety: {name}.")


def test_the_download_holds_every_figure_of_the_measure(ds):
    name, text = presenter.download(ds, settled(ds))
    assert name == "perception-trust-mps.csv"
    csv = pd.read_csv(io.StringIO(text))
    assert len(csv) == 12  # three quarters of three boroughs and London
    assert set(csv["interviews_assumed"]) == {400, 12_800}


# -- homicide victims by age, sex and solved status -------------------------------------

VICTIM_ROWS = [
    ("2021-03", "E09000022", "20-24", "Male", "Solved", 5),
    ("2021-08", "E09000022", "35-44", "Female", "Unsolved", 2),
    ("2023-01", "E09000022", "13-19", "Male", "Solved", 9),
    ("2023-12", "E09000022", "65+", "Female", "Unsolved", 3),
]


def test_victims_show_a_small_year_whole_and_split_only_what_has_ten():
    from tests.builders import with_homicide_victims

    ds = with_homicide_victims(tiny_dataset(), VICTIM_ROWS)
    section = presenter.victims_section(ds, "E09000022")
    assert section.heading == "Homicide victims in Lambeth by age, sex and solved status"
    text = " ".join(p.text for p in section.summary)
    assert "Lambeth, 2021 to 2023: 19 victims of homicide by any method." in text
    assert "74% were male and 26% female" in text  # 14 and 5 of 19
    assert "2 of the 3 years are too small to split" in text
    sex = {row[0]: row for row in section.sex_table.texts()}
    assert sex["2021"] == ["2021", "7", "", "", "Not split: fewer than 10 victims"]
    assert sex["2023"] == ["2023", "12", "3", "9", "Parts under 10 are unreliable"]
    assert sex["2021 to 2023"][:4] == ["2021 to 2023", "19", "5", "14"]
    assert section.sex_table.column_values("Victims")[0] == 7
    # The chart: a year not split is one bar of its total; split years stack by age.
    traces = {t["name"]: t["y"] for t in section.figure["data"]}
    assert traces["Not split: fewer than 10 victims"] == [7.0, 0.0, None]
    assert traces["13 to 19"] == [None, None, 9.0]
    assert sum(v or 0 for t in traces.values() for v in t) == 19


def test_no_victims_table_says_so():
    section = presenter.victims_section(tiny_dataset(), "")
    assert section.age_table is None
    assert "No homicide victims" in section.summary[0].text
