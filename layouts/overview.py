"""The London overview: headline figures by measure group, then London's knife trends."""

from __future__ import annotations

from urllib.parse import urlencode

from dash import dcc, html

from layouts import ids
from layouts.charts import png_button
from layouts.tables import csv_button, table
from layouts.text import paras
from presenters.overview import Card, CardGroup, TrendView

TREND_BUTTONS = {"monthly": ids.OVERVIEW_TREND_MONTHLY, "rolling": ids.OVERVIEW_TREND_ROLLING}


def trend_switch(view: TrendView | None = None) -> html.Div:
    """Two toggle buttons: a plain, keyboard-friendly choice that says which is on."""
    view = view or TrendView()
    return html.Div(
        [
            html.Span("Show:", id="overview-trend-label", className="overview-switch-label"),
            *(
                html.Button(
                    text,
                    id=TREND_BUTTONS[value],
                    type="button",
                    className="overview-toggle",
                    **{"aria-pressed": "true" if pressed else "false"},
                )
                for value, text, pressed in view.choices
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
        dcc.Location(
            id=ids.OVERVIEW_URL,
            refresh="callback-nav",
            search="?" + urlencode(query) if query else "",
        ),
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
                html.H2("What changed in the latest release", id="overview-release-heading"),
                html.Div(id=ids.OVERVIEW_RELEASE, className="overview-release"),
            ],
            className="overview-section",
            **{"aria-labelledby": "overview-release-heading"},
        ),
        html.Section(
            [
                html.H2("Knife crime in London over time", id="overview-trends"),
                trend_switch(),
                html.P(
                    [
                        "The Metropolitan Police moved to a new crime recording system, "
                        "CONNECT, in February 2024. How offences were recorded changed with "
                        "it, so compare figures from before and after that month with care; "
                        "the dotted line on each chart marks it. More in ",
                        dcc.Link("About the data", href="/about"),
                        ". These charts start when the knife crime file does; ",
                        dcc.Link("Long-term trends", href="/trends"),
                        " shows possession of weapons since 2010 and homicide since 2003.",
                    ],
                    className="note",
                ),
                html.Div(id=ids.OVERVIEW_CHARTS, className="overview-charts"),
                html.Details(
                    [
                        html.Summary("Table of the charts' figures"),
                        html.Div(id=ids.OVERVIEW_TABLE),
                    ],
                    className="overview-table",
                ),
                csv_button(ids.OVERVIEW_TABLE, "Download the table (CSV)"),
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
                                dcc.Link("Long-term trends", href="/trends"),
                                ": possession of weapons since 2010 and homicide by method "
                                "since 2003, for London and each borough.",
                            ]
                        ),
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
                                dcc.Link("Area profiles", href="/area"),
                                ": one borough, ward or BCU against London.",
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


# -- view models into components -----------------------------------------------------


def card(c: Card) -> html.Li:
    """One measure's figure, its comparison and verdict, with the definition beside it."""
    heading_id = f"overview-card-{c.measure}"
    children: list = [html.H3(c.label, id=heading_id)]
    if c.badge:
        children.append(html.P(c.badge, className="overview-badge"))
    if c.no_figure:
        # Plain text, not a heading in disguise: the card's heading is the measure.
        children.append(html.P(c.no_figure, className="overview-figure-line"))
    else:
        children.append(
            html.P(
                [html.Span(c.figure, className="overview-figure"), f" {c.figure_words}"],
                className="overview-figure-line",
            )
        )
        if c.previous:
            children.append(html.P(c.previous, className="overview-previous"))
        if c.verdict:
            children.append(
                html.P(c.verdict, className=f"overview-verdict overview-{c.change or 'steady'}")
            )
    children += [html.P(w, className="overview-warning") for w in c.warnings]
    if c.message:
        children.append(html.P(c.message, className="overview-message"))
    children.append(html.P(["Definition: ", c.definition], className="overview-definition"))
    return html.Li(
        children,
        className=f"overview-card overview-card-{c.status}",
        id=f"overview-card-box-{c.measure}",
        **{"aria-labelledby": heading_id},
    )


def card_group(group: CardGroup) -> html.Section:
    heading_id = f"overview-group-{group.key}"
    children: list = [html.H2(group.title, id=heading_id)]
    children += [html.P(p.text, className="note overview-group-lead") for p in group.lead]
    children.append(html.Ul([card(c) for c in group.cards], className="overview-card-list"))
    return html.Section(children, className="overview-group", **{"aria-labelledby": heading_id})


def charts(view: TrendView) -> list:
    if view.message:
        return paras([view.message])
    return [
        html.Figure(
            [
                html.H3(chart.label, id=f"overview-chart-{chart.measure}"),
                dcc.Graph(
                    id=f"overview-graph-{chart.measure}",
                    figure=chart.figure,
                    config={"displayModeBar": False, "responsive": True},
                    className="overview-trend-graph",
                    style={"height": "260px"},
                ),
                png_button(f"overview-graph-{chart.measure}"),
                html.Figcaption(chart.caption),
            ],
            className="overview-trend",
            **{"aria-labelledby": f"overview-chart-{chart.measure}"},
        )
        for chart in view.charts
    ]


def trend_table(view: TrendView) -> object:
    if view.message:
        return html.P(view.message)
    return table(view.table, label="London knife crime figures by month")
