"""The versioned store on SQLite and PostgreSQL: whole versions, atomic publishing."""

from __future__ import annotations

import threading
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import func, select

from data.canonical import Tables, measures_frame
from data.store import schema
from data.store.store import FileRecord, Store, VersionNotFoundError
from tests.integration.killed import kill_while_writing

REPO = Path(__file__).resolve().parents[2]


def small_tables(value: int = 5, months: int = 3) -> Tables:
    """A tiny but complete version: two wards, one borough, London."""
    month_index = pd.date_range("2025-01-01", periods=months, freq="MS")
    areas = pd.DataFrame(
        {
            "code": ["E12000007", "E09000007", "E05013652", "E05013653"],
            "name": ["London", "Camden", "Belsize", "Bloomsbury"],
            "level": ["london", "borough", "ward", "ward"],
            "parent_code": [None, "E12000007", "E09000007", "E09000007"],
            "bcu": [None, "Central North", "Central North", "Central North"],
            "covered": [True, True, True, True],
            "caveat": [None, None, None, None],
        }
    )
    counts = pd.DataFrame(
        [
            ("knife_crime", "ward", code, m, value + i)
            for i, code in enumerate(["E05013652", "E05013653"])
            for m in month_index
        ],
        columns=["measure", "level", "area_code", "month", "value"],
    )
    coverage = pd.DataFrame(
        [("knife_crime", "ward", month_index[0], month_index[-1])],
        columns=["measure", "level", "first_month", "last_month"],
    )
    population = pd.DataFrame(
        [("E05013652", "ward", "all", 12000), ("E05013653", "ward", "all", 9000)],
        columns=["area_code", "level", "age_band", "value"],
    )
    lookup = pd.DataFrame(
        [("E01000001", "E05013652", "Belsize", "E09000007")],
        columns=["lsoa_code", "ward_code", "ward_name", "borough_code"],
    )
    survey = pd.DataFrame(
        [(pd.Timestamp("2023-12-31"), "PAS", "E09000007", "Trust MPS", 0.71)],
        columns=["quarter_end", "survey", "area_code", "measure", "proportion"],
    )
    return Tables(areas, measures_frame(), counts, coverage, population, lookup, survey)


def record(name: str = "file.csv", content: bytes = b"a,b\n1,2\n") -> FileRecord:
    return FileRecord(name=name, content=content, kind="crime_dashboard", rows_read=1)


@pytest.fixture
def store(store_url):
    s = Store(store_url)
    yield s
    s.dispose()


def test_a_version_reads_back_exactly_as_written(store):
    tables = small_tables()
    version = store.add_version(tables, [record()], actor="tester", note="first")
    loaded = store.load(version)
    for name in Tables.names():
        expected = getattr(tables, name)
        columns = list(expected.columns)
        got = getattr(loaded, name)[columns].sort_values(columns[:3]).reset_index(drop=True)
        expected = expected.sort_values(columns[:3]).reset_index(drop=True)
        pd.testing.assert_frame_equal(got, expected, check_dtype=False)


def test_nothing_is_public_until_published_then_exactly_that_version(store):
    v1 = store.add_version(small_tables(5), [record("a.csv", b"1")], actor="tester")
    assert store.published_version_id() is None
    store.publish(v1, actor="tester")
    v2 = store.add_version(small_tables(7), [record("b.csv", b"2")], actor="tester")
    assert store.published_version_id() == v1
    store.publish(v2, actor="publisher")
    assert store.published_version_id() == v2
    assert store.load(v2).counts["value"].min() == 7


def test_rollback_restores_the_previous_version_and_is_recorded(store):
    v1 = store.add_version(small_tables(5), [record("a.csv", b"1")], actor="a")
    store.publish(v1, actor="a")
    v2 = store.add_version(small_tables(9), [record("b.csv", b"2")], actor="b")
    store.publish(v2, actor="b")
    assert store.rollback(actor="c") == v1
    assert store.published_version_id() == v1
    actions = [(h["action"], h["version_id"], h["actor"]) for h in store.history()]
    assert actions[0] == ("rollback", v1, "c")
    assert ("publish", v2, "b") in actions
    # Version 2 is kept and can be published again.
    store.publish(v2, actor="b")
    assert store.published_version_id() == v2


