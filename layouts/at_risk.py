"""Most at-risk areas: areas ranked by rate, set on a funnel plot so small areas are not
over-read, with the choices a person made kept in the URL."""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urlencode

from dash import dcc, html

from layouts import ids
from layouts.tables import csv_button

# (value, label, group): options with the same group label share an <optgroup>.
Option = tuple[str, str, str]

# Native <select> elements are used instead of dcc.Dropdown: Dash 4's dropdown keeps an
# aria-hidden input in the tab order (an axe "serious" failure), while a native select
# is labelled by its <label>, works from the keyboard and opens the phone's own picker.
# A page-wide listener (callbacks.at_risk.CHOICE_LISTENER) copies the values of the
# selects in a fieldset into the dcc.Store named by the fieldset's data-store.


def native_select(
    select_id: str, label: str, name: str, options: Sequence[Option], value: str
) -> html.Div:
    children: list = []
    groups: dict[str, html.Optgroup] = {}
    for option_value, option_label, group in options:
        option = html.Option(option_label, value=option_value, selected=option_value == value)
        if not group:
            children.append(option)
        elif group in groups:
            groups[group].children.append(option)
        else:
            groups[group] = html.Optgroup([option], label=group)
            children.append(groups[group])
    return html.Div(
        [html.Label(label, htmlFor=select_id), html.Select(children, id=select_id, name=name)],
        className="arp-field",
    )


def controls(
    state: dict[str, str],
    *,
    measures: Sequence[Option],
    levels: Sequence[Option],
    periods: Sequence[Option],
    months: Sequence[Option],
    within: Sequence[Option],
    orders: Sequence[Option],
) -> html.Fieldset:
    fields = [
        html.Legend("Choose what to rank"),
        native_select("risk-measure", "Measure", "measure", measures, state["measure"]),
        native_select("risk-level", "Areas", "level", levels, state["level"]),
        native_select("risk-period", "Period", "period", periods, state["period_choice"]),
    ]
    if state["period_choice"] == "range":
        fields += [
            native_select("risk-start", "From", "start", months, state["start"]),
            native_select("risk-end", "To", "end", months, state["end"]),
        ]
    fields += [
        native_select("risk-within", "Show areas in", "within", within, state["within"]),
        native_select("risk-order", "Order", "order", orders, state["order"]),
    ]
    return html.Fieldset(fields, className="arp-choices", **{"data-store": ids.RISK_CHOICE})


def layout(query: dict[str, str], path: str = "/at-risk") -> list:
    search = "?" + urlencode(query) if query else ""
    return [
        dcc.Location(id=ids.RISK_URL, refresh="callback-nav", search=search),
        dcc.Store(id=ids.RISK_CHOICE),
        dcc.Store(id=ids.RISK_STATE),
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
                                html.Div(
                                    id=ids.RISK_FUNNEL_TABLE,
                                    className="table-wrap",
                                    tabIndex="0",
                                    role="region",
                                    **{"aria-label": "Funnel plot figures"},
                                ),
                                csv_button(ids.RISK_FUNNEL_TABLE),
                            ]
                        ),
                    ],
                    className="risk-section",
                ),
                html.Section(
                    [
                        html.H3("Ranked table"),
                        html.Div(
                            id=ids.RISK_TABLE,
                            className="table-wrap risk-table",
                            tabIndex="0",
                            role="region",
                            **{"aria-label": "Ranked areas"},
                        ),
                        html.Div(
                            [
                                html.Button(
                                    "Download this table (CSV)",
                                    id=ids.RISK_DOWNLOAD_BUTTON,
                                    className="arp-button",
                                    type="button",
                                ),
                                dcc.Download(id=ids.RISK_DOWNLOAD),
                            ],
                            className="arp-actions",
                        ),
                        html.Div(id=ids.RISK_PROFILES, className="risk-profiles"),
                    ],
                    className="risk-section",
                ),
            ],
            id=ids.RISK_RESULTS,
        ),
    ]
