"""About the data on a hand-made London: coverage, the caveats built from the data,
and the version's record."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from presenters import about
from tests.builders import tiny_dataset


def info(version_id: int = 1) -> SimpleNamespace:
    file = SimpleNamespace(
        name="monthly-crime-dashboard.parquet",
        kind="crime_dashboard",
        sha256="ab" * 32,
        rows_read=59431,
        first_month=dt.date(2024, 3, 1),
        last_month=dt.date(2026, 2, 1),
    )
    return SimpleNamespace(
        version_id=version_id,
        created_at=dt.datetime(2026, 3, 2, 9, 15),  # no zone: UTC, as SQLite returns it
        published_at=dt.datetime(2026, 7, 1, 12, 0, tzinfo=dt.UTC),
        files=(file,),
    )


def test_measures_say_what_data_they_have():
    ds = tiny_dataset()
    groups = {g.title: g for g in about.view(ds, None).measures}
    knife = groups["Knife crime"].measures[0]
    assert knife.label == "Knife crime"
    assert knife.facts.endswith(
        "Published data: March 2024 to February 2026, for London, BCUs, boroughs, wards."
    )
    gun = groups["Gun crime"].measures[0]
    assert "No published data yet." in gun.facts
    assert ds.measures.loc["gun_crime", "arrival"] in gun.facts


def test_the_unplaced_offences_caveat_gives_the_figures_of_the_version():
    caveats = {c.title: c.text for c in about.view(tiny_dataset(), None).caveats}
    # One offence a month could not be placed in a Lambeth ward; none outside a borough.
    assert (
        "In the 12 months to February 2026, 12 knife crime offences could not be placed in a "
        "ward and 0 could not be placed in a borough."
    ) in caveats["Offences not placed in an area"]
    assert "fewer than 10 offences or victims" in caveats["Small numbers are unreliable"]
    assert "Public perception" not in caveats  # no survey published


def test_the_published_version_lists_its_dates_and_files():
    version = about.view(tiny_dataset(), info()).version
    facts = {f.term: f.detail for f in version.facts}
    assert facts == {
        "Version": "1",
        "Published": "1 July 2026 at 13:00 UK time",  # British Summer Time
        "Prepared": "2 March 2026 at 09:15 UK time",
        "Latest month of data": "February 2026",
    }
    assert [f.term for f in version.files] == ["monthly-crime-dashboard.parquet"]
    assert version.files[0].detail.startswith("MPS Monthly Crime Dashboard (knife or gun); ")
    assert version.files[0].detail.endswith(f"59,431 rows read; March 2024 to February 2026. "
                                            f"SHA-256 {'ab' * 6}\u2026")  # fmt: skip
    assert {f.term: f.detail for f in version.coverage}["Knife crime"] == (
        "March 2024 to February 2026 (1 of its 5 measures)."
    )


def test_another_versions_record_is_not_shown_as_this_ones():
    version = about.view(tiny_dataset(), info(version_id=7)).version
    assert [f.term for f in version.facts] == ["Version", "Latest month of data"]
    assert version.files == ()


def test_with_nothing_published_the_page_says_so():
    assert about.view(None, None).message == "No data has been published yet."
