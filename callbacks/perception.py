"""Public perception: read the choices (from the selects or the URL), then draw each
section from the survey measures present in the published version."""

from __future__ import annotations

from html import escape
from urllib.parse import urlencode

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from dash import Dash, Input, Output, State, ctx, dcc, html, no_update

from callbacks.charts import DASHES, OKABE_ITO
from callbacks.context import Context
from data import perception, profiles
from data.areas import BOROUGHS, LONDON_CODE, MPS_BOROUGHS
from data.classify import natural_breaks
from data.dataset import Dataset
from data.export import safe_csv
from data.funnel import rate_decimals
from data.perception import (
    BOROUGH_INTERVIEWS,
    HOMICIDE_MEASURES,
    NOT_COVERED_NOTE,
    SurveyMeasure,
    area_name,
    percent,
    quarter_label,
)
from layouts import ids
from layouts import map_figure as figures
from layouts.controls import native_select
from layouts.map_figure import FIT_MAP
from layouts.map_key import legend
from layouts.pages import parse_query
from layouts.tables import html_table
from presenters.common.charts import FONT
from presenters.common.options import GROUPS, Option

NO_DATA = "No data has been published yet."
NO_SURVEY = (
    "No Public Attitude Survey figures have been published yet, so there is nothing to "
    "show here. They appear as soon as MOPAC staff publish a survey file."
)
NO_CONCERN = (
    "The published survey asks about trust and confidence in the police only: it has no "
    "question about worry over knife or gun crime. When MOPAC staff upload such a "
    "measure in the same layout, it appears on this page, listed under \u201c"
    f"{perception.CONCERN_GROUP}\u201d, and in each borough's profile."
)
UNRELIABLE = "Fewer than 10: unreliable"
DEFAULT_CRIME = "knife_crime"
SIGNIFICANT_OUTLINE = "#000000"
HOMICIDE_WORDS = {
    "homicide_knife": "killed with a knife or sharp implement",
    "homicide_shooting": "killed by shooting",
}


def _band_colour(hex_colour: str, alpha: float = 0.22) -> str:
    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


def _layout(**extra) -> dict:
    return {
        "margin": {"l": 56, "r": 12, "t": 16, "b": 40},
        "plot_bgcolor": "white",
        "paper_bgcolor": "white",
        "font": {"family": FONT},
        "legend": {"orientation": "h", "y": -0.2, "x": 0},
        "hoverlabel": {"bgcolor": "white"},
        **extra,
    }


def plain(text: str) -> str:
    """Text from an uploaded file, safe inside a plotly label: plotly reads tags such as
    <a> or <br> and %{...} placeholders there, so neither may come from the file."""
    return escape(text, quote=False).replace("%{", "% {")


def _interval(low: float, high: float) -> str:
    return f"{percent(low)} to {percent(high)}"


def _sentence(text: str) -> str:
    return text[0].upper() + text[1:] if text else text


# -- choices -----------------------------------------------------------------------


def measure_options(ds: Dataset) -> list[Option]:
    return [(m.key, m.name, m.group) for m in perception.survey_measures(ds)]


def area_options() -> list[Option]:
    boroughs = sorted(MPS_BOROUGHS, key=BOROUGHS.get)
    return [(LONDON_CODE, "London as a whole", "")] + [
        (code, BOROUGHS[code], "Boroughs") for code in boroughs
    ]


def quarter_options(ds: Dataset, measure: SurveyMeasure) -> list[Option]:
    return [(f"{q:%Y-%m}", quarter_label(q), "") for q in perception.quarters(ds, measure)]


def crime_options(ds: Dataset) -> list[Option]:
    return [
        (m, str(ds.measures.loc[m, "label"]), GROUPS[str(ds.measures.loc[m, "grp"])])
        for m in perception.comparison_measures(ds)
    ]


def _values(options: list[Option]) -> list[str]:
    return [o[0] for o in options]


def perception_state(ds: Dataset, raw: dict | None) -> dict[str, str] | None:
    """The view to show, from a URL's query or the selects' values, with anything unknown
    replaced by its default, so an old or mistyped link still opens a sensible page.
    None when no survey figures are published."""
    raw = {k: str(v) for k, v in (raw or {}).items() if v is not None}
    measure = perception.find_measure(ds, raw.get("measure")) or perception.default_measure(ds)
    if measure is None:
        return None
    area = raw.get("area") or raw.get("borough") or ""
    if area not in _values(area_options()):
        area = LONDON_CODE
    quarters = _values(quarter_options(ds, measure))
    quarter = raw.get("quarter") if raw.get("quarter") in quarters else quarters[0]
    crimes = _values(crime_options(ds))
    crime = raw.get("crime", "")
    if crime not in crimes:
        crime = DEFAULT_CRIME if DEFAULT_CRIME in crimes else (crimes[0] if crimes else "")
    return {"measure": measure.key, "area": area, "quarter": quarter, "crime": crime}


def query_string(state: dict[str, str]) -> str:
    return "?" + urlencode({k: v for k, v in state.items() if v})


def control_panel(ds: Dataset, state: dict[str, str]) -> html.Fieldset:
    measure = perception.find_measure(ds, state["measure"])
    fields = [
        html.Legend("Choose what to show"),
        native_select(
            "perception-measure", "Survey measure", "measure", measure_options(ds),
            state["measure"],
        ),
        native_select("perception-area", "Area", "area", area_options(), state["area"]),
        native_select(
            "perception-quarter", "12 months to (for the map and the comparison)", "quarter",
            quarter_options(ds, measure), state["quarter"],
        ),
    ]  # fmt: skip
    crimes = crime_options(ds)
    if crimes:
        fields.append(
            native_select(
                "perception-crime", "Recorded crime to set beside it", "crime", crimes,
                state["crime"],
            )
        )  # fmt: skip
    return html.Fieldset(fields, className="arp-choices", **{"data-store": ids.PERCEPTION_CHOICE})


