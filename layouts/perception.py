"""Public perception: what Londoners tell the Public Attitude Survey, beside recorded
crime and homicide, with the choices a person made kept in the URL."""

from __future__ import annotations

from urllib.parse import urlencode

from dash import dcc, html

from layouts import ids
from layouts.tables import csv_button
from presenters.perception import ASSUMPTIONS, MapKey

GRAPH_CONFIG = {
    "displaylogo": False,
    "responsive": True,
    "modeBarButtonsToRemove": ["select2d", "lasso2d"],
}


def _graph(graph_id: str, class_name: str = "arp-graph") -> html.Div:
    # A responsive dcc.Graph is 100% of its parent's height, so the box sets it (CSS).
    return html.Div(dcc.Graph(id=graph_id, config=GRAPH_CONFIG), className=class_name)


def _table(holder_id: str, summary: str) -> html.Details:
    """A folded table (drawn from its model by tables.js) and its CSV button."""
    return html.Details(
        [
            html.Summary(summary),
            html.Div(id=holder_id),
            html.Div(csv_button(holder_id), className="arp-actions"),
        ]
    )


def _figure(graph_id: str, caption: str, class_name: str = "arp-graph") -> html.Figure:
    return html.Figure(
        [_graph(graph_id, class_name), html.Figcaption(caption, className="arp-caption")],
        className="arp-figure",
    )


def assumptions() -> html.Section:
    return html.Section(
        [
            html.H2("How sure these figures are"),
            *(html.P([html.Strong(lead), text] if lead else text) for lead, text in ASSUMPTIONS),
        ],
        className="perception-assumptions",
        **{"aria-label": "How sure these figures are"},
    )


