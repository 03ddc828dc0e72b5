"""The workday population in the versioned store: it round-trips, a store made before
it existed still loads, and a staff upload on top of the published data keeps it."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import text

from data import queries, refresh
from data.dataset import Dataset
from data.readcache import ReadCache
from data.readers import SourceFile
from data.store.store import FileRecord, Store
from geo.register import area_register
from tests import official
from tests.unit.data.small_dataset import W1, small_dataset


def _record() -> FileRecord:
    return FileRecord(name="file.csv", content=b"a\n1\n", kind="crime_dashboard", rows_read=1)


def test_the_workday_table_round_trips(store_url):
    tables = small_dataset().tables
    store = Store(store_url)
    try:
        version = store.add_version(tables, [_record()], actor="test")
        loaded = store.load(version).workday.sort_values("area_code", ignore_index=True)
    finally:
        store.dispose()
    expected = tables.workday.sort_values("area_code", ignore_index=True)
    pd.testing.assert_frame_equal(loaded, expected, check_dtype=False)
    assert loaded["estimated"].dtype == bool


def test_a_store_made_before_the_workday_table_still_loads(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.sqlite'}"
    store = Store(url)
    version = store.add_version(small_dataset(with_workday=False).tables, [_record()], actor="t")
    with store.engine.begin() as conn:
        conn.execute(text("DROP TABLE workday"))  # as a store of the previous revision was
    store.dispose()
    reopened = Store(url)  # creates the missing table, empty
    try:
        tables = reopened.load(version)
    finally:
        reopened.dispose()
    assert tables.workday.empty
    ds = Dataset(version, tables)
    frame = queries.map_values(ds, measure="knife_crime", level="ward", period="r12").by_code
    assert frame.loc[W1, "count"] == 72
    assert not frame["visitor_flag"].any()
    assert frame["workday_rate"].isna().all()


def test_a_staff_upload_on_the_published_data_keeps_the_workday_population(published, raw_dir):
    store = Store(published.database_url)
    try:
        base = store.published_version_id()
        upload = SourceFile(
            "knife-feb-2026.csv", official.to_csv(official.dashboard_frame(raw_dir, only="2026-02"))
        )
        # The first start kept what the readers found: only the upload is read here.
        reads = ReadCache(published.reads_dir, refresh.READ_REVISION)
        candidate = refresh.build_candidate(
            store, base, [upload], area_register(raw_dir), read=reads.read
        )
    finally:
        store.dispose()
    assert candidate.report.ok
    workday = candidate.tables.workday.set_index("area_code")
    assert workday.loc["E09000033", "workday_population"] == 367_509
    areas = candidate.tables.areas.set_index("code")
    assert areas.loc["E09000033", "caveat"].startswith("Westminster: 367,509 people")
    kinds = {r.kind for r in candidate.records}
    assert {"workday", "msoa_names", "lsoa_msoa_lookup"} <= kinds