def _quarter(ds: Dataset, measure: SurveyMeasure, token: str) -> pd.Timestamp:
    return next(q for q in perception.quarters(ds, measure) if f"{q:%Y-%m}" == token)


def message(ds: Dataset | None) -> list:
    if ds is None:
        return [html.P(NO_DATA, className="arp-message")]
    measures = perception.survey_measures(ds)
    if not measures:
        return [html.P(NO_SURVEY, className="arp-message")]
    concern = [m.name for m in measures if m.concern]
    if not concern:
        return [html.P(NO_CONCERN, className="arp-message")]
    return [
        html.P(
            f"{perception.CONCERN_GROUP}: "
            + "; ".join(concern)
            + ". These measures were uploaded by MOPAC staff in the survey's layout.",
            className="arp-message",
        )
    ]


# -- over time ---------------------------------------------------------------------


def _proportion_traces(frame: pd.DataFrame, name: str, index: int, *, band: bool = True) -> list:
    colour = OKABE_ITO[index % len(OKABE_ITO)]
    traces = []
    dates = list(frame["quarter_end"])
    if band:
        traces.append(
            go.Scatter(
                x=dates + dates[::-1],
                y=list(frame["high"] * 100) + list(frame["low"][::-1] * 100),
                fill="toself",
                fillcolor=_band_colour(colour),
                line={"width": 0},
                name=f"{name}: 95% interval",
                hoverinfo="skip",
            )
        )
    traces.append(
        go.Scatter(
            x=dates,
            y=frame["proportion"] * 100,
            customdata=np.column_stack([frame["low"] * 100, frame["high"] * 100]),
            name=name,
            mode="lines+markers",
            marker={"size": 5},
            line={"color": colour, "dash": DASHES[index % len(DASHES)], "width": 2.5},
            hovertemplate=f"{name}<br>12 months to %{{x|%B %Y}}: %{{y:.0f}}% "
            "(95% interval %{customdata[0]:.0f}% to %{customdata[1]:.0f}%)<extra></extra>",
        )
    )
    return traces


def trend_figure(frame: pd.DataFrame, name: str, measure: SurveyMeasure) -> go.Figure:
    fig = go.Figure()
    for trace in _proportion_traces(frame, name, 0):
        fig.add_trace(trace)
    if (frame["area_code"] != LONDON_CODE).any() and frame["london"].notna().any():
        london = pd.DataFrame(
            {
                "quarter_end": frame["quarter_end"],
                "proportion": frame["london"],
                "low": frame["london_low"],
                "high": frame["london_high"],
            }
        )
        for trace in _proportion_traces(london, "London", 1, band=False):
            fig.add_trace(trace)
    fig.update_layout(
        **_layout(
            yaxis={"title": {"text": f"{plain(measure.name)}: per cent of residents"},
                   "range": [0, 100], "gridcolor": "#e0e0e0", "ticksuffix": "%"},
            xaxis={"gridcolor": "#f0f0f0"},
        )
    )  # fmt: skip
    return fig


def _comparisons(row) -> str:
    parts = [] if row.area_code == LONDON_CODE else [row.vs_london]
    if row.change_words:
        parts.append(row.change_words)
    return "; ".join(parts)


def trend_view(ds: Dataset | None, state: dict[str, str] | None) -> dict:
    """The over-time section for a state; a plain function, for tests."""
    empty = {"heading": "Over time, against London", "summary": [], "figure": {}, "table": None}
    if ds is None or state is None:
        return empty
    measure = perception.find_measure(ds, state["measure"])
    code, name = state["area"], area_name(state["area"])
    frame = perception.area_trend(ds, measure, code)
    heading = f"{measure.name} in {name}" + ("" if code == LONDON_CODE else ", against London")
    if frame.empty:
        return {
            **empty,
            "heading": heading,
            "summary": [
                html.P(
                    f"There are no figures for {measure.name} in {name}: the published "
                    "survey has this measure for "
                    + (
                        f"{measure.boroughs} of the 32 boroughs."
                        if measure.boroughs
                        else "London as a whole only."
                    ),
                    className="arp-message",
                )
            ],
        }
    last = frame.iloc[-1]
    first = frame.iloc[0]
    lead = (
        f"{measure.name}, {quarter_label(last.quarter_end)}: "
        f"{percent(last.proportion)} in {name} (95% interval "
        f"{_interval(last.low, last.high)})"
    )
    comparisons = _comparisons(last)
    summary = [
        html.P(lead + (f"; {comparisons}." if comparisons else "."), className="risk-headline"),
        html.P(
            f"Figures run from the {quarter_label(first.quarter_end)} to the "
            f"{quarter_label(last.quarter_end)}, one for each quarter, each "
            "covering the 12 months to its date."
        ),
    ]
    table = html_table(
        f"{measure.name} in {name}, by 12-month period",
        ("12 months to", f"{name}", "95% interval", "London", "Compared with London",
         "Change on a year earlier"),
        (
            (f"{r.quarter_end:%B %Y}", percent(r.proportion), _interval(r.low, r.high),
             percent(r.london), "" if r.area_code == LONDON_CODE else r.vs_london,
             r.change_words)
            for r in frame.iloc[::-1].itertuples()
        ),
        row_header=0,
        numeric=(1, 3),
    )  # fmt: skip
    return {
        "heading": heading,
        "summary": summary,
        "figure": trend_figure(frame, name, measure),
        "table": table,
    }


