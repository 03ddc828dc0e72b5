"""The map: a figure drawn once per level, then only new values as a dash.Patch.

The boundaries travel once: every trace's `geojson` is the URL of a content-hashed
file the browser caches for a year, and hover labels take each area's name from the
file's own properties (`%{properties.name}`), so names never travel with the values.

Areas are split between traces by what their hover must say: figures on 10 events
or more and fewer ("unreliable"), changes that are statistically significant or not,
areas with no figure and the areas not covered. A sentence is then written once, in
its trace's hover template, instead of once per area; changing the measure, period or
value sends each trace's area codes, values and a few numbers for the hover.

Colours come in classes, not a continuous ramp: the colour scale is a staircase with
a step between the largest value of one class and the smallest of the next, so z can
stay the real value (for hover and for tests) while each area takes its class colour.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import pairwise

from dash import Patch
from plotly.colors import sample_colorscale

from data.classify import DIVERGING, Classification

# Viridis (perceptually uniform, readable with the common colour-vision deficiencies),
# light for low values and dark for high ones.
SEQUENTIAL_SCALE = "Viridis_r"
# ColorBrewer PuOr, marked colour-blind safe: purple for falls, orange for rises.
DIVERGING_COLOURS = ("#5e3c99", "#b2abd2", "#f7f7f7", "#fdb863", "#e66101")
# Greys outside both palettes: "no data" must never look like zero.
NO_DATA_COLOUR = "#a6a6a6"
NOT_COVERED_COLOUR = "#dedede"
CLEAR = "rgba(0,0,0,0)"
LONDON_CENTRE = {"lat": 51.489, "lon": -0.109}
LONDON_ZOOM = 8.7
NAME = "<b>%{properties.name}</b>"

# The values traces: (unreliable, significant) for each, in trace order.
VALUE_TRACES = ((False, False), (False, True), (True, False), (True, True))
NO_FIGURE, NONE_BEFORE, NOT_COVERED = 4, 5, 6
SIGNIFICANT, BOROUGH_LINES, HALO, SELECTED, FOCUS_HALO, FOCUS = range(7, 13)
TRACE_NAMES = (
    "values",
    "values, significant change",
    "values on fewer than 10 events",
    "values on fewer than 10 events, significant change",
    "no figure",
    "none in the previous period",
    "not covered",
    "significant change",
    "borough boundaries",
    "chosen area halo",
    "chosen area",
    "chosen boroughs halo",
    "chosen boroughs",
)
# Outline traces: which paint field gives their locations, and whether they are drawn
# from the borough boundaries (on either map) rather than the level's own.
OUTLINES = (
    (SIGNIFICANT, "significant", False, "#000000", 1.6),
    (BOROUGH_LINES, "borough_lines", True, "#3b3b3b", 1.2),
    (HALO, "selected", False, "#ffffff", 7),
    (SELECTED, "selected", False, "#000000", 3),
    (FOCUS_HALO, "focus_boroughs", True, "#ffffff", 7),
    (FOCUS, "focus_boroughs", True, "#000000", 3),
)


@dataclass
class MapPaint:
    """Everything about the map that changes with measure, period, value or choice.

    The lists run over every area of the level, in one order (`codes`). `z` is None
    where an area has no figure; `reason` then says why, and `reason_count` carries
    the count for "none in the previous period, N now".
    """

    codes: list[str]
    z: list[float | None]
    customdata: list[list]
    unreliable: list[bool]
    significant_flags: list[bool]
    colorscale: list[list]
    zmin: float
    zmax: float
    hovertemplate: str  # for figures on enough events, not significant (or not a change)
    unreliable_note: str
    significant_note: str
    not_significant_note: str
    line_colour: str
    not_covered: list[bool]
    reason: list[str | None]
    reason_count: list[int | None]
    none_before_template: str = ""
    significant: list[str] = field(default_factory=list)
    selected: list[str] = field(default_factory=list)  # the chosen area, at the map's level
    borough_lines: list[str] = field(default_factory=list)  # boroughs drawn over wards
    focus_boroughs: list[str] = field(default_factory=list)  # filtered boroughs, outlined


def class_colours(classification: Classification) -> list[str]:
    if classification.kind == DIVERGING:
        return list(DIVERGING_COLOURS)
    k = classification.k
    if k == 0:
        return []
    if k == 1:
        return sample_colorscale(SEQUENTIAL_SCALE, [0.5])
    return sample_colorscale(SEQUENTIAL_SCALE, [i / (k - 1) for i in range(k)])


def stepped_colourscale(
    classification: Classification, colours: Sequence[str]
) -> tuple[list[list], float, float]:
    """A staircase colour scale over [zmin, zmax] giving each class its own colour."""
    present = [
        (c, colour) for c, colour in zip(classification.classes, colours, strict=True) if c.count
    ]
    if not present:
        return [[0, NO_DATA_COLOUR], [1, NO_DATA_COLOUR]], 0.0, 1.0
    zmin, zmax = present[0][0].smallest, present[-1][0].largest
    if zmax == zmin:
        colour = present[0][1]
        return [[0, colour], [1, colour]], zmin - 1, zmax + 1
    scale: list[list] = [[0.0, present[0][1]]]
    for (low, low_colour), (high, high_colour) in pairwise(present):
        step = ((low.largest + high.smallest) / 2 - zmin) / (zmax - zmin)
        scale += [[step, low_colour], [step, high_colour]]
    scale.append([1.0, present[-1][1]])
    return scale, zmin, zmax


def trace_values(paint: MapPaint) -> dict[int, dict]:
    """What each trace shows: its areas, their values and its hover template."""
    out: dict[int, dict] = {}
    for trace, (unreliable, significant) in enumerate(VALUE_TRACES):
        keep = [
            z is not None and u == unreliable and s == significant
            for z, u, s in zip(paint.z, paint.unreliable, paint.significant_flags, strict=True)
        ]
        notes = paint.significant_note if significant else paint.not_significant_note
        notes += paint.unreliable_note if unreliable else ""
        out[trace] = {
            "locations": _pick(paint.codes, keep),
            "z": _pick(paint.z, keep),
            "customdata": _pick(paint.customdata, keep),
            "hovertemplate": paint.hovertemplate.replace("<extra>", notes + "<extra>"),
        }
    reasons = {
        r
        for r, c in zip(paint.reason, paint.reason_count, strict=True)
        if r is not None and c is None
    }
    fixed = [
        r is not None and c is None and not nc
        for r, c, nc in zip(paint.reason, paint.reason_count, paint.not_covered, strict=True)
    ]
    single = len(reasons) == 1
    out[NO_FIGURE] = {
        "locations": _pick(paint.codes, fixed),
        "z": [0] * sum(fixed),
        # One reason for every such area (the usual case) is written once.
        "customdata": None if single else _pick(paint.reason, fixed),
        "hovertemplate": f"{NAME}<br>{next(iter(reasons)) if single else '%{customdata}'}"
        "<extra></extra>",
    }
    before = [c is not None for c in paint.reason_count]
    out[NONE_BEFORE] = {
        "locations": _pick(paint.codes, before),
        "z": [0] * sum(before),
        "customdata": _pick(paint.reason_count, before),
        "hovertemplate": f"{NAME}<br>{paint.none_before_template}<extra></extra>",
    }
    out[NOT_COVERED] = {
        "locations": _pick(paint.codes, paint.not_covered),
        "z": [1] * sum(paint.not_covered),
    }
    return out


def _pick(values: Sequence, keep: Sequence[bool]) -> list:
    return [v for v, k in zip(values, keep, strict=True) if k]


def _trace(geojson_url: str, name: str, **kwargs) -> dict:
    return {
        "type": "choroplethmap",
        "geojson": geojson_url,
        "featureidkey": "id",
        "name": name,
        **kwargs,
    }


def _outline(geojson_url: str, name: str, locations: list[str], colour: str, width: float):
    return _trace(
        geojson_url,
        name,
        locations=locations,
        z=[0] * len(locations),
        colorscale=[[0, CLEAR], [1, CLEAR]],
        showscale=False,
        hoverinfo="skip",
        marker={"line": {"color": colour, "width": width}},
    )


def _flat(colour: str) -> list[list]:
    return [[0, colour], [1, colour]]


def map_figure(geojson_url: str, borough_url: str, paint: MapPaint) -> dict:
    """The whole map for one level; sent again only when the level changes.

    A plain dict: plotly's graph objects would validate every value again, which
    costs more than building the figure (tests check it with go.Figure).
    """
    values = trace_values(paint)
    data = [
        _trace(
            geojson_url,
            TRACE_NAMES[trace],
            colorscale=paint.colorscale,
            zmin=paint.zmin,
            zmax=paint.zmax,
            showscale=False,
            marker={"line": {"width": 0.5, "color": paint.line_colour}},
            **values[trace],
        )
        for trace in range(len(VALUE_TRACES))
    ]
    for trace, colour in (
        (NO_FIGURE, NO_DATA_COLOUR),
        (NONE_BEFORE, NO_DATA_COLOUR),
        (NOT_COVERED, NOT_COVERED_COLOUR),
    ):
        extra = (
            {}
            if trace != NOT_COVERED
            else {
                "hovertemplate": f"{NAME}<br>Not covered: policed by the City of London Police, "
                "so the MPS publishes no data<extra></extra>"
            }
        )
        data.append(
            _trace(
                geojson_url,
                TRACE_NAMES[trace],
                colorscale=_flat(colour),
                showscale=False,
                marker={"line": {"width": 0.5, "color": "#ffffff"}},
                **values[trace],
                **extra,
            )
        )
    for trace, field_name, boroughs, colour, width in OUTLINES:
        url = borough_url if boroughs else geojson_url
        data.append(_outline(url, TRACE_NAMES[trace], getattr(paint, field_name), colour, width))
    layout = {
        "map": {"style": "white-bg", "center": LONDON_CENTRE, "zoom": LONDON_ZOOM},
        "margin": {"l": 0, "r": 0, "t": 0, "b": 0},
        "showlegend": False,
        "paper_bgcolor": "#ffffff",
        "font": {"family": "system-ui, -apple-system, Segoe UI, Roboto, Arial, sans-serif"},
        "hoverlabel": {"bgcolor": "#ffffff", "font": {"color": "#1b1b1b", "size": 14}},
        # Keeps a person's pan and zoom while values change underneath.
        "uirevision": "map",
    }
    return {"data": data, "layout": layout}


def map_patch(paint: MapPaint) -> Patch:
    """Only the values, colours and words of the current map; never its geometry."""
    patch = Patch()
    for trace, values in trace_values(paint).items():
        target = patch["data"][trace]
        for name, value in values.items():
            target[name] = value
        if trace < len(VALUE_TRACES):
            target["colorscale"] = paint.colorscale
            target["zmin"] = paint.zmin
            target["zmax"] = paint.zmax
            target["marker"]["line"]["color"] = paint.line_colour
    for trace, field_name, _, _, _ in OUTLINES:
        locations = getattr(paint, field_name)
        patch["data"][trace]["locations"] = locations
        patch["data"][trace]["z"] = [0] * len(locations)
    return patch


def image_layout(
    title: str, legend_title: str, legend: Sequence[tuple[str, str]], source: str
) -> dict:
    """Layout additions for the downloaded PNG: a title, the key and the source.

    The key on the page is HTML beside the map; a picture taken into a report needs
    its own.
    """
    key = f"<b>{legend_title}</b><br>" + "<br>".join(
        f'<span style="color:{colour}">\u25a0</span> {text}' for colour, text in legend
    )
    return {
        "title": {"text": title, "x": 0.02, "xanchor": "left", "font": {"size": 20}},
        "margin": {"l": 0, "r": 0, "t": 56, "b": 36},
        "annotations": [
            {
                "text": key,
                "align": "left",
                "showarrow": False,
                "xref": "paper",
                "yref": "paper",
                "x": 0.01,
                "y": 0.99,
                "xanchor": "left",
                "yanchor": "top",
                "bgcolor": "rgba(255,255,255,0.9)",
                "bordercolor": "#8f8f8f",
                "borderpad": 6,
                "font": {"size": 13},
            },
            {
                "text": source,
                "showarrow": False,
                "xref": "paper",
                "yref": "paper",
                "x": 0,
                "y": -0.01,
                "xanchor": "left",
                "yanchor": "top",
                "font": {"size": 11, "color": "#4a4a4a"},
            },
        ],
    }
