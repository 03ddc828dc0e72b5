"""The area profile on the real published data: the presenter's words and tables and the
page's `show` functions, checked against figures worked out here from the store."""

from __future__ import annotations

import io

import pandas as pd
import pytest

from callbacks import profile as page
from data import funnel, profiles, queries
from data.areas import LONDON_CODE
from presenters import profile
from presenters.profile import ProfileState
from tests.components import flat, text_of

LAMBETH = "E09000022"
ABBEY_BD = "E05014053"  # Abbey, Barking and Dagenham
HEATHROW = "E05013570"
ALDERSGATE = "E05009288"  # City of London


def view_of(dataset, code):
    return profile.view(dataset, ProfileState(area=code))


def summary_text(view) -> str:
    return " ".join(p.text for p in view.summary)


def knife(dataset, level: str) -> pd.DataFrame:
    frame = queries.map_values(dataset, measure="knife_crime", level=level, period="r12").frame
    return frame[frame["status"] == queries.OK].set_index("code")


def rank(rates: pd.Series, code: str) -> int:
    """The rank by rate, worked out here: 1 + the number of areas with a higher rate."""
    return int((rates > rates[code]).sum()) + 1


def rate_text(value: float) -> str:
    """Three significant figures, as an independent format."""
    return f"{value:#.3g}"


def test_a_borough_summary_states_its_count_rate_rank_and_verdict(dataset):
    view = view_of(dataset, LAMBETH)
    frame = knife(dataset, "borough")
    row = frame.loc[LAMBETH]
    assert view.title == "Lambeth"
    assert view.subtitle == "London borough in the Central South BCU"
    assert view.document_title == "Lambeth (borough) - London Weapon-Enabled Crime Dashboard"
    # One area's own profile states its own verdict (its own p-value), with the rate
    # ratio's interval; the many-areas verdict (q) belongs to maps and rankings.
    head, _, judgement = row["verdict_own"].partition(", ")
    _, _, interval = row["rate_ratio_words"].partition(", ")
    assert interval.startswith("95% interval ")
    expected = (
        f"In the 12 months to February 2026 there were {int(row['count']):,} knife crime "
        f"offences in Lambeth, {rate_text(row['rate'])} per 1,000 residents, rank "
        f"{rank(frame['rate'], LAMBETH)} of 32 boroughs by rate per 1,000 residents (1 is the "
        f"highest); {head} on the 12 months before ({interval}), {judgement}."
    )
    assert summary_text(view).startswith(expected)
    assert "statistically significant fall" in expected  # Lambeth's fall is significant


def test_a_ward_summary_ranks_it_in_london_and_in_its_borough(dataset):
    view = view_of(dataset, ABBEY_BD)
    frame = knife(dataset, "ward")
    row = frame.loc[ABBEY_BD]
    siblings = frame[frame["parent_code"] == row["parent_code"]]
    text = summary_text(view)
    assert view.subtitle == "Ward in Barking and Dagenham, East BCU"
    assert f"there were {int(row['count']):,} knife crime offences in Abbey" in text
    assert (
        f"rank {rank(frame['rate'], ABBEY_BD)} of {len(frame)} wards by rate per 1,000 "
        f"residents (1 is the highest) and rank {rank(siblings['rate'], ABBEY_BD)} of "
        f"{len(siblings)} wards in Barking and Dagenham"
    ) in text


def test_the_profiles_rank_is_the_at_risk_pages_rank(dataset):
    table = funnel.at_risk_areas(dataset, measure="knife_crime", level="ward", period="r12").table
    at_risk = table.set_index("Code")["Rank in London"]
    ranks = view_of(dataset, ABBEY_BD).ranks
    assert ranks.column_values("Rank by rate among London's wards")[0] == at_risk[ABBEY_BD]


def test_the_city_of_london_is_not_covered_and_shows_no_zeros(dataset):
    for code in ("E09000001", ALDERSGATE):
        view = view_of(dataset, code)
        text = summary_text(view)
        assert "City of London Police" in text
        assert "not zero" in text
        assert "0" not in text
        assert view.covered is False
        assert view.glance is None
        shown = page.show(dataset, code)
        assert shown["details_hidden"] is True
        assert shown["glance"] is None


