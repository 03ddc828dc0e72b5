"""Young people and knife crime: young victims per resident of their age, in plain words,
with intervals and the comparison with London, and their share of knife injuries."""

from __future__ import annotations

from urllib.parse import urlencode

from dash import dcc, html

from layouts import ids
from layouts.charts import png_button
from layouts.tables import csv_button
from presenters.young_people import CAVEATS


def _graph(graph_id: str, class_name: str = "arp-graph") -> html.Div:
    return html.Div(
        dcc.Graph(id=graph_id, config={"displaylogo": False, "responsive": True}),
        className=class_name,
    )


def layout(query: dict[str, str], path: str = "/young-people") -> list:
    search = "?" + urlencode(query) if query else ""
    return [
        dcc.Location(id=ids.YOUNG_URL, refresh="callback-nav", search=search),
        dcc.Store(id=ids.YOUNG_CHOICE),
        html.H1("Young people and knife crime"),
        html.P(
            "How many young people are injured with a knife, for the number of young people "
            "who live there, borough by borough and ward by ward, set against London. The "
            "address of this page keeps your choices.",
            className="risk-lede",
        ),
        html.Div(id=ids.YOUNG_CONTROLS, className="risk-controls"),
        html.H2(id=ids.YOUNG_HEADING, className="risk-heading", **{"aria-live": "polite"}),
        html.Div(id=ids.YOUNG_SUMMARY, className="young-summary"),
        html.Div(
            [
                html.Section(
                    [
                        html.H3("Victims per 1,000 residents aged 0-24, with the range"),
                        html.Figure(
                            [
                                _graph(ids.YOUNG_CHART, "young-graph"),
                                png_button(ids.YOUNG_CHART),
                                html.Figcaption(id=ids.YOUNG_CHART_NOTE, className="arp-caption"),
                            ],
                            className="arp-figure",
                        ),
                        html.Div(id=ids.YOUNG_TABLE, className="hot-table"),
                        html.Div(csv_button(ids.YOUNG_TABLE), className="arp-actions"),
                        html.Div(id=ids.YOUNG_NOTES, className="risk-notes"),
                    ],
                    className="risk-section",
                ),
                html.Section(
                    [
                        html.H3("Young victims' share of knife crime with injury"),
                        html.Div(id=ids.YOUNG_SHARE_NOTE),
                        html.Figure(
                            [
                                _graph(ids.YOUNG_SHARE),
                                png_button(ids.YOUNG_SHARE),
                                html.Figcaption(
                                    id=ids.YOUNG_SHARE_CAPTION, className="arp-caption"
                                ),
                            ],
                            className="arp-figure",
                        ),
                        html.Details(
                            [
                                html.Summary("Table of the share"),
                                html.Div(id=ids.YOUNG_SHARE_TABLE),
                                csv_button(ids.YOUNG_SHARE_TABLE),
                            ]
                        ),
                    ],
                    className="risk-section",
                ),
            ],
            id=ids.YOUNG_RESULTS,
        ),
        html.Section(
            [
                html.H2("Reading these figures"),
                html.Ul([html.Li(text) for text in CAVEATS], className="young-caveats"),
            ],
            className="risk-definition",
        ),
    ]
