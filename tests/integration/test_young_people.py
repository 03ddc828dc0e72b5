"""Young people's risk on the real data, checked against the raw knife file and the
Census, and the page's words, tables and reconciliation built from the same figures
(the presenter, and the page's callback called as a plain function)."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from scipy import stats as sps

from callbacks import young_people as callback
from data import reconciliation
from data import young_people as yp
from data.areas import CITY_OF_LONDON_CODE
from presenters import young_people as page
from presenters.young_people import YoungState

LAMBETH, WESTMINSTER = "E09000022", "E09000033"
CENTRAL_SOUTH = "BCU-CENTRAL-SOUTH"

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


def view_of(dataset, **query):
    return page.view(dataset, page.settle(dataset, YoungState.from_query(query)))


def test_the_page_for_a_borough_and_its_wards(dataset):
    view = view_of(dataset, level="ward", borough=LAMBETH)
    texts = [p.text for p in view.summary]
    assert texts[0].startswith("In the 12 months to February 2026 the MPS recorded 1 knife")
    assert any(t.startswith("Lambeth, in the 12 months") for t in texts)
    wards = dataset.areas[(dataset.areas["level"] == "ward")
                          & (dataset.areas["parent_code"] == LAMBETH)]  # fmt: skip
    assert set(view.table.column_texts("Code")) == set(wards.index)
    assert set(view.table.column_texts("Borough")) == {"Lambeth"}
    assert view.chart["data"][0]["y"]  # a chart of its wards
    names = [t["name"] for t in view.share["data"]]
    assert "London" in names
    assert "Lambeth" in names


@pytest.mark.parametrize(
    ("query", "level", "within"),
    [
        ({}, "borough", ""),
        ({"level": "ward", "borough": LAMBETH}, "ward", LAMBETH),
        ({"bcu": CENTRAL_SOUTH}, "borough", CENTRAL_SOUTH),
    ],
)
def test_the_table_ends_with_the_total_the_sum_and_the_difference(dataset, query, level, within):
    view = view_of(dataset, **query)
    totals = reconciliation.reconcile(dataset, yp.HEADLINE, level, within=within)
    value = 3 if level == "ward" else 2
    assert [row[value][1] for row in view.table.footer] == [
        totals.total, totals.shown, totals.total - totals.shown,
    ]  # fmt: skip
    assert totals.shown == sum(view.table.column_values("Victims aged 1-24"))
    assert totals.sentence in [p.text for p in view.notes]


def test_westminster_carries_its_workday_rate_and_caveat(dataset):
    view = view_of(dataset)
    rows = {r[-1]: r for r in view.table.texts()}
    heading = "Rate per 1,000 workday population, all ages (visitor areas)"
    at = view.table.headings.index(heading)
    risk = yp.young_risk(dataset, yp.HEADLINE, "borough").frame.set_index("code")
    westminster = risk.loc[WESTMINSTER]
    assert westminster["visitor_flag"]
    assert rows[WESTMINSTER][at] == page.words.rate(westminster["workday_rate"])
    assert rows[WESTMINSTER][view.table.headings.index("Rate caveat")].startswith("Westminster:")
    # No other borough passes the rule: their cells are blank.
    assert [r[at] for code, r in rows.items() if code != WESTMINSTER] == [""] * 31


def test_the_csv_model_has_every_borough_and_the_rows_a_spreadsheet_can_skip(dataset):
    model = view_of(dataset).table
    assert len(model.rows) == 32
    assert model.filename.startswith("young-people-")
    assert model.footer[0][0] == "London total"


def test_too_many_areas_for_a_chart_says_how_to_get_one(dataset):
    view = view_of(dataset, level="ward")
    assert view.chart == {}
    assert "Choose a borough or BCU" in view.chart_note
    assert len(view.table.rows) == 679


def test_a_bcu_filter_shows_the_wards_of_its_boroughs(dataset):
    view = view_of(dataset, level="ward", bcu=CENTRAL_SOUTH)
    assert set(view.table.column_texts("Borough")) == {"Lambeth", "Southwark"}
    assert view.heading.endswith("wards in the Central South BCU")
    names = [t["name"] for t in view.share["data"]]
    assert "Central South BCU" in names


def test_unknown_choices_fall_back(dataset):
    odd = YoungState.from_query({"measure": "x", "level": "lsoa", "borough": "nope"})
    assert page.settle(dataset, odd) == YoungState(yp.HEADLINE, "borough")


def test_the_callback_reads_the_address_and_writes_a_change(dataset):
    out = callback.show(dataset, f"?level=ward&borough={LAMBETH}")
    assert "Lambeth" in out["heading"]
    assert out["search"] is callback.no_update
    changed = callback.show(dataset, "", {"within": LAMBETH, "level": "ward",
                                          "measure": yp.HEADLINE}, from_choice=True)  # fmt: skip
    assert changed["search"] == f"?measure={yp.HEADLINE}&level=ward&borough={LAMBETH}"


def test_with_nothing_published_the_page_says_so():
    out = callback.show(None, "")
    assert out["summary"][0].children == page.words.NO_DATA
    assert out["hidden"]
