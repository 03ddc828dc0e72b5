"""The area profile's view, called as a plain function on the real published data."""

from __future__ import annotations

import io

import pandas as pd
import pytest

from callbacks.profile import profile_csv, profile_view, trend_view
from data import funnel, profiles, queries
from data.areas import LONDON_CODE
from data.profiles import ordinal

LAMBETH = "E09000022"
ABBEY_BD = "E05014053"  # Abbey, Barking and Dagenham
HEATHROW = "E05013570"
ALDERSGATE = "E05009288"  # City of London


def summary_text(view: dict) -> str:
    return " ".join(p.children for p in view["summary"])


def knife(dataset, level: str) -> pd.DataFrame:
    frame = queries.map_values(dataset, measure="knife_crime", level=level, period="r12").frame
    return frame[frame["status"] == queries.OK].set_index("code")


def place(rates: pd.Series, code: str) -> str:
    """The rank in words, computed here from scratch."""
    higher = int((rates > rates[code]).sum())
    lower = int((rates < rates[code]).sum())
    if higher <= lower:
        return "the highest" if higher == 0 else f"the {ordinal(higher + 1)} highest"
    return "the lowest" if lower == 0 else f"the {ordinal(lower + 1)} lowest"


def test_a_borough_summary_states_its_count_rate_rank_and_verdict(dataset):
    view = profile_view(dataset, LAMBETH)
    frame = knife(dataset, "borough")
    row = frame.loc[LAMBETH]
    assert view["title"] == "Lambeth"
    assert view["subtitle"] == "London borough in the Central South BCU"
    # One area's own profile states its own verdict (its own p-value), with the rate
    # ratio's interval; the many-areas verdict (q) belongs to maps and rankings.
    head, _, judgement = row["verdict_own"].partition(", ")
    _, _, interval = row["rate_ratio_words"].partition(", ")
    assert interval.startswith("95% interval ")
    expected = (
        f"In the 12 months to February 2026 there were {int(row['count']):,} knife crime "
        f"offences in Lambeth, {row['rate']:.2f} per 1,000 residents, "
        f"{place(frame['rate'], LAMBETH)} of 32 boroughs; {head} on the 12 months before "
        f"({interval}), {judgement}."
    )
    assert summary_text(view).startswith(expected)
    assert "statistically significant fall" in expected  # Lambeth's fall is significant


def test_a_ward_summary_ranks_it_in_london_and_in_its_borough(dataset):
    view = profile_view(dataset, ABBEY_BD)
    frame = knife(dataset, "ward")
    row = frame.loc[ABBEY_BD]
    siblings = frame[frame["parent_code"] == row["parent_code"]]
    text = summary_text(view)
    assert view["subtitle"] == "Ward in Barking and Dagenham, East BCU"
    assert f"there were {int(row['count']):,} knife crime offences in Abbey" in text
    assert (
        f"{place(frame['rate'], ABBEY_BD)} of {len(frame)} wards in London and "
        f"{place(siblings['rate'], ABBEY_BD)} of {len(siblings)} wards in Barking and Dagenham"
    ) in text


def test_the_city_of_london_is_not_covered_and_shows_no_zeros(dataset):
    for code in ("E09000001", ALDERSGATE):
        view = profile_view(dataset, code)
        text = summary_text(view)
        assert "City of London Police" in text
        assert "not zero" in text
        assert "0" not in text
        assert view["details_hidden"] is True
        assert view["glance"] is None


def test_an_unknown_code_says_so(dataset):
    view = profile_view(dataset, "E05999999")
    assert view["title"] == "Area not found"
    assert "E05999999" in view["subtitle"]
    assert view["body_hidden"] is True


def test_a_bcu_has_a_profile_too(dataset):
    view = profile_view(dataset, "BCU-CENTRAL-SOUTH")
    assert view["title"] == "Central South BCU"
    assert view["subtitle"] == "Basic Command Unit covering Lambeth and Southwark"
    assert "of 12 BCUs" in summary_text(view)


def test_a_rate_caveat_is_stated_where_it_applies(dataset):
    text = summary_text(profile_view(dataset, HEATHROW))
    assert "Heathrow Villages: about 38,300 people are here on a working day" in text
    assert "overstates" in text


def test_the_positive_outcome_rate_is_outcomes_over_offences_in_the_raw_file(dataset, raw_dir):
    raw = pd.read_parquet(raw_dir / "mps_knife_crime/monthly-crime-dashboard.parquet")
    window = raw[
        (raw["area_type"] == "Borough")
        & (raw["area_code"].str.strip() == LAMBETH)
        & (raw["month_year"] >= "2025-03-01")
        & (raw["month_year"] <= "2026-02-01")
    ]
    facts = profiles.area_facts(dataset, LAMBETH)
    rates = profiles.outcome_rates(dataset, facts).set_index("measure")
    for subtype, label in (("Knife Crime", "Knife crime"),
                           ("Knife Crime with Injury", "Knife crime with injury")):  # fmt: skip
        rows = window[window["crime_subtype"] == subtype]
        offences = int(rows.loc[rows["measure"] == "Offences", "count"].sum())
        outcomes = int(rows.loc[rows["measure"] == "Positive Outcomes", "count"].sum())
        got = rates.loc[label]
        assert (got["offences"], got["outcomes"]) == (offences, outcomes)
        assert got["rate"] == pytest.approx(outcomes / offences * 100)
        assert got["low"] < got["rate"] < got["high"]
    view = profile_view(dataset, LAMBETH)
    words = " ".join(p.children for p in view["outcomes"] if isinstance(p.children, str))
    assert "may relate to an offence from an earlier month" in words


