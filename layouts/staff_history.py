"""Versions and history (/staff/history): who published what, when, from which files;
roll back to any earlier version."""

from __future__ import annotations

from dash import dcc, html

from layouts import ids
from layouts.staff import staff_nav


def layout(query: dict[str, str], path: str = "/staff/history") -> list:
    return [
        dcc.Location(id=ids.STAFF_URL, refresh="callback-nav"),
        dcc.Location(id=ids.STAFF_REDIRECT, refresh=True),
        staff_nav("/staff/history"),
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
