"""Charts shared by the pages: trend lines of monthly figures.

Colours are the Okabe-Ito palette, distinguishable with the common colour-vision
deficiencies; every line also differs in dash pattern, so colour is never the only cue.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

OKABE_ITO = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")
DASHES = ("solid", "dash", "dot", "dashdot", "longdash", "longdashdot", "solid")


def trend_chart(
    frame: pd.DataFrame,
    columns: dict[str, str],
    *,
    y_title: str,
    rolling: int | None = None,
) -> go.Figure:
    """Lines over `frame["month"]`, one per column (column -> legend name).

    With `rolling`, each line is a rolling sum over that many months, which smooths
    the monthly noise of small counts; the hover says so.
    """
    fig = go.Figure()
    for i, (column, name) in enumerate(columns.items()):
        values = frame[column]
        if rolling:
            values = values.rolling(rolling, min_periods=rolling).sum()
        fig.add_trace(
            go.Scatter(
                x=frame["month"],
                y=values,
                name=name,
                mode="lines",
                line={"color": OKABE_ITO[i % len(OKABE_ITO)], "dash": DASHES[i % len(DASHES)],
                      "width": 2.5 if i == 0 else 2},
                hovertemplate=f"{name}<br>%{{x|%B %Y}}: %{{y:,.0f}}<extra></extra>",
            )
        )  # fmt: skip
    fig.update_layout(
        margin={"l": 56, "r": 12, "t": 12, "b": 40},
        yaxis={"title": {"text": y_title}, "rangemode": "tozero", "gridcolor": "#e0e0e0"},
        xaxis={"gridcolor": "#f0f0f0"},
        legend={"orientation": "h", "y": -0.18},
        plot_bgcolor="white",
        paper_bgcolor="white",
        font={"family": "system-ui, -apple-system, Segoe UI, Roboto, Arial, sans-serif"},
        hovermode="x unified",
    )
    return fig