# -- the map -----------------------------------------------------------------------


def _legend_text(c) -> str:
    low, high = f"{c.smallest:.0f}%", f"{c.largest:.0f}%"
    boroughs = f"{c.count} borough{'' if c.count == 1 else 's'}"
    return f"{low if low == high else f'{low} to {high}'} ({boroughs})"


def map_view(ds: Dataset | None, state: dict[str, str] | None, geojson_url: str | None) -> dict:
    """The map section: a borough choropleth of one measure for one 12-month period."""
    empty = {"heading": "Across London's boroughs", "summary": [], "figure": {},
             "legend": [], "table": None}  # fmt: skip
    if ds is None or state is None:
        return empty
    measure = perception.find_measure(ds, state["measure"])
    quarter = _quarter(ds, measure, state["quarter"])
    frame = perception.borough_figures(ds, measure, quarter)
    shown = (frame["proportion"] * 100).round()
    classification = natural_breaks(shown.to_numpy(dtype=float))
    colours = figures.class_colours(classification)
    scale, zmin, zmax = figures.stepped_colourscale(classification, colours)
    ok = frame["status"] == "ok"
    of = int(ok.sum())
    flags = (ok & (frame["vs_london_q"] < perception.SIGNIFICANCE)).tolist()
    customdata = [
        [percent(r.low), percent(r.high), r.vs_london, int(r.rank)] if r.status == "ok" else None
        for r in frame.itertuples()
    ]
    area = state["area"]
    paint = figures.MapPaint(
        codes=frame["area_code"].tolist(),
        z=[float(v) if o else None for v, o in zip(shown, ok, strict=True)],
        customdata=customdata,
        unreliable=[False] * len(frame),
        significant_flags=flags,
        colorscale=scale,
        zmin=zmin,
        zmax=zmax,
        hovertemplate=f"{figures.NAME}<br>%{{z:.0f}}% (95% interval %{{customdata[0]}} to "
        f"%{{customdata[1]}})<br>Rank %{{customdata[3]}} of {of} boroughs (1 is highest)"
        "<br>%{customdata[2]}<extra></extra>",
        unreliable_note="",
        significant_note="",
        not_significant_note="",
        line_colour="#ffffff",
        not_covered=(frame["status"] == "not covered").tolist(),
        reason=[
            f"No figure for the {quarter_label(quarter)}" if s == "no data" else None
            for s in frame["status"]
        ],
        reason_count=[None] * len(frame),
        significant=frame.loc[flags, "area_code"].tolist(),
        selected=[area] if area in MPS_BOROUGHS else [],
    )
    figure: dict = {}
    if geojson_url:
        figure = figures.map_figure(geojson_url, geojson_url, paint)
        figure["data"][figures.NOT_COVERED]["hovertemplate"] = (
            f"{figures.NAME}<br>Not in the survey: the City has its own police force<extra></extra>"
        )
    greys = [(figures.NOT_COVERED_COLOUR, "Not in the survey: the City of London")]
    if (frame["status"] == "no data").any():
        greys.insert(0, (figures.NO_DATA_COLOUR, "No figure for these 12 months"))
    key = legend(
        f"{measure.name}, {quarter_label(quarter)}",
        [(colour, _legend_text(c)) for c, colour in zip(classification.classes, colours,
                                                        strict=True) if c.count],
        greys,
        [(SIGNIFICANT_OUTLINE, "Higher or lower than London by more than chance")],
    )  # fmt: skip
    london = perception.area_trend(ds, measure, LONDON_CODE)
    london = london[london["quarter_end"] == quarter]
    higher = frame[ok & pd.Series(flags) & (frame["proportion"] > frame["london"])]
    lower = frame[ok & pd.Series(flags) & (frame["proportion"] < frame["london"])]
    summary = []
    if of:
        top = frame[ok].sort_values(["proportion", "name"], ascending=[False, True])
        summary.append(
            html.P(
                f"Highest: {top['name'].iloc[0]} ({percent(top['proportion'].iloc[0])}); "
                f"lowest: {top['name'].iloc[-1]} ({percent(top['proportion'].iloc[-1])})"
                + (f"; London {percent(london['proportion'].iloc[0])}." if len(london) else ".")
                + f" {len(higher)} of {of} boroughs are higher than London and {len(lower)} "
                "lower by more than chance would explain (each borough against the rest of "
                "London, corrected for testing all the boroughs at once, Benjamini-Hochberg "
                "q < 0.05).",
            )
        )
    else:
        summary.append(html.P(f"No borough has a figure for the {quarter_label(quarter)}."))
    if not geojson_url:
        summary.append(
            html.P(
                "The map cannot be drawn: the boundary files have not been built. The table "
                "below has the same figures.",
                className="arp-message",
            )
        )
    rows = frame[frame["status"] != "not covered"].sort_values(["rank", "name"])
    table = html_table(
        f"{measure.name}, {quarter_label(quarter)}, by borough",
        ("Borough", "Figure", "95% interval", "Rank", "Compared with London",
         "Change on a year earlier"),
        (
            (r.name, percent(r.proportion), _interval(r.low, r.high) if r.status == "ok" else "",
             "" if np.isnan(r.rank) else f"{int(r.rank)}",
             r.vs_london if r.status == "ok" else "No figure", r.change_words or "")
            for r in rows.itertuples()
        ),
        row_header=0,
        numeric=(1, 3),
    )  # fmt: skip
    return {
        "heading": f"{measure.name} across London's boroughs, {quarter_label(quarter)}",
        "summary": summary,
        "figure": figure,
        "legend": key,
        "table": table,
    }


