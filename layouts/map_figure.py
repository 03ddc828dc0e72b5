"""A choropleth from its paint: the figure drawn once per level and boundary file, then
only its traces again, as a dash.Patch, when the values change.

The boundaries travel once: every trace's `geojson` is the URL of a content-hashed file
the browser caches for a year, and hover labels take each area's name from the file's
own properties, so names never travel with the values.

At most five traces, top first, each only when it has something to show:

    chosen boroughs   black outlines of the boroughs a view narrows to    (borough file)
    outlines          black: significant changes (thin), the chosen area   (level file)
    borough lines     grey borough boundaries over wards; white halos      (borough file)
                      under the chosen boroughs' outlines
    no figure         greys: no figure (darker), not covered (lighter)     (level file)
    values            every area with a figure, in its class's colour      (level file)

The values trace carries every figure with a stepped colour scale (each class its own
colour); whether a figure rests on few events and whether a change is significant is
written into each area's hover (customdata) rather than splitting the areas between
traces. The greys share one trace with a two-step scale, each area's reason in its
hover. The chosen area's white halo is its own boundary line in the values or greys
trace, drawn wider.

Why so few, and why in this order: on every update plotly.js sets the data of every
trace again, and MapLibre removes and re-adds the layers of every trace whose `below`
is the same as another trace's (by default all of them share ""), which cost more than
anything else in a repaint. So each trace has a fixed `uid` and is placed, with an
explicit `below`, under the trace listed before it: no two share a `below`, and a
repaint with the same traces sets new data in the layers the map already has. (An
empty trace would be made invisible by plotly.js, which then ignores its `below`:
so empty traces are left out, and a Patch sends the list of traces.)
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
    OUTLINE_COLOUR,
    MapPaint,
    class_colours,
    hover_notes,
    no_figure_words,
    stepped_colourscale,
)

__all__ = [
    "DOWNLOAD_IMAGE",
    "FIT_MAP",
    "NAME",
    "NOT_COVERED_COLOUR",
    "NO_DATA_COLOUR",
    "MapPaint",
    "class_colours",
    "image_layout",
    "map_figure",
    "map_patch",
    "stepped_colourscale",
    "trace_values",
    "traces",
]

# Fits a map to the areas in focus for its size on the screen (dashboard/assets/map.js):
# clientside_callback(FIT_MAP, Output(graph, "figure", allow_duplicate=True),
#                     Input(focus_store, "data"), State(graph, "id")).
FIT_MAP = ClientsideFunction("wec", "fitMap")
DOWNLOAD_IMAGE = ClientsideFunction("wec", "downloadImage")

CLEAR = "rgba(0,0,0,0)"
# The traces' names, top first.
CHOSEN_BOROUGHS, OUTLINES, BOROUGH_LINES = "chosen boroughs", "outlines", "borough lines"
NO_FIGURE, VALUES = "no figure", "values"
ORDER = (CHOSEN_BOROUGHS, OUTLINES, BOROUGH_LINES, NO_FIGURE, VALUES)
BOROUGH_TRACES = (CHOSEN_BOROUGHS, BOROUGH_LINES)
# The MapLibre layer plotly.js makes for a trace's fill (see `below`).
LAYER = "plotly-trace-layer-{uid}-fill"

# Lines: (colour, width).
AREA_LINE = 0.5
HALO = ("#ffffff", 7.0)
CHOSEN = (OUTLINE_COLOUR, 3.0)
SIGNIFICANT = (OUTLINE_COLOUR, 1.6)
BOROUGH = ("#3b3b3b", 1.2)
# The greys' scale: 0 is no figure, 1 is not covered.
GREY_SCALE = [[0, NO_DATA_COLOUR], [0.5, NO_DATA_COLOUR], [0.5, NOT_COVERED_COLOUR],
              [1, NOT_COVERED_COLOUR]]  # fmt: skip
NO_FIGURE_HOVER = f"{NAME}<br>%{{customdata}}<extra></extra>"
OUTLINE = {"colorscale": [[0, CLEAR], [1, CLEAR]], "showscale": False, "hoverinfo": "skip"}
FIXED = {
    VALUES: {"showscale": False},
    NO_FIGURE: {"colorscale": GREY_SCALE, "zmin": 0, "zmax": 1, "showscale": False,
                "hovertemplate": NO_FIGURE_HOVER},
    OUTLINES: {**OUTLINE, "marker": {"line": {"color": OUTLINE_COLOUR}}},
    BOROUGH_LINES: OUTLINE,
    CHOSEN_BOROUGHS: {**OUTLINE, "marker": {"line": {"color": CHOSEN[0]}}},
}  # fmt: skip


def uid(name: str) -> str:
    return name.replace(" ", "-")


def _lines(codes: Sequence[str], width: float, colour: str, halo: set[str]):
    """Each area's boundary line: a wide white halo for the chosen areas, the usual
    line elsewhere; single values when none is chosen."""
    if not halo.intersection(codes):
        return colour, width
    return ([HALO[0] if c in halo else colour for c in codes],
            [HALO[1] if c in halo else width for c in codes])  # fmt: skip


def trace_values(paint: MapPaint) -> dict[str, dict]:
    """What each trace shows, by name: its areas, values, hover and lines."""
    has = [z is not None for z in paint.z]
    notes = hover_notes(paint)
    halo = set(paint.selected)
    codes = _pick(paint.codes, has)
    colour, width = _lines(codes, AREA_LINE, paint.line_colour, halo)
    # [rank, count in words, the previous count or a caveat, notes]
    items = zip(_pick(paint.customdata, has), _pick(notes, has), strict=True)
    out: dict[str, dict] = {
        VALUES: {
            "locations": codes,
            "z": _pick(paint.z, has),
            "customdata": [[*item, *[""] * (3 - len(item)), note] for item, note in items],
            "hovertemplate": paint.hovertemplate.replace("<extra>", "%{customdata[3]}<extra>"),
            "colorscale": paint.colorscale,
            "zmin": paint.zmin,
            "zmax": paint.zmax,
            "marker": {"line": {"color": colour, "width": width}},
        }
    }
    grey = [not h for h in has]
    codes = _pick(paint.codes, grey)
    colour, width = _lines(codes, AREA_LINE, "#ffffff", halo)
    out[NO_FIGURE] = {
        "locations": codes,
        "z": [int(nc) for nc in _pick(paint.not_covered, grey)],
        "customdata": _pick(no_figure_words(paint), grey),
        "marker": {"line": {"color": colour, "width": width}},
    }
    significant = [c for c in paint.significant if c not in halo]
    out[OUTLINES] = _outline([*significant, *paint.selected],
                             [SIGNIFICANT[1]] * len(significant)
                             + [CHOSEN[1]] * len(paint.selected))  # fmt: skip
    focus = set(paint.focus_boroughs)
    lines = list(dict.fromkeys([*paint.borough_lines, *paint.focus_boroughs]))
    colour, width = _lines(lines, BOROUGH[1], BOROUGH[0], focus)
    out[BOROUGH_LINES] = _outline(lines, width, colour)
    out[CHOSEN_BOROUGHS] = _outline(list(paint.focus_boroughs), CHOSEN[1])
    return out


def _outline(locations: list[str], width, colour=None) -> dict:
    if isinstance(width, list) and len(set(width)) == 1:
        width = width[0]
    line = {"width": width} if colour is None else {"width": width, "color": colour}
    return {"locations": locations, "z": [0] * len(locations), "marker": {"line": line}}


def _pick(values: Sequence, keep: Sequence[bool]) -> list:
    return [v for v, k in zip(values, keep, strict=True) if k]


def traces(geojson_url: str, borough_url: str, paint: MapPaint) -> list[dict]:
    """The map's traces, top first, each placed under the one before it; plain dicts
    (plotly's graph objects would validate every value again, which costs more than
    building them; tests check them with go.Figure)."""
    values = trace_values(paint)
    out: list[dict] = []
    for name in ORDER:
        shown = values[name]
        if not shown["locations"]:
            continue
        fixed = FIXED[name]
        line = {**fixed.get("marker", {}).get("line", {}), **shown["marker"]["line"]}
        out.append({
            "type": "choroplethmap",
            "uid": uid(name),
            "name": name,
            "below": LAYER.format(uid=out[-1]["uid"]) if out else "",
            "geojson": borough_url if name in BOROUGH_TRACES else geojson_url,
            "featureidkey": "id",
            **fixed,
            **shown,
            "marker": {"line": line},
        })  # fmt: skip
    return out


def map_figure(geojson_url: str, borough_url: str, paint: MapPaint) -> dict:
    """The whole map for one level; sent again only when the level changes."""
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
    return {"data": traces(geojson_url, borough_url, paint), "layout": layout}


def map_patch(geojson_url: str, borough_url: str, paint: MapPaint) -> Patch:
    """The traces again, on the boundary files the browser already has (their URLs, never
    their geometry), and nothing of the layout (where the map is fitted stays)."""
    patch = Patch()
    patch["data"] = traces(geojson_url, borough_url, paint)
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
