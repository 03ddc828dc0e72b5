"""Young people and knife crime (/young-people): read the choices, compute, draw."""

from __future__ import annotations

from urllib.parse import urlencode

import pandas as pd
from dash import Dash, Input, Output, ctx, html, no_update

from callbacks.charts import OKABE_ITO
from callbacks.context import Context
from data import young_people as yp
from data.areas import LONDON_CODE
from data.dataset import Dataset
from data.funnel import rate_decimals
from layouts import ids
from layouts import young_people as view
from layouts.pages import parse_query
from layouts.tables import html_table
from presenters.common.charts import FONT
from presenters.common.options import Option

DEFAULTS = {"measure": yp.HEADLINE, "level": "borough", "borough": ""}
LEVELS = {"borough": "Boroughs", "ward": "Wards"}
NO_DATA = "No data has been published yet."
UNRELIABLE = "Fewer than 10: unreliable"
# Up to this many areas are drawn as a chart; more would be unreadable on a phone.
CHART_MAX = 40


def measure_options(ds: Dataset) -> list[Option]:
    return [(m, str(ds.measures.loc[m, "label"]), "") for m in yp.MEASURES]


def borough_options(ds: Dataset) -> list[Option]:
    boroughs = ds.areas[(ds.areas["level"] == "borough") & ds.areas["covered"]]
    out: list[Option] = [("", "All of London", "")]
    out += [
        (str(r.code), str(r.name), "Boroughs") for r in boroughs.sort_values("name").itertuples()
    ]
    return out


def young_state(ds: Dataset, raw: dict | None) -> dict[str, str]:
    raw = {k: str(v) for k, v in (raw or {}).items() if v is not None}
    measure = raw.get("measure", "")
    if measure not in yp.MEASURES:
        measure = DEFAULTS["measure"]
    level = raw.get("level", "")
    if level not in LEVELS:
        level = DEFAULTS["level"]
    borough = raw.get("borough", "")
    if borough not in [o[0] for o in borough_options(ds)]:
        borough = ""
    return {"measure": measure, "level": level, "borough": borough}


def query_string(state: dict[str, str]) -> str:
    return "?" + urlencode({k: v for k, v in state.items() if v})


def _interval(low: float, high: float, d: int) -> str:
    return f"{low:,.{d}f} to {high:,.{d}f}"


def risk_table(frame: pd.DataFrame, caption: str, parents: dict[str, str]) -> object:
    """The areas' figures; wards carry their borough, boroughs need no such column."""
    d = rate_decimals(frame["rate"].max())
    wards = bool(parents)
    headers = [
        "Area",
        *(["Borough"] if wards else []),
        "Victims aged 1-24",
        "Residents aged 0-24",
        "Rate per 1,000",
        "95% interval",
        "Residents aged 0-24 per victim",
        "Ratio to London (95% interval)",
        "Against London",
        "Reliability",
        "Rate caveat",
    ]
    rows = (
        [
            r["name"],
            *([parents.get(r["code"], "")] if wards else []),
            f"{r['victims']:,}",
            f"{r['population']:,.0f}",
            f"{r['rate']:,.{d}f}",
            _interval(r["rate_low"], r["rate_high"], d),
            r["for_every"],
            f"{r['ratio']:.2f} ({r['ratio_low']:.2f} to {r['ratio_high']:.2f})",
            r["ratio_words"],
            UNRELIABLE if r["low_count"] else "",
            r["caveat"],
        ]
        for r in frame.to_dict("records")
    )
    first = 2 if wards else 1
    numeric = (first, first + 1, first + 2, first + 4)
    return html_table(caption, headers, rows, row_header=0, numeric=numeric)


