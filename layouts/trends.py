"""Long-term trends: the selects, then each long-run measure as a chart, its notes, its
table and buttons to download the chart as a picture and the table as CSV."""

from __future__ import annotations

from urllib.parse import urlencode

from dash import dcc, html

from layouts import ids
from layouts.charts import png_button_only
from layouts.controls import fieldset
from layouts.tables import csv_button, table
from layouts.text import paras
from presenters.common.controls import Controls
from presenters.trends import MeasureTrend, TrendsView


def layout(query: dict[str, str], path: str = "/trends") -> list:
    search = "?" + urlencode(query) if query else ""
    return [
        dcc.Location(id=ids.TRENDS_URL, refresh="callback-nav", search=search),
        dcc.Store(id=ids.TRENDS_CHOICE),
        html.H1("Long-term trends"),
        html.Div(id=ids.TRENDS_LEDE, className="trends-lede"),
        html.Div(id=ids.TRENDS_CONTROLS, className="trends-controls"),
        html.H2(id=ids.TRENDS_HEADING, className="trends-heading", **{"aria-live": "polite"}),
        html.Div(id=ids.TRENDS_MEASURES, className="trends-measures"),
    ]


def controls(model: Controls) -> object:
    return fieldset(model, store=ids.TRENDS_CHOICE, prefix=ids.TRENDS_SELECT,
                    class_name="arp-choices trends-choices")  # fmt: skip


def measure_section(m: MeasureTrend) -> html.Section:
    heading_id = f"trends-measure-{m.measure}"
    holder = f"trends-chart-{m.measure}"
    table_id = f"trends-table-{m.measure}"
    return html.Section(
        [
            html.H3(m.heading, id=heading_id),
            html.P([m.definition, " ", m.covers], className="note trends-definition"),
            *paras(m.notes),
            html.Figure(
                [
                    html.Div(
                        dcc.Graph(
                            figure=m.figure,
                            config={"displayModeBar": False, "responsive": True},
                            style={"height": f"{m.height}px"},
                        ),
                        id=holder,
                        className="trends-graph",
                    ),
                    html.Figcaption(m.caption),
                ],
                className="trends-figure",
            ),
            html.Div(
                [
                    png_button_only(holder, "Download the chart (PNG)"),
                    csv_button(table_id, "Download the table (CSV)"),
                ],
                className="arp-actions",
            ),
            html.Details(
                [
                    html.Summary("Table of the chart\u2019s figures"),
                    html.Div(table(m.table, label=m.table.caption), id=table_id),
                ],
                className="trends-table",
            ),
        ],
        className="trends-measure",
        **{"aria-labelledby": heading_id},
    )


def measures(view: TrendsView) -> list:
    if view.message:
        return paras([view.message])
    return [measure_section(m) for m in view.measures]