# -- beside recorded crime ---------------------------------------------------------


def crime_label(ds: Dataset, crime: str) -> str:
    return str(ds.measures.loc[crime, "label"])


def _rate(value: float, decimals: int) -> str:
    return "" if pd.isna(value) else f"{value:,.{decimals}f}"


def scatter_figure(
    found: perception.Association,
    measure: SurveyMeasure,
    label: str,
    quarter: pd.Timestamp,
    london: tuple[float, float],
    highlight: str,
) -> dict:
    frame = found.frame
    d = rate_decimals(frame["rate"].max())

    def points(rows: pd.DataFrame, name: str, marker: dict, **extra) -> dict:
        return {
            "type": "scatter",
            "mode": "markers",
            "name": name,
            "x": rows["rate"].tolist(),
            "y": (rows["proportion"] * 100).tolist(),
            "error_y": {
                "type": "data", "symmetric": False,
                "array": ((rows["high"] - rows["proportion"]) * 100).tolist(),
                "arrayminus": ((rows["proportion"] - rows["low"]) * 100).tolist(),
                "color": "#9a9a9a", "thickness": 1, "width": 0,
            },
            "marker": marker,
            "customdata": [[r.area_code, r.name, int(r.count), percent(r.low), percent(r.high)]
                           for r in rows.itertuples()],
            "hovertemplate": f"<b>%{{customdata[1]}}</b><br>{plain(measure.name)}: %{{y:.0f}}% "
            "(95% interval %{customdata[3]} to %{customdata[4]})<br>"
            f"{label}: %{{x:,.{d}f}} per 1,000 residents (%{{customdata[2]:,}})<extra></extra>",
            **extra,
        }  # fmt: skip

    others = frame[frame["area_code"] != highlight]
    ring = {"symbol": "circle-open", "size": 9, "color": OKABE_ITO[0], "line": {"width": 2}}
    traces = [points(others, "Boroughs", ring)]
    chosen = frame[frame["area_code"] == highlight]
    if len(chosen):
        traces.append(
            points(chosen, str(chosen["name"].iloc[0]),
                   {"symbol": "diamond", "size": 14, "color": "#1b1b1b",
                    "line": {"width": 2, "color": "#ffffff"}},
                   mode="markers+text", text=chosen["name"].tolist(), textposition="top center",
                   textfont={"size": 13, "color": "#1b1b1b"})
        )  # fmt: skip
    london_rate, london_share = london
    shapes, annotations = [], []
    if not np.isnan(london_share):
        shapes.append({"type": "line", "xref": "paper", "x0": 0, "x1": 1, "y0": london_share * 100,
                       "y1": london_share * 100, "line": {"color": "#6b6b6b", "dash": "dash",
                                                          "width": 1}})  # fmt: skip
        annotations.append({"xref": "paper", "x": 1, "y": london_share * 100, "xanchor": "right",
                            "yanchor": "bottom", "showarrow": False, "font": {"size": 12},
                            "text": f"London {percent(london_share)}"})  # fmt: skip
    if not np.isnan(london_rate):
        shapes.append({"type": "line", "yref": "paper", "y0": 0, "y1": 1, "x0": london_rate,
                       "x1": london_rate, "line": {"color": "#6b6b6b", "dash": "dot",
                                                   "width": 1}})  # fmt: skip
        annotations.append({"yref": "paper", "y": 1, "x": london_rate, "xanchor": "left",
                            "yanchor": "top", "showarrow": False, "font": {"size": 12},
                            "text": f" London {london_rate:,.{d}f}"})  # fmt: skip
    layout = _layout(
        xaxis={"title": {"text": f"{label}: rate per 1,000 residents, "
                                 f"{quarter_label(quarter)}"},
               "rangemode": "tozero", "gridcolor": "#ececec"},
        yaxis={"title": {"text": f"{plain(measure.name)} (%)"}, "gridcolor": "#e0e0e0",
               "ticksuffix": "%"},
        shapes=shapes,
        annotations=annotations,
    )  # fmt: skip
    return {"data": traces, "layout": layout}


