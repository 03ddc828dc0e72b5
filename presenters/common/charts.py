"""Charts as plain plotly figure dicts: trend lines and the funnel plot.

Colours are the Okabe-Ito palette, distinguishable with the common colour-vision
deficiencies; every line also differs in dash pattern and every group of marks in
shape, so colour is never the only cue. Figures are dicts rather than
`go.Figure`s: plotly's validation of 700 points took longer than building them.
"""

from __future__ import annotations

from html import escape

import pandas as pd

from data.periods import CONNECT_START

OKABE_ITO = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")
DASHES = ("solid", "dash", "dot", "dashdot", "longdash", "longdashdot", "solid")
FONT = "system-ui, -apple-system, Segoe UI, Roboto, Arial, sans-serif"
# Characters in a line of a hover label, so that it fits a 390 px phone.
HOVER_WIDTH = 56


def label(text: object) -> str:
    """Text from the data (an area's or a survey measure's name) as plotly must be given
    it in a title, legend, mark's text, hover or a hover's customdata: plotly reads tags
    such as <a>, <b> and <br> there and fills in %{...} placeholders, so the text's own
    < > & are escaped and its "%{" written as a character reference; plotly shows them
    as the characters they are."""
    return escape(str(text), quote=False).replace("%{", "%&#123;")


def base_layout(**extra) -> dict:
    layout = {
        "margin": {"l": 56, "r": 12, "t": 12, "b": 40},
        "plot_bgcolor": "white",
        "paper_bgcolor": "white",
        "font": {"family": FONT},
        "hoverlabel": {"bgcolor": "white"},
    }
    layout.update(extra)
    return layout


def _dates(months: pd.Series | pd.DatetimeIndex) -> list[str]:
    return [f"{m:%Y-%m-%d}" for m in pd.DatetimeIndex(months)]


def _numbers(values: pd.Series) -> list[float | None]:
    return [None if pd.isna(v) else float(v) for v in values]


def trend_chart(
    frame: pd.DataFrame,
    columns: dict[str, str],
    *,
    y_title: str,
    rolling: int | None = None,
    connect_line: bool = True,
) -> dict:
    """Lines over `frame["month"]`, one per column (column -> legend name).

    With `rolling`, each line is a rolling sum over that many months, which smooths
    the monthly noise of small counts. A line marks February 2024, when the MPS
    changed its recording system, if the chart spans it.
    """
    x = _dates(frame["month"])
    data = []
    for i, (column, name) in enumerate(columns.items()):
        name = label(name)  # an area's name, from the data
        values = frame[column]
        if rolling:
            values = values.rolling(rolling, min_periods=rolling).sum()
        data.append({
            "type": "scatter", "mode": "lines", "name": name, "x": x, "y": _numbers(values),
            "line": {"color": OKABE_ITO[i % len(OKABE_ITO)], "dash": DASHES[i % len(DASHES)],
                     "width": 2.5 if i == 0 else 2},
            "hovertemplate": f"{name}<br>%{{x|%B %Y}}: %{{y:,.0f}}<extra></extra>",
        })  # fmt: skip
    layout = base_layout(
        yaxis={"title": {"text": label(y_title)}, "rangemode": "tozero", "gridcolor": "#e0e0e0"},
        xaxis={"gridcolor": "#f0f0f0"},
        legend={"orientation": "h", "y": -0.18},
        hovermode="x unified",
    )
    months = pd.DatetimeIndex(frame["month"])
    if connect_line and len(months) and months.min() < CONNECT_START <= months.max():
        layout["shapes"] = [connect_shape()]
        layout["annotations"] = [connect_annotation()]
    return {"data": data, "layout": layout}


def connect_shape() -> dict:
    when = f"{CONNECT_START:%Y-%m-%d}"
    return {"type": "line", "xref": "x", "yref": "paper", "x0": when, "x1": when, "y0": 0,
            "y1": 1, "line": {"color": "#5a5a5a", "width": 1, "dash": "dot"}}  # fmt: skip


def connect_annotation() -> dict:
    return {"x": f"{CONNECT_START:%Y-%m-%d}", "y": 1, "xref": "x", "yref": "paper",
            "yanchor": "bottom", "showarrow": False, "text": "New recording system",
            "font": {"size": 11, "color": "#3b3b3b"}}  # fmt: skip
