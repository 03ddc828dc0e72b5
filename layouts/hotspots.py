"""Hot spots and repeat victimisation: a map of findings with its key, a table of the
flagged areas and their reasons, the concentration of offences in few areas, and the
sensitivity of the answer to the definition, with the choices kept in the URL."""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urlencode

from dash import dcc, html

from layouts import ids
from layouts.charts import png_button
from layouts.tables import csv_button, table
from layouts.text import paras
from presenters.common.table import TableModel
from presenters.common.view import Para
from presenters.hotspots import LEDE, LORENZ_CAPTION, KeyItem, method


def map_key(items: Sequence[KeyItem]) -> html.Ul | None:
    """The map's key: a swatch and words for each finding shown."""
    if not items:
        return None
    return html.Ul(
        [
            html.Li(
                [html.Span(className="hot-swatch", style={"backgroundColor": i.colour}), i.text]
            )
            for i in items
        ],
        className="hot-legend",
    )


def sensitivity(text: Sequence[Para], model: TableModel | None) -> list:
    """The sensitivity table with its words and its own CSV button."""
    if model is None:
        return []
    return [html.H3("Does the definition matter?"), *paras(text),
            table(model, label="Sensitivity to the definition"),
            html.Div(csv_button(ids.HOT_SENSITIVITY), className="arp-actions")]  # fmt: skip


def _graph(graph_id: str, class_name: str, **config) -> html.Div:
    return html.Div(
        dcc.Graph(id=graph_id, config={"displaylogo": False, "responsive": True, **config}),
        className=class_name,
    )


def layout(query: dict[str, str], path: str = "/hotspots") -> list:
    search = "?" + urlencode(query) if query else ""
    return [
        dcc.Location(id=ids.HOT_URL, refresh="callback-nav", search=search),
        dcc.Store(id=ids.HOT_CHOICE),
        dcc.Store(id=ids.HOT_MAP_FOCUS),
        html.H1("Hot spots and repeat victimisation"),
        *(html.P(p.text, className="risk-lede") for p in LEDE),
        html.Div(id=ids.HOT_CONTROLS, className="risk-controls"),
        html.H2(id=ids.HOT_HEADING, className="risk-heading", **{"aria-live": "polite"}),
        html.Div(id=ids.HOT_SUMMARY, className="risk-summary"),
        html.Div(
            [
                html.Section(
                    [
                        html.H3("Map of hot spots"),
                        html.P(id=ids.HOT_MAP_NOTE, className="arp-caption"),
                        html.Figure(
                            [
                                _graph(ids.HOT_MAP, "hot-graph", scrollZoom=False),
                                html.Figcaption(id=ids.HOT_LEGEND),
                            ],
                            className="arp-figure",
                        ),
                        html.Div(id=ids.HOT_CLASSES, className="hot-classes"),
                    ],
                    className="risk-section",
                ),
                html.Section(
                    [
                        html.H3("Flagged areas and why"),
                        html.Div(id=ids.HOT_TABLE, className="hot-table"),
                        html.Div(csv_button(ids.HOT_TABLE), className="arp-actions"),
                    ],
                    className="risk-section",
                ),
                html.Section(
                    [
                        html.H3("How concentrated is it?"),
                        html.Div(id=ids.HOT_CONCENTRATION_TEXT),
                        html.Figure(
                            [
                                _graph(ids.HOT_LORENZ, "hot-lorenz"),
                                png_button(ids.HOT_LORENZ),
                                html.Figcaption(LORENZ_CAPTION, className="arp-caption"),
                            ],
                            className="arp-figure",
                        ),
                        html.Div(id=ids.HOT_CONCENTRATION),
                        html.Div(csv_button(ids.HOT_CONCENTRATION), className="arp-actions"),
                    ],
                    className="risk-section",
                ),
            ],
            id=ids.HOT_RESULTS,
        ),
        html.Section(
            [
                html.H2("Notes"),
                html.Div(id=ids.HOT_NOTES, className="risk-notes"),
                html.Div(id=ids.HOT_SENSITIVITY),
            ],
            className="risk-section",
        ),
        html.Section(
            [html.H2("How hot spots are found"), *paras(method())], className="risk-definition"
        ),
    ]
