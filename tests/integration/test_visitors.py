"""The workday population and the visitor-area rule on the real data.

Expected figures are worked out here from the raw files with pandas (residents from
TS007A, place-of-work counts from ODWP01EW, LSOA to MSOA from the LSOA boundaries
read by GDAL, LSOA to ward from the ONS lookup), never by the code under test.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

from data import perception, profiles, queries, visitors, workday
from data import young_people as yp
from data.funnel import area_funnel
from presenters import profile as profile_page
from presenters.about import data_caveats
from tests.components import flat

RAW = {
    "lad": "ons_census2021_workday/odwp01ew_lad_counts_london.csv",
    "msoa": "ons_census2021_workday/odwp01ew_msoa_counts_london.csv",
    "ltla": "ons_census2021/census2021-ts007a-ltla.csv",
    "lsoa": "ons_census2021/census2021-ts007a-lsoa.csv",
    "shp": "boundaries_lsoa_2021/london-2021-lsoa-gen20.shp",
    "lookup": "ons_lookups/LSOA_(2021)_to_Electoral_Ward_(2025)_to_LAD_(2025)_Best_Fit_Lookup_"
    "in_EW_v2.csv",
}
WESTMINSTER, CITY = "E09000033", "E09000001"
WARDS = {
    "West End": "E05013808",
    "St James's": "E05013806",
    "Waterloo & South Bank": "E05014118",
    "Hyde Park": "E05013796",
    "Holborn & Covent Garden": "E05013662",
    "Heathrow Villages": "E05013570",
    "Shepherd's Bush Green": "E05013748",
    "Camden Town": "E05013655",
}


@pytest.fixture(scope="module")
def raw(raw_dir):
    """The independent computation: every figure from the raw files with pandas."""
    lad = pd.read_csv(raw_dir / RAW["lad"]).set_index("areacd")
    msoa = pd.read_csv(raw_dir / RAW["msoa"]).set_index("areacd")
    ltla = pd.read_csv(raw_dir / RAW["ltla"]).set_index("geography code")["Age: Total"]
    lsoa_res = pd.read_csv(raw_dir / RAW["lsoa"]).set_index("geography code")["Age: Total"]
    shapes = gpd.read_file(raw_dir / RAW["shp"], ignore_geometry=True)
    links = shapes.set_index("LSOA21CD")["MSOA21CD"]
    msoa_borough = shapes.drop_duplicates("MSOA21CD").set_index("MSOA21CD")["LAD22CD"]
    lookup = pd.read_csv(raw_dir / RAW["lookup"], encoding="utf-8-sig")
    lookup = lookup[lookup["LSOA21CD"].isin(links.index)].set_index("LSOA21CD")
    boroughs = pd.DataFrame({"residents": ltla.reindex(lad.index)})
    boroughs["workday"] = boroughs["residents"] - lad["origin"] + lad["destination"]
    lsoa = pd.DataFrame({"residents": lsoa_res.reindex(links.index), "msoa": links})
    msoa_res = lsoa.groupby("msoa")["residents"].sum()
    msoas = pd.DataFrame({"residents": msoa_res})
    msoas["workday"] = msoa_res - msoa["origin"] + msoa["destination"]
    lsoa["workday"] = (
        lsoa["residents"] / lsoa["msoa"].map(msoa_res) * lsoa["msoa"].map(msoas["workday"])
    )
    lsoa["ward"] = lookup["WD25CD"]
    lsoa["borough"] = lookup["LAD25CD"]
    wards = lsoa.groupby("ward")[["residents", "workday"]].sum()
    wards["borough"] = lsoa.groupby("ward")["borough"].first()
    return {"boroughs": boroughs, "msoas": msoas, "lsoas": lsoa, "wards": wards, "lad": lad,
            "msoa": msoa, "lsoa_res": lsoa_res, "links": links,
            "msoa_borough": msoa_borough}  # fmt: skip


def test_boroughs_are_the_ons_workday_population(dataset, raw):
    got = dataset.workday[dataset.workday["level"] == "borough"]
    expected = raw["boroughs"]
    assert set(got.index) == set(expected.index)
    assert (got["workday_population"] == expected["workday"].reindex(got.index)).all()
    assert (got["residents"] == expected["residents"].reindex(got.index)).all()
    # PROVENANCE.md checks Westminster with 204,300 residents (rounded); TS007A says 204,235.
    assert got.loc[WESTMINSTER, "workday_population"] == 204_235 - 101_741 + 265_015


def test_msoas_and_wards_match_the_independent_computation(dataset, raw):
    w = dataset.workday
    msoas = w[w["level"] == "msoa"]
    assert len(msoas) == 1002
    assert np.allclose(msoas["workday_population"], raw["msoas"]["workday"].reindex(msoas.index))
    wards = w[w["level"] == "ward"]
    assert len(wards) == 684  # 679 MPS wards and the 5 City wards given an LSOA
    assert np.allclose(wards["workday_population"], raw["wards"]["workday"].reindex(wards.index))
    assert (wards["residents"] == raw["wards"]["residents"].reindex(wards.index)).all()
    assert wards["estimated"].all()
    assert not msoas["estimated"].any()


def test_the_west_end_by_hand(dataset, raw):
    """West End: each LSOA takes its MSOA's workday population times its residents'
    share of the MSOA, added up over the LSOAs the best-fit lookup gives the ward."""
    lsoas = raw["lsoas"][raw["lsoas"]["ward"] == WARDS["West End"]]
    total = 0.0
    for code, row in lsoas.iterrows():
        msoa = row["msoa"]
        in_msoa = raw["links"][raw["links"] == msoa].index
        msoa_residents = sum(int(raw["lsoa_res"][c]) for c in in_msoa)
        counts = raw["msoa"].loc[msoa]
        msoa_workday = msoa_residents - int(counts["origin"]) + int(counts["destination"])
        total += int(raw["lsoa_res"][code]) / msoa_residents * msoa_workday
    got = dataset.workday.loc[WARDS["West End"]]
    assert got["workday_population"] == pytest.approx(total, rel=1e-12)
    assert got["residents"] == 10_645
    assert round(total) == 66_386


def test_a_boroughs_wards_add_up_to_its_own_figure(dataset, raw):
    """Exactly to its MSOAs (LSOAs nest in MSOAs, MSOAs and best-fit wards in boroughs);
    to the borough's own figure within SUM_TOLERANCE, because the ONS perturbs the
    MSOA and the local-authority tables separately (0.07% at most on these files)."""
    w = dataset.workday
    wards = w[w["level"] == "ward"]
    parent = dataset.areas["parent_code"].reindex(wards.index).to_numpy()
    by_borough = wards.groupby(parent)["workday_population"].sum()
    msoas = w[w["level"] == "msoa"]
    msoa_sum = msoas.groupby(raw["msoa_borough"].reindex(msoas.index).to_numpy())[
        "workday_population"
    ].sum()
    boroughs = w[w["level"] == "borough"]["workday_population"]
    worst = 0.0
    for code in boroughs.index.drop(CITY):  # only 5 of the City's 25 wards have an LSOA
        assert by_borough[code] == pytest.approx(msoa_sum[code], rel=1e-12)
        worst = max(worst, abs(by_borough[code] / boroughs[code] - 1))
    assert worst <= workday.SUM_TOLERANCE
    assert worst > 0  # the two ONS tables do differ: the tolerance is not vacuous


def test_the_rule_flags_westminster_alone_among_the_mps_boroughs(dataset, raw):
    ratio = raw["boroughs"]["workday"] / raw["boroughs"]["residents"]
    assert set(ratio[ratio >= visitors.VISITOR_RATIO].index) == {WESTMINSTER, CITY}
    flagged = visitors.flagged_areas(dataset, "borough")
    assert flagged.loc[flagged["covered"], "code"].tolist() == [WESTMINSTER]
    caveat = dataset.areas.loc[WESTMINSTER, "caveat"]
    assert caveat.startswith(
        "Westminster: 367,509 people are here on a working day against 204,235 residents, "
        "1.8 times as many (Census 2021 workday population)."
    )
    # The City is not policed by the MPS: its caveat says so, not a visitor caveat.
    assert dataset.areas.loc[CITY, "caveat"].startswith("Policed by the City of London Police")


def test_every_ward_over_the_threshold_and_no_other_carries_the_caveat(dataset, raw):
    ratio = raw["wards"]["workday"] / raw["wards"]["residents"]
    over = set(ratio[ratio >= visitors.VISITOR_RATIO].index)
    wards = dataset.areas[(dataset.areas["level"] == "ward") & dataset.areas["covered"]]
    caveated = set(wards.index[wards["caveat"].map(lambda c: isinstance(c, str))])
    assert caveated == over & set(wards.index)
    assert len(caveated) == 27
    for code in caveated:
        assert "Census 2021 workday population, estimated for the ward" in wards.loc[code, "caveat"]


@pytest.mark.parametrize(
    ("name", "flagged", "low", "high"),
    [
        ("West End", True, 6.2, 6.3),
        ("St James's", True, 5.8, 5.9),
        ("Waterloo & South Bank", True, 3.5, 3.6),
        ("Hyde Park", True, 1.9, 2.0),
        ("Holborn & Covent Garden", True, 3.0, 3.1),
        ("Heathrow Villages", True, 2.7, 2.8),
        # Shoppers and night-time visitors are not in the workday population, and the
        # ward draws on quieter MSOAs too: just under the threshold.
        ("Shepherd's Bush Green", False, 1.43, 1.44),
        ("Camden Town", False, 1.44, 1.45),
    ],
)
def test_the_issues_examples(dataset, raw, name, flagged, low, high):
    code = WARDS[name]
    ratio = raw["wards"].loc[code, "workday"] / raw["wards"].loc[code, "residents"]
    assert low <= ratio <= high
    assert isinstance(dataset.areas.loc[code, "caveat"], str) is flagged


def test_rates_per_workday_population_beside_the_resident_rate(dataset):
    values = queries.map_values(dataset, measure="knife_crime", level="borough", period="r12")
    row = values.by_code.loc[WESTMINSTER]
    assert row["visitor_flag"]
    assert row["workday_population"] == 367_509
    assert row["workday_rate"] == pytest.approx(row["count"] / 367_509 * 1000)
    assert row["rate"] == pytest.approx(row["count"] / 204_235 * 1000)
    frame = values.frame[values.frame["covered"]]
    assert frame.loc[frame["visitor_flag"], "code"].tolist() == [WESTMINSTER]
    wards = queries.map_values(dataset, measure="knife_crime", level="ward", period="r12").frame
    assert wards["visitor_flag"].sum() == 27 + 5  # and the 5 City wards, not covered
    assert (wards["visitor_flag"] == (wards["workday_ratio"] >= 1.5)).all()
    funnel = area_funnel(dataset, "knife_crime", "ward", "r12")
    points = funnel.points.set_index("code")
    west_end = points.loc[WARDS["West End"]]
    assert west_end["visitor_flag"]
    assert west_end["workday_rate"] == pytest.approx(
        west_end["count"] / dataset.workday.loc[WARDS["West End"], "workday_population"] * 1000
    )


def test_the_profile_gives_the_workday_rate(dataset):
    facts = profiles.area_facts(dataset, WARDS["West End"])
    s = profiles.standing(dataset, facts, "knife_crime")
    assert s.visitor_flag
    london = dataset.series("knife_crime", "london").values[0][-12:].sum()
    london_workday = dataset.workday.loc["E12000007", "workday_population"]
    assert s.london_workday_rate == pytest.approx(london / london_workday * 1000)
    text = profile_page.summary_sentence(dataset, facts, s)
    assert (
        f"per 1,000 workday population the rate is {s.workday_rate:#.3g} (London "
        f"{s.london_workday_rate:#.3g})."
    ) in text
    glance = {g.measure: g for g in profiles.glance(dataset, facts)}
    assert glance["knife_crime"].visitor_flag
    table = profile_page.view(dataset, profile_page.ProfileState(area=facts.code)).glance
    assert "Rate per 1,000 workday population (all ages)" in table.headings
    not_flagged = profiles.area_facts(dataset, "E09000022")
    assert "workday" not in profile_page.summary_sentence(
        dataset, not_flagged, profiles.standing(dataset, not_flagged, "knife_crime")
    )


def test_young_people_in_visitor_areas(dataset):
    risk = yp.young_risk(dataset, yp.HEADLINE, "borough")
    row = risk.frame.set_index("code").loc[WESTMINSTER]
    assert row["visitor_flag"]
    assert row["workday_rate"] == pytest.approx(row["victims"] / 367_509 * 1000)
    assert row["rate_all_ages"] == pytest.approx(row["victims"] / 204_235 * 1000)
    text = yp.risk_sentence(risk, row, "Westminster")
    assert "1.8 times as many people by day as residents" in text
    assert f"per 1,000 workday population (all ages) the rate is {row['workday_rate']:,.2f}" in text


def test_the_about_page_states_the_rule_and_what_it_flags(dataset):
    text = flat(" ".join(f"{c.title} {c.text}" for c in data_caveats(dataset)))
    assert visitors.rule_words() in text
    assert "Boroughs: Westminster (E09000033), 1.8 times." in text
    for name in ("West End", "St James's", "Waterloo & South Bank", "Hyde Park"):
        assert f"{name} ({WARDS[name]})" in text


def test_the_perception_page_names_each_boroughs_visitor_wards(dataset):
    caveats = perception.borough_rate_caveats(dataset)
    assert "West End" in caveats[WESTMINSTER]
    assert caveats["E09000017"] == ["Heathrow Villages"]
    assert sum(len(v) for v in caveats.values()) == 27