def crime_trend_figure(
    frame: pd.DataFrame, name: str, measure: SurveyMeasure, label: str, london: bool
) -> dict:
    """Two panels on one time axis: the survey figure above, the crime rate below.

    A plain dict: plotly's subplot helpers and graph objects cost more than the rest of
    the view together.
    """
    dates = [f"{d:%Y-%m-%d}" for d in frame["quarter_end"]]
    lines = [(name, "proportion", "rate", 0)]
    if not london:
        lines.append(("London", "london", "london_rate", 1))
    traces = []
    for line_name, share, rate, i in lines:
        style = {"color": OKABE_ITO[i], "dash": DASHES[i], "width": 2.5 if i == 0 else 2}
        for axis, values, shown, legend_on in (
            ("y", (frame[share] * 100).tolist(), "%{y:.0f}%", True),
            ("y2", frame[rate].tolist(), "%{y:,.2f} per 1,000 residents", False),
        ):
            traces.append(
                {"type": "scatter", "x": dates, "y": values, "xaxis": "x", "yaxis": axis,
                 "name": line_name, "legendgroup": line_name, "showlegend": legend_on,
                 "mode": "lines+markers", "marker": {"size": 5}, "line": style,
                 "hovertemplate": f"{line_name}<br>12 months to %{{x|%B %Y}}: {shown}"
                 "<extra></extra>"}
            )  # fmt: skip
    title = {"xref": "paper", "yref": "paper", "x": 0, "xanchor": "left", "yanchor": "bottom",
             "showarrow": False, "font": {"size": 14}}  # fmt: skip
    layout = _layout(
        legend={"orientation": "h", "y": -0.12, "x": 0},
        xaxis={"type": "date", "anchor": "y2", "gridcolor": "#f0f0f0"},
        yaxis={"domain": [0.58, 0.94], "range": [0, 100], "ticksuffix": "%",
               "gridcolor": "#e0e0e0"},
        yaxis2={"domain": [0, 0.4], "rangemode": "tozero", "gridcolor": "#e0e0e0"},
        annotations=[
            {**title, "y": 0.95, "text": f"{plain(measure.name)} (%)"},
            {**title, "y": 0.41, "text": f"{label}: rate per 1,000 residents"},
        ],
        margin={"l": 56, "r": 12, "t": 8, "b": 40},
    )  # fmt: skip
    return {"data": traces, "layout": layout}


def longer_series_note(ds: Dataset, crime: str, compared: int, periods: int) -> str:
    """Why the chart over time is short, and which measure reaches further back."""
    span = ds.months_covered(crime, "borough")
    text = (
        f"{crime_label(ds, crime)} figures begin in {span[0]:%B %Y}, so only {compared} of "
        f"the {periods} survey periods can be set beside them."
    )
    longest = min(
        perception.comparison_measures(ds), key=lambda m: ds.months_covered(m, "borough")[0]
    )
    first = ds.months_covered(longest, "borough")[0]
    if first < span[0]:
        text += f" {crime_label(ds, longest)} figures go back to {first:%B %Y}."
    return text


def _rank_words(rank: float, n: int) -> str:
    return f"{profiles.ordinal(int(rank))} of {n}"


def beside_view(ds: Dataset | None, state: dict[str, str] | None) -> dict:
    """Perception set beside recorded crime: across boroughs for a quarter, and over time."""
    empty = {"heading": "Beside recorded crime", "summary": [], "scatter": {},
             "scatter_table": None, "trend": {}, "trend_table": None}  # fmt: skip
    if ds is None or state is None:
        return empty
    if not state["crime"]:
        return {
            **empty,
            "summary": [
                html.P(
                    "No recorded crime figures cover the same 12 months as the survey, so "
                    "the two cannot be set side by side.",
                    className="arp-message",
                )
            ],
        }
    measure = perception.find_measure(ds, state["measure"])
    quarter = _quarter(ds, measure, state["quarter"])
    crime = state["crime"]
    label = crime_label(ds, crime)
    words = label[0].lower() + label[1:]
    code, name = state["area"], area_name(state["area"])
    heading = f"{measure.name} beside {words}"
    found = perception.beside_crime(ds, measure, crime, quarter)
    span = ds.months_covered(crime, "borough")
    summary: list = []
    scatter: dict = {}
    scatter_table = None
    boroughs = perception.borough_figures(ds, measure, quarter)
    if not (boroughs["status"] == "ok").any():
        summary.append(
            html.P(
                f"No borough has a figure for {measure.name} in the {quarter_label(quarter)}, "
                "so there is nothing to set beside recorded crime.",
                className="arp-message",
            )
        )
    elif found.n == 0:
        summary.append(
            html.P(
                f"{label} figures run from {span[0]:%B %Y} to {span[1]:%B %Y}, so there are "
                f"none for the {quarter_label(quarter)}. Choose a later period, or "
                "another measure of recorded crime.",
                className="arp-message",
            )
        )
    else:
        rates = perception.crime_rates(ds, crime, [quarter])
        london_rate = rates.loc[rates["area_code"] == LONDON_CODE, "rate"]
        london_share = perception.area_trend(ds, measure, LONDON_CODE)
        london_share = london_share.loc[london_share["quarter_end"] == quarter, "proportion"]
        london = (
            float(london_rate.iloc[0]) if len(london_rate) else np.nan,
            float(london_share.iloc[0]) if len(london_share) else np.nan,
        )
        scatter = scatter_figure(found, measure, label, quarter, london, code)
        summary.append(
            html.P(
                perception.association_words(found, measure.name, words),
                className="risk-headline",
            )
        )
        mine = found.frame[found.frame["area_code"] == code]
        if len(mine):
            r = mine.iloc[0]
            summary.append(
                html.P(
                    f"{name} is {_rank_words(r.survey_rank, found.n)} boroughs on "
                    f"{measure.name} ({percent(r.proportion)}) and "
                    f"{_rank_words(r.crime_rank, found.n)} on its rate of {words} "
                    f"({r.rate:,.2f} per 1,000 residents; 1st is the highest), "
                    f"{quarter_label(quarter)}."
                )
            )
        caveats = perception.borough_rate_caveats(ds)
        shown = [c for c in found.frame.sort_values("name")["area_code"] if c in caveats]
        if shown:
            summary.append(
                html.P(
                    "Rates per resident overstate the risk to residents where many of the "
                    "people present are visitors or travellers: "
                    + "; ".join(f"{BOROUGHS[c]} ({', '.join(caveats[c])})" for c in shown)
                    + "."
                )
            )
        low = int(found.frame["low_count"].sum())
        if low:
            summary.append(
                html.P(
                    f"{low} of the boroughs had fewer than 10 {ds.measures.loc[crime, 'unit']} "
                    "in the 12 months: their rates are unreliable.",
                    className="arp-warning",
                )
            )
        d = rate_decimals(found.frame["rate"].max())
        scatter_table = html_table(
            f"{measure.name} and {words}, {quarter_label(quarter)}, by borough",
            ("Borough", "Survey figure", "95% interval", "Rank on the survey", "Count",
             "Rate per 1,000 residents", "Rank on the rate", "Reliability"),
            (
                (r.name, percent(r.proportion), _interval(r.low, r.high),
                 f"{int(r.survey_rank)}", f"{int(r.count):,}", _rate(r.rate, d),
                 f"{int(r.crime_rank)}", UNRELIABLE if r.low_count else "")
                for r in found.frame.sort_values("survey_rank").itertuples()
            ),
            row_header=0,
            numeric=(1, 3, 4, 5, 6),
        )  # fmt: skip
    summary.append(
        html.P(
            f"The crime rate covers the same 12 months as each survey figure; rates use "
            f"Census 2021 populations throughout. {label} figures run from "
            f"{span[0]:%B %Y} to {span[1]:%B %Y}.",
            className="arp-caption",
        )
    )
    whole = perception.beside_crime_trend(ds, measure, crime, code)
    over_time = whole[whole["rate"].notna()]
    if 0 < len(over_time) < len(whole):
        summary.append(html.P(longer_series_note(ds, crime, len(over_time), len(whole))))
    trend: dict = {}
    trend_table = None
    if len(over_time):
        trend = crime_trend_figure(over_time, name, measure, label, code == LONDON_CODE)
        d = rate_decimals(over_time["rate"].max())
        trend_table = html_table(
            f"{measure.name} and {words} in {name}, by 12-month period",
            ("12 months to", "Survey figure", "London survey figure", f"{label}: count",
             "Rate per 1,000 residents", "London rate", "Reliability"),
            (
                (f"{r.quarter_end:%B %Y}", percent(r.proportion), percent(r.london),
                 f"{int(r.count):,}", _rate(r.rate, d), _rate(r.london_rate, d),
                 UNRELIABLE if r.low_count else "")
                for r in over_time.iloc[::-1].itertuples()
            ),
            row_header=0,
            numeric=(1, 2, 3, 4, 5),
        )  # fmt: skip
    else:
        summary.append(
            html.P(
                f"No 12 months of {words} figures line up with a survey figure for {name}, "
                "so there is no chart over time.",
                className="arp-message",
            )
        )
    return {
        "heading": heading,
        "summary": summary,
        "scatter": scatter,
        "scatter_table": scatter_table,
        "trend": trend,
        "trend_table": trend_table,
    }


