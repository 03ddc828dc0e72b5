"""Versions and history (/staff/history): who published what, when, from which files;
roll back to any earlier version."""

from __future__ import annotations

from dash import dcc, html

from layouts import ids
from layouts.staff import session_notice, staff_nav
from layouts.tables import table
from presenters.staff import HistoryView, VersionRow

VERSION_HEADINGS = ("Version", "Created", "Last published", "Latest month", "Files (SHA-256)",
                    "Rows", "Status")  # fmt: skip


def layout(query: dict[str, str], path: str = "/staff/history") -> list:
    return [
        dcc.Location(id=ids.STAFF_URL, refresh="callback-nav"),
        dcc.Location(id=ids.STAFF_REDIRECT, refresh=True),
        staff_nav("/staff/history"),
        session_notice(),
        html.H1("Versions and history"),
        html.P(
            "Every data version, the files it was built from (with their SHA-256 "
            "checksums) and who created, published or rolled it back. Rolling back "
            "publishes an earlier version again at once, for every page and worker.",
            className="staff-lede",
        ),
        html.Div(id=ids.STAFF_HISTORY_MESSAGE, role="status", className="staff-message"),
        html.Div(id=ids.STAFF_HISTORY),
    ]


def _status(row: VersionRow) -> object:
    if row.status == "current":
        return html.Strong("Published now")
    if row.status == "earlier":
        return html.Button(f"Roll back to version {row.id}", type="button",
                           id={"type": ids.STAFF_ROLLBACK, "version": row.id},
                           className="staff-button staff-quiet")  # fmt: skip
    return "Never published (a draft)"


def _files(row: VersionRow) -> html.Details:
    n = len(row.files)
    return html.Details(
        [
            html.Summary(f"{n} file{'s' if n != 1 else ''}"),
            html.Ul([html.Li([f"{name} ", html.Span(short, className="staff-sha", title=sha)])
                     for name, short, sha in row.files]),
        ]
    )  # fmt: skip


def versions(rows: tuple[VersionRow, ...]) -> html.Div:
    """The versions as a table of their own: a few dozen rows, each with its files and,
    for an earlier version, a button to publish it again."""
    body = [
        html.Tr([html.Th(f"{r.id}", scope="row"), html.Td(r.created), html.Td(r.published),
                 html.Td(r.latest_month), html.Td(_files(r)), html.Td(r.rows),
                 html.Td(_status(r))])
        for r in rows
    ]  # fmt: skip
    return html.Div(
        html.Table(
            [
                html.Caption("Data versions, newest first"),
                html.Thead(html.Tr([html.Th(h, scope="col") for h in VERSION_HEADINGS])),
                html.Tbody(body),
            ],
            className="staff-versions",
        ),
        className="table-wrap",
        tabIndex="0",
        role="region",
        **{"aria-label": "Data versions"},
    )


def history(view: HistoryView) -> list:
    return [
        html.H2("Versions"),
        versions(view.versions),
        html.H2("History"),
        table(view.audit, label="History"),
        html.H2("Uploads"),
        table(view.uploads, label="Uploads"),
    ]
