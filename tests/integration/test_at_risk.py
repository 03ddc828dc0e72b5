"""The at-risk page on the real published data: its presenter, and its callback called as a
plain function."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from callbacks.at_risk import show
from data import funnel, queries, stats
from presenters import at_risk
from presenters.at_risk import AtRiskState

LAMBETH = "E09000022"
CENTRAL_SOUTH = "BCU-CENTRAL-SOUTH"


def state(dataset, **query) -> AtRiskState:
    return at_risk.settle(dataset, AtRiskState.from_query(query))


def test_an_empty_query_opens_knife_crime_by_ward_over_12_months(dataset):
    s = state(dataset)
    assert (s.measure, s.level, s.period, s.within, s.order) == (
        "knife_crime", "ward", "r12", "", "rate")  # fmt: skip
    view = at_risk.view(dataset, s)
    assert view.heading == "Knife crime by ward, 12 months to February 2026, all of London"
    assert len(view.ranked.rows) == 679


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"measure": "nonsense", "level": "lsoa", "period": "fy1999"},
         {"measure": "knife_crime", "level": "ward", "period": "r12"}),
        # Homicide is published by borough only.
        ({"measure": "homicide_knife", "level": "ward"},
         {"measure": "homicide_knife", "level": "borough"}),
        ({"period": "2025-06..2025-01"}, {"period": "2025-01..2025-06"}),
        ({"period": "2019-01..2019-06"}, {"period": "r12"}),  # before knife data began
        ({"period": "fy2024"}, {"period": "fy2024"}),
        ({"period": "2025-01..2025-06"}, {"period": "2025-01..2025-06"}),
        ({"period": "2021-01..2022-06"}, {"period": "2022-03..2022-06"}),  # cut to the data
        ({"bcu": CENTRAL_SOUTH}, {"within": CENTRAL_SOUTH}),
        ({"borough": LAMBETH, "level": "ward"}, {"within": LAMBETH}),
        # A borough filter makes no sense for a ranking of boroughs.
        ({"borough": LAMBETH, "level": "borough"}, {"within": ""}),
        ({"bcu": "BCU-ATLANTIS"}, {"within": ""}),
        ({"order": "count"}, {"order": "count"}),
        ({"order": "drop table"}, {"order": "rate"}),
    ],
)  # fmt: skip
def test_a_link_is_validated_and_anything_impossible_falls_back(dataset, query, expected):
    s = state(dataset, **query)
    assert {k: getattr(s, k) for k in expected} == expected


def test_the_url_written_for_a_state_reopens_the_same_state(dataset):
    for query in ({}, {"measure": "knife_injury_victims_1_24_non_da", "bcu": CENTRAL_SOUTH},
                  {"level": "borough", "period": "2024-04..2025-03", "order": "count"},
                  {"borough": LAMBETH, "period": "m"}):  # fmt: skip
        s = state(dataset, **query)
        assert at_risk.settle(dataset, AtRiskState.from_query(s.search())) == s


def test_the_selects_values_become_a_state_too(dataset):
    choice = {
        "measure": "knife_crime_injury",
        "level": "borough",
        "period": "range",
        "start": "2025-09",
        "end": "2025-07",
        "within": CENTRAL_SOUTH,
        "order": "rate",
    }
    s = at_risk.choose(dataset, AtRiskState(), choice)
    assert s.period == "2025-07..2025-09"
    assert s.search() == (
        "?measure=knife_crime_injury&level=borough&period=2025-07..2025-09"
        f"&bcu={CENTRAL_SOUTH}&order=rate"
    )
    period = at_risk.controls(dataset, s).selects[2:4]
    assert [(p.name, p.value) for p in period] == [("period", "range"), ("start", "2025-07")]


def test_the_top_rows_are_the_highest_rates_computed_from_the_store(dataset):
    view = at_risk.view(dataset, state(dataset, level="borough"))
    frame = queries.map_values(dataset, measure="knife_crime", level="borough", period="r12").frame
    ranked = frame[frame["status"] == queries.OK].sort_values("rate", ascending=False)
    rows = view.ranked.texts()
    assert len(rows) == 32
    headings = view.ranked.headings
    for i, (_, expected) in enumerate(ranked.head(3).iterrows()):
        row = dict(zip(headings, rows[i], strict=True))
        assert row["Area"] == expected["name"]
        assert row["Offences"] == f"{int(expected['count']):,}"
        # Three significant figures, worked out here from the raw count and population.
        raw = expected["count"] / expected["population"] * 1000
        assert row["Rate per 1,000 residents"] == f"{raw:.{3 - len(str(int(raw)))}f}"
        assert row["Change"] == expected["verdict"]


def test_ordering_by_count_ranks_by_count(dataset):
    result = funnel.at_risk_areas(dataset, measure="knife_crime", level="borough", period="r12",
                                  order="count")  # fmt: skip
    frame = queries.map_values(dataset, measure="knife_crime", level="borough", period="r12").frame
    top = frame.loc[frame["count"].idxmax()]
    assert result.table.iloc[0]["Area"] == top["name"]
    assert result.table["Offences"].is_monotonic_decreasing


def test_ranks_stay_london_wide_inside_a_filter(dataset):
    everywhere = funnel.at_risk_areas(dataset, measure="knife_crime", level="ward", period="r12")
    lambeth = funnel.at_risk_areas(dataset, measure="knife_crime", level="ward", period="r12",
                                   within=LAMBETH)  # fmt: skip
    wards = dataset.areas[(dataset.areas["parent_code"] == LAMBETH)]
    assert set(lambeth.table["Code"]) == set(wards["code"])
    london_rank = everywhere.table.set_index("Code")["Rank in London"]
    for row in lambeth.table.itertuples():
        assert row[1] == london_rank[row.Code]
    bcu = funnel.at_risk_areas(dataset, measure="knife_crime", level="borough", period="r12",
                               within=CENTRAL_SOUTH)  # fmt: skip
    assert sorted(bcu.table["Area"]) == ["Lambeth", "Southwark"]


def test_funnel_positions_are_judged_on_limits_that_allow_for_overdispersion(dataset):
    # The old test judged positions on Poisson limits alone, which 176 of 679 wards are
    # outside (1.4 expected by chance). Spiegelhalter's (2005) random-effects limits,
    # written out here: z-scores against the pooled rate, Winsorised at the 10th and
    # 90th percentiles, phi their mean square, tau^2 by DerSimonian-Laird.
    result = funnel.at_risk_areas(dataset, measure="knife_crime", level="ward", period="r12")
    frame = queries.map_values(dataset, measure="knife_crime", level="ward", period="r12").frame
    ok = frame[frame["status"] == queries.OK]
    count, population = ok["count"].to_numpy(float), ok["population"].to_numpy(float)
    theta = count.sum() / population.sum()  # per resident
    assert result.funnel.london_rate == pytest.approx(theta * 1000)
    s2 = theta / population
    z = (count / population - theta) / np.sqrt(s2)
    z_w = np.clip(z, *np.percentile(z, [10, 90]))
    phi = np.mean(z_w**2)
    w = 1 / s2
    tau2 = max(0.0, (len(z) * phi - (len(z) - 1)) / (w.sum() - (w**2).sum() / w.sum()))
    assert result.funnel.overdispersion.phi == pytest.approx(phi)
    assert 4 < phi < 6  # about 5 on the data to February 2026
    high = (theta + 3.090232 * np.sqrt(s2 + tau2)) * 1000
    poisson_high = stats.funnel_limits(theta * 1000, population)[0.998][1]
    above = set(ok.loc[ok["rate"].to_numpy() > np.maximum(high, poisson_high), "code"])
    table = result.table.set_index("Code")
    assert above == set(table.index[table["Funnel position"] == funnel.ABOVE_998])
    assert 20 < len(above) < 40  # 29: far fewer than the 176 outside the Poisson limits
    points = result.funnel.points.set_index("code")
    poisson_above = set(ok.loc[ok["rate"].to_numpy() > poisson_high, "code"])
    assert poisson_above == set(points.index[points["position_poisson"] == funnel.ABOVE_998])
    assert result.funnel.outside(poisson=True) == 176


def test_the_city_of_london_is_not_ranked_and_the_page_says_so(dataset):
    view = at_risk.view(dataset, state(dataset))
    assert "E05009288" not in view.ranked.column_texts("Code")  # Aldersgate
    notes = " ".join(p.text for p in view.notes)
    assert "City of London's 25 wards are not ranked" in notes
    assert "not zero" in notes


def test_a_measure_without_data_says_so_and_shows_no_numbers(dataset):
    view = at_risk.view(dataset, state(dataset, measure="gun_crime"))
    assert view.has_results is False
    assert view.ranked is None
    assert view.funnel_figure == {}
    message = view.summary[0].text
    assert "no published data" in message
    assert str(dataset.measures.loc["gun_crime", "arrival"]) in message
    assert not any(ch.isdigit() for ch in message)


def test_young_measures_are_ranked_by_the_rate_per_young_resident(dataset):
    result = funnel.at_risk_areas(dataset, measure="knife_injury_victims_1_24_non_da",
                                  level="borough", period="r12")  # fmt: skip
    assert "Rate per 1,000 aged 0-24" in result.table.columns
    first = result.table.iloc[0]
    young = dataset.population.loc[first["Code"], "0-24"]
    assert first["Rate per 1,000 aged 0-24"] == pytest.approx(first["Victims"] / young * 1000,
                                                             abs=0.005)  # fmt: skip
    assert result.funnel.young


def test_a_range_of_months_counts_those_months(dataset):
    s = state(dataset, level="borough", period="2025-01..2025-06")
    result = at_risk.at_risk(dataset, s)
    expected = queries.map_values(dataset, measure="knife_crime", level="borough",
                                  period="2025-01..2025-06").frame.set_index("code")  # fmt: skip
    row = result.table.set_index("Code").loc[LAMBETH]
    assert row["Offences"] == expected.loc[LAMBETH, "count"]
    assert row["Previous period"] == expected.loc[LAMBETH, "previous"]


def test_low_counts_are_marked_unreliable(dataset):
    result = funnel.at_risk_areas(dataset, measure="knife_crime", level="ward", period="m")
    low = result.table["Offences"] < 10
    assert low.any()
    assert (result.table.loc[low, "Reliability"] == "Fewer than 10: unreliable").all()
    assert (result.table.loc[~low, "Reliability"] == "").all()


def test_the_download_is_the_table_shown_with_numbers_unformatted(dataset):
    s = state(dataset, bcu=CENTRAL_SOUTH, level="ward")
    view = at_risk.view(dataset, s)
    shown = at_risk.at_risk(dataset, s).table
    model = view.ranked
    assert model.filename.startswith("at-risk-knife-crime-wards-ranked-by-rate")
    assert model.column_texts("Code") == list(shown["Code"])
    assert model.column_values("Offences") == [int(v) for v in shown["Offences"]]
    rates = pd.Series(model.column_values("Rate per 1,000 residents"), dtype=float)
    expected = shown["Offences"].astype(float) / dataset.population_of(shown["Code"]) * 1000
    assert rates.round(2).tolist() == expected.round(2).tolist()


def test_with_nothing_published_the_page_says_so():
    view = at_risk.view(None, AtRiskState())
    assert view.summary[0].text == "No data has been published yet."
    assert view.has_results is False
    out = show(None, "")
    assert out["hidden"] is True
    assert out["summary"][0].children == "No data has been published yet."


def test_without_a_previous_period_no_change_is_claimed(dataset):
    s = state(dataset, level="borough", period="fy2022")
    view = at_risk.view(dataset, s)
    text = " ".join(p.text for p in view.summary)
    assert "There are no figures for April 2021 to March 2022, so no change is shown." in text
    assert all(t == "" for t in view.ranked.column_texts("Change"))


def test_a_funnel_mark_opens_its_areas_profile_and_a_stray_click_nothing():
    from dash import no_update

    from callbacks.common import profile_href

    assert profile_href({"points": [{"customdata": ["E09000022", "Lambeth"]}]}) == (
        "/area/E09000022"
    )
    assert profile_href(None) is no_update
    assert profile_href({"points": []}) is no_update


def test_the_callback_writes_the_address_only_for_a_change_of_the_selects(dataset):
    from dash import no_update

    opened = show(dataset, "?measure=knife_crime&level=borough")
    assert opened["search"] is no_update
    assert opened["heading"].startswith("Knife crime by borough")
    changed = show(dataset, "?measure=knife_crime&level=borough",
                   {"changed": "order", "order": "count"}, from_choice=True)  # fmt: skip
    assert changed["search"] == "?measure=knife_crime&level=borough&period=r12&order=count"
    assert changed["table"].to_plotly_json()["props"]["data-table"]


def test_visitor_wards_show_their_workday_rate_and_the_table_reconciles(dataset):
    view = at_risk.view(dataset, state(dataset))
    table = view.ranked
    rows = {r[0]: dict(zip(table.headings, r, strict=True)) for r in table.texts()}
    heading = "Rate per 1,000 workday population (visitor areas)"
    west_end = rows["West End"]
    assert west_end[heading] != ""
    assert "workday population" in west_end["Rate caveat"]
    # The workday rate is the count over the Census workday population, per 1,000.
    values = queries.map_values(dataset, measure="knife_crime", level="ward", period="r12")
    row = values.frame.set_index("name").loc["West End"]
    assert west_end[heading] == f"{row['count'] / row['workday_population'] * 1000:#.3g}"
    # A ward that is not a visitor area has no workday rate shown.
    assert rows["Brixton Windrush"][heading] == ""
    # The footer: London's own figure, the wards' sum and the difference.
    total, shown, difference = (r[3][1] for r in table.footer)
    london = queries.london_headline(dataset, "knife_crime", "r12")["count"]
    assert total == london
    assert shown == sum(table.column_values("Offences"))
    assert (
        difference
        == total - shown
        == queries.unallocated(dataset, "knife_crime", "ward", values.period)
    )