# -- homicide ----------------------------------------------------------------------


def homicide_figure(years: pd.DataFrame, name: str) -> go.Figure:
    fig = go.Figure()
    for i, measure in enumerate(m for m in HOMICIDE_MEASURES if m in years.columns):
        counts = years[measure]
        fig.add_trace(
            go.Bar(
                x=years["year"], y=counts,
                name=_sentence(HOMICIDE_WORDS[measure]),
                marker={"color": OKABE_ITO[i], "pattern": {"shape": "" if i == 0 else "/"},
                        "line": {"color": OKABE_ITO[i], "width": 1}},
                error_y={"type": "data", "symmetric": False,
                         "array": (years[f"{measure}_high"] - counts).tolist(),
                         "arrayminus": (counts - years[f"{measure}_low"]).tolist(),
                         "color": "#4a4a4a", "thickness": 1},
                customdata=np.column_stack([years[f"{measure}_low"], years[f"{measure}_high"]]),
                hovertemplate=f"{name}, %{{x}}: %{{y}} {HOMICIDE_WORDS[measure]} (95% interval "
                "%{customdata[0]:.1f} to %{customdata[1]:.1f})<extra></extra>",
            )
        )  # fmt: skip
    fig.update_layout(
        **_layout(
            barmode="group",
            yaxis={"title": {"text": "Victims in the year"}, "rangemode": "tozero",
                   "gridcolor": "#e0e0e0"},
            xaxis={"dtick": 2, "gridcolor": "#f0f0f0"},
        )
    )  # fmt: skip
    return fig


def _victims(n: int) -> str:
    return f"{n:,} victim{'' if n == 1 else 's'}"


