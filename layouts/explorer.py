"""The map explorer: London's ward map of knife crime over the latest 12 months."""

from __future__ import annotations

from dash import dcc, html

from layouts import ids


def layout(query: dict[str, str], path: str = "/map") -> list:
    return [
        dcc.Store(id=ids.STATE, data=query),
        html.H1("Knife crime in London's wards", id=ids.MAP_TITLE),
        html.P(id=ids.HEADLINE, className="headline", **{"aria-live": "polite"}),
        html.P(id=ids.MAP_NOTE, className="note"),
        html.Figure(
            [
                dcc.Graph(
                    id=ids.MAP,
                    className="map",
                    config={"displaylogo": False, "scrollZoom": False, "responsive": True},
                    style={"height": "70vh", "minHeight": "360px"},
                ),
                html.Figcaption(
                    "Map of knife crime offences in each ward. The same figures are in the "
                    "table below."
                ),
            ],
            className="map-figure",
        ),
        html.Details(
            [
                html.Summary("Table of the map's figures"),
                html.Div(
                    id=ids.TABLE,
                    className="table-wrap",
                    tabIndex="0",
                    role="region",
                    **{"aria-label": "Ward figures"},
                ),
            ],
            id=ids.TABLE_DETAILS,
            open=False,
        ),
    ]
