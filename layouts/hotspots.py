"""Hot spots and repeat victimisation: a map layer of hot-spot classes and a table
that gives each flagged area's reasons, with the choices kept in the URL."""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urlencode

from dash import dcc, html

from data import hotspots as rules
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
            html.Legend("Choose what to look for"),
            native_select("hot-measure", "Measure", "measure", measures, state["measure"]),
            native_select("hot-level", "Areas", "level", levels, state["level"]),
            native_select("hot-borough", "Show areas in", "borough", boroughs, state["borough"]),
        ],
        className="arp-choices",
        **{"data-store": ids.HOT_CHOICE},
    )


def legend(items: Sequence[tuple[str, str, int]]) -> html.Ul:
    """The map's key: (label, colour, how many areas)."""
    return html.Ul(
        [
            html.Li(
                [
                    html.Span(className="hot-swatch", style={"backgroundColor": colour}),
                    f"{label} ({count:,})",
                ]
            )
            for label, colour, count in items
        ],
        className="hot-legend",
    )


METHOD = [
    html.P(rules.REPEAT_VICTIMISATION_NOTE),
    html.P(
        "Persistent hot spots follow the law of crime concentration (Weisburd 2015): a "
        "small share of places holds a large share of crime, and the same places stay on "
        f"top. A ward or small area is a persistent hot spot when it is among London's top "
        f"{rules.PERSISTENT_SHARE:.0%} by number of offences in each of the last three "
        "separate 12-month years (two for small areas, whose data starts in March 2024). "
        "Areas tied at the cut are all left out, so no more than that share is flagged."
    ),
    html.P(
        "Spatial clusters: Getis-Ord Gi* asks whether an area and its neighbours (areas "
        "sharing a boundary or a corner) together had more offences over 12 months than "
        "chance would give. Its significance is two-sided and comes from random "
        "rearrangements of the other areas' counts (999, and up to 99,999 for the clearest "
        "cases), corrected for testing every area at once (Benjamini-Hochberg false "
        "discovery rate). Only areas with q < 0.05 are called hot or cold spots."
    ),
    html.P(
        "How a hot spot moves: Gi* is worked out for the rolling 12 months ending in each "
        "of the last 24 months. A hot spot in at least 90% of them, the latest included, "
        "is steady, or intensifying or diminishing when the monthly offences of the area "
        "and its neighbours show a significant trend (seasonal Mann-Kendall test, each "
        "calendar month compared with itself); new, consecutive, sporadic and oscillating "
        "hot spots are younger or on and off; a former hot spot was one in at least half "
        "of the earlier windows but is not now. These follow emerging hot-spot analysis."
    ),
    html.P(
        "Counts, not rates per resident, are used: the West End and other visitor-heavy "
        "wards have few residents, so their rates say little about the risk to residents. "
        "The City of London is policed by the City of London Police and has no figures "
        "here, not zero."
    ),
]


def layout(query: dict[str, str], path: str = "/hotspots") -> list:
    search = "?" + urlencode(query) if query else ""
    return [
        dcc.Location(id=ids.HOT_URL, refresh="callback-nav", search=search),
        dcc.Store(id=ids.HOT_CHOICE),
        dcc.Store(id=ids.HOT_STATE),
        html.H1("Hot spots and repeat victimisation"),
        html.P(
            "Where weapon-enabled crime happens month after month, and where it clusters "
            "beyond what chance would explain. Choose a measure and the areas; the address "
            "of this page keeps your choices.",
            className="risk-lede",
        ),
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
                                html.Div(
                                    dcc.Graph(
                                        id=ids.HOT_MAP,
                                        config={
                                            "displaylogo": False,
                                            "responsive": True,
                                            "scrollZoom": False,
                                        },
                                    ),
                                    className="hot-graph",
                                ),
                                html.Figcaption(id=ids.HOT_LEGEND),
                            ],
                            className="arp-figure",
                        ),
                    ],
                    className="risk-section",
                ),
                html.Section(
                    [
                        html.H3("Flagged areas and why"),
                        html.Div(
                            id=ids.HOT_TABLE,
                            className="table-wrap hot-table",
                            tabIndex="0",
                            role="region",
                            **{"aria-label": "Flagged areas"},
                        ),
                        html.Div(
                            [
                                html.Button(
                                    "Download this table (CSV)",
                                    id=ids.HOT_DOWNLOAD_BUTTON,
                                    className="arp-button",
                                    type="button",
                                ),
                                dcc.Download(id=ids.HOT_DOWNLOAD),
                            ],
                            className="arp-actions",
                        ),
                    ],
                    className="risk-section",
                ),
            ],
            id=ids.HOT_RESULTS,
        ),
        html.Div(id=ids.HOT_NOTES, className="risk-notes"),
        html.Section([html.H2("How hot spots are found"), *METHOD], className="risk-definition"),
    ]
