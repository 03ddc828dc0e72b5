"""Figures built from query results. Pure functions: frames in, plotly figures out."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from data.queries import NOT_COVERED, OK

# Viridis is perceptually uniform and readable with the common colour-vision
# deficiencies; "no data" and "not covered" use greys outside the scale.
COLOURSCALE = "Viridis"
NOT_COVERED_COLOUR = "#bdbdbd"
LONDON_CENTRE = {"lat": 51.49, "lon": -0.11}


def choropleth(frame: pd.DataFrame, geojson_url: str, *, value_label: str) -> go.Figure:
    """A ward or borough map: coloured areas with data, grey areas the MPS does not cover."""
    shown = frame[frame["status"] == OK]
    grey = frame[frame["status"] != OK]
    hover = [
        f"<b>{name}</b><br>{value_label}: {_fmt(v)}"
        + (f"<br>Rank {int(r)} of {of}" if not np.isnan(r) else "")
        + ("<br><i>Fewer than 10 events: unreliable</i>" if low else "")
        for name, v, r, of, low in zip(
            shown["name"], shown["value"], shown["rank"], shown["of"], shown["low_count"],
            strict=True,
        )
    ]  # fmt: skip
    fig = go.Figure()
    fig.add_trace(
        go.Choroplethmap(
            geojson=geojson_url,
            featureidkey="id",
            locations=shown["code"],
            z=shown["value"],
            text=hover,
            hovertemplate="%{text}<extra></extra>",
            colorscale=COLOURSCALE,
            marker={"line": {"width": 0.4, "color": "white"}},
            colorbar={"title": {"text": value_label}, "thickness": 12},
            name=value_label,
        )
    )
    if not grey.empty:
        fig.add_trace(
            go.Choroplethmap(
                geojson=geojson_url,
                featureidkey="id",
                locations=grey["code"],
                z=np.zeros(len(grey)),
                text=[
                    f"<b>{n}</b><br>"
                    + (
                        "Not covered: policed by the City of London Police"
                        if s == NOT_COVERED
                        else "No data"
                    )
                    for n, s in zip(grey["name"], grey["status"], strict=True)
                ],
                hovertemplate="%{text}<extra></extra>",
                colorscale=[[0, NOT_COVERED_COLOUR], [1, NOT_COVERED_COLOUR]],
                showscale=False,
                marker={"line": {"width": 0.4, "color": "white"}},
                name="Not covered",
            )
        )
    fig.update_layout(
        map={"style": "white-bg", "center": LONDON_CENTRE, "zoom": 8.6},
        margin={"l": 0, "r": 0, "t": 0, "b": 0},
        uirevision="map",
    )
    return fig


def _fmt(value: float) -> str:
    if value is None or np.isnan(value):
        return "no data"
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"