def homicide_view(ds: Dataset | None, state: dict[str, str] | None) -> dict:
    """Homicide victims by year and method for the chosen area, with small-number caveats."""
    empty = {"heading": "Homicide by year", "summary": [], "figure": {}, "table": None}
    if ds is None:
        return empty
    code = state["area"] if state else LONDON_CODE
    name = area_name(code)
    years = perception.homicide_years(ds, code)
    heading = f"Homicide in {name} by year: knife and shooting victims"
    methods = [m for m in HOMICIDE_MEASURES if m in years.columns]
    if years.empty or not methods:
        return {
            **empty,
            "heading": heading,
            "summary": [
                html.P("No homicide figures have been published.", className="arp-message")
            ],
        }
    first, last = int(years["year"].iloc[0]), int(years["year"].iloc[-1])
    partial = years[years["months"] < 12]
    span = f"{first} to {last}"
    totals = "; ".join(
        f"{_victims(int(years[m].sum()))} {HOMICIDE_WORDS[m]} ({years[m].sum() / len(years):.1f} "
        "a year on average)"
        for m in methods
    )
    summary = [html.P(f"{name}, {span}: {totals}.", className="risk-headline")]
    for m in methods:
        change = perception.homicide_change(years, m)
        if change is None:
            continue
        summary.append(
            html.P(
                f"Victims {HOMICIDE_WORDS[m]}: {change.count_recent:,} in "
                f"{change.recent[0]}-{change.recent[1]} against {change.count_earlier:,} in "
                f"{change.earlier[0]}-{change.earlier[1]}, {change.verdict} (exact test for "
                "two Poisson counts)."
            )
        )
    low_years = int((years[[f"{m}_low_count" for m in methods]].any(axis=1)).sum())
    every = "every one" if low_years == len(years) else f"{low_years}"
    summary.append(
        html.P(
            f"Homicide is rare: in {every} of these {len(years)} years at least one of the "
            f"counts for {name} is below 10, where a difference of one or two victims from one "
            "year to the next is well within chance. Read single years with care, and compare "
            "periods of several years instead. Counts are by the year the homicide was "
            "recorded; the public homicide data run from 2003 to 2023.",
            className="arp-warning" if low_years else None,
        )
    )
    if len(partial):
        summary.append(
            html.P(f"{int(partial['year'].iloc[-1])} is only partly covered by the data.")
        )
    headers = ["Year"]
    for m in methods:
        headers += [f"Victims {HOMICIDE_WORDS[m]}", "95% interval"]
    headers.append("Reliability")
    rows = []
    for r in years.iloc[::-1].itertuples():
        row = [str(r.year)]
        for m in methods:
            row += [f"{getattr(r, m):,}",
                    f"{getattr(r, f'{m}_low'):.1f} to {getattr(r, f'{m}_high'):.1f}"]  # fmt: skip
        low = [m for m in methods if getattr(r, f"{m}_low_count")]
        row.append(
            ""
            if not low
            else UNRELIABLE
            if len(low) == len(methods)
            else f"Fewer than 10 {HOMICIDE_WORDS[low[0]]}: unreliable"
        )
        rows.append(row)
    table = html_table(
        f"Homicide victims in {name} by year and method, {span}",
        headers,
        rows,
        row_header=0,
        numeric=tuple(i for i in range(1, len(headers) - 1) if i % 2 == 1),
    )
    return {
        "heading": heading,
        "summary": summary,
        "figure": homicide_figure(years, name),
        "table": table,
    }


# -- download and the profile panel -------------------------------------------------


def perception_csv(ds: Dataset, state: dict[str, str]) -> tuple[str, str] | None:
    measure = perception.find_measure(ds, state.get("measure"))
    if measure is None:
        return None
    name = f"perception-{measure.key}.csv"
    return name, safe_csv(perception.figures_for_download(ds, measure))


def perception_panel(ds: Dataset | None, code: str) -> list:
    """The area profile's perception panel: every survey measure for the area's borough."""
    if ds is None or not code:
        return []
    facts = profiles.area_facts(ds, code)
    if facts is None:
        return []
    if facts.level == "bcu":
        links = [
            html.Li(dcc.Link(f"Public perception in {b}", href=f"/perception?area={c}"))
            for c, b in sorted(BOROUGHS.items(), key=lambda kv: kv[1])
            if b in facts.members
        ]
        return [
            html.P("The survey reports boroughs, not BCUs: see each borough of the BCU."),
            html.Ul(links, className="profile-perception-links"),
        ]
    borough = facts.code if facts.level == "borough" else facts.borough_code
    if borough not in MPS_BOROUGHS:
        return [html.P(NOT_COVERED_NOTE)]
    measures = perception.survey_measures(ds)
    if not measures:
        return [html.P(NO_SURVEY)]
    name = BOROUGHS[borough]
    rows = []
    for m in measures:
        trend = perception.area_trend(ds, m, borough)
        if trend.empty:
            rows.append((m.name, "No figure", "", "", "", ""))
            continue
        r = trend.iloc[-1]
        rows.append((m.name, f"{r.quarter_end:%B %Y}", percent(r.proportion),
                     _interval(r.low, r.high), r.vs_london, r.change_words))  # fmt: skip
    where = "" if facts.level == "borough" else " (the survey reports boroughs, not wards)"
    table = html_table(
        f"Public perception in {name}: latest 12 months of each survey measure",
        ("Measure", "12 months to", "Figure", "95% interval", "Compared with London",
         "Change on a year earlier"),
        rows,
        row_header=0,
        numeric=(2,),
    )  # fmt: skip
    out = [
        html.P(
            f"What residents of {name} told MOPAC's Public Attitude Survey{where}: the latest "
            f"figure of each measure, beside London. Intervals assume about "
            f"{BOROUGH_INTERVIEWS} interviews behind each figure, because the survey file "
            "gives no sample sizes."
        ),
        html.Div(
            table,
            className="table-wrap",
            tabIndex="0",
            role="region",
            **{"aria-label": "Public perception figures"},
        ),
    ]
    if not any(m.concern for m in measures):
        out.append(
            html.P(
                "The published survey has no question about worry over knife or gun crime.",
                className="arp-caption",
            )
        )
    out.append(
        html.P(
            dcc.Link(
                f"Public perception in {name}, over time and beside recorded crime",
                href=f"/perception?area={borough}",
            )
        )
    )
    return out


# -- wiring ------------------------------------------------------------------------


