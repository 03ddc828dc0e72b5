"""Text is text: names holding Markdown, HTML and script, published through a staff
upload (a survey measure, a crime file's area names, the files' names) and in the
register (an area's name), reach every page as the text they are, never as markup.

What each page's callbacks return is walked (tests/text_safety.py): no Markdown, no
raw HTML, no hostile text in an address, style or class, no markup or placeholder of
it inside a plotly figure; and the names are there, literally, where a reader looks
for them. tests/browser/test_text_is_text.py checks the same pages in Chromium.
"""

from __future__ import annotations

import pytest

from callbacks import (
    about,
    at_risk,
    compare,
    hotspots,
    overview,
    perception,
    profile,
    router,
    trends,
    young_people,
)
from callbacks import map as map_page
from callbacks.area_panels import hotspot_section, perception_panel
from dashboard.services import DataService
from data import perception as survey
from data import profiles
from data.refresh import Report
from layouts import staff as staff_page
from layouts.staff_history import history
from presenters import staff as staff_presenter
from tests import text_safety as hostile


@pytest.fixture(scope="module")
def store(published, raw_dir, tmp_path_factory):
    into = tmp_path_factory.mktemp("hostile") / "data"
    made = hostile.hostile_copy(tmp_path_factory, published.data_dir, raw_dir, into)
    settings = published.with_(data_dir=made["dir"],
                               database_url=f"sqlite:///{made['dir'] / 'wec.sqlite'}")  # fmt: skip
    service = DataService(settings)
    return made | {"service": service, "ds": service.dataset()}


def test_the_hostile_upload_passed_and_is_published(store):
    ds = store["ds"]
    assert ds.version_id == store["version"]
    names = [m.name for m in survey.survey_measures(ds)]
    assert hostile.MEASURE in names
    assert ds.areas.loc[hostile.LAMBETH, "name"] == hostile.REGISTER_NAMES["borough"]


def _pages(store) -> dict[str, object]:
    """Every public page's outputs where the hostile names show."""
    ds, service = store["ds"], store["service"]
    key = next(m.key for m in survey.survey_measures(ds) if m.name == hostile.MEASURE)
    borough, ward, bcu = hostile.LAMBETH, store["ward"], store["bcu"]
    facts = profiles.area_facts(ds, borough)
    pages = {
        "perception": perception.show(ds, f"?measure={key}&area={borough}",
                                      geojson_url="/geo/borough.geojson"),
        "perception London": perception.show(ds, f"?measure={key}",
                                             geojson_url="/geo/borough.geojson"),
        "profile": profile.show(ds, borough),
        "profile trend": profile.show_trend(ds, borough, ""),
        "profile ward": profile.show(ds, ward),
        "profile BCU": profile.show(ds, bcu),
        "profile perception": perception_panel(ds, borough),
        "profile hot spots": hotspot_section(ds, service, facts),
        "overview": overview.show(ds),
        "overview trends": overview.show_trends(ds, ""),
        "about": about.show(ds, service.published_info()),
        "compare": compare.show(ds, f"?areas={borough},{ward},{bcu}"),
        "trends": trends.show(ds, f"?borough={borough}"),
    }  # fmt: skip
    for level, within in (
        ("borough", ""),
        ("ward", f"&borough={borough}"),
        ("ward", f"&bcu={bcu}"),
    ):
        query = f"?level={level}{within}"
        pages[f"map {query}"] = map_page.show(ds, service.geojson_url, query)
        pages[f"at-risk {query}"] = at_risk.show(ds, query)
        pages[f"hot spots {query}"] = hotspots.show(ds, query, boundaries=service)
        pages[f"young people {query}"] = young_people.show(ds, query)
    pages["map of Lambeth"] = map_page.show(ds, service.geojson_url, f"?area={borough}")
    pages["map find"] = map_page.show(ds, service.geojson_url, "", find="Brixton")
    for path in ("/", "/map", "/perception", f"/area/{borough}", "/about", "/compare",
                 "/trends", "/nowhere<b>x</b>"):  # fmt: skip
        pages[f"frame {path}"] = router.show(ds, path, "")
    return pages


def test_no_public_page_reads_the_names_as_markup(store):
    found = [p for name, outputs in _pages(store).items() for p in hostile.problems(outputs, name)]
    assert found == [], "\n".join(found)


def test_the_names_are_shown_literally_where_a_reader_looks(store):
    pages = _pages(store)
    measure = hostile.plain(hostile.MEASURE)
    # The measure: in the select, the headings and the summary, as written.
    shown = hostile.plain(hostile.texts(pages["perception"]))
    assert shown.count(measure) >= 5
    assert hostile.plain(hostile.REGISTER_NAMES["borough"]) in shown
    # On the profile, the borough's name and the measure in its perception panel.
    assert hostile.REGISTER_NAMES["borough"] in hostile.texts(pages["profile"])
    assert measure in hostile.plain(hostile.texts(pages["profile perception"]))
    assert hostile.REGISTER_NAMES["ward"] in hostile.texts(pages["profile ward"])
    # The About page lists the published files by their names.
    about_text = hostile.texts(pages["about"])
    assert hostile.SURVEY_FILE in about_text
    assert hostile.CRIME_FILE in about_text
    # A plotly label holds the name escaped, so plotly shows the characters themselves.
    trend = pages["perception"]["trend"]
    assert "Fear &lt;a href=" in hostile.texts(trend)
    # The crime file's own area names are never shown: the register's are.
    everything = "\n".join(hostile.texts(outputs) for outputs in pages.values())
    assert hostile.CRIME_AREA_NAME not in everything
    assert "<b>Ward</b>" not in everything


def test_the_staff_pages_show_file_names_and_actors_as_text(store):
    service = DataService(store["service"].settings)
    st = service.store
    shown = history(staff_presenter.history_view(st.published_version_id(), st.versions(),
                                                 st.history(), st.uploads(limit=50)))  # fmt: skip
    upload = st.upload(store["upload"])
    report = staff_page.check(staff_presenter.check_view(Report.from_dict(upload["report"]),
                                                         upload["status"]))  # fmt: skip
    for name, outputs in (("history", shown), ("check", report)):
        assert hostile.problems(outputs, name) == []
    history_text = hostile.texts(shown)
    assert hostile.SURVEY_FILE in history_text
    assert hostile.CRIME_FILE in history_text
    assert hostile.ACTOR in history_text
    assert hostile.SURVEY_FILE in hostile.texts(report)
