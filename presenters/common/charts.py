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


# -- a chart as a picture --------------------------------------------------------------

IMAGE_META = "wecImage"  # the key of layout.meta that holds a chart's picture
IMAGE_WIDTH, IMAGE_HEIGHT = 1200, 750


def version_line(ds) -> str:
    """ "Data version 3 (latest month February 2026)": which published figures a chart
    or a printed page shows."""
    latest = ds.latest_month_overall
    text = f"Data version {ds.version_id}"
    return text + (f" (latest month {latest:%B %Y})" if latest is not None else "")


def source_line(ds, measures: tuple[str, ...] | list[str] = ()) -> str:
    """The source of a chart: the sources of its measures, in the words of the catalogue."""
    sources = []
    for m in measures:
        if m in ds.measures.index:
            text = str(ds.measures.loc[m, "source"])
            if text not in sources:
                sources.append(text)
    named = "; ".join(sources) if sources else "Metropolitan Police Service, ONS Census 2021"
    return f"London Weapon-Enabled Crime Dashboard. Source: {named}."


def with_image(
    figure: dict,
    *,
    title: str,
    source: str,
    version: str,
    filename: str,
    height: int = IMAGE_HEIGHT,
) -> dict:
    """The figure with its picture kept in `layout.meta`: the file name and what the
    picture's layout adds to the chart's own (its title above, the legend at the top,
    the source and the data version below), for dashboard/assets/charts.js to draw.

    A chart taken into a report must carry its own title, source and version; on the
    page they are the heading and the footer around it. Plotly reads some HTML in text,
    so the words (an uploaded name among them) are escaped. An empty figure stays empty.
    """
    if not figure or not figure.get("data"):
        return figure
    layout = dict(figure.get("layout") or {})
    margin = dict(layout.get("margin") or {})
    image = {
        "filename": slug_name(filename),
        "width": IMAGE_WIDTH,
        "height": height,
        "layout": {
            "title": {"text": _wrap(label(title), 90), "x": 0.01, "xanchor": "left", "y": 0.98,
                      "yanchor": "top", "font": {"size": 19}},
            "margin": {**margin, "l": max(margin.get("l", 56), 64), "r": 24, "t": 110,
                       "b": 150},
            "legend": {"orientation": "h", "x": 0, "xanchor": "left", "y": 1.02,
                       "yanchor": "bottom"},
            "showlegend": True,
        },
        "annotations": [
            {"text": _wrap(label(source), 150) + "<br>" + label(version), "showarrow": False,
             "xref": "paper", "yref": "paper", "x": 0, "y": 0, "xanchor": "left",
             "yanchor": "top", "yshift": -72, "align": "left",
             "font": {"size": 12, "color": "#3b3b3b"}},
        ],
    }  # fmt: skip
    meta = dict(layout.get("meta") or {})
    meta[IMAGE_META] = image
    layout["meta"] = meta
    return {**figure, "layout": layout}


def image_of(figure: dict) -> dict | None:
    """The picture a figure carries (see `with_image`), or None."""
    return ((figure or {}).get("layout") or {}).get("meta", {}).get(IMAGE_META)


def slug_name(text: str) -> str:
    out = "".join(ch.lower() if ch.isalnum() else "-" for ch in text)
    while "--" in out:
        out = out.replace("--", "-")
    return out.strip("-")[:120].strip("-") or "chart"


def _wrap(text: str, width: int) -> str:
    """Lines of at most `width` characters joined by <br> (plotly does not wrap)."""
    lines, line = [], ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    if line:
        lines.append(line)
    return "<br>".join(lines)


def image_for(
    ds, figure: dict, title: str, measures=(), filename: str = "", source: str = ""
) -> dict:
    """`with_image` with the dataset's source line (of `measures`, or `source` in words)
    and data version."""
    named = (
        f"London Weapon-Enabled Crime Dashboard. Source: {source}."
        if source
        else source_line(ds, tuple(measures))
    )
    return with_image(figure, title=title, source=named, version=version_line(ds),
                      filename=filename or title)  # fmt: skip


def panels_chart(frame: pd.DataFrame, panels: list[tuple[str, str]], *, y_title: str) -> dict:
    """One line per panel, panels stacked with their own scales and one time axis:
    (column of `frame`, panel title) each, e.g. London above a borough with a thirtieth
    of its count, which on London's scale would be a flat line. February 2024 is marked
    across every panel when the chart spans it."""
    n = len(panels)
    gap = 0.12
    height = (1 - gap * (n - 1)) / n
    x = _dates(frame["month"])
    data, annotations = [], []
    layout = base_layout(hovermode="x unified", showlegend=False)
    for i, (column, title) in enumerate(panels):
        title = label(title)  # an area's name, from the data
        axis = "" if i == 0 else str(i + 1)
        top = 1 - i * (height + gap)
        data.append({
            "type": "scatter", "mode": "lines", "name": title, "x": x,
            "y": _numbers(frame[column]), "xaxis": f"x{axis}", "yaxis": f"y{axis}",
            "line": {"color": OKABE_ITO[i % len(OKABE_ITO)], "dash": DASHES[i % len(DASHES)],
                     "width": 2.5 if i == 0 else 2},
            "hovertemplate": f"{title}<br>%{{x|%B %Y}}: %{{y:,.0f}}<extra></extra>",
        })  # fmt: skip
        layout[f"yaxis{axis}"] = {"title": {"text": y_title}, "rangemode": "tozero",
                                  "gridcolor": "#e0e0e0", "domain": [top - height, top],
                                  "anchor": f"x{axis}"}  # fmt: skip
        layout[f"xaxis{axis}"] = {"gridcolor": "#f0f0f0", "anchor": f"y{axis}",
                                  **({"matches": "x"} if i else {})}  # fmt: skip
        if n > 1:
            annotations.append({"text": f"<b>{title}</b>", "xref": "paper", "yref": "paper",
                                "x": 0, "y": top, "xanchor": "left", "yanchor": "bottom",
                                "showarrow": False, "font": {"size": 13}})  # fmt: skip
    months = pd.DatetimeIndex(frame["month"])
    if len(months) and months.min() < CONNECT_START <= months.max():
        layout["shapes"] = [connect_shape()]
        annotations.append({**connect_annotation(), "xanchor": "right"})
    if annotations:
        layout["annotations"] = annotations
    layout["margin"] = {"l": 64, "r": 12, "t": 28 if n > 1 else 24, "b": 36}
    return {"data": data, "layout": layout}
