"""The funnel plot and its table, shared by the at-risk page and the area profiles."""

from __future__ import annotations

import pandas as pd

from data.funnel import ABOVE_95, ABOVE_998, BELOW_95, BELOW_998, POSITIONS, WITHIN, Funnel
from presenters.common import words
from presenters.common.charts import base_layout, label
from presenters.common.table import Column, TableModel, num, table

# Okabe-Ito colours; shape and fill differ too, so colour is never the only cue.
MARKERS = {
    ABOVE_998: {"symbol": "triangle-up", "color": "#D55E00", "size": 10},
    ABOVE_95: {"symbol": "triangle-up-open", "color": "#D55E00", "size": 10},
    WITHIN: {"symbol": "circle-open", "color": "#5a5a5a", "size": 7},
    BELOW_95: {"symbol": "triangle-down-open", "color": "#0072B2", "size": 10},
    BELOW_998: {"symbol": "triangle-down", "color": "#0072B2", "size": 10},
}


def funnel_chart(
    funnel: Funnel,
    *,
    level: str,
    unit: str,
    parents: dict[str, str],
    only: set[str] | None = None,
    highlight: str | None = None,
) -> dict:
    """The areas on a funnel around London's rate, as a plain figure dict.

    With `only`, the other areas of London are drawn faintly for context; with
    `highlight`, every other area is faint and the one area is marked and labelled.
    Each mark's customdata starts with its area code, so a click opens its profile.
    """
    points = funnel.points
    who = words.residents(funnel.young)
    singular, plural = words.level_words(level)
    curve = funnel.curve
    population = curve["population"].tolist()
    traces: list[dict] = []
    # The limits that give the verdict allow for the usual differences between areas;
    # the Poisson limits (chance alone) are drawn faintly for reference.
    for key, name, dash, color in (("998", "99.8% limits", "dot", "#1b1b1b"),
                                   ("95", "95% limits", "dash", "#4a4a4a"),
                                   ("998_poisson", "99.8% limits, chance alone", "dot", "#b0b0b0"),
                                   ("95_poisson", "95% limits, chance alone", "dash", "#c8c8c8"),
                                   ):  # fmt: skip
        traces.append({
            "type": "scatter", "mode": "lines", "name": name, "hoverinfo": "skip",
            "x": [*population, None, *population],
            "y": [*curve[f"upper_{key}"].tolist(), None, *curve[f"lower_{key}"].tolist()],
            "line": {"color": color, "dash": dash, "width": 1.5},
        })  # fmt: skip
    traces.append({
        "type": "scatter", "mode": "lines", "hoverinfo": "skip",
        "name": f"London rate ({words.rate(funnel.london_rate)})",
        "x": [population[0], population[-1]], "y": [funnel.london_rate] * 2,
        "line": {"color": "#1b1b1b", "width": 2},
    })  # fmt: skip
    template = (
        "<b>%{customdata[1]}</b> %{customdata[2]}<br>"
        f"Rate: %{{customdata[6]}} per 1,000 {who}<br>"
        f"{unit.capitalize()}: %{{customdata[3]}}<br>"
        f"{who.capitalize()}: %{{x:,.0f}}<br>"
        "%{customdata[4]}%{customdata[5]}<extra></extra>"
    )
    unreliable = "<br>" + words.low_count_note(unit)

    def markers(frame: pd.DataFrame, name: str, marker: dict, **extra) -> dict:
        customdata = [
            [code, label(area), label(parents.get(code, "")), words.number(count), position,
             unreliable if low else "", words.rate(rate)]
            for code, area, count, position, low, rate in zip(
                frame["code"], frame["name"], frame["count"], frame["position"],
                frame["low_count"], frame["rate"], strict=True,
            )
        ]  # fmt: skip
        return {"type": "scatter", "mode": "markers", "name": name, "marker": marker,
                "x": frame["population"].tolist(), "y": frame["rate"].tolist(),
                "customdata": customdata, "hovertemplate": template, **extra}  # fmt: skip

    faint = points.iloc[0:0]
    if highlight is not None:
        faint = points[points["code"] != highlight]
    elif only is not None:
        faint = points[~points["code"].isin(only)]
    if len(faint):
        traces.append(markers(faint, f"Other {plural} in London",
                              {"symbol": "circle", "size": 5, "color": "#b0b0b0"}))  # fmt: skip
    if highlight is None:
        shown = points if only is None else points[points["code"].isin(only)]
        for position in POSITIONS:
            group = shown[shown["position"] == position]
            if group.empty:
                continue
            style = MARKERS[position]
            marker = {**style, "line": {"width": 1.5, "color": style["color"]}}
            traces.append(markers(group, f"{position[0].upper()}{position[1:]} ({len(group)})",
                                  marker))  # fmt: skip
    else:
        one = points[points["code"] == highlight]
        traces.append(markers(
            one, label(one["name"].iloc[0]) if len(one) else singular,
            {"symbol": "diamond", "size": 14, "color": "#1b1b1b",
             "line": {"width": 2, "color": "#ffffff"}},
            mode="markers+text", text=[label(n) for n in one["name"]], textposition="top center",
            textfont={"size": 13, "color": "#1b1b1b"},
        ))  # fmt: skip
    layout = base_layout(
        margin={"l": 60, "r": 12, "t": 12, "b": 40},
        xaxis={"type": "log", "title": {"text": f"{who.capitalize()} (Census 2021, log scale)"},
               "gridcolor": "#ececec"},
        yaxis={"title": {"text": f"Rate per 1,000 {who}"}, "rangemode": "tozero",
               "gridcolor": "#e0e0e0"},
        legend={"orientation": "h", "y": -0.2, "x": 0},
    )  # fmt: skip
    return {"data": traces, "layout": layout}


def funnel_table(
    funnel: Funnel, codes: set[str] | None, parents: dict[str, str], caption: str
) -> TableModel:
    """Every mark of the funnel as a row: population, count, rate and its limits."""
    points = funnel.points if codes is None else funnel.points[funnel.points["code"].isin(codes)]
    points = points.sort_values(["population", "name"])
    who = "Residents aged 0-24" if funnel.young else "Residents"

    def limits(low: float, high: float) -> str:
        return f"{words.rate(low)} to {words.rate(high)}"

    rows = (
        (
            r.name,
            parents.get(r.code, ""),
            num(words.number(r.population), round(r.population)),
            num(words.number(r.count), r.count),
            num(words.rate(r.rate), words.rounded_rate(r.rate)),
            limits(r.lower_95, r.upper_95),
            limits(r.lower_998, r.upper_998),
            limits(r.lower_998_poisson, r.upper_998_poisson),
            r.position,
        )
        for r in points.itertuples()
    )
    return table(
        caption,
        (
            Column("Area"),
            Column("Borough or BCU"),
            Column(who, numeric=True),
            Column("Count", numeric=True),
            Column("Rate per 1,000", numeric=True),
            Column("95% limits"),
            Column("99.8% limits"),
            Column("99.8% limits, chance alone"),
            Column("Position"),
        ),
        rows,
    )
