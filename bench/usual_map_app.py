"""The usual Dash build of the ward map, for `bench/browser_map.py` to measure beside ours.

    WEC_DATA_DIR=... gunicorn -c gunicorn.conf.py --pythonpath bench usual_map_app:server

It is the map as a Dash tutorial builds it: radio buttons for the measure and period, one
callback that rebuilds a `px.choropleth_map` figure on every change (the boundary
GeoJSON inside the figure, sent again each time), Dash's defaults otherwise. The values
are the dashboard's own (`data.queries.map_values` on the same published version) and
the boundaries the same ward file the dashboard serves, so only the way the map is built
and sent differs. The graph has the size the dashboard's map has in a 1280 x 900 window.
Not part of the dashboard: nothing imports it.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import plotly.express as px  # noqa: E402
from dash import Dash, Input, Output, dcc, html  # noqa: E402

from dashboard.services import DataService  # noqa: E402
from dashboard.settings import Settings  # noqa: E402
from data import queries  # noqa: E402

# The same size as the dashboard's map in the benchmark's window (bench/browser_map.py).
GRAPH_STYLE = {"width": "762px", "height": "482px"}
PERIODS = ("r12", "m", "fy2025", "fy2024", "fy2023")

settings = Settings.from_env()
service = DataService(settings)
ds = service.dataset()
geojson = json.loads((settings.web_dir / service.geo_manifest()["ward"]).read_text())
measures = [m for m in ds.measures.index if ds.has_data(m, "ward")]

app = Dash(__name__, title="The usual build")
app.layout = html.Div(
    [
        html.H1("Map of weapon-enabled crime (the usual Dash build)"),
        dcc.RadioItems(id="measure", options=measures, value=measures[0], inline=True),
        dcc.RadioItems(id="period", options=list(PERIODS), value=PERIODS[0], inline=True),
        dcc.Graph(id="map", style=GRAPH_STYLE),
    ]
)


@app.callback(Output("map", "figure"), Input("measure", "value"), Input("period", "value"))
def draw(measure: str, period: str):
    frame = queries.map_values(
        ds, measure=measure, level="ward", period=period, value="count"
    ).frame
    figure = px.choropleth_map(
        frame,
        geojson=geojson,
        locations="code",
        featureidkey="id",
        color="value",
        hover_name="name",
        hover_data={"code": False, "count": True},
        color_continuous_scale="Viridis_r",
        map_style="white-bg",
        center={"lat": 51.489, "lon": -0.109},
        zoom=8.7,
    )
    figure.update_layout(margin={"l": 0, "r": 0, "t": 0, "b": 0})
    return figure


server = app.server