def test_an_unknown_code_says_so(dataset):
    shown = page.show(dataset, "E05999999")
    assert shown["title"] == "Area not found"
    assert "E05999999" in shown["subtitle"]
    assert shown["body_hidden"] is True
    assert "Lambeth (25 wards)" in text_of(shown["browse"])


def test_a_bcu_has_a_profile_too(dataset):
    view = view_of(dataset, "BCU-CENTRAL-SOUTH")
    assert view.title == "Central South BCU"
    assert view.subtitle == "Basic Command Unit covering Lambeth and Southwark"
    assert "of 12 BCUs by rate" in summary_text(view)


def test_a_rate_caveat_is_stated_where_it_applies(dataset):
    text = summary_text(view_of(dataset, HEATHROW))
    assert "Heathrow Villages: about 38,300 people are here on a working day" in text
    assert "overstates" in text
    assert "per 1,000 workday population" in text


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
    view = view_of(dataset, LAMBETH)
    for subtype, label in (("Knife Crime", "Knife crime"),
                           ("Knife Crime with Injury", "Knife crime with injury")):  # fmt: skip
        rows = window[window["crime_subtype"] == subtype]
        offences = int(rows.loc[rows["measure"] == "Offences", "count"].sum())
        outcomes = int(rows.loc[rows["measure"] == "Positive Outcomes", "count"].sum())
        got = rates.loc[label]
        assert (got["offences"], got["outcomes"]) == (offences, outcomes)
        assert got["rate"] == pytest.approx(outcomes / offences * 100)
        assert got["low"] < got["rate"] < got["high"]
        row = view.outcomes_table.column_texts("Measure").index(label)
        assert view.outcomes_table.column_values("Offences")[row] == offences
        assert view.outcomes_table.column_values("Rate, %")[row] == pytest.approx(
            outcomes / offences * 100, abs=0.05
        )
    assert "may relate to an offence from an earlier month" in view.outcomes_note
    assert "may relate to an offence from an earlier month" in text_of(
        page.show(dataset, LAMBETH)["outcomes"]
    )


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
    view = profile.trend_view(dataset, ProfileState(area=ABBEY_BD))
    assert "rate per 1,000 residents" in view.note


def test_an_outcome_trend_is_a_percentage_of_offences(dataset):
    state = profile.settle(dataset, ProfileState(area=LAMBETH, measure="knife_crime_outcomes"))
    view = profile.trend_view(dataset, state)
    assert "Positive outcome rate" in view.figure["layout"]["yaxis"]["title"]["text"]
    rates = profiles.outcome_rates(dataset, profiles.area_facts(dataset, LAMBETH))
    assert view.figure["data"][0]["y"][-1] == pytest.approx(rates.iloc[0]["rate"])
    assert "percentage" in view.note


def test_the_trend_measure_comes_from_the_address_and_a_choice_writes_it_back(dataset):
    shown = page.show_trend(dataset, LAMBETH, "?measure=not-a-measure")
    assert shown["note"].startswith("Knife crime.")
    assert shown["figure"]["data"][0]["name"] == "Lambeth"
    assert [t["name"] for t in shown["figure"]["data"]] == ["Lambeth", "London"]
    chosen = page.show_trend(dataset, LAMBETH, "", {"measure": "knife_crime_outcomes"},
                             from_choice=True)  # fmt: skip
    assert chosen["search"] == "?measure=knife_crime_outcomes"
    assert "percentage" in chosen["note"]


def test_the_funnel_position_matches_the_at_risk_page(dataset):
    view = view_of(dataset, ABBEY_BD)
    table = funnel.at_risk_areas(dataset, measure="knife_crime", level="ward", period="r12").table
    position = table.set_index("Code").loc[ABBEY_BD, "Funnel position"]
    assert f"is {position} for an area of its population" in view.funnel_note
    highlighted = [t for t in view.funnel_figure["data"] if t["mode"] == "markers+text"]
    assert len(highlighted) == 1
    assert [point[0] for point in highlighted[0]["customdata"]] == [ABBEY_BD]


