"""Compare areas: two to six boroughs, wards or BCUs side by side, kept in the address."""

from __future__ import annotations

from urllib.parse import urlencode

from dash import dcc, html

from layouts import ids
from layouts.charts import png_button
from layouts.tables import csv_button
from presenters.compare import MAX_AREAS, AddAnswer, Chosen

LEDE = (
    "Set boroughs, wards or Basic Command Units side by side: one measure's rates over "
    f"time on one chart, and every measure in a table. Add up to {MAX_AREAS} areas; the "
    "address of this page keeps them, so a link to it reopens the same comparison."
)


def layout(query: dict[str, str], path: str = "/compare") -> list:
    search = "?" + urlencode(query) if query else ""
    return [
        dcc.Location(id=ids.COMPARE_URL, refresh="callback-nav", search=search),
        dcc.Store(id=ids.COMPARE_CHOICE),
        dcc.Store(id=ids.COMPARE_SEARCH_NAMES),
        html.H1("Compare areas"),
        html.P(LEDE, className="risk-lede"),
        html.H2(id=ids.COMPARE_HEADING, className="risk-heading", **{"aria-live": "polite"}),
        html.Div(id=ids.COMPARE_CHOSEN, className="compare-chosen"),
        add_box(),
        html.Div(id=ids.COMPARE_SUMMARY, className="risk-summary"),
        html.Div(
            [
                html.Div(id=ids.COMPARE_CONTROLS, className="risk-controls"),
                html.Section(
                    [
                        html.H3("Over time"),
                        html.Figure(
                            [
                                html.Div(
                                    dcc.Graph(
                                        id=ids.COMPARE_CHART,
                                        config={"displaylogo": False, "responsive": True},
                                    ),
                                    className="arp-graph",
                                ),
                                png_button(ids.COMPARE_CHART),
                                html.Figcaption(id=ids.COMPARE_CHART_NOTE, className="arp-caption"),
                            ],
                            className="arp-figure",
                        ),
                        html.Details(
                            [
                                html.Summary("Table of the chart"),
                                html.Div(id=ids.COMPARE_TREND_TABLE),
                                csv_button(ids.COMPARE_TREND_TABLE),
                            ]
                        ),
                    ],
                    className="risk-section",
                ),
                html.Section(
                    [
                        html.H3("Every measure, latest 12 months"),
                        html.Div(id=ids.COMPARE_TABLE),
                        html.Div(csv_button(ids.COMPARE_TABLE), className="arp-actions"),
                        html.Div(id=ids.COMPARE_NOTES, className="risk-notes"),
                    ],
                    className="risk-section",
                ),
            ],
            id=ids.COMPARE_RESULTS,
            hidden=True,
        ),
        html.P(
            ["Link to this comparison: ", dcc.Link(id=ids.COMPARE_SHARE, href="/compare")],
            className="compare-share",
        ),
    ]


def add_box() -> html.Div:
    return html.Div(
        [
            html.Label("Add a borough, ward or BCU", htmlFor=ids.COMPARE_SEARCH),
            html.Div(
                [
                    dcc.Input(
                        id=ids.COMPARE_SEARCH,
                        type="text",
                        list=ids.COMPARE_SEARCH_LIST,
                        debounce=True,
                        autoComplete="off",
                        placeholder="For example Southwark or Peckham",
                        className="profile-search-input",
                    ),
                    html.Button("Add", id=ids.COMPARE_ADD, type="button", className="arp-button"),
                ],
                className="profile-search-row",
            ),
            html.Datalist(id=ids.COMPARE_SEARCH_LIST),
            html.Div(id=ids.COMPARE_ADD_MESSAGE, **{"aria-live": "polite"}),
        ],
        role="search",
        className="profile-search compare-add",
    )


def chosen(items: tuple[Chosen, ...]) -> html.Ul | None:
    """The areas compared: each name, what it is, its profile and a link that removes it."""
    if not items:
        return None
    return html.Ul(
        [
            html.Li(
                [
                    html.Strong(c.name),
                    html.Span(f" ({c.kind}) "),
                    dcc.Link(c.profile.text, href=c.profile.href),
                    " ",
                    dcc.Link(f"Remove {c.name}", href=c.remove_href, className="compare-remove"),
                ]
            )
            for c in items
        ],
        className="compare-list",
    )


def add_message(answer: AddAnswer | None) -> list:
    if answer is None or not answer.message:
        return []
    out: list = [html.P(answer.message)]
    if answer.matches:
        out.append(html.Ul([html.Li(dcc.Link(m.text, href=m.href)) for m in answer.matches]))
    return out
