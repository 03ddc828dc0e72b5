"""Young people and knife crime: how many young people were injured, per resident of
their age, in plain words, with intervals and the comparison with London."""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urlencode

from dash import dcc, html

from layouts import ids
from layouts.controls import native_select
from presenters.common.options import Option


def controls(
    state: dict[str, str],
    *,
    measures: Sequence[Option],
    levels: Sequence[Option],
    boroughs: Sequence[Option],
) -> html.Fieldset:
    return html.Fieldset(
        [
            html.Legend("Choose what to show"),
            native_select("young-measure", "Victims", "measure", measures, state["measure"]),
            native_select("young-level", "Areas", "level", levels, state["level"]),
            native_select("young-borough", "Borough", "borough", boroughs, state["borough"]),
        ],
        className="arp-choices",
        **{"data-store": ids.YOUNG_CHOICE},
    )


def _graph(graph_id: str, class_name: str = "arp-graph") -> html.Div:
    return html.Div(
        dcc.Graph(id=graph_id, config={"displaylogo": False, "responsive": True}),
        className=class_name,
    )


CAVEATS = html.Ul(
    [
        html.Li(
            "Victims are counted where they were injured, not where they live, and the "
            'residents are those of the area on Census day 2021: "1 in N" is victims per '
            "young resident, not the chance that a young person living there was hurt."
        ),
        html.Li(
            "Victims are aged 1 to 24 and residents 0 to 24 (the Census bands). A person "
            "injured twice in the year counts twice."
        ),
        html.Li(
            "The range is a 95% interval for the rate (exact Poisson): the true risk is "
            "likely inside it. Figures on fewer than 10 victims are marked unreliable."
        ),
        html.Li(
            "The ratio to London compares the victims recorded with the number London's "
            "rate would give for the area's young residents; an area is called higher or "
            "lower than London only when its whole interval is."
        ),
    ],
    className="young-caveats",
)


def layout(query: dict[str, str], path: str = "/young-people") -> list:
    search = "?" + urlencode(query) if query else ""
    return [
        dcc.Location(id=ids.YOUNG_URL, refresh="callback-nav", search=search),
        dcc.Store(id=ids.YOUNG_CHOICE),
        html.H1("Young people and knife crime"),
        html.P(
            "How likely young people are to be injured with a knife, borough by borough "
            "and ward by ward, set against London. The address of this page keeps your "
            "choices.",
            className="risk-lede",
        ),
        html.Div(id=ids.YOUNG_CONTROLS, className="risk-controls"),
        html.H2(id=ids.YOUNG_HEADING, className="risk-heading", **{"aria-live": "polite"}),
        html.Div(id=ids.YOUNG_SUMMARY, className="young-summary"),
        html.Div(
            [
                html.Section(
                    [
                        html.H3("Rate per 1,000 residents aged 0-24, with its range"),
                        html.Figure(
                            [
                                _graph(ids.YOUNG_CHART, "young-graph"),
                                html.Figcaption(id=ids.YOUNG_CHART_NOTE, className="arp-caption"),
                            ],
                            className="arp-figure",
                        ),
                        html.Div(
                            id=ids.YOUNG_TABLE,
                            className="table-wrap hot-table",
                            tabIndex="0",
                            role="region",
                            **{"aria-label": "Young victims by area"},
                        ),
                    ],
                    className="risk-section",
                ),
                html.Section(
                    [
                        html.H3("Young victims' share of knife crime with injury"),
                        html.P(id=ids.YOUNG_SHARE_NOTE),
                        html.Figure(
                            [
                                _graph(ids.YOUNG_SHARE),
                                html.Figcaption(
                                    "Victims aged 1-24 as a share of knife crime with "
                                    "injury offences over the 12 months to each month, "
                                    "with its 95% interval (exact binomial). The MPS "
                                    "publishes no count of knife injury victims of all "
                                    "ages; offences with injury stand in for it, as "
                                    "almost every such offence has one victim.",
                                    className="arp-caption",
                                ),
                            ],
                            className="arp-figure",
                        ),
                        html.Details(
                            [
                                html.Summary("Table of the share"),
                                html.Div(
                                    id=ids.YOUNG_SHARE_TABLE,
                                    className="table-wrap",
                                    tabIndex="0",
                                    role="region",
                                    **{"aria-label": "Young victims' share by month"},
                                ),
                            ]
                        ),
                    ],
                    className="risk-section",
                ),
            ],
            id=ids.YOUNG_RESULTS,
        ),
        html.Section([html.H2("Reading these figures"), CAVEATS], className="risk-definition"),
    ]
