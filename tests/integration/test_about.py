"""About the data on the real published data and its store: the page's `show` (the
presenter drawn) read as text, section by section."""

from __future__ import annotations

import hashlib

import pytest

from callbacks.about import show
from dashboard.services import DataService
from data import queries
from data.periods import rolling_twelve_months
from presenters.about import SHA_SHOWN
from presenters.common.words import uk_time as when
from tests.components import flat, text_of


@pytest.fixture(scope="module")
def info(published):
    return DataService(published).published_info()


@pytest.fixture(scope="module")
def sections(dataset, info) -> dict[str, str]:
    """Each section's text by its heading id."""
    return {s.children[0].id: flat(text_of(s)) for s in show(dataset, info)}


def test_the_page_has_its_sections_in_order(dataset, info):
    ids = [s.children[0].id for s in show(dataset, info)]
    assert ids == ["about-measures", "about-caveats", "about-change", "about-sources",
                   "about-open-data", "about-version"]  # fmt: skip


def test_every_catalogue_measure_is_defined_under_its_group(dataset, sections):
    text = sections["about-measures"]
    for group, title in (("knife", "Knife crime"), ("gun", "Gun crime"),
                         ("outcomes", "Positive outcomes"), ("context", "Context")):  # fmt: skip
        part = text[text.index(title) :]
        for row in dataset.measures[dataset.measures["grp"] == group].itertuples():
            assert f"{row.label} {flat(row.definition)}" in part
    assert len(dataset.measures) == 20


def test_measures_say_what_data_they_have(sections):
    text = sections["about-measures"]
    assert "Published data: March 2022 to February 2026, for London, BCUs, boroughs, wards." in text
    assert "Published data: January 2003 to December 2023, for London, BCUs, boroughs." in text
    gun = text[text.index("Gun crime Violence") : text.index("Positive outcomes")]
    assert gun.count("No published data yet.") == 4


@pytest.mark.parametrize(
    "phrase",
    [
        "City of London has its own police force",
        "shown as “not covered”, never as zero",
        "The MPS files give the same offences once by borough and again by ward",
        "begins with a month holding only a few dozen offences",
        "moved to a new crime recording system, CONNECT",
        "fewer than 10 offences or victims is marked as unreliable",
        "Census 2021 counts of usual residents on census day",
        "ONS best-fit lookup",
        "Heathrow Villages (E05013570)",
        "West End (E05013808)",
        "St James's (E05013806)",
        "Holborn & Covent Garden (E05013662)",
        "Homicide victims killed by shooting, to December 2023",
        "asks nothing about knife or gun crime",
        "none has yet been checked against the publisher’s current download",
    ],
)
def test_caveats_cover_what_a_reader_needs(sections, phrase):
    assert phrase in sections["about-caveats"]


def test_the_unplaced_offences_caveat_gives_the_stores_figures(dataset, sections):
    period = rolling_twelve_months(dataset.latest_month("knife_crime"))
    ward = queries.unallocated(dataset, "knife_crime", "ward", period)
    borough = queries.unallocated(dataset, "knife_crime", "borough", period)
    assert ward > 0
    assert (
        f"In the 12 months to February 2026, {ward:,} knife crime offences could not be "
        f"placed in a ward and {borough:,} could not be placed in a borough."
    ) in sections["about-caveats"]


@pytest.mark.parametrize(
    "phrase",
    [
        "exact test for two Poisson counts",
        "conditional binomial test",
        "Benjamini-Hochberg",
        "funnel plots",
        "Poisson control limits (95% and 99.8%)",
    ],
)
def test_how_change_is_judged(sections, phrase):
    assert phrase in sections["about-change"]


def test_sources_carry_publishers_licences_and_attributions(sections):
    text = sections["about-sources"]
    v2 = "Contains public sector information licensed under the Open Government Licence v2.0."
    v3 = "Contains public sector information licensed under the Open Government Licence v3.0."
    assert text.count(v2) == 3  # the three MPS datasets on the London Datastore
    assert v3 in text
    assert "Source: Office for National Statistics licensed under the Open Government" in text
    assert text.count("Contains OS data © Crown copyright and database right.") == 2
    assert "Publisher: Metropolitan Police Service, on the London Datastore" in text
    assert "Publisher: Office for National Statistics" in text


def test_the_version_names_its_number_dates_and_latest_months(dataset, info, sections):
    text = sections["about-version"]
    assert f"Version {dataset.version_id} Published {when(info.published_at)}" in text
    assert f"Latest month of data {dataset.latest_month_overall:%B %Y}" in text
    first, last = dataset.months_covered("knife_crime", "london")
    assert f"Knife crime {first:%B %Y} to {last:%B %Y} (all 5 measures)." in text
    assert "Gun crime No data published yet (none of its 4 measures)." in text
    first, last = dataset.months_covered("homicide_shooting", "london")
    assert f"Homicide victims killed by shooting {first:%B %Y} to {last:%B %Y}." in text
    assert last < dataset.latest_month_overall


def test_the_version_lists_its_source_files_with_checksums(raw_dir, info, sections):
    text = sections["about-version"]
    assert len(info.files) == 16
    for f in info.files:
        assert f"{f.name} " in text
        assert f"SHA-256 {f.sha256[:SHA_SHOWN]}\u2026" in text
        assert f.sha256 not in text  # abbreviated
    assert "canonical revision" not in text
    knife = next(f for f in info.files if f.name == "monthly-crime-dashboard.parquet")
    raw = raw_dir / "mps_knife_crime" / "monthly-crime-dashboard.parquet"
    assert knife.sha256 == hashlib.sha256(raw.read_bytes()).hexdigest()
    assert (
        "monthly-crime-dashboard.parquet MPS Monthly Crime Dashboard (knife or gun); "
        "59,431 rows read; March 2022 to February 2026."
    ) in text


def test_published_info_records_the_publication(dataset, info):
    assert info.version_id == dataset.version_id
    assert info.published_at is not None
    assert info.published_at >= info.created_at
    assert when(info.published_at).endswith("UK time")


def test_with_nothing_published_the_page_says_so():
    assert text_of(show(None, None)) == "No data has been published yet."
