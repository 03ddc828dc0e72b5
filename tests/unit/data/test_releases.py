"""Release notes' facts (data.releases) on hand-made changes and a tiny store: months added,
revised and withdrawn by measure and level, the other data updated, and the note
written with its publication in one transaction."""

from __future__ import annotations

import pandas as pd
import pytest

from data import frames
from data.releases import (
    ROLLBACK,
    first_changes,
    month_ranges,
    note_between,
    note_content,
    other_kinds,
)
from data.revisions import SeriesChange
from data.store.store import FileRecord, Store, VersionNotFoundError
from tests.builders import BOROUGH_WARD, BRIXTON, CLAPHAM, PECKHAM, STOCKWELL, tiny_dataset


def test_months_become_runs_of_consecutive_months():
    assert month_ranges([]) == []
    assert month_ranges(["2026-02"]) == [["2026-02", "2026-02"]]
    assert month_ranges(["2026-01", "2025-11", "2025-12", "2026-03", "2026-01"]) == [
        ["2025-11", "2026-01"],
        ["2026-03", "2026-03"],
    ]


def _changes() -> list[SeriesChange]:
    return [
        SeriesChange("knife_crime_injury", "Knife crime with injury", "ward",
                     new_months=[{"month": "2026-02", "total": 80}]),
        SeriesChange("knife_crime", "Knife crime", "london",
                     new_months=[{"month": "2026-02", "total": 1100}],
                     revised_months=[{"month": "2026-01", "before": 1023, "after": 1030,
                                      "areas": 1}]),
        SeriesChange("knife_crime", "Knife crime", "ward",
                     new_months=[{"month": "2026-02", "total": 1090}],
                     revised_months=[{"month": "2026-01", "before": 1010, "after": 1017,
                                      "areas": 12}],
                     removed_months=["2021-01"]),
    ]  # fmt: skip


def test_a_note_holds_each_measures_changes_by_level_in_catalogue_order():
    note = note_content(_changes(), version_id=5, previous=4, latest_month="2026-02-01",
                        other=["survey", "crime_dashboard"])  # fmt: skip
    assert note["title"] == "data version 5 published, figures to February 2026"
    assert (note["version_id"], note["previous_version_id"], note["first"]) == (5, 4, False)
    assert note["latest_month"] == "2026-02"
    assert [m["measure"] for m in note["measures"]] == ["knife_crime", "knife_crime_injury"]
    knife = note["measures"][0]
    assert knife["levels"] == [
        {"level": "london", "added": [["2026-02", "2026-02"]], "withdrawn": [],
         "revised": [{"month": "2026-01", "areas": 1, "before": 1023, "after": 1030}]},
        {"level": "ward", "added": [["2026-02", "2026-02"]], "withdrawn": [["2021-01", "2021-01"]],
         "revised": [{"month": "2026-01", "areas": 12}]},
    ]  # fmt: skip
    # Only London's figures are kept before and after; a count file is not "other" data.
    assert note["other"] == ["the Public Attitude Survey"]


def test_a_rollback_and_a_first_publication_say_so():
    rollback = note_content([], version_id=3, previous=5, action=ROLLBACK)
    assert rollback["title"] == "data version 3 restored"
    assert (rollback["action"], rollback["measures"], rollback["other"]) == ("rollback", [], [])
    assert note_content([], version_id=1, previous=None)["first"] is True


def test_other_data_is_named_when_its_files_differ():
    before = [{"kind": "survey", "sha256": "a"}, {"kind": "postcodes", "sha256": "p"},
              {"kind": "crime_dashboard", "sha256": "k1"}]  # fmt: skip
    after = [{"kind": "survey", "sha256": "b"}, {"kind": "postcodes", "sha256": "p"},
             {"kind": "crime_dashboard", "sha256": "k2"},
             {"kind": "workday", "sha256": "w"}]  # fmt: skip
    assert other_kinds(before, after) == ["survey", "workday"]
    assert other_kinds(after, after) == []


def test_a_first_publication_adds_every_month_its_coverage_holds():
    coverage = frames.coverage_frame([
        ("knife_crime", "ward", pd.Timestamp("2025-12-01"), pd.Timestamp("2026-02-01")),
        ("knife_crime", "bcu", pd.Timestamp("2025-12-01"), pd.Timestamp("2026-02-01")),
        ("knife_crime", "london", pd.Timestamp("2026-01-01"), pd.Timestamp("2026-02-01")),
    ])  # fmt: skip
    changes = first_changes(coverage)
    assert [(c.level, [m["month"] for m in c.new_months]) for c in changes] == [
        ("london", ["2026-01", "2026-02"]),
        ("ward", ["2025-12", "2026-01", "2026-02"]),  # BCUs are boroughs' sums: not listed
    ]


