"""The validation report of a staff upload, on the real data written in the official
layouts (tests/official.py), and on broken variants of it.

The published version in these tests is the real knife file up to January 2026 (and
the Census populations); uploads bring February 2026, revisions, ward files and
faults. Every refused upload must leave the store exactly as it was.
"""

from __future__ import annotations

import shutil

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from data import refresh
from data.ingest import ingest
from data.readcache import ReadCache
from data.readers import SourceFile
from data.store.store import Store
from geo.register import area_register
from tests import official

FAST = settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@pytest.fixture(scope="module")
def register(raw_dir):
    return area_register(raw_dir)


@pytest.fixture(scope="module")
def knife(raw_dir) -> pd.DataFrame:
    return official.dashboard_frame(raw_dir)


@pytest.fixture(scope="module")
def base_file(tmp_path_factory, raw_dir, register, knife):
    """A store whose published version holds the knife file to January 2026."""
    path = tmp_path_factory.mktemp("refresh-base") / "base.sqlite"
    store = Store(f"sqlite:///{path}")
    sources = [
        SourceFile("knife-to-jan.csv", official.to_csv(knife[_month(knife) <= "2026-01"])),
        SourceFile("census.csv", (raw_dir / official.CENSUS).read_bytes()),
    ]
    ingest(store, sources, register, actor="setup")
    store.dispose()
    return path


def _month(frame: pd.DataFrame) -> pd.Series:
    return pd.to_datetime(frame["Month_Year"], format="%d/%m/%Y").dt.strftime("%Y-%m")


@pytest.fixture(scope="module")
def reads(tmp_path_factory):
    return ReadCache(tmp_path_factory.mktemp("reads"), refresh.READ_REVISION)


@pytest.fixture
def store(base_file, tmp_path):
    path = tmp_path / "store.sqlite"
    shutil.copy(base_file, path)
    s = Store(f"sqlite:///{path}")
    yield s
    s.dispose()


def check(store, register, reads, *files: tuple[str, bytes]) -> refresh.Report:
    upload = store.add_upload(list(files), actor="alice")
    return refresh.check_upload(store, upload, register, read=reads.read)


def state(store) -> tuple:
    return store.published_version_id(), [v.id for v in store.versions()]


def test_a_new_month_is_reported_with_its_real_london_total(store, register, reads, raw_dir, knife):
    february = knife[_month(knife) == "2026-02"]
    report = check(store, register, reads, ("Feb 2026.xlsx", official.to_xlsx(february)))
    assert report.ok, report.errors
    (f,) = report.files
    assert f.format == "MPS Monthly Crime Dashboard (knife or gun)"
    assert (f.months, f.rows_read, f.rows_rejected) == ("2026-02 to 2026-02", len(february), 0)
    raw = pd.read_parquet(raw_dir / official.KNIFE)
    expected = raw[(raw["month_year"] == "2026-02-01") & (raw["area_type"] == "Borough")
                   & (raw["crime_subtype"] == "Knife Crime")
                   & (raw["measure"] == "Offences")]["count"].sum()  # fmt: skip
    london = next(c for c in report.changes if (c.measure, c.level) == ("knife_crime", "london"))
    assert london.new_months == [{"month": "2026-02", "total": int(expected)}]
    assert not london.revised_months
    assert not london.removed_months
    # The published files stay; nothing is replaced by a one-month file.
    assert report.kept == ["knife-to-jan.csv", "census.csv"]
    assert report.left_out == []
    assert report.draft_version is not None
    assert store.published_version_id() != report.draft_version


def test_a_revision_names_the_month_the_area_and_both_figures(store, register, reads, knife):
    revised = knife.copy()
    row = revised.index[(_month(revised) == "2025-06") & (revised["Area code"] == "E09000022")
                        & (revised["Crime Subtype"] == "Knife Crime")
                        & (revised["Measure"] == "Offences")][0]  # fmt: skip
    before = int(revised.loc[row, "Count"])
    revised.loc[row, "Count"] = before + 7
    report = check(store, register, reads, ("knife-full.csv", official.to_csv(revised)))
    assert report.ok, report.errors
    borough = next(c for c in report.changes if (c.measure, c.level) == ("knife_crime", "borough"))
    assert [m["month"] for m in borough.new_months] == ["2026-02"]
    (month,) = borough.revised_months
    assert month["month"] == "2025-06"
    assert month["after"] - month["before"] == 7
    assert month["areas"] == 1
    assert borough.largest[0] == {"code": "E09000022", "name": "Lambeth", "month": "2025-06",
                                  "before": before, "after": before + 7}  # fmt: skip
    # The new file covers every month of the published knife file, which is left out.
    assert report.left_out == ["knife-to-jan.csv"]
    assert report.files[0].replaces == ["knife-to-jan.csv"]


def test_the_ward_file_reports_its_dropped_first_month_and_new_series(
    store, register, reads, raw_dir
):
    report = check(store, register, reads,
                   ("MPS Ward Level Crime (most recent 24 months).csv",
                    official.ward_csv(raw_dir)))  # fmt: skip
    assert report.ok, report.errors
    (f,) = report.files
    assert f.format == "MPS recorded crime, ward level"
    assert f.months == "2024-03 to 2026-02"
    assert any("2024-02" in w["reason"] and "left out" in w["reason"] for w in f.warnings)
    ward = next(c for c in report.changes
                if (c.measure, c.level) == ("possession_of_weapons", "ward"))  # fmt: skip
    assert ward.new_months[0]["month"] == "2024-03"
    assert len(ward.new_months) == 24


