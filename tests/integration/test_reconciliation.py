"""Every view reconciles to its total on the real data: the difference between the
total and the areas shown is exactly the offences the MPS did not place in an area
of that level. Expected figures come from the raw files with pandas."""

from __future__ import annotations

import pandas as pd
import pytest

from data import reconciliation as rc
from data.areas import BCUS, BOROUGHS, MPS_BOROUGHS, bcu_code, borough_code

KNIFE = "mps_knife_crime/monthly-crime-dashboard.parquet"
WARD = "mps_recorded_crime/recorded-crime-ward.parquet"
BOROUGH = "mps_recorded_crime/recorded-crime-borough.parquet"
LSOA = "mps_recorded_crime/recorded-crime-lsoa.parquet"
LOOKUP = (
    "ons_lookups/LSOA_(2021)_to_Electoral_Ward_(2025)_to_LAD_(2025)_Best_Fit_Lookup_in_EW_v2.csv"
)
MONTHS = [f"2025{m:02d}" for m in range(3, 13)] + ["202601", "202602"]
INACTIVE = {"E05000326", "E05000649"}


@pytest.fixture(scope="module")
def knife(raw_dir) -> pd.DataFrame:
    """Knife crime offences, 12 months to February 2026, borough and SNT rows."""
    raw = pd.read_parquet(raw_dir / KNIFE)
    month = pd.to_datetime(raw["month_year"])
    raw = raw[
        (raw["crime_subtype"] == "Knife Crime")
        & (raw["measure"] == "Offences")
        & (month >= "2025-03-01")
        & (month <= "2026-02-01")
    ].copy()
    raw["code"] = raw["area_code"].str.strip().fillna("")
    return raw


@pytest.fixture(scope="module")
def ward_borough(raw_dir) -> pd.Series:
    lookup = pd.read_csv(raw_dir / LOOKUP, encoding="utf-8-sig")
    return lookup.drop_duplicates("WD25CD").set_index("WD25CD")["LAD25CD"]


def placed_wards(snt: pd.DataFrame) -> pd.Series:
    return snt["code"].str.match(r"^E05\d{6}$") & ~snt["code"].isin(INACTIVE)


def test_knife_crime_by_borough(dataset, knife):
    boroughs = knife[knife["area_type"] == "Borough"]
    placed = boroughs["code"].isin(list(MPS_BOROUGHS))
    r = rc.reconcile(dataset, "knife_crime", "borough")
    assert r.total == boroughs["count"].sum() == 13_552
    assert r.shown == boroughs.loc[placed, "count"].sum()
    assert r.difference == boroughs.loc[~placed, "count"].sum()
    assert r.unallocated == r.difference
    assert r.areas_shown == 32


def test_knife_crime_by_ward(dataset, knife):
    snt = knife[knife["area_type"] != "Borough"]
    placed = placed_wards(snt)
    r = rc.reconcile(dataset, "knife_crime", "ward")
    # The borough rows are London's total; the SNT rows hold the same total again.
    assert r.total == knife.loc[knife["area_type"] == "Borough", "count"].sum()
    assert r.total == snt["count"].sum()
    assert r.shown == snt.loc[placed, "count"].sum()
    # "-1", "N/K", "NON ATHENA FORCE", the two inactive wards and blank codes.
    assert r.difference == snt.loc[~placed, "count"].sum()
    assert r.unallocated == r.difference
    assert r.not_in_file == 0
    assert r.areas_shown == 679


def test_each_boroughs_wards_against_its_own_figure(dataset, knife, ward_borough):
    boroughs = knife[knife["area_type"] == "Borough"].groupby("code")["count"].sum()
    snt = knife[(knife["area_type"] != "Borough")]
    snt = snt[placed_wards(snt)]
    wards = snt.groupby(snt["code"].map(ward_borough))["count"].sum()
    gaps = []
    for code in sorted(MPS_BOROUGHS):
        r = rc.reconcile(dataset, "knife_crime", "ward", within=code)
        assert r.total == boroughs[code]
        assert r.shown == wards[code]
        assert r.difference == boroughs[code] - wards[code]
        gaps.append(r.difference)
    assert min(gaps) >= 0
    # What London's wards miss is what no borough holds plus what each borough's wards miss.
    london_wards = rc.reconcile(dataset, "knife_crime", "ward")
    london_boroughs = rc.reconcile(dataset, "knife_crime", "borough")
    assert london_wards.difference == london_boroughs.difference + sum(gaps)


