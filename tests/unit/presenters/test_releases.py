"""Release notes in words and as an Atom 1.0 feed, from hand-made notes: the feed is
parsed back with the standard library and checked element by element (RFC 4287)."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

from presenters.common import releases
from presenters.common.releases import (
    ATOM,
    FEED_ID,
    NOTHING_CHANGED,
    XHTML,
    atom_feed,
    latest_release,
    measure_line,
    note_view,
    ranges_words,
)

NS = {"a": ATOM, "x": XHTML}
AT = dt.datetime(2026, 3, 18, 9, 30)  # stored without a zone: UTC (10:30 is not BST yet)


def knife(**levels) -> dict:
    return {"measure": "knife_crime", "label": "Knife crime",
            "levels": [{"level": lv, "added": [], "revised": [], "withdrawn": [], **parts}
                       for lv, parts in levels.items()]}  # fmt: skip


def row(id_=1, version=5, previous=4, action="publish", content=None, at=AT) -> dict:
    return {"id": id_, "uuid": f"00000000-0000-4000-8000-00000000000{id_}", "at": at,
            "action": action, "version_id": version, "previous_version_id": previous,
            "content": content if content is not None else {
                "first": previous is None, "latest_month": "2026-02",
                "measures": [knife(london={"added": [["2026-02", "2026-02"]]},
                                   ward={"added": [["2026-02", "2026-02"]]})],
                "other": []}}  # fmt: skip


def test_months_in_words():
    assert ranges_words([["2026-02", "2026-02"]]) == "February 2026"
    assert ranges_words([["2025-11", "2026-01"], ["2026-03", "2026-03"]]) == (
        "November 2025 to January 2026 and March 2026"
    )


def test_a_measures_line_names_months_added_revised_and_withdrawn_by_level():
    entry = knife(
        london={"added": [["2026-02", "2026-02"]],
                "revised": [{"month": "2025-12", "areas": 1, "before": 990, "after": 991},
                            {"month": "2026-01", "areas": 1, "before": 1023, "after": 1030},
                            {"month": "2025-11", "areas": 1, "before": 1000, "after": 1004}]},
        borough={"added": [["2026-02", "2026-02"]],
                 "revised": [{"month": "2026-01", "areas": 3}]},
        ward={"added": [["2026-01", "2026-02"]], "withdrawn": [["2021-01", "2021-01"]]},
    )  # fmt: skip
    assert measure_line(entry) == (
        "Knife crime: February 2026 added (London and boroughs); January 2026 to February "
        "2026 added (wards); 3 earlier months revised, November 2025 to January 2026 "
        "(London and boroughs); London\u2019s figure for November 2025 is now 1,004 (was "
        "1,000); London\u2019s figure for January 2026 is now 1,030 (was 1,023); January "
        "2021 withdrawn (wards)."
    )  # the two largest of London's revisions, in month order


def test_a_first_publication_says_published_and_a_measure_without_changes_says_nothing():
    entry = knife(london={"added": [["2022-03", "2026-02"]]})
    assert measure_line(entry, first=True) == (
        "Knife crime: March 2022 to February 2026 published (London)."
    )
    assert measure_line(knife(london={})) == ""


def test_a_notes_heading_and_summary():
    view = note_view(row())
    assert view.heading == "Data version 5, published on 18 March 2026 at 09:30 UK time"
    assert view.summary == "Figures to February 2026."
    assert view.lines == ("Knife crime: February 2026 added (London and wards).",)
    assert view.anchor == "release-1"
    first = note_view(row(version=1, previous=None))
    assert first.heading == "Data version 1, the first published, on 18 March 2026 at 09:30 UK time"
    back = note_view(row(version=4, previous=5, action="rollback"))
    assert back.heading == (
        "Data version 4 restored on 18 March 2026 at 09:30 UK time, in place of version 5"
    )
    assert back.summary == (
        "Figures to February 2026. Version 5 was withdrawn: the months it added and the "
        "revisions it made are undone."
    )


def test_other_data_and_no_change_are_said():
    named = ["the Public Attitude Survey", "the postcodes (OS Code-Point Open)"]
    other = row(content={"measures": [], "other": named})
    assert note_view(other).lines == (
        "Also updated: the Public Attitude Survey and the postcodes (OS Code-Point Open).",
    )
    assert note_view(row(content={})).lines == (NOTHING_CHANGED,)


def test_the_latest_release_is_the_newest_note_of_the_version_published_now():
    rows = [row(3, version=4, previous=5, action="rollback"), row(2, version=5), row(1, 4, 3)]
    assert latest_release(rows, 4).note.id == 3
    assert latest_release(rows, 5).note.id == 2
    missing = latest_release(rows, 9)
    assert missing.note is None
    assert missing.message.startswith("Data version 9 was published before release notes")
    assert latest_release([], None).message == "No data has been published yet."


def _parse(body: bytes) -> ET.Element:
    assert body.startswith(b"<?xml version='1.0' encoding='utf-8'?>")
    return ET.fromstring(body)


def test_the_feed_is_atom_with_an_entry_a_note_newest_first():
    rows = [row(2, version=6, previous=5, at=AT + dt.timedelta(days=30)), row(1)]
    feed = _parse(atom_feed(rows, base_url="https://example.org/", now=AT))
    assert feed.tag == f"{{{ATOM}}}feed"
    assert feed.findtext("a:id", namespaces=NS) == FEED_ID
    assert feed.findtext("a:title", namespaces=NS) == releases.FEED_TITLE
    assert feed.findtext("a:updated", namespaces=NS) == "2026-04-17T09:30:00Z"
    assert feed.findtext("a:author/a:name", namespaces=NS) == releases.SITE_NAME
    links = {link.get("rel"): link.get("href") for link in feed.findall("a:link", NS)}
    assert links == {"self": "https://example.org/releases.atom",
                     "alternate": "https://example.org/"}  # fmt: skip
    entries = feed.findall("a:entry", NS)
    assert [e.findtext("a:id", namespaces=NS) for e in entries] == [
        "urn:uuid:00000000-0000-4000-8000-000000000002",
        "urn:uuid:00000000-0000-4000-8000-000000000001",
    ]
    newest = entries[0]
    assert newest.findtext("a:title", namespaces=NS).startswith("Data version 6, published on")
    assert newest.findtext("a:updated", namespaces=NS) == "2026-04-17T09:30:00Z"
    assert newest.find("a:link", NS).get("href") == "https://example.org/about#release-2"
    content = newest.find("a:content", NS)
    assert content.get("type") == "xhtml"
    (div,) = list(content)
    assert div.tag == f"{{{XHTML}}}div"
    assert [li.text for li in div.findall("x:ul/x:li", NS)] == [
        "Knife crime: February 2026 added (London and wards)."
    ]


def test_an_empty_feed_is_still_valid_and_names_are_escaped():
    feed = _parse(atom_feed([], base_url="http://localhost:8050", now=AT))
    assert feed.findall("a:entry", NS) == []
    assert feed.findtext("a:updated", namespaces=NS) == "2026-03-18T09:30:00Z"
    odd = row(content={"measures": [{"measure": "m", "label": "Guns <&> knives", "levels": [
        {"level": "london", "added": [["2026-02", "2026-02"]]}]}]})  # fmt: skip
    entry = _parse(atom_feed([odd], base_url="http://x/", now=AT)).find("a:entry", NS)
    assert entry.find("a:content/x:div/x:ul/x:li", NS).text.startswith("Guns <&> knives:")
