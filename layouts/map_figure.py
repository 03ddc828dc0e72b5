"""A choropleth from its paint: the figure drawn once per level and boundary file, then
only new values as a dash.Patch.

The boundaries travel once: every trace's `geojson` is the URL of a content-hashed file
the browser caches for a year, and hover labels take each area's name from the file's
own properties, so names never travel with the values.

Areas are split between traces by what their hover must say: figures on enough events
and on too few ("unreliable"), changes that are statistically significant or not, areas
with no figure and the areas not covered. A sentence is then written once, in its
trace's hover template, instead of once per area; changing the measure, period or value
sends each trace's area codes, values and a few numbers for the hover.
"""

from __future__ import annotations

from collections.abc import Sequence

from dash import ClientsideFunction, Patch

from presenters.common.map_paint import (
    LONDON_CENTRE,
    LONDON_ZOOM,
    NAME,
    NO_DATA_COLOUR,
    NOT_COVERED_COLOUR,
    MapPaint,
    class_colours,
    stepped_colourscale,
)

# The perception page reads these from here until it is ported (its `figures.`).
__all__ = [
    "DOWNLOAD_IMAGE",
    "FIT_MAP",
    "NAME",
    "NOT_COVERED",
    "NOT_COVERED_COLOUR",
    "NO_DATA_COLOUR",
    "MapPaint",
    "class_colours",
    "image_layout",
    "map_figure",
    "map_patch",
    "stepped_colourscale",
    "trace_values",
]

# Fits a map to the areas in focus for its size on the screen (dashboard/assets/map.js):
# clientside_callback(FIT_MAP, Output(graph, "figure", allow_duplicate=True),
#                     Input(focus_store, "data"), State(graph, "id")).
FIT_MAP = ClientsideFunction("wec", "fitMap")
DOWNLOAD_IMAGE = ClientsideFunction("wec", "downloadImage")

CLEAR = "rgba(0,0,0,0)"
# The values traces: (unreliable, significant) for each, in trace order.
VALUE_TRACES = ((False, False), (False, True), (True, False), (True, True))
NO_FIGURE, NONE_BEFORE, NOT_COVERED = 4, 5, 6
SIGNIFICANT, BOROUGH_LINES, HALO, SELECTED, FOCUS_HALO, FOCUS = range(7, 13)
TRACE_NAMES = (
    "values",
    "values, significant change",
    "values on few events",
    "values on few events, significant change",
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
NOT_COVERED_HOVER = (
    f"{NAME}<br>Not covered: policed by the City of London Police, so the MPS publishes no "
    "data<extra></extra>"
)


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
        extra = {"hovertemplate": NOT_COVERED_HOVER} if trace == NOT_COVERED else {}
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


def image_layout(title: str, key_title: str, key: Sequence[tuple[str, str]], source: str) -> dict:
    """Layout additions for the downloaded PNG: a title, the key and the source.

    The key on the page is HTML beside the map; a picture taken into a report needs
    its own.
    """
    text = f"<b>{key_title}</b><br>" + "<br>".join(
        f'<span style="color:{colour}">\u25a0</span> {words}' for colour, words in key
    )
    return {
        "title": {"text": title, "x": 0.02, "xanchor": "left", "font": {"size": 20}},
        "margin": {"l": 0, "r": 0, "t": 56, "b": 36},
        "annotations": [
            {
                "text": text,
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