def rate_chart(frame: pd.DataFrame, london: float) -> dict:
    """Each area's rate as a dot with its 95% interval, London as a line."""
    ordered = frame.sort_values("rate")
    d = rate_decimals(frame["rate"].max())
    hover = (
        "<b>%{y}</b><br>%{x:." + str(d) + "f} per 1,000 aged 0-24"
        "<br>95% interval %{customdata[0]}<br>%{customdata[1]} victims<extra></extra>"
    )
    return {
        "data": [
            {
                "type": "scatter",
                "mode": "markers",
                "name": "Rate, with its 95% interval",
                "x": ordered["rate"].tolist(),
                "y": ordered["name"].tolist(),
                "error_x": {
                    "type": "data",
                    "symmetric": False,
                    "color": "#4a4a4a",
                    "array": (ordered["rate_high"] - ordered["rate"]).tolist(),
                    "arrayminus": (ordered["rate"] - ordered["rate_low"]).tolist(),
                },
                "marker": {
                    "color": OKABE_ITO[0],
                    "size": 8,
                    "symbol": ["circle-open" if low else "circle" for low in ordered["low_count"]],
                },
                "customdata": [
                    [_interval(lo, hi, d), f"{v:,}"]
                    for lo, hi, v in zip(
                        ordered["rate_low"], ordered["rate_high"], ordered["victims"], strict=True
                    )
                ],
                "hovertemplate": hover,
            },
            {
                "type": "scatter",
                "mode": "lines",
                "name": f"London ({london:.{d}f})",
                "x": [london, london],
                "y": [ordered["name"].iloc[0], ordered["name"].iloc[-1]],
                "line": {"color": OKABE_ITO[1], "dash": "dash", "width": 2},
                "hoverinfo": "skip",
            },
        ],
        "layout": {
            "margin": {"l": 150, "r": 12, "t": 12, "b": 60},
            "xaxis": {
                "title": {"text": "Victims aged 1-24 per 1,000 residents aged 0-24"},
                "rangemode": "tozero",
                "gridcolor": "#e0e0e0",
            },
            "yaxis": {"automargin": True, "dtick": 1},
            "legend": {"orientation": "h", "y": -0.12, "x": 0},
            "plot_bgcolor": "white",
            "paper_bgcolor": "white",
            "font": {"family": FONT},
        },
    }


def share_chart(lines: dict[str, pd.DataFrame]) -> dict:
    traces = []
    for i, (name, frame) in enumerate(lines.items()):
        colour = OKABE_ITO[i]
        months = frame["month"].dt.strftime("%Y-%m-%d").tolist()
        traces.append(
            {
                "type": "scatter",
                "mode": "lines",
                "name": f"{name}: 95% interval",
                "x": months + months[::-1],
                "y": (frame["high"] * 100).tolist() + (frame["low"] * 100).tolist()[::-1],
                "fill": "toself",
                "fillcolor": "rgba(0,114,178,0.12)" if i == 0 else "rgba(213,94,0,0.12)",
                "line": {"width": 0},
                "hoverinfo": "skip",
                "showlegend": False,
            }
        )
        traces.append(
            {
                "type": "scatter",
                "mode": "lines",
                "name": name,
                "x": months,
                "y": (frame["share"] * 100).tolist(),
                "line": {"color": colour, "width": 2.5, "dash": "solid" if i == 0 else "dash"},
                "hovertemplate": f"{name}<br>%{{x|%B %Y}}: %{{y:.1f}}%<extra></extra>",
            }
        )
    return {
        "data": traces,
        "layout": {
            "margin": {"l": 56, "r": 12, "t": 12, "b": 40},
            "yaxis": {
                "title": {"text": "Young victims' share, % (12 months)"},
                "rangemode": "tozero",
                "gridcolor": "#e0e0e0",
            },
            "xaxis": {"gridcolor": "#f0f0f0"},
            "legend": {"orientation": "h", "y": -0.18},
            "plot_bgcolor": "white",
            "paper_bgcolor": "white",
            "font": {"family": FONT},
            "hovermode": "x unified",
        },
    }


def share_table(lines: dict[str, pd.DataFrame]) -> object:
    names = list(lines)
    months = lines[names[0]]["month"]
    headers = ["12 months to"]
    for name in names:
        headers += [f"{name}: victims 1-24", f"{name}: share (95% interval)"]
    rows = []
    for month in months:
        row = [f"{month:%B %Y}"]
        for name in names:
            f = lines[name]
            found = f[f["month"] == month]
            if found.empty:
                row += ["", ""]
                continue
            r = found.iloc[0]
            interval = "" if pd.isna(r["low"]) else f" ({r['low']:.0%} to {r['high']:.0%})"
            row += [f"{int(r['victims']):,}", f"{r['share']:.1%}{interval}"]
        rows.append(row)
    return html_table(
        "Young knife injury victims as a share of knife crime with injury",
        headers,
        rows[::-1],
        row_header=0,
        numeric=tuple(range(1, len(headers))),
    )