# -- against a store -------------------------------------------------------------------


def _store(tmp_path) -> tuple[Store, int, int]:
    """Two versions of the tiny London: the second adds March 2026 (Brixton 9) and
    revises February 2026 in Brixton from 6 to 8 offences."""
    store = Store(f"sqlite:///{tmp_path / 'store.sqlite'}")
    first = tiny_dataset(first_month="2024-03")  # 24 months: March 2024 to February 2026
    steady = {BRIXTON: 6, CLAPHAM: 3, STOCKWELL: 2, PECKHAM: 4, BOROUGH_WARD: 1}
    later = {code: [n] * 25 for code, n in steady.items()}
    later[BRIXTON][-2] = 8  # February 2026 revised
    later[BRIXTON][-1] = 9  # March 2026 added
    second = tiny_dataset(later, first_month="2024-03", unplaced_in_borough=[1] * 25)
    v1 = store.add_version(first.tables, [FileRecord("a.csv", b"a", "crime_dashboard", 1)],
                           actor="t")  # fmt: skip
    files = [FileRecord("b.csv", b"b", "crime_dashboard", 1),
             FileRecord("s.csv", b"s", "survey", 1)]  # fmt: skip
    v2 = store.add_version(second.tables, files, actor="t")
    return store, v1, v2


def test_the_note_between_two_versions_compares_every_series(tmp_path):
    store, v1, v2 = _store(tmp_path)
    note = note_between(store, v1, v2)
    (knife,) = note["measures"]
    levels = {lv["level"]: lv for lv in knife["levels"]}
    assert set(levels) == {"london", "borough", "ward"}
    for lv in levels.values():
        assert lv["added"] == [["2026-03", "2026-03"]]
        assert [r["month"] for r in lv["revised"]] == ["2026-02"]
    # London in February 2026: 6 + 3 + 2 + 4 + 1 + 1 unplaced = 17 before, 19 after.
    assert levels["london"]["revised"] == [{"month": "2026-02", "areas": 1, "before": 17,
                                            "after": 19}]  # fmt: skip
    assert levels["ward"]["revised"] == [{"month": "2026-02", "areas": 1}]
    assert note["other"] == ["the Public Attitude Survey"]
    assert note["latest_month"] == "2026-03"
    back = note_between(store, v2, v1, ROLLBACK)
    levels = {lv["level"]: lv for lv in back["measures"][0]["levels"]}
    assert levels["borough"]["withdrawn"] == [["2026-03", "2026-03"]]
    assert levels["london"]["revised"][0]["after"] == 17


def test_the_note_is_written_with_its_publication_and_audited(tmp_path):
    store, v1, v2 = _store(tmp_path)
    store.publish(v1, actor="alice", note=note_between(store, None, v1))
    store.publish(v2, actor="bob", note=note_between(store, v1, v2), previous=v1)
    notes = store.release_notes()
    assert [(n["version_id"], n["previous_version_id"], n["action"]) for n in notes] == [
        (v2, v1, "publish"), (v1, None, "publish")
    ]  # fmt: skip
    assert notes[0]["uuid"] != notes[1]["uuid"]
    history = store.history()
    assert [(h["actor"], h["action"]) for h in history[:2]] == [("bob", "release note"),
                                                                ("bob", "publish")]  # fmt: skip
    assert history[0]["detail"].startswith(f"release note {notes[0]['id']}: data version {v2}")
    assert history[0]["at"] >= history[1]["at"]


def test_a_publication_that_fails_writes_no_note(tmp_path, monkeypatch):
    store, v1, v2 = _store(tmp_path)
    with pytest.raises(VersionNotFoundError):
        store.publish(99, actor="alice", note={"title": "nothing"})
    assert store.release_notes() == []
    store.publish(v1, actor="alice", note={"title": "one"})
    # The note's insert fails (its uuid is taken): the publication is undone with it.
    taken = store.release_notes()[0]["uuid"]
    monkeypatch.setattr("data.store.store.uuid.uuid4", lambda: taken)
    with pytest.raises(Exception, match=r"(?i)unique"):
        store.publish(v2, actor="bob", note={"title": "two"})
    assert store.published_version_id() == v1
    assert [h["action"] for h in store.history()].count("publish") == 1
    assert len(store.release_notes()) == 1