def layout(query: dict[str, str], path: str = "/perception") -> list:
    search = "?" + urlencode(query) if query else ""
    return [
        dcc.Location(id=ids.PERCEPTION_URL, refresh="callback-nav", search=search),
        dcc.Store(id=ids.PERCEPTION_CHOICE),
        dcc.Store(id=ids.PERCEPTION_MAP_FOCUS),
        html.H1("Public perception"),
        html.P(
            "What Londoners tell MOPAC's Public Attitude Survey about the police and about "
            "crime where they live, borough by borough, set beside the crime the police "
            "record there, so the gap between how people feel and what is recorded can be "
            "seen. Choose a survey measure and an area; the address of this page keeps "
            "your choices, so a link to it reopens the same view.",
            className="risk-lede",
        ),
        html.Div(id=ids.PERCEPTION_CONTROLS, className="risk-controls"),
        html.Div(id=ids.PERCEPTION_MESSAGE, className="perception-message"),
        html.Div(
            id=ids.PERCEPTION_BODY,
            children=[
                assumptions(),
                html.Section(
                    [
                        html.H2("Over time, against London", id=ids.PERCEPTION_TREND_HEADING),
                        html.Div(
                            id=ids.PERCEPTION_TREND_SUMMARY,
                            className="perception-summary",
                            **{"aria-live": "polite"},
                        ),
                        _figure(
                            ids.PERCEPTION_TREND,
                            "The line is the area's figure for each 12 months; the shaded "
                            "band is its 95% interval under the assumed sample size. The "
                            "dashed line is London's figure. Where the band and London's "
                            "line overlap the two are not clearly different.",
                        ),
                        _table(ids.PERCEPTION_TREND_TABLE, "Table of the trend"),
                    ],
                    className="perception-section",
                ),
                html.Section(
                    [
                        html.H2("Across London's boroughs", id=ids.PERCEPTION_MAP_HEADING),
                        html.Div(id=ids.PERCEPTION_MAP_SUMMARY, className="perception-summary"),
                        html.Div(
                            [
                                html.Figure(
                                    [
                                        dcc.Graph(
                                            id=ids.PERCEPTION_MAP,
                                            className="map",
                                            style={
                                                "height": "60vh",
                                                "minHeight": "340px",
                                                "maxHeight": "640px",
                                            },
                                            config={**GRAPH_CONFIG, "scrollZoom": False},
                                        ),
                                        html.Figcaption(
                                            "Each borough is coloured by its class in the key; "
                                            "a black outline marks a figure higher or lower "
                                            "than London's by more than chance would explain. "
                                            "Select a borough to show it in the charts; the "
                                            "same figures are in the table below.",
                                            className="arp-caption",
                                        ),
                                    ],
                                    className="map-figure",
                                ),
                                html.Aside(
                                    [html.H3("Key"), html.Div(id=ids.PERCEPTION_MAP_LEGEND)],
                                    className="map-side",
                                    **{"aria-label": "Key to the map"},
                                ),
                            ],
                            className="map-layout",
                        ),
                        _table(ids.PERCEPTION_MAP_TABLE, "Table of the map"),
                    ],
                    className="perception-section",
                ),
                html.Section(
                    [
                        html.H2("Beside recorded crime", id=ids.PERCEPTION_CRIME_HEADING),
                        html.Div(id=ids.PERCEPTION_CRIME_SUMMARY, className="perception-summary"),
                        _figure(
                            ids.PERCEPTION_SCATTER,
                            "Each mark is a borough: across, its recorded crime rate per "
                            "1,000 residents over the 12 months; up, its survey figure for "
                            "the same 12 months, with its 95% interval. The grey lines are "
                            "London's two figures. Select a borough to show it in the "
                            "charts.",
                        ),
                        _table(
                            ids.PERCEPTION_SCATTER_TABLE,
                            "Table of the boroughs, ranked on each figure",
                        ),
                        html.H3("Over time"),
                        _figure(
                            ids.PERCEPTION_CRIME_TREND,
                            "Above, the survey figure; below, the recorded crime rate over "
                            "the same 12 months, each against London (dashed). The two "
                            "panels have their own scales.",
                            "arp-graph perception-tall",
                        ),
                        _table(
                            ids.PERCEPTION_CRIME_TREND_TABLE,
                            "Table of the survey and crime over time",
                        ),
                    ],
                    className="perception-section",
                ),
                html.Section(
                    [
                        html.H2("Homicide by year", id=ids.PERCEPTION_HOMICIDE_HEADING),
                        html.Div(
                            id=ids.PERCEPTION_HOMICIDE_SUMMARY, className="perception-summary"
                        ),
                        _figure(
                            ids.PERCEPTION_HOMICIDE,
                            "Victims each calendar year by method of killing, with the 95% "
                            "interval of each count: the range of underlying yearly levels "
                            "that chance alone could have turned into the number recorded.",
                        ),
                        _table(ids.PERCEPTION_HOMICIDE_TABLE, "Table of homicide victims by year"),
                    ],
                    className="perception-section",
                ),
                html.Section(
                    [
                        html.H2(
                            "Homicide victims by age, sex and solved status",
                            id=ids.PERCEPTION_VICTIMS_HEADING,
                        ),
                        html.Div(id=ids.PERCEPTION_VICTIMS_SUMMARY, className="perception-summary"),
                        _figure(
                            ids.PERCEPTION_VICTIMS,
                            "Victims of homicide by any method each calendar year, by age "
                            "group. A year with fewer than 10 victims is one hatched grey bar: "
                            "its total, not split.",
                        ),
                        _table(ids.PERCEPTION_VICTIMS_AGE_TABLE, "Table of victims by age group"),
                        _table(ids.PERCEPTION_VICTIMS_SEX_TABLE, "Table of victims by sex"),
                        _table(
                            ids.PERCEPTION_VICTIMS_SOLVED_TABLE, "Table of victims by solved status"
                        ),
                    ],
                    className="perception-section",
                ),
                html.Section(
                    [
                        html.H2("Download"),
                        html.P(
                            "Every figure of the chosen survey measure, for every borough and "
                            "London and every 12 months, with the assumed sample size, the "
                            "interval and the comparisons shown on this page."
                        ),
                        html.Button(
                            "Download the survey figures (CSV)",
                            id=ids.PERCEPTION_DOWNLOAD_BUTTON,
                            type="button",
                            className="arp-button",
                        ),
                        dcc.Download(id=ids.PERCEPTION_DOWNLOAD),
                    ],
                    className="perception-section",
                ),
            ],
        ),
    ]


def map_key(key: MapKey | None) -> list:
    """The map's key in words: each colour with the figures it stands for."""
    if key is None:
        return []
    items = [
        html.Li(
            [
                html.Span(
                    className=f"swatch {item.kind}",
                    style={"background": item.colour}
                    if item.kind == "fill"
                    else {"borderColor": item.colour},
                    **{"aria-hidden": "true"},
                ),
                html.Span(item.text),
            ]
        )
        for item in key.items
    ]
    return [html.P(key.title, className="legend-title"), html.Ul(items, className="legend-list")]