def test_trends_are_rolling_rates_for_the_area_its_borough_and_london(dataset):
    facts = profiles.area_facts(dataset, ABBEY_BD)
    trend = profiles.trend(dataset, facts, "knife_crime")
    last = trend.frame.iloc[-1]
    ward = knife(dataset, "ward").loc[ABBEY_BD]
    borough = knife(dataset, "borough").loc["E09000002"]
    london = queries.london_headline(dataset, "knife_crime", "r12")
    london_population = dataset.population.loc[LONDON_CODE, "all"]
    assert last["area_rate"] == pytest.approx(ward["rate"])
    assert last["parent_rate"] == pytest.approx(borough["rate"])
    assert last["london_rate"] == pytest.approx(london["count"] / london_population * 1000)
    assert trend.frame["area_rate"].iloc[:11].isna().all()  # a 12-month window needs 12 months
    assert "rate per 1,000 residents" in trend.scale


def test_an_outcome_trend_is_a_percentage_of_offences(dataset):
    figure, note, _table = trend_view(dataset, LAMBETH, "knife_crime_outcomes")
    assert "Positive outcome rate" in figure.layout.yaxis.title.text
    rates = profiles.outcome_rates(dataset, profiles.area_facts(dataset, LAMBETH))
    assert figure.data[0].y[-1] == pytest.approx(rates.iloc[0]["rate"])
    assert "percentage" in note


def test_an_unknown_trend_measure_falls_back_to_knife_crime(dataset):
    figure, note, _ = trend_view(dataset, LAMBETH, "not-a-measure")
    assert note.startswith("Knife crime.")
    assert [trace.name for trace in figure.data] == ["Lambeth", "London"]


def test_the_funnel_position_matches_the_at_risk_page(dataset):
    view = profile_view(dataset, ABBEY_BD)
    table = funnel.at_risk_areas(dataset, measure="knife_crime", level="ward", period="r12").table
    position = table.set_index("Code").loc[ABBEY_BD, "Funnel position"]
    assert f"is {position} for an area of its population" in view["funnel_note"]
    highlighted = [t for t in view["funnel"]["data"] if t["mode"] == "markers+text"]
    assert len(highlighted) == 1
    assert [point[0] for point in highlighted[0]["customdata"]] == [ABBEY_BD]


def test_the_download_holds_the_monthly_counts_of_the_store(dataset):
    name, text = profile_csv(dataset, LAMBETH)
    assert name == "area-e09000022-monthly-figures.csv"
    csv = pd.read_csv(io.StringIO(text))
    knife_rows = csv[csv["measure"] == "knife_crime"]
    assert knife_rows["month"].iloc[0] == "2022-03"
    last12 = knife_rows[knife_rows["month"] >= "2025-03"]
    assert last12["count"].sum() == knife(dataset, "borough").loc[LAMBETH, "count"]
    assert set(csv["fewer_than_10"]) <= {"yes", "no"}
    assert (csv.loc[csv["count"] < 10, "fewer_than_10"] == "yes").all()


def test_the_search_finds_labels_codes_and_unique_names(dataset):
    assert profiles.find_area(dataset, "lambeth (borough)") == LAMBETH
    assert profiles.find_area(dataset, "  Lambeth ") == LAMBETH
    assert profiles.find_area(dataset, "e05014053") == ABBEY_BD
    assert profiles.find_area(dataset, "Abbey (ward in Barking and Dagenham)") == ABBEY_BD
    assert profiles.find_area(dataset, "Abbey") is None  # two wards share the name
    assert profiles.find_area(dataset, "Atlantis") is None
    assert len(profile_view(dataset, "")["search_list"]) == 749


def test_with_nothing_published_the_page_says_so():
    assert profile_view(None, LAMBETH)["subtitle"] == "No data has been published yet."


def test_links_lead_to_the_map_and_the_ranked_wards_of_the_borough(dataset):
    links = profile_view(dataset, ABBEY_BD)["links"][0].children
    hrefs = [item.children.href for item in links]
    assert hrefs[0] == (
        "/map?measure=knife_crime&level=ward&period=r12&value=rate"
        f"&borough=E09000002&area={ABBEY_BD}"
    )
    assert "/area/E09000002" in hrefs
    assert "/at-risk?measure=knife_crime&period=r12&order=rate&level=ward&borough=E09000002" in (
        hrefs
    )


def test_every_wards_places_match_a_ranking_from_scratch(dataset):
    wards = knife(dataset, "ward")
    places = profiles.peer_ranks(dataset, "knife_crime", "ward", "r12")
    assert set(places.index) == set(wards.index[wards["rate"].notna()])
    for code in wards.index[::37]:
        rates = wards["rate"]
        siblings = rates[wards["parent_code"] == wards.at[code, "parent_code"]]
        assert "the " + places.at[code, "place"].removeprefix("joint ") == place(rates, code)
        assert places.at[code, "of"] == rates.notna().sum()
        parent = places.at[code, "place_parent"].removeprefix("joint ")
        assert "the " + parent == place(siblings, code)
        assert places.at[code, "of_parent"] == siblings.notna().sum()