def test_each_bcu(dataset, knife, ward_borough):
    boroughs = knife[knife["area_type"] == "Borough"].groupby("code")["count"].sum()
    snt = knife[(knife["area_type"] != "Borough")]
    snt = snt[placed_wards(snt)]
    wards = snt.groupby(snt["code"].map(ward_borough))["count"].sum()
    for name, members in BCUS.items():
        codes = [borough_code(m) for m in members]
        own = int(boroughs.reindex(codes).sum())
        by_borough = rc.reconcile(dataset, "knife_crime", "borough", within=bcu_code(name))
        assert (by_borough.total, by_borough.shown, by_borough.difference) == (own, own, 0)
        by_ward = rc.reconcile(dataset, "knife_crime", "ward", within=bcu_code(name))
        assert by_ward.total == own
        assert by_ward.shown == wards.reindex(codes).sum()
        assert by_ward.areas_shown == sum((ward_borough == c).sum() for c in codes)


def test_possession_of_weapons_by_ward_and_small_area(dataset, raw_dir):
    """The issue's case: the ward file holds 5,969 of London's 6,752; it has no
    placeholder rows, so the 783 are in no row of the ward file at all."""
    borough = pd.read_parquet(raw_dir / BOROUGH)
    ward = pd.read_parquet(raw_dir / WARD)
    lsoa = pd.read_parquet(raw_dir / LSOA)
    total = borough.loc[borough["majortext"] == "POSSESSION OF WEAPONS", MONTHS].sum().sum()
    in_wards = ward.loc[ward["majortext"] == "POSSESSION OF WEAPONS", MONTHS].sum().sum()
    weapons = lsoa[lsoa["major_category"] == "POSSESSION OF WEAPONS"]
    in_lsoas = weapons[MONTHS].sum().sum()
    r = rc.reconcile(dataset, "possession_of_weapons", "ward")
    assert (r.total, r.shown, r.difference) == (total, in_wards, total - in_wards)
    assert (r.total, r.shown, r.difference) == (6_752, 5_969, 783)
    assert r.unallocated == 0
    assert r.not_in_file == 783
    assert "London's total for the 12 months to February 2026 is 6,752" in r.sentence
    assert "the 679 wards shown add up to 5,969. The other 783 were not placed" in r.sentence
    small = rc.reconcile(dataset, "possession_of_weapons", "lsoa")
    assert (small.total, small.shown) == (total, in_lsoas)
    assert small.difference == total - in_lsoas
    # Small areas within a borough: Westminster's LSOAs against its own figure.
    westminster = (
        borough[
            (borough["majortext"] == "POSSESSION OF WEAPONS")
            & (borough["boroughname"] == "Westminster")
        ][MONTHS]
        .sum()
        .sum()
    )
    own = rc.reconcile(dataset, "possession_of_weapons", "lsoa", within="E09000033")
    assert own.total == westminster
    assert own.shown == weapons.loc[weapons["borough"] == "E09000033", MONTHS].sum().sum()


def test_the_borough_download_ends_with_london_and_the_unplaced(dataset):
    r = rc.reconcile(dataset, "knife_crime", "borough")
    table = pd.DataFrame(
        {"Area code": sorted(MPS_BOROUGHS), "Area": [BOROUGHS[c] for c in sorted(MPS_BOROUGHS)]}
    )
    counts = dataset.series("knife_crime", "borough")
    window = pd.Series(counts.values[:, -12:].sum(axis=1), index=counts.areas)
    table["Offences"] = window.reindex(table["Area code"]).astype(int).to_numpy()
    out = rc.with_reconciliation_rows(table, r, code="Area code", name="Area", value="Offences")
    tail = out.tail(3)
    assert tail["Area"].tolist() == [
        "London total",
        "Sum of the 32 boroughs shown",
        "Not placed in a borough (total minus sum)",
    ]
    assert tail["Area code"].tolist() == ["E12000007", "", ""]
    assert tail["Offences"].tolist() == [r.total, r.shown, r.difference]
    assert out["Offences"].iloc[:32].sum() == r.shown
