"""The London overview: headline figures by measure group, then London's knife trends."""

from __future__ import annotations

from dash import dcc, html

from data.overview import MONTHLY, ROLLING, TREND_VIEWS
from layouts import ids

TREND_BUTTONS = (
    (ids.OVERVIEW_TREND_MONTHLY, MONTHLY, "Each month"),
    (ids.OVERVIEW_TREND_ROLLING, ROLLING, "Rolling 12 months"),
)


def trend_view_from(query: dict[str, str]) -> str:
    view = query.get("trend", MONTHLY)
    return view if view in TREND_VIEWS else MONTHLY


def trend_switch(view: str) -> html.Div:
    """Two toggle buttons: a plain, keyboard-friendly choice that says which is on."""
    return html.Div(
        [
            html.Span("Show:", id="overview-trend-label", className="overview-switch-label"),
            *(
                html.Button(
                    text,
                    id=button_id,
                    type="button",
                    className="overview-toggle",
                    **{"aria-pressed": "true" if value == view else "false"},
                )
                for button_id, value, text in TREND_BUTTONS
            ),
            html.Span(
                "The rolling view adds each month to the 11 before it, which smooths out "
                "month-to-month noise and the seasons.",
                className="note overview-switch-note",
            ),
        ],
        role="group",
        className="overview-switch",
        **{"aria-labelledby": "overview-trend-label"},
    )


def layout(query: dict[str, str], path: str = "/") -> list:
    return [
        dcc.Store(id=ids.OVERVIEW_STATE, data=query),
        html.H1("Weapon-enabled crime in London"),
        html.P(id=ids.OVERVIEW_PERIOD, className="overview-lede"),
        html.Div(id=ids.OVERVIEW_CARDS, className="overview-groups"),
        html.Section(
            [
                html.H2("What changed", id="overview-what-changed"),
                html.Div(id=ids.OVERVIEW_SUMMARY, **{"aria-live": "polite"}),
            ],
            className="overview-section",
            **{"aria-labelledby": "overview-what-changed"},
        ),
        html.Section(
            [
                html.H2("Knife crime in London over time", id="overview-trends"),
                dcc.Store(id=ids.OVERVIEW_TREND_VIEW, data=trend_view_from(query)),
                trend_switch(trend_view_from(query)),
                html.P(
                    [
                        "The Metropolitan Police moved to a new crime recording system, "
                        "CONNECT, in February 2024. How offences were recorded changed with "
                        "it, so compare figures from before and after that month with care; "
                        "the dotted line on each chart marks it. More in ",
                        dcc.Link("About the data", href="/about"),
                        ".",
                    ],
                    className="note",
                ),
                html.Div(id=ids.OVERVIEW_CHARTS, className="overview-charts"),
                html.Details(
                    [
                        html.Summary("Table of the charts' figures"),
                        html.Div(
                            id=ids.OVERVIEW_TABLE,
                            className="table-wrap",
                            tabIndex="0",
                            role="region",
                            **{"aria-label": "London knife crime figures by month"},
                        ),
                    ],
                    className="overview-table",
                ),
                html.Button(
                    "Download the table (CSV)",
                    id=ids.OVERVIEW_DOWNLOAD_BUTTON,
                    className="overview-button",
                    type="button",
                ),
                dcc.Download(id=ids.OVERVIEW_DOWNLOAD),
            ],
            className="overview-section",
            **{"aria-labelledby": "overview-trends"},
        ),
        html.Section(
            [
                html.H2("Explore further", id="overview-explore"),
                html.Ul(
                    [
                        html.Li(
                            [
                                dcc.Link("Map", href="/map"),
                                ": every borough and ward, by count, rate or change.",
                            ]
                        ),
                        html.Li(
                            [
                                dcc.Link("At-risk areas", href="/at-risk"),
                                ": where weapon crime is persistent or clustered.",
                            ]
                        ),
                        html.Li(
                            [
                                dcc.Link("About the data", href="/about"),
                                ": definitions, caveats, sources and the data version.",
                            ]
                        ),
                    ],
                    className="overview-links",
                ),
            ],
            className="overview-section",
            **{"aria-labelledby": "overview-explore"},
        ),
    ]
