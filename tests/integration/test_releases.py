"""Release notes on the real knife crime file, on SQLite and PostgreSQL: each publish and
rollback writes its public note with it, the note says what the staff report found
(months added, London's revised figure), and the Atom feed parses with the standard
library and holds the right entries, newest first. Then the running app's
/releases.atom and the link to it in every page's head."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

import pandas as pd
import pytest

from callbacks import about as about_page
from callbacks import overview as overview_page
from dashboard.app import FEED_LINK, create_app
from dashboard.services import DataService
from data import refresh
from data.ingest import ingest
from data.readcache import ReadCache
from data.readers import SourceFile
from data.store.store import Store
from geo.register import area_register
from presenters.common.releases import ATOM, FEED_PATH, atom_feed, note_view
from tests import official
from tests.components import find, flat, text_of

NS = {"a": ATOM}
REVISED_BY = 5  # offences added to Lambeth's knife crime in January 2026


@pytest.fixture(scope="module")
def register(raw_dir):
    return area_register(raw_dir)


@pytest.fixture(scope="module")
def knife(raw_dir) -> pd.DataFrame:
    frame = official.dashboard_frame(raw_dir)
    frame["month"] = pd.to_datetime(frame["Month_Year"], format="%d/%m/%Y").dt.strftime("%Y-%m")
    return frame


def _csv(frame: pd.DataFrame) -> bytes:
    return official.to_csv(frame.drop(columns=["month"]))


def _london_january(knife: pd.DataFrame) -> int:
    """London's knife crime offences in January 2026 as the file has them: every
    borough-level row (the unplaced ones too), worked out here with pandas alone."""
    rows = knife[(knife["month"] == "2026-01") & (knife["Area Type"] == "Borough")
                 & (knife["Crime Subtype"] == "Knife Crime")
                 & (knife["Measure"] == "Offences")]  # fmt: skip
    return int(rows["Count"].sum())


@pytest.fixture
def store(store_url, knife, register):
    s = Store(store_url)
    base = knife[(knife["month"] >= "2025-06") & (knife["month"] <= "2026-01")]
    ingest(s, [SourceFile("knife-base.csv", _csv(base))], register, actor="setup")
    yield s
    s.dispose()


def _upload(store, register, reads, name: str, content: bytes) -> int:
    upload = store.add_upload([(name, content)], actor="alice")
    report = refresh.check_upload(store, upload, register, read=reads.read)
    assert report.ok, report.errors
    return upload


def _feed(store) -> ET.Element:
    body = atom_feed(store.release_notes(), base_url="https://example.org/",
                     now=dt.datetime.now(dt.UTC))  # fmt: skip
    return ET.fromstring(body)


def test_publish_and_rollback_write_their_notes_and_the_feed_follows(
    store, register, knife, tmp_path
):
    reads = ReadCache(tmp_path / "reads", refresh.READ_REVISION)
    first = store.published_version_id()
    (note,) = store.release_notes()
    assert (note["version_id"], note["previous_version_id"]) == (first, None)
    assert note_view(note).lines[0] == (
        "Knife crime: June 2025 to January 2026 published (London, boroughs and wards)."
    )

    # February added, and January revised in one borough: London's January total moves.
    upload = knife[knife["month"].isin(["2026-01", "2026-02"])].copy()
    lambeth = (upload["month"] == "2026-01") & (upload["Area Type"] == "Borough") & (
        upload["Area code"].str.strip() == "E09000022") & (
        upload["Crime Subtype"] == "Knife Crime") & (upload["Measure"] == "Offences")  # fmt: skip
    assert lambeth.sum() == 1
    upload.loc[lambeth, "Count"] += REVISED_BY
    done = refresh.publish_upload(store, _upload(store, register, reads, "feb.csv", _csv(upload)),
                                  register, actor="alice", read=reads.read)  # fmt: skip
    latest = store.release_notes()[0]
    assert (latest["version_id"], latest["previous_version_id"]) == (done.version_id, first)
    words = note_view(latest)
    assert words.summary == "Figures to February 2026."
    january = _london_january(knife)
    line = next(line for line in words.lines if line.startswith("Knife crime:"))
    assert line == (
        "Knife crime: February 2026 added (London, boroughs and wards); 1 earlier month "
        "revised, January 2026 (London and boroughs); London\u2019s figure for January 2026 is "
        f"now {january + REVISED_BY:,} (was {january:,})."
    )
    # The note says what the staff report said, measure by measure.
    report_measures = {c.measure for c in done.report.changes}
    assert {m["measure"] for m in latest["content"]["measures"]} == report_measures

    back = refresh.rollback(store, first, actor="bob")
    assert back == first
    rolled = store.release_notes()[0]
    assert (rolled["action"], rolled["version_id"], rolled["previous_version_id"]) == (
        "rollback", first, done.version_id)  # fmt: skip
    line = next(line for line in note_view(rolled).lines if line.startswith("Knife crime:"))
    assert "February 2026 withdrawn (London, boroughs and wards)" in line
    assert f"is now {january:,} (was {january + REVISED_BY:,})" in line

    # Each note is audited beside its publication, and the feed lists all three.
    actions = [(h["actor"], h["action"]) for h in store.history()]
    assert actions[:2] == [("bob", "release note"), ("bob", "rollback")]
    assert ("alice", "release note") in actions
    feed = _feed(store)
    entries = feed.findall("a:entry", NS)
    ids = [e.findtext("a:id", namespaces=NS) for e in entries]
    assert ids == [f"urn:uuid:{n['uuid']}" for n in store.release_notes()]
    assert len(set(ids)) == 3
    titles = [e.findtext("a:title", namespaces=NS) for e in entries]
    assert titles[0].startswith(f"Data version {first} restored on")
    assert titles[1].startswith(f"Data version {done.version_id}, published on")
    newest = entries[0].findtext("a:updated", namespaces=NS)
    assert feed.findtext("a:updated", namespaces=NS) == newest


def test_the_app_serves_the_feed_and_links_it_from_every_page(published):
    app = create_app(published)
    client = app.server.test_client()
    response = client.get(FEED_PATH)
    assert response.status_code == 200
    assert response.mimetype == "application/atom+xml"
    assert response.headers["Cache-Control"] == "no-cache"
    feed = ET.fromstring(response.data)
    assert feed.tag == f"{{{ATOM}}}feed"
    self_link = next(link for link in feed.findall("a:link", NS) if link.get("rel") == "self")
    assert self_link.get("href") == "http://localhost/releases.atom"
    entries = feed.findall("a:entry", NS)
    assert len(entries) >= 1  # the first start's publication, at least
    assert "the first published" in entries[-1].findtext("a:title", namespaces=NS)
    for path in ("/", "/about", "/map"):
        assert FEED_LINK in client.get(path).get_data(as_text=True)


def test_a_public_address_makes_the_feeds_links_and_lets_caches_keep_it(published):
    app = create_app(published.with_(public_url="https://knife.example.org/"))
    response = app.server.test_client().get(FEED_PATH)
    assert response.headers["Cache-Control"] == "public, max-age=300"
    feed = ET.fromstring(response.data)
    links = {link.get("rel"): link.get("href") for link in feed.findall("a:link", NS)}
    assert links["self"] == "https://knife.example.org/releases.atom"


def test_the_overview_and_about_show_the_published_versions_note(published, dataset):
    service = DataService(published)
    notes = service.release_notes()
    shown = flat(text_of(overview_page.show(dataset, notes)["release"]))
    assert shown.startswith(f"Data version {dataset.version_id}, the first published, on")
    assert "Figures to February 2026." in shown
    assert "Knife crime: March 2022 to February 2026 published (London, boroughs and wards)." in (
        shown
    )
    assert "Every release so far" in shown
    assert "Follow releases with the Atom feed" in shown
    sections = about_page.show(dataset, service.published_info(), notes)
    history = next(s for s in sections if s.children[0].id == "about-releases")
    assert find(history, f"release-{notes[-1]['id']}") is not None
    assert "Possession of weapons offences: April 2010 to February 2026 published" in flat(
        text_of(history)
    )
