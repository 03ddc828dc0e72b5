"""Area profile: one borough, ward or BCU in plain words, trends, rank and funnel position.

The page lives at /area/<code>; /area alone offers the search box and every borough
with its wards.
"""

from __future__ import annotations

from urllib.parse import urlencode

from dash import dcc, html

from layouts import ids
from layouts.charts import png_button
from layouts.controls import fieldset
from layouts.tables import csv_button, table
from layouts.text import paras
from presenters.common.view import Link
from presenters.profile import (
    Browse,
    ProfileView,
    SearchAnswer,
    TrendView,
    area_code,
    print_css_href,
)

FUNNEL_CAPTION = (
    "Each grey dot is another area of the same kind; the diamond is this area. Between the "
    "dashed lines (95%) an area's rate is consistent with London's; above the dotted line "
    "(99.8%) it is higher than chance would explain. Limits narrow as populations grow."
)


def _section(title: str, children: list, class_name: str = "profile-section") -> html.Section:
    return html.Section([html.H2(title), *children], className=class_name)


def _graph(graph_id: str) -> html.Div:
    # A responsive dcc.Graph is 100% of its parent's height, so the box sets it (CSS).
    graph = dcc.Graph(
        id=graph_id,
        config={
            "displaylogo": False,
            "responsive": True,
            "modeBarButtonsToRemove": ["select2d", "lasso2d"],
        },
    )
    return html.Div(graph, className="arp-graph")


def search_box() -> html.Div:
    return html.Div(
        [
            html.Label(
                "Find a postcode, or a borough, ward or BCU by name", htmlFor=ids.PROFILE_SEARCH
            ),
            html.Div(
                [
                    dcc.Input(
                        id=ids.PROFILE_SEARCH,
                        type="text",
                        list=ids.PROFILE_SEARCH_LIST,
                        debounce=True,
                        autoComplete="off",
                        placeholder="For example SW2 1RW, Lambeth or Brixton",
                        className="profile-search-input",
                    ),
                    html.Button(
                        "Show profile",
                        id=ids.PROFILE_SEARCH_BUTTON,
                        type="button",
                        className="arp-button",
                    ),
                ],
                className="profile-search-row",
            ),
            # Filled in the browser from the store (dashboard/assets/profile.js): 749
            # html.Option components would be 749 Dash components to build and mount.
            html.Datalist(id=ids.PROFILE_SEARCH_LIST),
            dcc.Store(id=ids.PROFILE_SEARCH_NAMES),
            html.Div(id=ids.PROFILE_SEARCH_MESSAGE, **{"aria-live": "polite"}),
        ],
        role="search",
        className="profile-search",
    )


def layout(query: dict[str, str], path: str = "/area") -> list:
    code = area_code(path)
    search = "?" + urlencode(query) if query else ""
    return [
        dcc.Location(id=ids.PROFILE_URL, refresh="callback-nav", search=search),
        dcc.Store(id=ids.PROFILE_CODE, data=code),
        dcc.Store(id=ids.PROFILE_TREND_CHOICE),
        html.H1("Area profile" if code else "Area profiles", id=ids.PROFILE_TITLE),
        html.P(id=ids.PROFILE_SUBTITLE, className="profile-subtitle"),
        search_box(),
        html.Div(id=ids.PROFILE_BROWSE),
        html.Div(id=ids.PROFILE_BODY, hidden=True, children=body()),
        # In print only: the sources and the data version, at the end of the document
        # and (from the stylesheet below) at the foot of every page.
        html.P(id=ids.PROFILE_PRINT_LINE, className="print-footer"),
        *([html.Link(rel="stylesheet", href=print_css_href(code), media="print")] if code else []),
    ]


def body() -> list:
    return [
        html.Div(id=ids.PROFILE_SUMMARY, className="profile-summary"),
        html.Nav(
            id=ids.PROFILE_LINKS, className="profile-links", **{"aria-label": "Related pages"}
        ),
        html.Div(
            id=ids.PROFILE_DETAILS,
            hidden=True,
            children=[
                _section(
                    "Figures for the latest 12 months",
                    [
                        html.Div(id=ids.PROFILE_GLANCE),
                        csv_button(ids.PROFILE_GLANCE),
                        html.Div(id=ids.PROFILE_MISSING, className="profile-missing"),
                    ],
                ),
                _section(
                    "Rank among similar areas",
                    [html.Div(id=ids.PROFILE_RANKS), csv_button(ids.PROFILE_RANKS)],
                ),
                _section("Trends against London", trend_section()),
                _section("Position on the funnel plot", funnel_section()),
                _section(
                    "Positive outcomes",
                    [html.Div(id=ids.PROFILE_OUTCOMES), csv_button(ids.PROFILE_OUTCOMES)],
                ),
                _section(
                    "Hot-spot status",
                    [html.Div(id=ids.PROFILE_HOTSPOTS), csv_button(ids.PROFILE_HOTSPOTS)],
                ),
                _section(
                    "Public perception",
                    [html.Div(id=ids.PROFILE_PERCEPTION), csv_button(ids.PROFILE_PERCEPTION)],
                ),
                _section(
                    "Download",
                    [
                        html.P(
                            "Every monthly figure for this area, one row per measure and "
                            "month, with a column marking counts too small to rely on."
                        ),
                        html.Button(
                            "Download monthly figures (CSV)",
                            id=ids.PROFILE_DOWNLOAD_BUTTON,
                            type="button",
                            className="arp-button",
                        ),
                        dcc.Download(id=ids.PROFILE_DOWNLOAD),
                        html.P(
                            "The whole profile, laid out for A4 paper, with the sources and "
                            "the data version on every page."
                        ),
                        html.Div(
                            [
                                html.A(
                                    "Download this profile (PDF)",
                                    id=ids.PROFILE_PDF,
                                    className="arp-button profile-pdf",
                                ),
                                html.Button(
                                    "Print this profile",
                                    type="button",
                                    className="arp-button print-page",
                                ),
                            ],
                            className="arp-actions",
                        ),
                    ],
                ),
            ],
        ),
    ]