def test_the_same_file_again_changes_nothing(store, register, reads, knife):
    content = official.to_csv(knife[_month(knife) <= "2026-01"])
    report = check(store, register, reads, ("again.csv", content))
    assert report.ok
    assert report.unchanged
    assert report.files[0].note.startswith("The published version already holds")
    assert store.upload(report.upload_id)["status"] == "unchanged"


def _without_rows_for(frame: pd.DataFrame, month: str) -> pd.DataFrame:
    return frame[_month(frame) != month]


def _broken(knife: pd.DataFrame, raw_dir) -> dict[str, tuple[bytes, tuple]]:
    """Broken variants of real files: (content, (row, column, words in the reason))."""
    feb = knife[_month(knife) >= "2025-12"].reset_index(drop=True).astype(object)

    def edit(row: int, column: str, value: str) -> bytes:
        frame = feb.copy()
        frame.loc[row, column] = value
        return official.to_csv(frame)

    ward = official.ward_frame(raw_dir, months=["202512", "202601", "202602"])
    ward_gap = ward.drop(columns=["202601"]).to_csv(index=False).encode()
    future = ward.rename(columns={"202602": "203001"}).to_csv(index=False).encode()
    unknown = ward.copy()
    unknown.loc[40, "WardCode"] = "E05999999"
    duplicate = pd.concat([feb, feb.iloc[[3]]], ignore_index=True)
    return {
        "non-numeric count": (edit(4, "Count", "twelve"), (6, "Count", "not a number")),
        "negative count": (edit(9, "Count", "-3"), (11, "Count", "negative")),
        "unknown area code": (
            unknown.to_csv(index=False).encode(),
            (42, "WardCode", "E05999999 is not a known London ward"),
        ),
        "duplicate key": (official.to_csv(duplicate), (len(feb) + 2, None, "only once")),
        "headers not recognised": (
            official.to_csv(feb.rename(columns={"Area code": "Place"})),
            (1, None, "Area code"),
        ),
        "month in the future": (future, (1, "203001", "in the future")),
        "month missing in a wide file": (ward_gap, (1, "202602", "missing")),
        "month missing in a long file": (
            official.to_csv(_without_rows_for(feb, "2026-01")),
            (None, "Month_Year", "missing in the middle"),
        ),
    }


CASES = [
    "non-numeric count",
    "negative count",
    "unknown area code",
    "duplicate key",
    "headers not recognised",
    "month in the future",
    "month missing in a wide file",
    "month missing in a long file",
]


@pytest.mark.parametrize("case", CASES)
def test_a_broken_file_is_refused_at_its_place_and_publishes_nothing(
    case, store, register, reads, knife, raw_dir
):
    content, (row, column, words) = _broken(knife, raw_dir)[case]
    before = state(store)
    report = check(store, register, reads, ("upload.csv", content))
    assert not report.ok
    errors = report.errors
    assert all(e["file"].startswith("upload.csv") for e in errors)
    assert any(words.lower() in e["reason"].lower() for e in errors), errors
    hit = [e for e in errors if words.lower() in e["reason"].lower()]
    if row is not None:
        assert any(e["row"] == row for e in hit), hit
    if column is not None:
        assert any(e["column"] == column for e in hit), hit
    assert report.draft_version is None
    assert state(store) == before
    assert store.upload(report.upload_id)["status"] == "refused"
    with pytest.raises(refresh.RefreshError):
        refresh.publish_upload(store, report.upload_id, register, actor="alice", read=reads.read)
    assert state(store) == before


def test_a_gap_left_between_the_published_months_and_the_upload_is_an_error(
    store, register, reads, knife
):
    # Published to January 2026; an upload of March-style data skipping a month: here
    # December 2025 to January is published, so only a later month can leave a gap.
    only_feb = knife[_month(knife) == "2026-02"].copy()
    only_feb["Month_Year"] = "01/04/2026"  # April 2026: February and March would be empty
    report = check(store, register, reads, ("april.csv", official.to_csv(only_feb)))
    assert not report.ok
    gaps = [p for p in report.problems if "no data from 2026-02 to 2026-03" in p["reason"]]
    assert gaps
    assert all(p["severity"] == "error" for p in gaps)


def test_a_refused_files_rows_are_counted(store, register, reads, knife):
    feb = knife[_month(knife) == "2026-02"].reset_index(drop=True).astype(object)
    feb.loc[[2, 5, 5, 8], "Count"] = ["x", "-1", "-1", "1.5"]
    report = check(store, register, reads, ("three-bad-rows.csv", official.to_csv(feb)))
    assert report.files[0].rows_rejected == 3
    assert report.files[0].rows_read == len(feb)


BAD_CELLS = st.sampled_from(["x", "-1", "2.5", "", "N/A", "1e3", "inf"])


@FAST
@given(row=st.integers(0, 678), month=st.sampled_from(["202601", "202602"]), bad=BAD_CELLS)
def test_any_bad_count_in_the_real_ward_file_is_found_where_it_is(
    row, month, bad, store, register, reads, raw_dir
):
    frame = official.ward_frame(raw_dir, months=["202512", "202601", "202602"]).astype(object)
    frame.loc[frame.index[row], month] = bad
    before = state(store)
    report = check(store, register, reads, ("ward.csv", frame.to_csv(index=False).encode()))
    assert not report.ok
    assert any(e["row"] == row + 2 and e["column"] == month for e in report.errors), report.errors
    assert state(store) == before