def register(app: Dash, context: Context) -> None:

    @app.callback(
        Output(ids.PERCEPTION_CONTROLS, "children"),
        Output(ids.PERCEPTION_STATE, "data"),
        Output(ids.PERCEPTION_URL, "search"),
        Output(ids.PERCEPTION_MESSAGE, "children"),
        Output(ids.PERCEPTION_BODY, "hidden"),
        Input(ids.PERCEPTION_CHOICE, "data"),
        Input(ids.PERCEPTION_URL, "search"),
    )
    def _state(choice, search):
        ds = context.dataset()
        if ds is None or not perception.survey_measures(ds):
            return None, None, no_update, message(ds), True
        # A change of the selects writes the URL; a change of the URL (first load, the
        # Back button, a borough chosen on the map) sets the selects and is not written
        # back, so Back cannot loop.
        from_url = ctx.triggered_id != ids.PERCEPTION_CHOICE or not choice
        state = perception_state(ds, parse_query(search) if from_url else choice)
        return (
            control_panel(ds, state),
            state,
            no_update if from_url else query_string(state),
            message(ds),
            False,
        )

    @app.callback(
        Output(ids.PERCEPTION_TREND_HEADING, "children"),
        Output(ids.PERCEPTION_TREND_SUMMARY, "children"),
        Output(ids.PERCEPTION_TREND, "figure"),
        Output(ids.PERCEPTION_TREND_TABLE, "children"),
        Input(ids.PERCEPTION_STATE, "data"),
    )
    def _trend(state):
        view = trend_view(context.dataset(), state)
        return view["heading"], view["summary"], view["figure"], view["table"]

    @app.callback(
        Output(ids.PERCEPTION_MAP_HEADING, "children"),
        Output(ids.PERCEPTION_MAP_SUMMARY, "children"),
        Output(ids.PERCEPTION_MAP, "figure"),
        Output(ids.PERCEPTION_MAP_LEGEND, "children"),
        Output(ids.PERCEPTION_MAP_TABLE, "children"),
        Output(ids.PERCEPTION_MAP_FOCUS, "data"),
        Input(ids.PERCEPTION_STATE, "data"),
    )
    def _map(state):
        url = context.geojson_url("borough")
        view = map_view(context.dataset(), state, url)
        # The whole of London, fitted in the browser to the map's size (a phone's too).
        focus = {"url": url, "codes": None, "pad": 1.04, "element": ids.PERCEPTION_MAP}
        return (
            view["heading"],
            view["summary"],
            view["figure"],
            view["legend"],
            view["table"],
            focus if view["figure"] else None,
        )

    app.clientside_callback(
        FIT_MAP,
        Output(ids.PERCEPTION_MAP, "figure", allow_duplicate=True),
        Input(ids.PERCEPTION_MAP_FOCUS, "data"),
        prevent_initial_call=True,
    )

    @app.callback(
        Output(ids.PERCEPTION_CRIME_HEADING, "children"),
        Output(ids.PERCEPTION_CRIME_SUMMARY, "children"),
        Output(ids.PERCEPTION_SCATTER, "figure"),
        Output(ids.PERCEPTION_SCATTER_TABLE, "children"),
        Output(ids.PERCEPTION_CRIME_TREND, "figure"),
        Output(ids.PERCEPTION_CRIME_TREND_TABLE, "children"),
        Input(ids.PERCEPTION_STATE, "data"),
    )
    def _beside(state):
        view = beside_view(context.dataset(), state)
        return (
            view["heading"],
            view["summary"],
            view["scatter"],
            view["scatter_table"],
            view["trend"],
            view["trend_table"],
        )

    @app.callback(
        Output(ids.PERCEPTION_HOMICIDE_HEADING, "children"),
        Output(ids.PERCEPTION_HOMICIDE_SUMMARY, "children"),
        Output(ids.PERCEPTION_HOMICIDE, "figure"),
        Output(ids.PERCEPTION_HOMICIDE_TABLE, "children"),
        Input(ids.PERCEPTION_STATE, "data"),
    )
    def _homicide(state):
        view = homicide_view(context.dataset(), state)
        return view["heading"], view["summary"], view["figure"], view["table"]

    @app.callback(
        Output(ids.PERCEPTION_URL, "search", allow_duplicate=True),
        Input(ids.PERCEPTION_MAP, "clickData"),
        Input(ids.PERCEPTION_SCATTER, "clickData"),
        State(ids.PERCEPTION_STATE, "data"),
        prevent_initial_call=True,
    )
    def _choose_borough(map_click, scatter_click, state):
        code = chosen_borough(
            map_click if ctx.triggered_id == ids.PERCEPTION_MAP else scatter_click
        )
        if code is None or not state:
            return no_update
        return query_string({**state, "area": code})

    @app.callback(
        Output(ids.PERCEPTION_DOWNLOAD, "data"),
        Input(ids.PERCEPTION_DOWNLOAD_BUTTON, "n_clicks"),
        State(ids.PERCEPTION_STATE, "data"),
        prevent_initial_call=True,
    )
    def _download(_clicks, state):
        ds = context.dataset()
        found = perception_csv(ds, state) if ds is not None and state else None
        if found is None:
            return no_update
        name, text = found
        return {"content": text, "filename": name, "type": "text/csv"}


def chosen_borough(click: dict | None) -> str | None:
    """The borough a click on the map (its location) or the scatter (its customdata) names."""
    try:
        point = click["points"][0]
    except (KeyError, IndexError, TypeError):
        return None
    code = point.get("location")
    if code is None:
        custom = point.get("customdata")
        code = custom[0] if isinstance(custom, list) and custom else None
    return code if code in MPS_BOROUGHS else None
