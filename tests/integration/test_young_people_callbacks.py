"""Young people's risk on the real data, checked against the raw knife file and the
Census, and the page's words built from the same figures."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from scipy import stats as sps

from callbacks import young_people as page
from data import young_people as yp
from data.areas import CITY_OF_LONDON_CODE

KNIFE = "mps_knife_crime/monthly-crime-dashboard.parquet"
CENSUS = "ons_census2021/census2021-ts007a-ltla.csv"
YOUNG_BANDS = (
    "Aged 4 years and under",
    "Aged 5 to 9 years",
    "Aged 10 to 14 years",
    "Aged 15 to 19 years",
    "Aged 20 to 24 years",
)


@pytest.fixture(scope="module")
def boroughs(dataset):
    return yp.young_risk(dataset, yp.HEADLINE, "borough")


def raw_victims(raw_dir, code: str, start: str, end: str) -> int:
    raw = pd.read_parquet(raw_dir / KNIFE)
    raw = raw[
        (raw["area_type"] == "Borough")
        & (raw["area_code"].str.strip() == code)
        & (raw["crime_subtype"] == "Knife Injury Victims (non DA 1-24)")
        & (raw["measure"] == "Offences")
    ]
    month = pd.to_datetime(raw["month_year"])
    return int(raw.loc[(month >= start) & (month <= end), "count"].sum())


def test_a_boroughs_rate_is_its_victims_over_its_census_young_residents(boroughs, raw_dir):
    period = boroughs.period
    row = boroughs.frame.set_index("code").loc["E09000022"]  # Lambeth
    victims = raw_victims(raw_dir, "E09000022", f"{period.start:%Y-%m}", f"{period.end:%Y-%m}")
    census = pd.read_csv(raw_dir / CENSUS).set_index("geography code")
    young = sum(int(census.loc["E09000022", f"Age: {band}"]) for band in YOUNG_BANDS)
    assert row["victims"] == victims
    assert row["population"] == young
    assert row["rate"] == pytest.approx(victims / young * 1000)
    low = sps.chi2.ppf(0.025, 2 * victims) / 2
    high = sps.chi2.ppf(0.975, 2 * victims + 2) / 2
    assert row["rate_low"] == pytest.approx(low / young * 1000)
    assert row["rate_high"] == pytest.approx(high / young * 1000)
    assert row["for_every"] == f"{yp.round_figure(young / victims):,}"


def test_the_ratio_to_london_is_observed_over_expected(boroughs):
    frame = boroughs.frame
    expected = boroughs.london_rate * frame["population"] / 1000
    assert (frame["ratio"] - frame["victims"] / expected).abs().max() < 1e-12
    london_rate = boroughs.london_victims / boroughs.london_population * 1000
    assert boroughs.london_rate == pytest.approx(london_rate)


def test_the_city_has_no_figures_not_a_zero(dataset, boroughs):
    assert CITY_OF_LONDON_CODE not in set(boroughs.frame["code"])
    wards = yp.young_risk(dataset, yp.HEADLINE, "ward").frame
    assert not (wards["parent_code"] == CITY_OF_LONDON_CODE).any()
    assert len(wards) == 679


def test_the_sentence_a_parent_reads_is_not_a_chance(boroughs):
    row = boroughs.frame.set_index("code").loc["E09000022"]
    text = yp.risk_sentence(boroughs, row, "Lambeth")
    assert text.startswith(
        "Lambeth, in the 12 months to February 2026: 1 knife injury victim aged 1-24 outside "
        f"domestic abuse for every {row['for_every']} residents aged 0-24 (95% interval: 1 for "
        "every "
    )
    assert f"London: {boroughs.london_for_every}." in text
    london = boroughs.london_population / boroughs.london_victims
    assert boroughs.london_for_every == f"1 for every {yp.round_figure(london):,}"
    whole = yp.risk_sentence(boroughs)
    assert whole == (
        "In the 12 months to February 2026 the MPS recorded 1 knife injury victim aged 1-24 "
        f"outside domestic abuse for every {yp.round_figure(london):,} residents aged 0-24 in "
        f"London ({boroughs.london_victims:,} victims; {boroughs.london_population:,.0f} "
        "residents, Census 2021)."
    )
    for words in (text, whole):
        assert not re.search(r"\b1 in [0-9,]+", words)  # never "1 in N": not a chance
        assert "young people" not in words


def test_small_numbers_are_marked_unreliable(dataset):
    wards = yp.young_risk(dataset, yp.HEADLINE, "ward")
    row = wards.frame[wards.frame["victims"].between(1, 9)].iloc[0]
    assert row["low_count"]
    assert "unreliable" in yp.risk_sentence(wards, row, row["name"])
    none = wards.frame[wards.frame["victims"] == 0].iloc[0]
    assert yp.risk_sentence(wards, none, none["name"]).startswith(
        "No knife injury victims aged 1-24 outside domestic abuse were recorded in"
    )


def test_the_young_share_divides_like_by_like(dataset, raw_dir):
    """All young victims over all knife crime with injury: both include domestic abuse."""
    share = yp.young_share(dataset, "london", "E12000007")
    last = share.iloc[-1]
    raw = pd.read_parquet(raw_dir / KNIFE)
    raw = raw[
        (raw["area_type"] == "Borough")
        & (raw["measure"] == "Offences")
        & (pd.to_datetime(raw["month_year"]) >= "2025-03-01")
        & (pd.to_datetime(raw["month_year"]) <= "2026-02-01")
    ]
    victims = int(raw.loc[raw["crime_subtype"] == "Knife Injury Victims (1-24)", "count"].sum())
    offences = int(raw.loc[raw["crime_subtype"] == "Knife Crime with Injury", "count"].sum())
    assert last["month"] == pd.Timestamp("2026-02-01")
    assert (last["victims"], last["offences"]) == (victims, offences)
    ci = sps.binomtest(victims, offences).proportion_ci(method="exact")
    assert last["low"] == pytest.approx(ci.low)
    assert last["high"] == pytest.approx(ci.high)
    assert not last["low_count"]
    assert share["month"].is_monotonic_increasing


def test_a_share_on_fewer_than_10_has_no_interval(dataset):
    wards = yp.young_risk(dataset, yp.HEADLINE, "ward").frame
    found = None
    for code in wards["code"]:
        share = yp.young_share(dataset, "ward", code)
        small = share[(share["victims"] < 10) & (share["offences"] > 0)]
        if len(small):
            found = small
            break
    assert found is not None
    assert found["low_count"].all()
    assert found["low"].isna().all()
    assert found["high"].isna().all()


def test_the_page_for_a_borough_and_its_wards(dataset):
    view = page.young_view(
        dataset, {"measure": yp.HEADLINE, "level": "ward", "borough": "E09000022"}
    )
    texts = [p.children for p in view["summary"]]
    assert texts[0].startswith("In the 12 months to February 2026 the MPS recorded 1 knife")
    assert any(t.startswith("Lambeth, in the 12 months") for t in texts)
    assert set(view["frame"]["parent_code"]) == {"E09000022"}
    assert view["chart"]["data"][0]["y"]  # a chart of its wards
    names = [t["name"] for t in view["share"]["data"]]
    assert "London" in names
    assert "Lambeth" in names
    assert "Lambeth" in view["table"].children


def test_too_many_areas_for_a_chart_says_how_to_get_one(dataset):
    view = page.young_view(dataset, {"measure": yp.HEADLINE, "level": "ward", "borough": ""})
    assert view["chart"] == {}
    assert "Choose a borough" in view["chart_note"]


def test_unknown_choices_fall_back(dataset):
    assert page.young_state(dataset, {"measure": "x", "level": "lsoa", "borough": "nope"}) == {
        "measure": yp.HEADLINE,
        "level": "borough",
        "borough": "",
    }


def test_with_nothing_published_the_page_says_so():
    view = page.young_view(None, {})
    assert view["summary"][0].children == page.NO_DATA
