"""The frame every page sits in: skip link, header, main landmark, footer."""

from __future__ import annotations

from dash import dcc, html

from layouts import ids

ATTRIBUTION = (
    "Contains public sector information licensed under the Open Government Licence v3.0 "
    "(MPS, MOPAC, ONS); the MPS datasets are published on the London Datastore under the "
    "Open Government Licence v2.0. Contains OS data © Crown copyright and database right."
)


def shell(*content) -> html.Div:
    return html.Div(
        [
            dcc.Location(id=ids.URL),
            html.A("Skip to main content", href="#main", className="skip-link"),
            html.Header(
                html.P("London Weapon-Enabled Crime Dashboard", className="site-name"),
                className="site-header",
            ),
            html.Main(list(content), id="main", tabIndex="-1"),
            html.Footer(
                [
                    html.P(id=ids.DATA_VERSION, **{"aria-live": "polite"}),
                    html.P(ATTRIBUTION),
                ],
                className="site-footer",
            ),
        ],
        className="page",
    )
