"""The frame every page sits in: skip link, header with navigation, main, footer."""

from __future__ import annotations

from dash import dcc, html

from layouts import ids
from layouts.pages import PAGES

ATTRIBUTION = (
    "Contains public sector information licensed under the Open Government Licence v3.0 "
    "(MPS, MOPAC, ONS); the MPS datasets are published on the London Datastore under the "
    "Open Government Licence v2.0. Contains OS data © Crown copyright and database right."
)


def navigation(active_path: str = "/") -> html.Nav:
    items = []
    for page in PAGES:
        if page.staff:
            continue
        current = page.path == active_path
        link = dcc.Link(page.nav, href=page.path, className="nav-link")
        marks = {"className": "current", "aria-current": "page"} if current else {}
        items.append(html.Li(link, **marks))
    return html.Nav(html.Ul(items), id=ids.NAV, **{"aria-label": "Main"})


def shell() -> html.Div:
    return html.Div(
        [
            dcc.Location(id=ids.URL),
            dcc.Store(id=ids.TITLE),
            html.A("Skip to main content", href="#main", className="skip-link"),
            html.Header(
                [
                    dcc.Link(
                        "London Weapon-Enabled Crime Dashboard", href="/", className="site-name"
                    ),
                    html.Div(navigation(), id=ids.NAV_HOLDER),
                ],
                className="site-header",
            ),
            html.Main(id="main", tabIndex="-1", children=html.Div(id=ids.PAGE)),
            html.Footer(
                [
                    html.P(id=ids.DATA_VERSION, **{"aria-live": "polite"}),
                    html.P(ATTRIBUTION),
                    # A full page load, so the server can ask for a sign-in first.
                    html.P(html.A("Staff sign in", href="/staff", className="staff-link")),
                ],
                className="site-footer",
            ),
        ],
        className="page",
    )
