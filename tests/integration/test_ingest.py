"""A full ingest of the real public data, checked against the raw files themselves."""

from __future__ import annotations

import io

import pandas as pd
import pytest

from data import queries
from data.areas import CITY_OF_LONDON_CODE, LONDON_CODE, UNALLOCATED_CODE
from data.ingest import ingest, raw_sources
from data.problems import InputError
from data.readcache import ReadCache
from data.readers import SourceFile
from data.refresh import READ_REVISION
from data.store.store import Store
from geo.boundaries import load_wards
from geo.register import area_register

KNIFE = "mps_knife_crime/monthly-crime-dashboard.parquet"


@pytest.fixture(scope="module")
def knife_raw(raw_dir) -> pd.DataFrame:
    return pd.read_parquet(raw_dir / KNIFE)


@pytest.fixture(scope="module")
def register(raw_dir):
    return area_register(raw_dir)


def test_london_knife_crime_per_financial_year_equals_the_sum_of_the_borough_rows(
    dataset, knife_raw
):
    rows = knife_raw[
        (knife_raw["area_type"] == "Borough")
        & (knife_raw["crime_subtype"] == "Knife Crime")
        & (knife_raw["measure"] == "Offences")
    ]
    expected = rows.groupby("financial_year")["count"].sum()
    london = ds_counts(dataset, "knife_crime", "london")
    fy = london["month"].map(lambda m: f"fy{(m.year - (m.month < 4)) % 100:02d}-"
                                       f"{(m.year - (m.month < 4) + 1) % 100:02d}")  # fmt: skip
    got = london.groupby(fy)["value"].sum()
    assert got.to_dict() == expected.to_dict()
    assert got.sum() == 57_709


def ds_counts(ds, measure, level) -> pd.DataFrame:
    c = ds.tables.counts
    return c[(c["measure"] == measure) & (c["level"] == level)]


def test_borough_and_ward_levels_are_never_added_together(dataset):
    borough = ds_counts(dataset, "knife_crime", "borough")["value"].sum()
    ward = ds_counts(dataset, "knife_crime", "ward")["value"].sum()
    london = ds_counts(dataset, "knife_crime", "london")["value"].sum()
    assert borough == ward == london == 57_709


def test_all_679_mps_wards_match_a_boundary(dataset, raw_dir):
    boundary_codes = set(load_wards(raw_dir)["code"])
    for measure in ("knife_crime", "possession_of_weapons"):
        codes = set(ds_counts(dataset, measure, "ward")["area_code"]) - {UNALLOCATED_CODE}
        assert len(codes) == 679
        assert codes <= boundary_codes


def test_no_placeholder_code_reaches_a_map(dataset, raw_dir):
    boundary = load_wards(raw_dir).set_index("code")
    for level in ("ward", "borough"):
        view = queries.map_values(dataset, measure="knife_crime", level=level, period="r12")
        codes = set(view.frame["code"])
        assert UNALLOCATED_CODE not in codes
        assert not any(c in {"-1", "N/K", "NON ATHENA FORCE", "E05000326", "E05000649"}
                       for c in codes)  # fmt: skip
        if level == "ward":
            assert codes == set(boundary.index)


def test_the_city_of_london_is_not_covered_never_zero(dataset):
    view = queries.map_values(dataset, measure="knife_crime", level="borough", period="r12")
    city = view.frame.set_index("code").loc[CITY_OF_LONDON_CODE]
    assert city["status"] == queries.NOT_COVERED
    assert pd.isna(city["value"])
    wards = queries.map_values(dataset, measure="knife_crime", level="ward", period="r12").frame
    city_wards = wards[wards["parent_code"] == CITY_OF_LONDON_CODE]
    assert len(city_wards) == 25
    assert (city_wards["status"] == queries.NOT_COVERED).all()
    assert city_wards["value"].isna().all()