def test_the_download_holds_the_monthly_counts_of_the_store(dataset):
    download = page.download(dataset, LAMBETH)
    assert download["filename"] == "area-e09000022-monthly-figures.csv"
    csv = pd.read_csv(io.StringIO(download["content"]))
    knife_rows = csv[csv["measure"] == "knife_crime"]
    assert knife_rows["month"].iloc[0] == "2022-03"
    last12 = knife_rows[knife_rows["month"] >= "2025-03"]
    assert last12["count"].sum() == knife(dataset, "borough").loc[LAMBETH, "count"]
    assert set(csv["fewer_than_10"]) <= {"yes", "no"}
    assert (csv.loc[csv["count"] < 10, "fewer_than_10"] == "yes").all()


def test_the_search_finds_labels_codes_unique_names_and_lists_partial_names(dataset):
    def href(text):
        return profile.search(dataset, text).href

    assert href("lambeth (borough)") == f"/area/{LAMBETH}"
    assert href("  Lambeth ") == f"/area/{LAMBETH}"
    assert href("e05014053") == f"/area/{ABBEY_BD}"
    assert href("Abbey (ward in Barking and Dagenham)") == f"/area/{ABBEY_BD}"
    two = profile.search(dataset, "Abbey")  # two wards share the name
    assert two.href is None
    assert len(two.matches) == 2
    brixton = profile.search(dataset, "Brixton")
    assert [m.text for m in brixton.matches] == [
        "Brixton Acre Lane (ward in Lambeth)",
        "Brixton North (ward in Lambeth)",
        "Brixton Rush Common (ward in Lambeth)",
        "Brixton Windrush (ward in Lambeth)",
    ]
    assert profile.search(dataset, "Atlantis").matches == ()
    assert len(page.show(dataset, "")["search_names"]) == 749


def test_with_nothing_published_the_page_says_so():
    assert page.show(None, LAMBETH)["subtitle"] == "No data has been published yet."
    assert page.download(None, LAMBETH) is None


def test_links_lead_to_the_map_and_the_ranked_wards_of_the_borough(dataset):
    hrefs = [link.href for link in view_of(dataset, ABBEY_BD).links]
    assert hrefs[0] == (
        "/map?measure=knife_crime&level=ward&period=r12&value=rate"
        f"&borough=E09000002&area={ABBEY_BD}"
    )
    assert "/area/E09000002" in hrefs
    assert "/at-risk?measure=knife_crime&period=r12&order=rate&level=ward&borough=E09000002" in (
        hrefs
    )


def test_every_wards_ranks_match_a_ranking_from_scratch(dataset):
    wards = knife(dataset, "ward")
    ranks = profiles.rate_ranks(dataset, "knife_crime", "ward", "r12")
    assert set(ranks.index) == set(wards.index[wards["rate"].notna()])
    for code in wards.index[::37]:
        rates = wards["rate"]
        siblings = rates[wards["parent_code"] == wards.at[code, "parent_code"]]
        assert ranks.at[code, "rank"] == rank(rates, code)
        assert ranks.at[code, "of"] == rates.notna().sum()
        assert ranks.at[code, "rank_parent"] == rank(siblings, code)
        assert ranks.at[code, "of_parent"] == siblings.notna().sum()


def test_the_list_on_area_holds_every_borough_and_ward(dataset):
    browse = profile.browse(dataset)
    areas = dataset.areas
    assert len(browse.boroughs) == int((areas["level"] == "borough").sum())
    assert sum(len(b.wards) for b in browse.boroughs) == int((areas["level"] == "ward").sum())
    assert len(browse.bcus) == 12
    shown = flat(text_of(page.show(dataset, "")["browse"]))
    assert "Lambeth (25 wards)" in shown
    assert "Brixton Windrush" in shown
