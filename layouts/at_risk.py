"""Most at-risk areas: areas ranked by rate, set on a funnel plot so small areas are not
over-read, with the choices a person made kept in the URL."""

from __future__ import annotations

from urllib.parse import urlencode

from dash import dcc, html

from layouts import ids
from layouts.charts import png_button
from layouts.tables import csv_button


def layout(query: dict[str, str], path: str = "/at-risk") -> list:
    search = "?" + urlencode(query) if query else ""
    return [
        dcc.Location(id=ids.RISK_URL, refresh="callback-nav", search=search),
        dcc.Store(id=ids.RISK_CHOICE),
        html.H1("Most at-risk areas"),
        html.P(
            "Which boroughs and wards have the highest rates of weapon-enabled crime, and "
            "which stand out by more than chance would explain. Choose a measure, the "
            "areas and a period; the address of this page keeps your choices, so a link "
            "to it reopens the same view.",
            className="risk-lede",
        ),
        html.Div(id=ids.RISK_CONTROLS, className="risk-controls"),
        html.H2(id=ids.RISK_HEADING, className="risk-heading", **{"aria-live": "polite"}),
        html.Div(id=ids.RISK_SUMMARY, className="risk-summary"),
        html.Div(id=ids.RISK_NOTES, className="risk-notes"),
        html.Div(id=ids.RISK_DEFINITION, className="risk-definition"),
        html.Div(
            [
                html.Section(
                    [
                        html.H3("Funnel plot"),
                        html.Figure(
                            [
                                html.Div(
                                    dcc.Graph(
                                        id=ids.RISK_FUNNEL,
                                        config={
                                            "displaylogo": False,
                                            "responsive": True,
                                            "modeBarButtonsToRemove": ["select2d", "lasso2d"],
                                        },
                                    ),
                                    className="arp-graph",
                                ),
                                png_button(ids.RISK_FUNNEL),
                                html.Figcaption(
                                    "How to read it: each mark is an area, placed by its "
                                    "population (across, on a log scale) and its rate (up). "
                                    "The solid line is London's rate; the dashed and dotted "
                                    "lines are the 95% and 99.8% control limits, which "
                                    "narrow as areas get bigger because chance matters less "
                                    "in a big area. Marks between the lines are consistent "
                                    "with London's rate; marks above the dotted line are "
                                    "higher than chance would explain. Triangles pointing up "
                                    "are above the limits, down below them, circles inside. "
                                    "Big areas fall outside the limits more easily: with "
                                    "so many residents even a modest, real difference from "
                                    "London is beyond chance. Select a mark to open that "
                                    "area's profile.",
                                    className="arp-caption",
                                ),
                            ],
                            className="arp-figure",
                        ),
                        html.Details(
                            [
                                html.Summary("Table of the funnel plot"),
                                html.Div(id=ids.RISK_FUNNEL_TABLE),
                                csv_button(ids.RISK_FUNNEL_TABLE),
                            ]
                        ),
                    ],
                    className="risk-section",
                ),
                html.Section(
                    [
                        html.H3("Ranked table"),
                        html.Div(id=ids.RISK_TABLE),
                        html.Div(csv_button(ids.RISK_TABLE), className="arp-actions"),
                        html.Div(id=ids.RISK_PROFILES, className="risk-profiles"),
                    ],
                    className="risk-section",
                ),
            ],
            id=ids.RISK_RESULTS,
        ),
    ]