def test_historical_and_recent_files_are_stitched_with_no_month_counted_twice(dataset, raw_dir):
    folder = raw_dir / "mps_recorded_crime"
    hist = pd.read_parquet(folder / "recorded-crime-ward-historical.parquet")
    recent = pd.read_parquet(folder / "recorded-crime-ward.parquet")
    weapons = ds_counts(dataset, "possession_of_weapons", "ward")
    assert not weapons.duplicated(["area_code", "month"]).any()
    by_month = weapons.groupby("month")["value"].sum()
    hist_w = hist[hist["majortext"] == "POSSESSION OF WEAPONS"]
    recent_w = recent[recent["majortext"] == "POSSESSION OF WEAPONS"]
    # February 2024 comes from the historical file, not the near-empty first column
    # of the 24-month file; March 2024 onwards from the recent file.
    assert by_month[pd.Timestamp("2024-02-01")] == hist_w["202402"].sum()
    assert recent_w["202402"].sum() < 10
    assert by_month[pd.Timestamp("2024-03-01")] == recent_w["202403"].sum()
    assert by_month[pd.Timestamp("2010-04-01")] == hist_w["201004"].sum()
    months = pd.date_range("2010-04-01", "2026-02-01", freq="MS")
    span = dataset.months_covered("possession_of_weapons", "ward")
    assert (span[0], span[1]) == (months[0], months[-1])


def test_heathrow_villages_is_a_hillingdon_ward_with_a_rate_caveat(dataset):
    area = dataset.areas.loc["E05013570"]
    assert area["parent_code"] == "E09000017"
    assert "Heathrow" in area["caveat"]
    assert (
        dataset.series("possession_of_weapons", "ward")
        .values[dataset.series("possession_of_weapons", "ward").areas.get_loc("E05013570")]
        .sum()
        > 0
    )


def test_ward_populations_come_from_whole_lsoas_and_young_bands(dataset):
    pop = dataset.population
    wards = dataset.areas[(dataset.areas["level"] == "ward") & dataset.areas["covered"]].index
    assert pop.loc[wards, "all"].notna().all()
    assert (pop.loc[wards, "0-24"] < pop.loc[wards, "all"]).all()
    # London (the MPS area) excludes the City of London's residents.
    boroughs = [c for c in dataset.areas.index if c.startswith("E09") and c != CITY_OF_LONDON_CODE]
    assert pop.loc[LONDON_CODE, "all"] == pop.loc[boroughs, "all"].sum()
    assert pop.loc[LONDON_CODE, "all"] == 8_799_710 - pop.loc[CITY_OF_LONDON_CODE, "all"]


def test_homicide_and_survey_reach_the_store(dataset):
    assert ds_counts(dataset, "homicide_knife", "london")["value"].sum() == 1_504
    assert ds_counts(dataset, "homicide_shooting", "london")["value"].sum() == 334
    survey = dataset.tables.survey
    assert survey["area_code"].nunique() == 33  # 32 boroughs and London
    assert CITY_OF_LONDON_CODE not in set(survey["area_code"])


def test_gun_measures_without_a_file_say_so_and_how_they_will_arrive(dataset):
    view = queries.map_values(dataset, measure="gun_crime", level="ward", period="r12")
    assert not view.available
    assert "no published data" in view.message.lower()
    assert "upload" in view.message
    assert view.frame["value"].isna().all()


@pytest.fixture
def kept_reads(published):
    """The readers' answers the published store's first ingest kept: a test that ingests
    the real files again checks what is built from them, not the reading again."""
    reads = ReadCache(published.reads_dir, READ_REVISION)
    yield reads.read
    assert reads.misses == 0


def test_a_second_ingest_of_the_same_files_creates_no_duplicates(
    raw_dir, register, tmp_path, kept_reads
):
    store = Store(f"sqlite:///{tmp_path / 's.sqlite'}")
    sources = raw_sources(raw_dir)
    first = ingest(store, sources, register, actor="test", read=kept_reads)
    rows = len(store.load(first.version_id).counts)
    second = ingest(store, raw_sources(raw_dir), register, actor="test", read=kept_reads)
    assert not second.created
    assert second.version_id == first.version_id
    assert [v.id for v in store.versions()] == [first.version_id]
    assert len(store.load(first.version_id).counts) == rows


