"""Area profile: one borough, ward or BCU in plain words, trends, rank and funnel position.

The page lives at /area/<code>; /area alone offers the search box.
"""

from __future__ import annotations

from dash import dcc, html

from layouts import ids
from layouts.tables import csv_button


def area_code(path: str) -> str:
    rest = (path or "").rstrip("/")[len("/area") :].strip("/")
    return rest.split("/")[0] if rest else ""


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


def _table_holder(holder_id: str, label: str) -> html.Div:
    return html.Div(
        id=holder_id,
        className="table-wrap",
        tabIndex="0",
        role="region",
        **{"aria-label": label},
    )


def search_box() -> html.Div:
    return html.Div(
        [
            html.Label("Find a borough, ward or BCU by name", htmlFor=ids.PROFILE_SEARCH),
            html.Div(
                [
                    dcc.Input(
                        id=ids.PROFILE_SEARCH,
                        type="text",
                        list=ids.PROFILE_SEARCH_LIST,
                        debounce=True,
                        autoComplete="off",
                        placeholder="For example Lambeth or Brixton North",
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
            # Filled in the browser from the store: 749 html.Option components would be
            # 749 Dash components to build, send and mount.
            html.Datalist(id=ids.PROFILE_SEARCH_LIST),
            dcc.Store(id=ids.PROFILE_SEARCH_NAMES),
            html.P(id=ids.PROFILE_SEARCH_MESSAGE, **{"aria-live": "polite"}),
        ],
        role="search",
        className="profile-search",
    )


def layout(query: dict[str, str], path: str = "/area") -> list:
    code = area_code(path)
    return [
        dcc.Location(id=ids.PROFILE_URL, refresh="callback-nav"),
        dcc.Store(id=ids.PROFILE_CODE, data=code),
        dcc.Store(id=ids.PROFILE_TREND_CHOICE),
        html.H1("Area profile", id=ids.PROFILE_TITLE),
        html.P(
            id=ids.PROFILE_SUBTITLE,
            className="profile-subtitle",
            children=""
            if code
            else (
                "Weapon-enabled crime in one borough, ward or Basic Command Unit: its "
                "figures in plain words, its trends against London, its rank among similar "
                "areas and its positive outcome rate."
            ),
        ),
        search_box(),
        html.Div(
            id=ids.PROFILE_BODY,
            hidden=not code,
            children=[
                html.Div(id=ids.PROFILE_SUMMARY, className="profile-summary"),
                html.Nav(
                    id=ids.PROFILE_LINKS,
                    className="profile-links",
                    **{"aria-label": "Related pages"},
                ),
                html.Div(
                    id=ids.PROFILE_DETAILS,
                    children=[
                        _section(
                            "Figures for the latest 12 months",
                            [
                                _table_holder(ids.PROFILE_GLANCE, "Figures for every measure"),
                                csv_button(ids.PROFILE_GLANCE),
                                html.Div(id=ids.PROFILE_MISSING, className="profile-missing"),
                            ],
                        ),
                        _section(
                            "Rank among similar areas",
                            [
                                _table_holder(ids.PROFILE_RANKS, "Ranks by rate"),
                                csv_button(ids.PROFILE_RANKS),
                            ],
                        ),
                        _section(
                            "Trends against London",
                            [
                                html.Div(id=ids.PROFILE_TREND_CONTROLS),
                                html.Figure(
                                    [
                                        _graph(ids.PROFILE_TREND),
                                        html.Figcaption(
                                            id=ids.PROFILE_TREND_NOTE, className="arp-caption"
                                        ),
                                    ],
                                    className="arp-figure",
                                ),
                                html.Details(
                                    [
                                        html.Summary("Table of the trend"),
                                        _table_holder(ids.PROFILE_TREND_TABLE, "Monthly figures"),
                                        csv_button(ids.PROFILE_TREND_TABLE),
                                    ]
                                ),
                            ],
                        ),
                        _section(
                            "Position on the funnel plot",
                            [
                                html.P(id=ids.PROFILE_FUNNEL_NOTE),
                                html.Figure(
                                    [
                                        _graph(ids.PROFILE_FUNNEL),
                                        html.Figcaption(
                                            "Each grey dot is another area of the same kind; "
                                            "the diamond is this area. Between the dashed "
                                            "lines (95%) an area's rate is consistent with "
                                            "London's; above the dotted line (99.8%) it is "
                                            "higher than chance would explain. Limits narrow "
                                            "as populations grow.",
                                            className="arp-caption",
                                        ),
                                    ],
                                    className="arp-figure",
                                ),
                                html.Details(
                                    [
                                        html.Summary("Table of the funnel position"),
                                        _table_holder(ids.PROFILE_FUNNEL_TABLE, "Funnel figures"),
                                        csv_button(ids.PROFILE_FUNNEL_TABLE),
                                    ]
                                ),
                            ],
                        ),
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
                            [
                                html.Div(id=ids.PROFILE_PERCEPTION),
                                csv_button(ids.PROFILE_PERCEPTION),
                            ],
                        ),
                        _section(
                            "Download",
                            [
                                html.P(
                                    "Every monthly figure for this area, one row per measure "
                                    "and month, with a column marking counts below 10."
                                ),
                                html.Button(
                                    "Download monthly figures (CSV)",
                                    id=ids.PROFILE_DOWNLOAD_BUTTON,
                                    type="button",
                                    className="arp-button",
                                ),
                                dcc.Download(id=ids.PROFILE_DOWNLOAD),
                            ],
                        ),
                    ],
                ),
            ],
        ),
    ]
