"""Release notes in words, for the overview, the About page and the Atom feed.

A note's facts come from the store (`Store.release_notes()`, content made by
data.releases when staff publish or roll back); here they become a heading and a few
lines a member of the public can read: which months were added, which revised (and
London's figure before and after), which withdrawn, by measure and level. The feed is
Atom 1.0 (RFC 4287), built with the standard library's ElementTree so every name and
number is escaped.
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from data.releases import month_ranges
from presenters.common import words
from presenters.common.view import SITE_NAME

ATOM = "http://www.w3.org/2005/Atom"
XHTML = "http://www.w3.org/1999/xhtml"
FEED_PATH = "/releases.atom"
HISTORY_PATH = "/about#about-releases"
# The feed's id: fixed, so a reader that follows it keeps it whatever the address.
FEED_ID = "urn:uuid:3f1c2b7e-5d0a-4c41-9a55-6f0d8e2b7c14"
FEED_TITLE = f"{SITE_NAME}: data releases"
FEED_SUBTITLE = (
    "What each publication of the dashboard's data changed: months added, figures "
    "revised and months withdrawn, by measure and by level."
)
MOST_ENTRIES = 50
LEVEL_WORDS = {"london": "London", "borough": "boroughs", "ward": "wards",
               "lsoa": "small areas"}  # fmt: skip
LONDON_REVISIONS_SHOWN = 2
NOTHING_CHANGED = "No published figure changed."


@dataclass(frozen=True)
class ReleaseNoteView:
    """One publication's note: `heading` names the version and when; `lines` say what
    changed, one a measure (and one for other data); `anchor` is its id on /about."""

    id: int
    uuid: str
    version_id: int
    at: dt.datetime
    heading: str
    summary: str
    lines: tuple[str, ...]

    @property
    def anchor(self) -> str:
        return f"release-{self.id}"


@dataclass(frozen=True)
class ReleaseView:
    """The overview's "What changed in the latest release": the note of the version
    published now, or why there is none; and where the history and the feed are."""

    note: ReleaseNoteView | None = None
    message: str = ""
    feed_href: str = FEED_PATH
    history_href: str = HISTORY_PATH


def _month_words(month: str) -> str:
    return words.month(pd.Timestamp(month))


def ranges_words(ranges: Sequence[Sequence[str]]) -> str:
    """[["2025-11", "2026-01"], ["2026-02", "2026-02"]] -> "November 2025 to January 2026
    and February 2026"."""
    parts = [
        _month_words(a) if a == b else f"{_month_words(a)} to {_month_words(b)}" for a, b in ranges
    ]
    return words.listing(parts)


def _levels(levels: Iterable[str]) -> str:
    order = list(LEVEL_WORDS)
    ranked = sorted(set(levels), key=lambda lv: order.index(lv) if lv in order else len(order))
    return words.listing([LEVEL_WORDS.get(lv, lv) for lv in ranked])


def measure_line(entry: Mapping, *, first: bool = False) -> str:
    """One measure's changes: "Knife crime: February 2026 added (London, boroughs and
    wards); 3 earlier months revised, November 2025 to January 2026 (wards); London's
    figure for January 2026 is now 1,030 (was 1,023)."."""
    levels = entry.get("levels", [])
    parts: list[str] = []
    added: dict[tuple, list[str]] = {}
    for lv in levels:
        if lv.get("added"):
            added.setdefault(tuple(map(tuple, lv["added"])), []).append(lv["level"])
    verb = "published" if first else "added"
    for ranges, where in added.items():
        parts.append(f"{ranges_words(ranges)} {verb} ({_levels(where)})")
    revised_months = {r["month"] for lv in levels for r in lv.get("revised", [])}
    if revised_months:
        where = [lv["level"] for lv in levels if lv.get("revised")]
        n = len(revised_months)
        parts.append(
            f"{n} earlier {words.plural(n, 'month')} revised, "
            f"{ranges_words(month_ranges(revised_months))} ({_levels(where)})"
        )
    london = next((lv for lv in levels if lv["level"] == "london"), None)
    if london is not None:
        moved = [r for r in london.get("revised", []) if "after" in r and r["after"] != r["before"]]
        moved.sort(key=lambda r: (-abs(r["after"] - r["before"]), r["month"]))
        for r in sorted(moved[:LONDON_REVISIONS_SHOWN], key=lambda r: r["month"]):
            parts.append(
                f"London\u2019s figure for {_month_words(r['month'])} is now "
                f"{words.number(r['after'])} (was {words.number(r['before'])})"
            )
    withdrawn: dict[tuple, list[str]] = {}
    for lv in levels:
        if lv.get("withdrawn"):
            withdrawn.setdefault(tuple(map(tuple, lv["withdrawn"])), []).append(lv["level"])
    for ranges, where in withdrawn.items():
        parts.append(f"{ranges_words(ranges)} withdrawn ({_levels(where)})")
    if not parts:
        return ""
    return f"{entry.get('label', entry.get('measure', ''))}: " + "; ".join(parts) + "."