def _knife_csv(raw_dir, mutate) -> SourceFile:
    frame = pd.read_parquet(raw_dir / KNIFE)
    frame = mutate(frame.copy())
    buf = io.StringIO()
    frame.to_csv(buf, index=False)
    return SourceFile("knife-upload.csv", buf.getvalue().encode())


def test_a_bad_file_publishes_nothing_and_leaves_the_published_version(raw_dir, register, tmp_path):
    store = Store(f"sqlite:///{tmp_path / 's.sqlite'}")
    good = [SourceFile.from_path(raw_dir / KNIFE)]
    first = ingest(store, good, register, actor="test")

    def negative(frame):
        frame.loc[100, "count"] = -3
        return frame

    bad = _knife_csv(raw_dir, negative)
    with pytest.raises(InputError) as caught:
        ingest(store, [bad], register, actor="test")
    problem = next(p for p in caught.value.problems if p.severity == "error")
    assert problem.file == "knife-upload.csv"
    assert problem.row == 102  # header is row 1, frame row 0 is row 2
    assert problem.column is not None
    assert "negative" in problem.reason
    assert store.published_version_id() == first.version_id
    assert [v.id for v in store.versions()] == [first.version_id]


def test_an_unknown_ward_code_is_refused_with_the_file_named(raw_dir, register, tmp_path):
    store = Store(f"sqlite:///{tmp_path / 's.sqlite'}")

    def unknown(frame):
        ward = frame.index[frame["area_type"] != "Borough"][0]
        frame.loc[ward, "area_code"] = "E05999999"
        return frame

    with pytest.raises(InputError, match="E05999999") as caught:
        ingest(store, [_knife_csv(raw_dir, unknown)], register, actor="test")
    assert any(p.file == "knife-upload.csv" for p in caught.value.problems)
    assert store.published_version_id() is None


def test_a_gun_file_in_the_dashboard_layout_needs_no_code_change(raw_dir, register, tmp_path):
    store = Store(f"sqlite:///{tmp_path / 's.sqlite'}")

    def as_gun(frame):
        frame = frame[frame["crime_subtype"].isin(["Knife Crime", "Knife Crime with Injury"])]
        frame["crime_type"] = "Gun Crime"
        frame["crime_subtype"] = frame["crime_subtype"].map(
            {"Knife Crime": "Gun Crime", "Knife Crime with Injury": "Lethal Barrelled Discharges"}
        )
        return frame

    sources = [SourceFile.from_path(raw_dir / KNIFE), _knife_csv(raw_dir, as_gun)]
    report = ingest(store, sources, register, actor="test")
    from data.dataset import Dataset

    ds = Dataset(report.version_id, store.load(report.version_id))
    view = queries.map_values(ds, measure="lethal_barrelled_discharges", level="ward", period="r12")
    assert view.available
    assert ds_counts(ds, "gun_crime", "london")["value"].sum() == 57_709


@pytest.mark.postgres
def test_the_real_ingest_is_identical_on_postgresql(
    raw_dir, register, postgres_url, dataset, kept_reads
):
    store = Store(postgres_url)
    report = ingest(store, raw_sources(raw_dir), register, actor="test", read=kept_reads)
    loaded = store.load(report.version_id)
    for name in ("counts", "population", "survey", "areas", "coverage", "lookup"):
        sqlite_frame = getattr(dataset.tables, name)
        pg_frame = getattr(loaded, name)
        assert len(pg_frame) == len(sqlite_frame), name
    key = ["measure", "level", "area_code", "month"]
    pd.testing.assert_frame_equal(
        loaded.counts.sort_values(key).reset_index(drop=True),
        dataset.tables.counts.sort_values(key).reset_index(drop=True)[loaded.counts.columns],
        check_dtype=False,
    )
    store.dispose()
