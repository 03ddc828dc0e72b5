"""Callbacks of the first page: read the published version, return the map and table."""

from __future__ import annotations

import pandas as pd
from dash import Dash, Input, Output, html

from callbacks.context import Context
from callbacks.figures import choropleth
from data import queries
from data.dataset import Dataset
from layouts import ids
from layouts.tables import html_table

MEASURE = "knife_crime"
LEVEL = "ward"
PERIOD = "r12"


def ward_map_view(ds: Dataset | None, geojson_url: str | None) -> dict:
    """Everything the first page shows, from one dataset; a plain function for tests."""
    if ds is None:
        return {
            "figure": {},
            "headline": "No data has been published yet.",
            "note": "",
            "table": html.P("No data has been published yet."),
        }
    result = queries.map_values(ds, measure=MEASURE, level=LEVEL, period=PERIOD, value="count")
    label = str(ds.measures.loc[MEASURE, "label"])
    headline = queries.london_headline(ds, MEASURE, PERIOD)
    if headline is None:
        headline_text = f"No {label.lower()} figures have been published."
    else:
        headline_text = (
            f"London: {headline['count']:,} {label.lower()} offences in the "
            f"{headline['period'].label[0].lower()}{headline['period'].label[1:]}; "
            f"{headline['verdict']} against the 12 months before ({headline['previous']:,})."
        )
    unallocated = queries.unallocated(ds, MEASURE, LEVEL, result.period) if result.available else 0
    note = (
        f"{unallocated:,} offences could not be placed in a ward; they count towards "
        "London's total but are not on the map. The City of London is policed by the City "
        "of London Police and is not covered."
    )
    figure = choropleth(result.frame, geojson_url, value_label="Offences") if geojson_url else {}
    return {
        "figure": figure,
        "headline": headline_text,
        "note": note if result.available else result.message,
        "table": ward_table(result.frame),
    }


def ward_table(frame: pd.DataFrame):
    rows = frame[frame["status"] == queries.OK].sort_values(["rank", "name"])
    return html_table(
        "Knife crime offences by ward",
        ("Rank", "Ward", "Offences", "Reliability"),
        (
            (
                int(r.rank),
                r.name,
                f"{int(r.count):,}",
                "Fewer than 10: unreliable" if r.low_count else "",
            )
            for r in rows.itertuples()
        ),
        numeric=(0, 2),
    )


def register(app: Dash, context: Context) -> None:
    @app.callback(
        Output(ids.MAP, "figure"),
        Output(ids.HEADLINE, "children"),
        Output(ids.MAP_NOTE, "children"),
        Output(ids.TABLE, "children"),
        Input(ids.STATE, "data"),
    )
    def _show(_state):
        view = ward_map_view(context.dataset(), context.geojson_url(LEVEL))
        return view["figure"], view["headline"], view["note"], view["table"]