def young_view(ds: Dataset | None, state: dict[str, str]) -> dict:
    """Everything the page shows for a state; a plain function, for tests."""
    empty = {
        "heading": "",
        "summary": [html.P(NO_DATA)],
        "hidden": True,
        "chart": {},
        "chart_note": "",
        "table": None,
        "share": {},
        "share_note": "",
        "share_table": None,
        "frame": pd.DataFrame(),
    }
    if ds is None:
        return empty
    measure, level, borough = state["measure"], state["level"], state["borough"]
    label = str(ds.measures.loc[measure, "label"])
    risk = yp.young_risk(ds, measure, level)
    place = str(ds.areas.loc[borough, "name"]) if borough else "London"
    if not risk.available:
        return {**empty, "heading": label, "summary": [html.P(risk.message)]}
    frame = risk.frame
    if borough and level == "ward":
        frame = frame[frame["parent_code"] == borough]
    words = "boroughs" if level == "borough" else "wards"
    heading = f"{label}, {risk.period.label}: {words} of {place}"
    summary = [html.P(yp.risk_sentence(risk), className="risk-headline")]
    if borough:
        own = yp.young_risk(ds, measure, "borough").frame.set_index("code")
        if borough in own.index:
            summary.append(html.P(yp.risk_sentence(risk, own.loc[borough], place)))
    higher = frame[frame["ratio_low"] > 1]
    lower = frame[frame["ratio_high"] < 1]
    summary.append(
        html.P(
            f"Of the {len(frame):,} {words} shown, {len(higher):,} have a rate clearly "
            f"higher than London's (their whole 95% interval is above it) and {len(lower):,} "
            "clearly lower; the rest are not clearly different."
        )
    )
    low = int(frame["low_count"].sum())
    if low:
        summary.append(
            html.P(
                f"{low:,} of the {words} shown had fewer than 10 victims: "
                "their figures are marked unreliable.",
                className="arp-warning",
            )
        )
    parents = {}
    if level == "ward":
        names = ds.areas["name"]
        parents = {
            c: str(names.get(p, ""))
            for c, p in zip(frame["code"], frame["parent_code"], strict=True)
        }
    chart, chart_note = {}, ""
    if len(frame) <= CHART_MAX and len(frame):
        chart = rate_chart(frame, risk.london_rate)
        chart_note = (
            "Each dot is an area's rate, the bar its 95% interval; open circles rest on "
            "fewer than 10 victims. The dashed line is London's rate."
        )
    else:
        chart_note = f"Choose a borough to chart its wards; the table lists all {len(frame):,}."
    table = risk_table(
        frame, f"{label}, {risk.period.label}: {words} of {place}, highest rate first", parents
    )
    lines = {"London": yp.young_share(ds, "london", LONDON_CODE)}
    if borough:
        lines[place] = yp.young_share(ds, "borough", borough)
    lines = {k: v for k, v in lines.items() if not v.empty}
    share_note = ""
    if lines:
        share_note = (
            "London: " + (yp.share_change(lines["London"]) or "too few months to compare") + "."
        )
        if borough and place in lines:
            change = yp.share_change(lines[place])
            share_note += f" {place}: {change}." if change else ""
    return {
        "heading": heading,
        "summary": summary,
        "hidden": False,
        "chart": chart,
        "chart_note": chart_note,
        "table": table,
        "share": share_chart(lines) if lines else {},
        "share_note": share_note,
        "share_table": share_table(lines) if lines else None,
        "frame": frame,
    }


def register(app: Dash, context: Context) -> None:

    @app.callback(
        Output(ids.YOUNG_CONTROLS, "children"),
        Output(ids.YOUNG_URL, "search"),
        Output(ids.YOUNG_HEADING, "children"),
        Output(ids.YOUNG_SUMMARY, "children"),
        Output(ids.YOUNG_RESULTS, "hidden"),
        Output(ids.YOUNG_CHART, "figure"),
        Output(ids.YOUNG_CHART_NOTE, "children"),
        Output(ids.YOUNG_TABLE, "children"),
        Output(ids.YOUNG_SHARE, "figure"),
        Output(ids.YOUNG_SHARE_NOTE, "children"),
        Output(ids.YOUNG_SHARE_TABLE, "children"),
        Input(ids.YOUNG_CHOICE, "data"),
        Input(ids.YOUNG_URL, "search"),
    )
    def _show(choice, search):
        ds = context.dataset()
        if ds is None:
            return None, no_update, "", [html.P(NO_DATA)], True, {}, "", None, {}, "", None
        from_url = ctx.triggered_id != ids.YOUNG_CHOICE or not choice
        state = young_state(ds, parse_query(search) if from_url else choice)
        v = young_view(ds, state)
        controls = view.controls(
            state,
            measures=measure_options(ds),
            levels=[(k, label, "") for k, label in LEVELS.items()],
            boroughs=borough_options(ds),
        )
        return (
            controls,
            no_update if from_url else query_string(state),
            v["heading"],
            v["summary"],
            v["hidden"],
            v["chart"],
            v["chart_note"],
            v["table"],
            v["share"],
            v["share_note"],
            v["share_table"],
        )