def trend_section() -> list:
    return [
        html.Div(id=ids.PROFILE_TREND_CONTROLS),
        html.Figure(
            [
                _graph(ids.PROFILE_TREND),
                png_button(ids.PROFILE_TREND),
                html.Figcaption(id=ids.PROFILE_TREND_NOTE, className="arp-caption"),
            ],
            className="arp-figure",
        ),
        html.Details(
            [
                html.Summary("Table of the trend"),
                html.Div(id=ids.PROFILE_TREND_TABLE),
                csv_button(ids.PROFILE_TREND_TABLE),
            ]
        ),
    ]


def funnel_section() -> list:
    return [
        html.P(id=ids.PROFILE_FUNNEL_NOTE),
        html.Figure(
            [
                _graph(ids.PROFILE_FUNNEL),
                png_button(ids.PROFILE_FUNNEL),
                html.Figcaption(FUNNEL_CAPTION, className="arp-caption"),
            ],
            className="arp-figure",
        ),
        html.Details(
            [
                html.Summary("Table of the funnel position"),
                html.Div(id=ids.PROFILE_FUNNEL_TABLE),
                csv_button(ids.PROFILE_FUNNEL_TABLE),
            ]
        ),
    ]


# -- view models into components -----------------------------------------------------


def link_items(links: tuple[Link, ...]) -> html.Ul | None:
    if not links:
        return None
    return html.Ul([html.Li(dcc.Link(link.text, href=link.href)) for link in links])


def glance(view: ProfileView) -> object:
    if view.glance is None:
        return html.P(view.glance_empty)
    return table(view.glance, label="Figures for every measure")


def ranks(view: ProfileView) -> object:
    if view.ranks is None:
        return html.P(view.ranks_empty)
    return table(view.ranks, label="Ranks by rate")


def outcomes(view: ProfileView) -> list:
    """The sentences, then the table, then what the rate means."""
    out = paras(view.outcomes)
    if view.outcomes_table is not None:
        out.append(table(view.outcomes_table, label="Positive outcome rates"))
    if view.outcomes_note:
        out.append(html.P(view.outcomes_note, className="arp-caption"))
    return out


def trend_controls(view: TrendView) -> object:
    return fieldset(view.controls, store=ids.PROFILE_TREND_CHOICE, prefix=ids.PROFILE_TREND_SELECT)


def search_answer(answer: SearchAnswer) -> list:
    out: list = [html.P(answer.message)] if answer.message else []
    items = link_items(answer.matches)
    if items is not None:
        out.append(html.Nav(items, className="profile-matches",
                            **{"aria-label": "Areas that match"}))  # fmt: skip
    return out


def browse(model: Browse | None) -> list:
    """Every borough as a disclosure (a native <details>) listing its profile and its
    wards' profiles, then the BCUs."""
    if model is None:
        return []
    boroughs = [
        html.Li(
            html.Details(
                [
                    html.Summary(f"{b.name} ({len(b.wards)} wards)"),
                    *([html.P(b.note, className="profile-browse-note")] if b.note else []),
                    html.Ul(
                        [
                            html.Li(dcc.Link(b.profile.text, href=b.profile.href)),
                            *(html.Li(dcc.Link(w.text, href=w.href)) for w in b.wards),
                        ],
                        className="profile-browse-wards",
                    ),
                ]
            )
        )
        for b in model.boroughs
    ]
    return [
        html.Section(
            [
                html.H2("Boroughs and their wards", id="profile-browse-boroughs"),
                html.P("Open a borough to see its wards; each name opens its profile."),
                html.Ul(boroughs, className="profile-browse"),
            ],
            **{"aria-labelledby": "profile-browse-boroughs"},
        ),
        html.Section(
            [
                html.H2("Basic Command Units", id="profile-browse-bcus"),
                link_items(model.bcus),
            ],
            className="profile-browse-bcus",
            **{"aria-labelledby": "profile-browse-bcus"},
        ),
    ]