def test_rollback_or_publish_of_a_missing_version_changes_nothing(store):
    v1 = store.add_version(small_tables(), [record()], actor="a")
    store.publish(v1, actor="a")
    with pytest.raises(VersionNotFoundError):
        store.publish(v1 + 40, actor="a")
    with pytest.raises(VersionNotFoundError):
        store.rollback(actor="a")  # nothing was published before v1
    assert store.published_version_id() == v1


def test_a_failed_write_leaves_no_partial_version(store):
    v1 = store.add_version(small_tables(), [record("a.csv", b"1")], actor="a")
    store.publish(v1, actor="a")
    broken = small_tables()
    broken.survey.loc[0, "proportion"] = None  # violates NOT NULL, late in the write
    with pytest.raises(Exception, match=r"(?i)null"):
        store.add_version(broken, [record("b.csv", b"2")], actor="a")
    with store.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(schema.versions)).scalar() == 1
        assert (
            conn.execute(
                select(func.count())
                .select_from(schema.counts)
                .where(schema.counts.c.version_id != v1)
            ).scalar()
            == 0
        )
    assert store.published_version_id() == v1


def test_source_files_are_kept_once_with_their_checksums(store):
    content = b"MajorText,MinorText\n"
    v1 = store.add_version(small_tables(), [record("x.csv", content)], actor="a")
    v2 = store.add_version(small_tables(), [record("renamed.csv", content)], actor="a")
    assert store.source_file(record(content=content).sha256) == content
    with store.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(schema.source_files)).scalar() == 1
    names = {v.id: [f["name"] for f in v.files] for v in store.versions()}
    assert names[v1] == ["x.csv"]
    assert names[v2] == ["renamed.csv"]


def test_concurrent_publishes_are_serialised_and_both_recorded(store_url):
    setup = Store(store_url)
    versions = [setup.add_version(small_tables(i), [record(f"{i}", bytes([i]))], actor="s")
                for i in range(1, 5)]  # fmt: skip
    errors: list[Exception] = []

    def publish_all(order):
        s = Store(store_url)
        try:
            for v in order:
                s.publish(v, actor=f"thread-{order[0]}")
        except Exception as exc:  # surfaced below
            errors.append(exc)
        finally:
            s.dispose()

    threads = [threading.Thread(target=publish_all, args=(versions,)),
               threading.Thread(target=publish_all, args=(versions[::-1],))]  # fmt: skip
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors
    publishes = [h for h in setup.history() if h["action"] == "publish"]
    assert len(publishes) == 8
    assert setup.published_version_id() in versions
    setup.dispose()


KILLED_WRITER = """
from integration.test_store import small_tables, record
store = Store({url!r})
store.add_version(small_tables(99), [record("killed.csv", b"killed")], actor="doomed")
"""


def test_a_process_killed_while_writing_leaves_the_published_version_intact(store_url, tmp_path):
    store = Store(store_url)
    v1 = store.add_version(small_tables(5), [record("a.csv", b"1")], actor="a")
    store.publish(v1, actor="a")
    marker = tmp_path / "marker"
    kill_while_writing(KILLED_WRITER.format(url=store_url), marker, "writer", timeout=60)

    fresh = Store(store_url)
    assert fresh.published_version_id() == v1
    assert [v.id for v in fresh.versions()] == [v1]
    assert fresh.load(v1).counts["value"].min() == 5
    # The store still takes new versions after the crash.
    v2 = fresh.add_version(small_tables(6), [record("b.csv", b"2")], actor="a")
    fresh.publish(v2, actor="a")
    assert fresh.published_version_id() == v2
    fresh.dispose()
    store.dispose()