def note_view(row: Mapping) -> ReleaseNoteView:
    """A stored note (a row of `Store.release_notes()`) in words."""
    content = row.get("content") or {}
    version, previous = row["version_id"], row.get("previous_version_id")
    when = words.uk_time(row["at"])
    first = bool(content.get("first"))
    if row.get("action") == "rollback":
        heading = f"Data version {version} restored on {when}"
        if previous is not None:
            heading += f", in place of version {previous}"
    elif first:
        heading = f"Data version {version}, the first published, on {when}"
    else:
        heading = f"Data version {version}, published on {when}"
    latest = content.get("latest_month")
    summary = f"Figures to {_month_words(latest)}." if latest else ""
    if row.get("action") == "rollback" and previous is not None:
        summary += (
            f" Version {previous} was withdrawn: the months it added and the revisions it "
            "made are undone."
        )
    lines = [
        line for line in (measure_line(m, first=first) for m in content.get("measures", [])) if line
    ]
    other = content.get("other", [])
    if other:
        lines.append(f"{'Also published' if first else 'Also updated'}: "
                     f"{words.listing(list(other))}.")  # fmt: skip
    if not lines:
        lines.append(NOTHING_CHANGED)
    return ReleaseNoteView(int(row["id"]), str(row["uuid"]), int(version), row["at"], heading,
                           summary.strip(), tuple(lines))  # fmt: skip


def history(rows: Iterable[Mapping]) -> tuple[ReleaseNoteView, ...]:
    """Every note, newest first."""
    return tuple(note_view(r) for r in rows)


def latest_release(rows: Sequence[Mapping], published: int | None) -> ReleaseView:
    """The note of the publication the public sees now: the newest note of the version
    published now (a rollback's note, after a rollback)."""
    if published is None:
        return ReleaseView(message=words.NO_DATA)
    row = next((r for r in rows if r["version_id"] == published), None)
    if row is None:
        return ReleaseView(
            message=f"Data version {published} was published before release notes were "
            "kept, so there is no note of what it changed."
        )
    return ReleaseView(note_view(row))


# -- the Atom feed -------------------------------------------------------------------------


def _stamp(value: dt.datetime) -> str:
    """RFC 3339, in UTC (times without a zone are UTC: SQLite drops it)."""
    stamp = value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    return stamp.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _text(parent: ET.Element, tag: str, text: str, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
    element.text = text
    return element


def atom_feed(rows: Sequence[Mapping], *, base_url: str, now: dt.datetime) -> bytes:
    """The release notes as an Atom 1.0 feed, newest first; `base_url` is the site's
    address ("https://example.org/"), `now` is the feed's time when it has no entry."""
    base = base_url.rstrip("/")
    notes = history(rows[:MOST_ENTRIES])
    ET.register_namespace("", ATOM)
    ET.register_namespace("xhtml", XHTML)
    feed = ET.Element(f"{{{ATOM}}}feed")
    _text(feed, "id", FEED_ID)
    _text(feed, "title", FEED_TITLE)
    _text(feed, "subtitle", FEED_SUBTITLE)
    _text(feed, "updated", _stamp(notes[0].at if notes else now))
    author = ET.SubElement(feed, f"{{{ATOM}}}author")
    _text(author, "name", SITE_NAME)
    ET.SubElement(feed, f"{{{ATOM}}}link", {"rel": "self", "type": "application/atom+xml",
                                            "href": base + FEED_PATH})  # fmt: skip
    ET.SubElement(feed, f"{{{ATOM}}}link", {"rel": "alternate", "type": "text/html",
                                            "href": base + "/"})  # fmt: skip
    for note in notes:
        entry = ET.SubElement(feed, f"{{{ATOM}}}entry")
        _text(entry, "id", f"urn:uuid:{note.uuid}")
        _text(entry, "title", note.heading)
        _text(entry, "updated", _stamp(note.at))
        _text(entry, "published", _stamp(note.at))
        link = {"rel": "alternate", "type": "text/html", "href": f"{base}/about#{note.anchor}"}
        ET.SubElement(entry, f"{{{ATOM}}}link", link)
        if note.summary:
            _text(entry, "summary", note.summary)
        content = ET.SubElement(entry, f"{{{ATOM}}}content", {"type": "xhtml"})
        div = ET.SubElement(content, f"{{{XHTML}}}div")
        if note.summary:
            ET.SubElement(div, f"{{{XHTML}}}p").text = note.summary
        listed = ET.SubElement(div, f"{{{XHTML}}}ul")
        for line in note.lines:
            ET.SubElement(listed, f"{{{XHTML}}}li").text = line
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)
