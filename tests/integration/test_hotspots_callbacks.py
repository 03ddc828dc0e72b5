"""Hot spots on the real data: stable, on real wards only, never the City, with the
page's words, map, table and download built from the same answers."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest

from callbacks import hotspots as page
from dashboard.services import DataService
from data import hotspots as rules
from data.areas import CITY_OF_LONDON_CODE
from data.dataset import Dataset
from data.ingest import ingest, raw_sources
from data.profiles import area_facts
from data.store.store import Store
from geo.boundaries import load_lsoas, load_wards
from geo.hotspots import area_hotspots
from geo.register import area_register

KNIFE = "knife_crime"


@pytest.fixture(scope="module")
def service(published):
    return DataService(published)


@pytest.fixture(scope="module")
def wards(service):
    return service.contiguity("ward")


@pytest.fixture(scope="module")
def knife(dataset, wards):
    return area_hotspots(dataset, wards, KNIFE)


def state(**kw) -> dict[str, str]:
    return {"measure": KNIFE, "level": "ward", "borough": "", **kw}


def test_the_hotspot_table_is_the_same_when_the_same_data_is_ingested_again(
    raw_dir, tmp_path, knife, wards
):
    store = Store(f"sqlite:///{tmp_path / 'again.sqlite'}")
    report = ingest(store, raw_sources(raw_dir), area_register(raw_dir), actor="test")
    again = Dataset(report.version_id, store.load(report.version_id))
    second = area_hotspots(again, wards, KNIFE)
    pd.testing.assert_frame_equal(knife.table, second.table)
    assert np.array_equal(knife.q, second.q)


def test_every_flagged_ward_exists_in_the_boundaries_and_the_city_never_is(raw_dir, knife):
    boundaries = load_wards(raw_dir)
    known = set(boundaries["code"])
    city = set(boundaries.loc[boundaries["borough_code"] == CITY_OF_LONDON_CODE, "code"])
    flagged = set(knife.table.loc[knife.table["flagged"], "code"])
    assert flagged
    assert flagged <= known
    assert not flagged & city
    # Not even analysed: the City has no figures, and is not a ward with none.
    assert not set(knife.table["code"]) & city
    assert len(knife.table) == 679


@pytest.mark.parametrize("measure", ["knife_crime_injury", "possession_of_weapons"])
def test_other_measures_never_flag_the_city_either(dataset, wards, measure):
    table = area_hotspots(dataset, wards, measure).table
    assert not (table["parent_code"] == CITY_OF_LONDON_CODE).any()


def test_persistence_is_counted_from_the_real_monthly_counts(dataset, knife):
    # Written out: each ward's offences in the three separate years to February 2026,
    # and how many wards had at least as many in each year.
    series = dataset.series(KNIFE, "ward")
    wards = series.values[:-1]  # the last row is the unallocated offences
    assert series.areas[-1] == "UNALLOCATED"
    years = [
        wards[:, -36:-24].sum(axis=1),
        wards[:, -24:-12].sum(axis=1),
        wards[:, -12:].sum(axis=1),
    ]
    cap = 67  # 10% of 679 wards, rounded down
    table = knife.table.set_index("code")
    for code in ("E05013808", "E05014118", "E05013570", "E05013662"):
        row = series.areas.get_loc(code)
        top = [(year >= year[row]).sum() <= cap and year[row] > 0 for year in years]
        assert table.loc[code, "top_years"] == sum(top)
        assert table.loc[code, "persistent"] == all(top)
        assert table.loc[code, "count"] == int(years[-1][row])
        assert table.loc[code, "months_with"] == int((wards[row, -12:] > 0).sum())
    assert (knife.table["years"] == 3).all()


def test_persistent_hot_spots_hold_more_offences_than_their_share_of_areas(dataset, knife, service):
    lsoas = service.contiguity("lsoa")
    for result in (
        knife,
        area_hotspots(dataset, lsoas, "possession_of_weapons"),
        area_hotspots(dataset, lsoas, "violence_against_the_person"),
    ):
        table = result.table
        flagged = table["persistent"]
        assert 0 < flagged.mean() <= 0.10
        share = table.loc[flagged, "count"].sum() / table["count"].sum()
        assert share > 2 * flagged.mean()
        row = result.sensitivity.set_index("definition").loc[rules.PERSISTENT_10]
        assert row["used"]
        assert row["flagged"] == flagged.sum()
        assert row["share_of_offences"] == pytest.approx(share)


def test_concentration_against_a_direct_sort(knife):
    counts = knife.table["count"].sort_values(ascending=False)
    table = knife.concentration.set_index("share_of_areas_named")
    for share, k in ((0.01, 6), (0.05, 33), (0.10, 67)):
        assert table.loc[share, "areas"] == k
        assert table.loc[share, "share_of_offences"] == pytest.approx(
            counts.head(k).sum() / counts.sum()
        )
    assert knife.lorenz["share_of_offences"].iloc[-1] == pytest.approx(1.0)
    assert len(knife.lorenz) == 680
    assert 0 < knife.gini < 1


def test_the_sensitivity_table_shows_that_the_choice_matters(dataset, knife):
    table = knife.sensitivity.set_index("definition")
    assert set(table.index) == {
        rules.PERSISTENT_10, rules.PERSISTENT_5, rules.PERSISTENT_DENSITY_10, rules.GI_COUNTS,
        rules.GI_EB_RATES, rules.GI_RAW_RATES, rules.NINE_OF_TWELVE, rules.DECILE_SEVEN_OF_TWELVE,
    }  # fmt: skip
    # The old rule, recomputed: offences in at least 9 of the last 12 months.
    last12 = dataset.series(KNIFE, "ward").values[:-1, -12:]
    assert table.loc[rules.NINE_OF_TWELVE, "flagged"] == int(((last12 > 0).sum(axis=1) >= 9).sum())
    assert (
        table.loc[rules.NINE_OF_TWELVE, "flagged"] > 5 * table.loc[rules.PERSISTENT_10, "flagged"]
    )
    assert (table["areas"] == 679).all()
    assert table.loc[rules.GI_COUNTS, "flagged"] == knife.table["hot"].sum()


def test_the_west_end_is_a_persistent_hot_spot_with_reasons_in_words(knife):
    table = knife.table.set_index("code")
    west_end = table.loc["E05013808"]
    assert west_end["persistent"]
    assert west_end["category"] in rules.CATEGORIES
    assert (
        "persistent hot spot: among London's top 10% by count in 3 of the last 3"
        in (west_end["reasons"])
    )
    # Outer London's quietest wards are not.
    assert not table.loc[table["count"].idxmin(), "flagged"]


def test_a_hot_or_cold_spot_is_significant_after_the_false_discovery_correction(knife):
    table = knife.table
    for word in ("hot", "cold"):
        spots = table[table[word]]
        assert (spots["q"] < rules.HOT_Q).all()
        assert (spots["z"] > 0).all() if word == "hot" else (spots["z"] < 0).all()
    assert not table.loc[table["q"] >= rules.HOT_Q, ["hot", "cold"]].any().any()
    assert table["hot"].sum() < 30  # not half of London


def test_small_area_hotspots_use_the_2021_small_areas(dataset, service, raw_dir):
    result = area_hotspots(dataset, service.contiguity("lsoa"), "possession_of_weapons")
    assert result.available
    lsoas = load_lsoas(raw_dir)
    flagged = result.table[result.table["flagged"]]
    assert set(flagged["code"]) <= set(lsoas["code"])
    assert not (flagged["parent_code"] == CITY_OF_LONDON_CODE).any()
    assert len(result.table) == 4988
    # The small-area data starts in March 2024: two separate years.
    assert (result.table["years"] == 2).all()
    # Each small area is placed in its ward.
    assert (flagged["ward"] != "").all()


def test_gun_crime_says_plainly_there_is_no_data(dataset, service):
    view = page.hotspot_view(dataset, service, state(measure="gun_crime"))
    text = " ".join(p.children for p in view["summary"])
    assert "no published data for gun crime" in text
    assert view["hidden"]
    assert view["figure"] == {}


def test_the_page_shows_the_flagged_wards_on_the_map_and_in_the_table(dataset, service, knife):
    view = page.hotspot_view(dataset, service, state())
    mapped = {c for trace in view["figure"]["data"] for c in trace["locations"]}
    assert set(knife.table["code"]) <= mapped  # every ward has a colour
    flagged = knife.table[knife.table["flagged"]]
    assert set(view["rows"]["code"]) == set(flagged["code"])
    markup = view["table"].children
    assert "West End" in markup
    assert "persistent hot spot" in markup
    assert "9 of the" not in markup
    # Strongest first: an established hot spot heads the table.
    assert view["rows"]["category"].iloc[0] == rules.ESTABLISHED_SPOT


def test_a_borough_filter_keeps_its_wards_and_zooms_the_map(dataset, service):
    view = page.hotspot_view(dataset, service, state(borough="E09000022"))
    assert set(view["rows"]["parent_code"]) == {"E09000022"}
    centre = view["figure"]["layout"]["map"]["center"]
    assert 51.40 < centre["lat"] < 51.51
    assert -0.16 < centre["lon"] < -0.08


def test_small_areas_are_mapped_one_borough_at_a_time(dataset, service):
    london = page.hotspot_view(
        dataset, service, state(measure="possession_of_weapons", level="lsoa")
    )
    assert london["figure"] == {}
    assert "choose a borough" in london["map_note"]
    one = page.hotspot_view(
        dataset, service, state(measure="possession_of_weapons", level="lsoa", borough="E09000033")
    )
    layer = one["figure"]["data"][0]["geojson"]
    assert isinstance(layer, dict)
    assert {f["id"][:3] for f in layer["features"]} == {"E01"}


def test_the_download_is_the_table_shown(dataset, service):
    name, text = page.hotspot_csv(dataset, service, state(borough="E09000033"))
    assert name == "hotspots-knife_crime-ward-e09000033.csv"
    frame = pd.read_csv(io.StringIO(text))
    view = page.hotspot_view(dataset, service, state(borough="E09000033"))
    assert frame["area_code"].tolist() == view["rows"]["code"].tolist()
    assert {"reasons", "gi_star_q_fdr", "fewer_than_10", "hot_spot_class"} <= set(frame.columns)


def test_an_unknown_choice_falls_back_to_the_defaults(dataset):
    assert (
        page.hot_state(dataset, {"measure": "nonsense", "level": "x", "borough": "E09000001"})
        == state()
    )
    # Small areas only have the recorded-crime measures.
    assert page.hot_state(dataset, {"level": "lsoa"})["measure"] == "possession_of_weapons"


def test_a_ward_profile_has_its_hot_spot_status_and_history(dataset, service, knife):
    section = page.hotspot_section(dataset, service, area_facts(dataset, "E05013808"))
    text = str(section)
    assert "Hot-spot status" in text
    assert "gun crime" in text  # says plainly there is nothing yet
    history = knife.history("E05013808")
    assert len(history) == knife.z.shape[1]
    assert history["window_end"].iloc[0] == knife.windows[-1]
    assert f"hot spot in {int(history['hot'].sum())} of the {len(history)}" in text


def test_a_borough_profile_counts_its_flagged_wards(dataset, service, knife):
    text = str(page.hotspot_section(dataset, service, area_facts(dataset, "E09000033")))
    inside = knife.table[knife.table["parent_code"] == "E09000033"]
    assert f"{int(inside['persistent'].sum())} of the {len(inside)} wards in Westminster" in text
    assert "persistent hot spots" in text
    city = page.hotspot_section(dataset, service, area_facts(dataset, CITY_OF_LONDON_CODE))
    assert "publishes no data" in str(city)
