"""Hot spots on the real data: stable, on real wards only, never the City, with the
page's words, map, tables and reconciliation built from the same answers (the
presenter, and the page's callback called as a plain function)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from callbacks import hotspots as callback
from dashboard.services import DataService
from data import hotspots as rules
from data import reconciliation, visitors
from data.areas import CITY_OF_LONDON_CODE
from data.dataset import Dataset
from data.ingest import ingest, raw_sources
from data.profiles import area_facts
from data.readcache import ReadCache
from data.refresh import READ_REVISION
from data.store.store import Store
from geo.boundaries import load_lsoas, load_wards
from geo.hotspots import area_hotspots
from geo.register import area_register
from presenters import hotspots as page
from presenters.common.hotspot_status import hotspot_status
from presenters.hotspots import HotspotsState

KNIFE = "knife_crime"
LAMBETH, WESTMINSTER = "E09000022", "E09000033"
CENTRAL_SOUTH = "BCU-CENTRAL-SOUTH"


@pytest.fixture(scope="module")
def service(published):
    return DataService(published)


@pytest.fixture(scope="module")
def wards(service):
    return service.contiguity("ward")


@pytest.fixture(scope="module")
def knife(dataset, wards):
    return area_hotspots(dataset, wards, KNIFE)


def state(dataset, **query) -> HotspotsState:
    return page.settle(dataset, HotspotsState.from_query(query))


def view_of(dataset, service, **query):
    return page.view(dataset, state(dataset, **query), service)


def test_the_hotspot_table_is_the_same_when_the_same_data_is_ingested_again(
    raw_dir, tmp_path, published, knife, wards
):
    # A second version built from the same files: stitched, written and loaded again.
    # The readers' answers come from those the published store's first ingest kept
    # (reading the files is what that ingest and tests/unit/data test).
    reads = ReadCache(published.reads_dir, READ_REVISION)
    store = Store(f"sqlite:///{tmp_path / 'again.sqlite'}")
    report = ingest(store, raw_sources(raw_dir), area_register(raw_dir), actor="test",
                    read=reads.read)  # fmt: skip
    assert reads.misses == 0
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
    view = view_of(dataset, service, measure="gun_crime")
    text = " ".join(p.text for p in view.summary)
    assert "no published data for gun crime" in text
    assert not view.has_results
    assert view.map_figure == {}
    out = callback.show(dataset, "?measure=gun_crime", boundaries=service)
    assert out["hidden"]
    assert "no published data for gun crime" in str(out["summary"])


def test_the_page_shows_the_flagged_wards_on_the_map_and_in_the_table(dataset, service, knife):
    view = view_of(dataset, service)
    mapped = {c for trace in view.map_figure["data"] for c in trace["locations"]}
    assert set(knife.table["code"]) <= mapped  # every ward has a colour
    city = set(dataset.areas.index[(dataset.areas["level"] == "ward") & ~dataset.areas["covered"]])
    assert mapped == set(knife.table["code"]) | city
    flagged = knife.table[knife.table["flagged"]]
    codes = view.flagged.column_texts("Code")
    assert set(codes) == set(flagged["code"])
    assert codes == page.flagged_rows(knife.table)["code"].tolist()
    reasons = " ".join(view.flagged.column_texts("Reasons"))
    assert "West End" in view.flagged.column_texts("Area")
    assert "persistent hot spot" in reasons
    assert "9 of the" not in reasons
    # Strongest first: an established hot spot heads the table.
    assert view.flagged.column_texts("Finding")[0] == page.FINDINGS[rules.ESTABLISHED_SPOT]
    # The key names only the findings some ward has, with how many.
    counts = knife.table["category"].value_counts()
    assert len(view.key) == len(counts) + 1  # and the City
    assert view.key[0].text.endswith(f"{int(counts[rules.ESTABLISHED_SPOT])} wards")


def test_the_table_ends_with_londons_total_the_wards_and_the_difference(dataset, service, knife):
    view = view_of(dataset, service)
    totals = reconciliation.reconcile(dataset, KNIFE, "ward")
    # The wards analysed are the wards the reconciliation sums.
    assert int(knife.table["count"].sum()) == totals.shown
    assert totals.areas_shown == len(knife.table) == 679
    footer = [(row[0], row[3][1]) for row in view.flagged.footer]
    assert footer == [
        ("London total", totals.total),
        ("Sum of the 679 wards analysed (all on the map)", totals.shown),
        ("Not placed in a ward (total minus sum)", totals.total - totals.shown),
    ]
    assert totals.sentence in [p.text for p in view.notes]


def test_visitor_wards_carry_their_workday_rate_and_others_none(dataset, service, knife):
    view = view_of(dataset, service)
    model = view.flagged
    flags = visitors.workday_columns(dataset, knife.table["code"], knife.table["count"])
    shown = dict(zip(model.column_texts("Code"),
                     model.column_values("Rate per 1,000 workday population (visitor areas)"),
                     strict=True))  # fmt: skip
    west_end = flags.loc["E05013808"]
    assert west_end["visitor_flag"]
    assert shown["E05013808"] == pytest.approx(west_end["workday_rate"], rel=5e-3)
    for code, value in shown.items():
        assert (value is not None) == bool(flags.loc[code, "visitor_flag"])
    caveats = dict(zip(model.column_texts("Code"), model.column_texts("Rate caveat"), strict=True))
    assert caveats["E05013808"].startswith("West End: about")


def test_the_concentration_and_sensitivity_tables_on_the_real_wards(dataset, service, knife):
    view = view_of(dataset, service)
    counts = knife.table["count"].sort_values(ascending=False)
    assert view.concentration.column_values("Wards") == [6, 33, 67]
    shares = view.concentration.column_values("Share of offences")
    for k, share in zip((6, 33, 67), shares, strict=True):
        assert share == pytest.approx(counts.head(k).sum() / counts.sum(), abs=1e-6)
    curve = view.lorenz["data"][1]
    assert (curve["x"][0], curve["y"][0], curve["x"][-1], curve["y"][-1]) == (0, 0, 100, 100)
    table = view.sensitivity
    assert len(table.rows) == len(knife.sensitivity)
    used = table.column_texts("Used on this page")
    assert used.count("Yes") == 2
    nine = knife.sensitivity.set_index("definition").loc[rules.NINE_OF_TWELVE, "flagged"]
    assert f"would flag {int(nine)} wards" in view.sensitivity_words[0].text


def test_a_borough_filter_keeps_its_wards_and_zooms_the_map(dataset, service):
    view = view_of(dataset, service, borough=LAMBETH)
    wards = dataset.areas[(dataset.areas["level"] == "ward")
                          & (dataset.areas["parent_code"] == LAMBETH)]  # fmt: skip
    assert set(view.map_fit["codes"]) == set(wards.index)
    assert set(view.flagged.column_texts("Borough")) <= {"Lambeth"}
    totals = reconciliation.reconcile(dataset, KNIFE, "ward", within=LAMBETH)
    assert [row[3][1] for row in view.flagged.footer] == [
        totals.total, totals.shown, totals.total - totals.shown,
    ]  # fmt: skip
    assert view.flagged.footer[0][0] == "Lambeth's own total"


def test_a_bcu_filter_keeps_the_wards_of_its_boroughs(dataset, service, knife):
    view = view_of(dataset, service, bcu=CENTRAL_SOUTH)
    assert view.heading.endswith(", the Central South BCU, 12 months to February 2026")
    assert set(view.flagged.column_texts("Borough")) <= {"Lambeth", "Southwark"}
    mapped = {c for trace in view.map_figure["data"] for c in trace["locations"]}
    inside = knife.table[knife.table["parent_code"].isin([LAMBETH, "E09000028"])]
    assert mapped == set(inside["code"])
    assert view.flagged.footer[0][0] == "Central South BCU's own total"


def test_small_areas_are_mapped_one_borough_or_bcu_at_a_time(dataset, service):
    london = view_of(dataset, service, measure="possession_of_weapons", level="lsoa")
    assert london.map_figure == {}
    assert "choose a borough or BCU" in london.map_note
    one = view_of(dataset, service, measure="possession_of_weapons", level="lsoa",
                  borough=WESTMINSTER)  # fmt: skip
    layer = one.map_figure["data"][0]["geojson"]
    assert isinstance(layer, dict)
    assert {f["id"][:3] for f in layer["features"]} == {"E01"}
    west, south, east, north = one.map_fit["bounds"]
    assert -0.22 < west < east < -0.11
    assert 51.48 < south < north < 51.54
    bcu = view_of(dataset, service, measure="possession_of_weapons", level="lsoa",
                  bcu=CENTRAL_SOUTH)  # fmt: skip
    features = bcu.map_figure["data"][0]["geojson"]["features"]
    assert len(features) > len(layer["features"])
    totals = reconciliation.reconcile(dataset, "possession_of_weapons", "lsoa",
                                      within=CENTRAL_SOUTH)  # fmt: skip
    assert [row[4][1] for row in bcu.flagged.footer] == [
        totals.total, totals.shown, totals.total - totals.shown,
    ]  # fmt: skip


def test_the_address_is_read_and_a_change_of_the_selects_written(dataset, service):
    out = callback.show(dataset, f"?borough={LAMBETH}", boundaries=service)
    assert "Lambeth" in out["heading"]
    assert out["controls"] is not None
    changed = callback.show(dataset, f"?borough={LAMBETH}", {"within": CENTRAL_SOUTH,
                            "measure": KNIFE, "level": "ward"}, from_choice=True,
                            boundaries=service)  # fmt: skip
    assert changed["search"] == f"?measure={KNIFE}&level=ward&bcu={CENTRAL_SOUTH}"
    assert out["map_fit"]["codes"]


def test_an_unknown_choice_falls_back_to_the_defaults(dataset):
    odd = state(dataset, measure="nonsense", level="x", borough="E09000001")
    assert odd == HotspotsState()
    # Small areas only have the recorded-crime measures.
    assert state(dataset, level="lsoa").measure == "possession_of_weapons"


# The profile's hot-spot status (presenters/common/hotspot_status.py) reads the same
# answers: checked here on the real wards.


def test_a_ward_profile_has_its_hot_spot_status_and_history(dataset, wards, knife):
    status = hotspot_status(dataset, wards, area_facts(dataset, "E05013808"))
    after = " ".join(p.text for p in status.after)
    assert status.table.column_texts("Measure")[0] == "Knife crime"
    assert "gun crime" in after  # says plainly there is nothing yet
    history = knife.history("E05013808")
    assert len(history) == knife.z.shape[1]
    assert history["window_end"].iloc[0] == knife.windows[-1]
    assert len(status.history.rows) == len(history)
    assert f"hot spot in {int(history['hot'].sum())} of the {len(history)}" in after


def test_a_borough_profile_counts_its_flagged_wards(dataset, wards, knife):
    status = hotspot_status(dataset, wards, area_facts(dataset, WESTMINSTER))
    text = " ".join(p.text for p in status.before)
    inside = knife.table[knife.table["parent_code"] == WESTMINSTER]
    assert f"{int(inside['persistent'].sum())} of the {len(inside)} wards in Westminster" in text
    assert "persistent hot spots" in text
    city = hotspot_status(dataset, wards, area_facts(dataset, CITY_OF_LONDON_CODE))
    assert "publishes no data" in city.before[0].text
