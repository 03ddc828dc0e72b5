"""Callbacks of the map explorer (/map).

One server callback answers every control, a map click, "back to all London" and the
browser's back button: `explorer_update` turns the controls (or the URL) into a
checked `ExplorerState` and returns what changed. The map figure is sent whole only
when its level or boundary file changes; otherwise a Patch carries the new values.
Everything here is a plain function of a Dataset, so tests call it directly.

A view's map layer (the query, its classes, the values and hover words) is cached per
(data version, measure, level, period, value): the exact change tests behind it take
about 0.15 s for the wards, and a person flicking between views should not wait for
them twice.
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from itertools import pairwise
from urllib.parse import parse_qsl

import numpy as np
import pandas as pd
from dash import ALL, Dash, Input, Output, State, ctx, html, no_update
from dash.exceptions import PreventUpdate

from callbacks import figures
from callbacks.context import Context
from data import queries, stats
from data.areas import bcu_code
from data.classify import DIVERGING, Classification, change_classes, natural_breaks
from data.dataset import Dataset
from data.export import safe_csv
from data.periods import Period, financial_years, fy_label, month_start, resolve
from layouts import explorer as view
from layouts import ids
from layouts.explorer import CUSTOM, DEFAULT_MEASURE, LEVEL_WORDS, ExplorerState
from layouts.tables import html_table

# The MPS moved to the CONNECT recording system in February 2024: a comparison
# across that month mixes two ways of recording.
CONNECT_START = pd.Timestamp("2024-02-01")
# Rates are kept to 4 significant figures (homicide rates per 1,000 are about 0.005,
# ward knife crime rates about 1.5) and shown to 3; changes to 0.1%. The map, the
# table and the CSV share these numbers.
RATE_DIGITS, RATE_SHOWN = 4, 3
SINGULAR = {"offences": "offence", "victims": "victim", "outcomes": "outcome"}
SIGNIFICANCE = 0.05

# The outputs of the main callback, in order: (component id, property). The two
# groups of toggle buttons are pattern-matched: one value per button, in the order of
# view.LEVELS and view.VALUE_LABELS.
OUTPUTS: tuple[tuple[str | dict, str], ...] = (
    (ids.MAP_MEASURE, "children"),
    ({"type": ids.MAP_LEVEL, "value": ALL}, "aria-pressed"),
    ({"type": ids.MAP_LEVEL, "value": ALL}, "disabled"),
    (ids.MAP_PERIOD, "children"),
    (ids.MAP_RANGE, "hidden"),
    (ids.MAP_FROM, "children"),
    (ids.MAP_TO, "children"),
    ({"type": ids.MAP_VALUE, "value": ALL}, "aria-pressed"),
    ({"type": ids.MAP_VALUE, "value": ALL}, "hidden"),
    (ids.MAP_FIND, "value"),
    (ids.MAP_FIND_MESSAGE, "children"),
    (ids.MAP_BACK, "hidden"),
    (ids.MAP_URL, "search"),
    (ids.MAP, "figure"),
    (ids.MAP_VIEW, "data"),
    (ids.MAP_FOCUS, "data"),
    (ids.MAP_SYNC, "data"),
    (ids.MAP_HEADLINE, "children"),
    (ids.MAP_HEADING, "children"),
    (ids.MAP_NOTE, "children"),
    (ids.MAP_DEFINITION, "children"),
    (ids.MAP_LEGEND, "children"),
    (ids.MAP_SELECTED, "children"),
    (ids.MAP_TABLE, "children"),
    (ids.MAP_TABLE_TOGGLE, "children"),
    (ids.MAP_TABLE_TOGGLE, "aria-expanded"),
)

# Inputs of the main callback: the trigger's name for each.
INPUTS: tuple[tuple[str, str | dict, str], ...] = (
    ("choice", ids.MAP_CHOICE, "data"),
    ("level", {"type": ids.MAP_LEVEL, "value": ALL}, "n_clicks"),
    ("value", {"type": ids.MAP_VALUE, "value": ALL}, "n_clicks"),
    ("find", ids.MAP_FIND, "value"),
    ("find", ids.MAP_FIND_BUTTON, "n_clicks"),
    ("click", ids.MAP, "clickData"),
    ("back", ids.MAP_BACK, "n_clicks"),
    ("table", ids.MAP_TABLE_TOGGLE, "n_clicks"),
    ("url", ids.MAP_URL, "search"),
)
TRIGGERS = {(c["type"] if isinstance(c, dict) else c): name for name, c, _ in INPUTS}


def key(component: str | dict, prop: str) -> str:
    name = component["type"] if isinstance(component, dict) else component
    return f"{name}.{prop}"


# -- words ----------------------------------------------------------------------


def measure_row(ds: Dataset, measure: str) -> pd.Series:
    return ds.measures.loc[measure]


def noun(ds: Dataset, measure: str) -> str:
    """What the measure counts, in a sentence: "knife crime offences"."""
    row = measure_row(ds, measure)
    label, unit = str(row["label"]), str(row["unit"])
    if label.startswith("Positive outcomes: "):
        return "positive outcomes for " + label.removeprefix("Positive outcomes: ")
    lowered = label[0].lower() + label[1:]
    if unit in lowered or lowered.endswith("discharges"):
        return lowered
    return f"{lowered} {unit}"


def counted(n: int, words: str, unit: str) -> str:
    """For example "1 knife crime offence" and "2 knife crime offences"."""
    if n == 1 and unit in SINGULAR and words.endswith(unit):
        words = words[: -len(unit)] + SINGULAR[unit]
    return f"{n:,} {words}"


def in_period(label: str) -> str:
    starts_with_the = label.startswith(("12 months", "financial year", "the "))
    return ("in the " if starts_with_the and not label.startswith("the ") else "in ") + label


def percent(value: float) -> str:
    return f"{value:+.0f}%".replace("-", "\u2212")


def mapped(values: pd.Series, value: str) -> pd.Series:
    """Values as the map, the table and the CSV carry them."""
    if value == "change":
        return values.round(1)
    if value in ("rate", "young_rate"):
        return significant(values, RATE_DIGITS)
    return values


def significant(values: pd.Series, digits: int) -> pd.Series:
    v = values.to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        magnitude = np.floor(np.log10(np.abs(v)))
    places = np.where(np.isfinite(magnitude), digits - 1 - magnitude, 0).astype(int)
    rounded = [round(x, p) if np.isfinite(x) else np.nan for x, p in zip(v, places, strict=True)]
    return pd.Series(rounded, index=values.index, dtype=float)


def rate_text(value: float, digits: int = RATE_SHOWN) -> str:
    """A rate to `digits` significant figures, never in scientific notation."""
    if value is None or not np.isfinite(value):
        return ""
    if value == 0:
        return "0"
    places = max(digits - 1 - int(np.floor(np.log10(abs(value)))), 0)
    return f"{value:,.{places}f}"


def _number(value: float, decimals: int) -> str:
    if value is None or not np.isfinite(value):
        return ""
    return f"{value:,.{decimals}f}"


# -- state ----------------------------------------------------------------------


def measure_levels(ds: Dataset, measure: str) -> list[str]:
    listed = str(measure_row(ds, measure)["levels"]).split(",")
    return [level for level in view.LEVELS if level in listed]


def valid_period(ds: Dataset, measure: str, level: str, token: str) -> str:
    """The token if the measure has data for it at the level, else the latest 12 months.

    A range that runs past the data is cut to the months the data covers.
    """
    span = ds.months_covered(measure, level)
    if token in ("r12", "m"):
        return token
    if span is None:
        return "r12"
    first, last = span
    if token.startswith("fy"):
        year = int(token[2:]) if token[2:].isdigit() else 0
        return token if year in financial_years(first, last) else "r12"
    try:
        start, end = (
            (month_start(part) for part in token.split(".."))
            if ".." in token
            else (month_start(token), month_start(token))
        )
    except ValueError:
        return "r12"
    start, end = min(start, end), max(start, end)
    start, end = max(start, first), min(end, last)
    if start > end:
        return "r12"
    return range_token(start, end)


def range_token(start: pd.Timestamp, end: pd.Timestamp) -> str:
    if start == end:
        return f"{start:%Y-%m}"
    return f"{start:%Y-%m}..{end:%Y-%m}"


def _area(ds: Dataset, code: str | None) -> pd.Series | None:
    if not code or code not in ds.areas.index:
        return None
    row = ds.areas.loc[code]
    return row if row["level"] in ("borough", "ward") else None


def _bcu_of(ds: Dataset, borough: str) -> str | None:
    name = ds.areas.loc[borough, "bcu"] if borough in ds.areas.index else None
    if not isinstance(name, str):
        return None
    code = bcu_code(name)
    return code if code in ds.areas.index else None


def validate(ds: Dataset, state: ExplorerState, changed: str | None = None) -> ExplorerState:
    """A state the published data can show; conflicts go the way of what just changed."""
    measure = state.measure if state.measure in ds.measures.index else DEFAULT_MEASURE
    levels = measure_levels(ds, measure)
    level = state.level if state.level in levels else levels[0]
    area = state.area
    found = _area(ds, area)
    if found is None:
        area = None
    elif found["level"] == "ward" and level == "borough":
        if changed == "level" or "ward" not in levels:
            area = str(found["parent_code"])
        else:
            level = "ward"
    value = state.value if state.value in queries.value_choices(ds, measure) else "count"
    period = valid_period(ds, measure, level, state.period)
    bcu = state.bcu if state.bcu in ds.areas.index else None
    if bcu is not None and ds.areas.loc[bcu, "level"] != "bcu":
        bcu = None
    borough = state.borough
    row = _area(ds, borough)
    if row is None or row["level"] != "borough" or not bool(row["covered"]):
        borough = None
    if borough is not None and bcu != _bcu_of(ds, borough):
        if changed == "bcu":
            borough = None
        else:
            bcu = _bcu_of(ds, borough)
    return ExplorerState(measure, level, period, value, bcu, borough, area, state.table)


def find_area(ds: Dataset, text: str | None) -> str | None:
    """The area a search box names: an option's label, a unique name, or a code."""
    text = (text or "").strip()
    if not text:
        return None
    index = cached(ds, ("find-index",), lambda: _find_index(ds))
    return index.get(text.lower())


def _find_index(ds: Dataset) -> dict[str, str]:
    index: dict[str, str] = {}
    names: dict[str, list[str]] = {}
    for option in find_options(ds):
        index[option["label"].lower()] = option["value"]
        index[option["value"].lower()] = option["value"]
        names.setdefault(str(ds.areas.loc[option["value"], "name"]).lower(), []).append(
            option["value"]
        )
    for name, codes in names.items():
        if len(codes) == 1:
            index.setdefault(name, codes[0])
    return index


def apply_change(
    ds: Dataset, state: ExplorerState, trigger: str | None, payload: object
) -> ExplorerState:
    """The state after one change a person made, before `validate` settles conflicts."""
    if trigger == "choice" and isinstance(payload, Mapping):
        changed = payload.get("changed")
        text = {k: v if isinstance(v, str) and v else None for k, v in payload.items()}
        if changed == "measure" and text.get("measure"):
            return replace(state, measure=text["measure"])
        if changed in ("period", "from", "to"):
            return replace(state, period=_period_choice(ds, state, text))
        if changed == "bcu":
            return replace(state, bcu=text.get("bcu"))
        if changed == "borough":
            borough = text.get("borough")
            if borough is None:
                return replace(state, borough=None)
            area = state.area
            row = _area(ds, area)
            if row is not None and borough not in (area, row["parent_code"]):
                area = None
            return replace(state, level="ward", borough=borough, bcu=None, area=area)
        return state
    if trigger == "level" and payload in view.LEVELS:
        return replace(state, level=str(payload))
    if trigger == "value" and payload in view.VALUE_LABELS:
        return replace(state, value=str(payload))
    if trigger == "find":
        area = find_area(ds, payload if isinstance(payload, str) else None)
        if area is None:
            return state if (payload or "").strip() else replace(state, area=None)
        row = _area(ds, area)
        level = "ward" if row is not None and row["level"] == "ward" else state.level
        return replace(state, area=area, level=level)
    if trigger == "click":
        points = payload.get("points") if isinstance(payload, Mapping) else None
        code = (points or [{}])[0].get("location")
        row = _area(ds, code)
        if row is None:
            return state
        if state.level == "borough" and row["level"] == "borough":
            if not bool(row["covered"]):
                return replace(state, area=code)
            if "ward" in measure_levels(ds, state.measure):
                return replace(state, level="ward", borough=code, bcu=None, area=None)
            return replace(state, borough=code, bcu=None, area=code)
        return replace(state, area=code)
    if trigger == "back":
        level = "borough" if state.level == "ward" and state.borough else state.level
        return replace(state, level=level, bcu=None, borough=None, area=None)
    if trigger == "table":
        return replace(state, table=not state.table)
    return state


def _period_choice(ds: Dataset, state: ExplorerState, text: Mapping[str, str | None]) -> str:
    choice = text.get("period") or "r12"
    if choice != CUSTOM:
        return choice
    start, end = text.get("from"), text.get("to")
    if start is None or end is None:
        span = ds.months_covered(state.measure, state.level)
        if span is None:
            return "r12"
        first, last = span
        start = start or f"{max(last - pd.DateOffset(months=5), first):%Y-%m}"
        end = end or f"{last:%Y-%m}"
    return f"{start}..{end}"


def state_from_search(search: str | None) -> ExplorerState:
    return view.parse_query(dict(parse_qsl((search or "").lstrip("?"))))


# -- the map layer (cached) -----------------------------------------------------


@dataclass
class MapLayer:
    """One (measure, level, period, value) view: the query, its classes and paint."""

    result: queries.MapValues
    frame: pd.DataFrame  # result.frame with `shown`: the value as mapped (rounded)
    classification: Classification
    colours: list[str]
    paint: figures.MapPaint
    legend: list[tuple[str, str]]
    greys: list[tuple[str, str]]

    @property
    def available(self) -> bool:
        return self.result.available


_caches: dict[int, OrderedDict] = {}
_cache_lock = threading.Lock()
# About 0.6 MB a ward view: 64 views keep a worker under 40 MB for this page.
CACHE_SIZE = 64


def _cache_for(ds: Dataset) -> OrderedDict:
    with _cache_lock:
        cache = _caches.get(id(ds))
        if cache is None:
            cache = _caches[id(ds)] = OrderedDict()
            weakref.finalize(ds, _caches.pop, id(ds), None)
        return cache


def cached(ds: Dataset, key: tuple, build: Callable[[], object]):
    cache = _cache_for(ds)
    with _cache_lock:
        if key in cache:
            cache.move_to_end(key)
            return cache[key]
    made = build()
    with _cache_lock:
        cache[key] = made
        while len(cache) > CACHE_SIZE:
            cache.popitem(last=False)
    return made


def map_layer(ds: Dataset, measure: str, level: str, period: str, value: str) -> MapLayer:
    return cached(
        ds,
        ("layer", measure, level, period, value),
        lambda: _build_layer(ds, measure, level, period, value),
    )


def _shown(frame: pd.DataFrame, value: str) -> pd.Series:
    shown = frame["value"].where(frame["status"] == queries.OK)
    return mapped(shown, value)


def _build_layer(ds: Dataset, measure: str, level: str, period: str, value: str) -> MapLayer:
    result = queries.map_values(ds, measure=measure, level=level, period=period, value=value)
    frame = result.frame.copy()
    for column in (
        "count",
        "previous",
        "rate",
        "young_rate",
        "change_pct",
        "p_value",
        "q_value",
        "rank",
        "of",
    ):
        if column not in frame:
            frame[column] = np.nan
    if "low_count" not in frame:
        frame["low_count"] = False
    if "verdict" not in frame:
        frame["verdict"] = ""
    frame["shown"] = _shown(frame, value) if result.available else np.nan
    # A change is built on both periods' counts, so it is unreliable if either is low.
    frame["unreliable"] = frame["low_count"].astype(bool) | (
        (value == "change") & (frame["previous"] < stats.LOW_COUNT)
    )
    frame["significance"] = [
        _significance(c, p, q)
        for c, p, q in zip(frame["count"], frame["previous"], frame["q_value"], strict=True)
    ]
    classify = change_classes if value == "change" else natural_breaks
    classification = classify(frame["shown"].to_numpy(dtype=float))
    colours = figures.class_colours(classification)
    unit = str(measure_row(ds, measure)["unit"])
    paint = _paint(
        frame,
        classification,
        colours,
        value=value,
        unit=unit,
        level=level,
        available=result.available,
    )
    legend = _legend_entries(classification, colours, value, unit, level)
    greys = [(figures.NOT_COVERED_COLOUR, "Not covered: the City of London Police area")]
    if any(r is not None for r in paint.reason + paint.reason_count):
        no_figure = "No figure: no data, or none before" if value == "change" else "No data"
        greys.insert(0, (figures.NO_DATA_COLOUR, no_figure))
    return MapLayer(result, frame, classification, colours, paint, legend, greys)


def _significance(count: float, previous: float, q: float) -> str:
    if not (np.isfinite(count) and np.isfinite(previous)):
        return ""
    if count == previous:
        return "No change"
    if np.isfinite(q) and q < SIGNIFICANCE:
        return "Significant rise" if count > previous else "Significant fall"
    return "Not significant"


def _hovertemplate(value: str, unit: str, of: int, level: str) -> str:
    """The hover of an area with a figure; customdata is [rank, count, previous or note]."""
    plural = LEVEL_WORDS[level][1]
    figure = {
        "count": f"%{{z:,}} {unit}",
        "rate": f"%{{z:,.3r}} per 1,000 residents (%{{customdata[1]:,}} {unit})",
        "young_rate": f"%{{z:,.3r}} per 1,000 residents aged 0-24 (%{{customdata[1]:,}} {unit})",
        "change": f"%{{z:+.0f}}%: %{{customdata[1]:,}} {unit} against %{{customdata[2]:,}}",
    }[value]
    note = "%{customdata[2]}" if value in ("rate", "young_rate") else ""
    return (
        f"{figures.NAME}<br>{figure}<br>Rank %{{customdata[0]}} of {of} {plural} "
        f"(1 is highest){note}<extra></extra>"
    )


def _paint(
    frame: pd.DataFrame,
    classification: Classification,
    colours: list[str],
    *,
    value: str,
    unit: str,
    level: str,
    available: bool,
) -> figures.MapPaint:
    shown = frame["shown"].to_numpy(dtype=float)
    has_value = np.isfinite(shown)
    z: list = [
        (int(v) if value == "count" else float(v)) if ok else None
        for v, ok in zip(shown, has_value, strict=True)
    ]
    customdata: list = []
    reasons: list = []
    reason_counts: list = []
    for row, ok in zip(frame.itertuples(index=False), has_value, strict=True):
        reason, count = None, None
        if ok:
            item = [int(row.rank)]
            if value != "count":
                item.append(int(row.count))
            if value == "change":
                item.append(int(row.previous))
            if value in ("rate", "young_rate"):
                item.append(f"<br>Note: {row.caveat}" if isinstance(row.caveat, str) else "")
            customdata.append(item)
        else:
            customdata.append(None)
            if row.status != queries.NOT_COVERED:
                if value == "change" and row.previous == 0 and row.count > 0:
                    count = int(row.count)
                else:
                    reason = _grey_reason(row, value, available)
        reasons.append(reason)
        reason_counts.append(count)
    colourscale, zmin, zmax = figures.stepped_colourscale(classification, colours)
    of = int(frame["of"].iloc[0]) if available and len(frame) else 0
    flags = (value == "change") & frame["significance"].str.startswith("Significant").to_numpy()
    flags = flags & has_value
    change = value == "change"
    return figures.MapPaint(
        codes=frame["code"].tolist(),
        z=z,
        customdata=customdata,
        unreliable=frame["unreliable"].astype(bool).tolist(),
        significant_flags=flags.tolist(),
        colorscale=colourscale,
        zmin=zmin,
        zmax=zmax,
        hovertemplate=_hovertemplate(value, unit, of, level),
        unreliable_note=f"<br>Fewer than {stats.LOW_COUNT} {unit}: unreliable",
        significant_note="<br>A statistically significant change" if change else "",
        not_significant_note="<br>Not statistically significant" if change else "",
        line_colour="#7a7a7a" if classification.kind == DIVERGING else "#ffffff",
        not_covered=(frame["status"] == queries.NOT_COVERED).tolist(),
        reason=reasons,
        reason_count=reason_counts,
        none_before_template=f"No % change: no {unit} before, %{{customdata:,}} now",
        significant=frame.loc[flags, "code"].tolist(),
    )


def _grey_reason(row, value: str, available: bool) -> str:
    if not available:
        return "No data for this measure and period"
    if value == "change":
        if np.isfinite(row.previous) and row.previous == 0:
            return "None in either period"
        return "No change figure: the previous period is outside the data"
    if value in ("rate", "young_rate"):
        return "No rate: no resident population recorded"
    return "No data"


def legend_digits(classification: Classification) -> int:
    """Three significant figures, or more where one class's top would print as the
    next one's bottom."""
    classes = [c for c in classification.classes if c.count]
    for digits in range(RATE_SHOWN, RATE_DIGITS + 1):
        if all(
            rate_text(a.largest, digits) != rate_text(b.smallest, digits)
            for a, b in pairwise(classes)
        ):
            return digits
    return RATE_DIGITS


def _legend_entries(
    classification: Classification, colours: list[str], value: str, unit: str, level: str
) -> list[tuple[str, str]]:
    words = LEVEL_WORDS[level]
    entries = []
    for c, colour in zip(classification.classes, colours, strict=True):
        areas = f" ({c.count} {words[0] if c.count == 1 else words[1]})"
        if classification.kind == DIVERGING:
            low, high = c.lower, c.upper
            if low is None:
                text = f"Down {-high:.0f}% or more"
            elif high is None:
                text = f"Up {low:.0f}% or more"
            elif low < 0 < high:
                text = f"Less than {high:.0f}% up or down"
            elif high <= 0:
                text = f"Down {-high:.0f}% to under {-low:.0f}%"
            else:
                text = f"Up {low:.0f}% to under {high:.0f}%"
        else:
            digits = legend_digits(classification)
            suffix = f" {unit}" if value == "count" else ""
            if value == "count":
                low, high = _number(c.smallest, 0), _number(c.largest, 0)
            else:
                low, high = rate_text(c.smallest, digits), rate_text(c.largest, digits)
            text = (low if low == high else f"{low} to {high}") + suffix
        entries.append((colour, text + areas))
    return entries


# -- the view -------------------------------------------------------------------


def _focus_codes(ds: Dataset, state: ExplorerState) -> tuple[list[str] | None, float]:
    """The areas the map should fit, and how much room to leave around them."""
    areas = ds.areas
    wards = areas[areas["level"] == "ward"]
    if state.area:
        row = areas.loc[state.area]
        if row["level"] == state.level:
            return [state.area], 3.0
        return wards.index[wards["parent_code"] == state.area].tolist(), 1.1
    boroughs: list[str] = []
    if state.borough:
        boroughs = [state.borough]
    elif state.bcu:
        name = areas.loc[state.bcu, "bcu"]
        b = areas[(areas["level"] == "borough") & (areas["bcu"] == name)]
        boroughs = b.index.tolist()
    if not boroughs:
        return None, 1.04
    if state.level == "borough":
        return boroughs, 1.15
    return wards.index[wards["parent_code"].isin(boroughs)].tolist(), 1.1


def table_frame(ds: Dataset, state: ExplorerState, layer: MapLayer) -> pd.DataFrame:
    """The rows and columns of the table, as numbers; the HTML and the CSV format it."""
    frame = layer.frame
    areas = ds.areas
    if state.level == "ward":
        parent = frame["parent_code"].map(areas["name"])
        parent_bcu = frame["parent_code"].map(areas["bcu"])
    else:
        parent = frame["code"].map(areas["bcu"]).fillna("")
        parent_bcu = parent
    keep = pd.Series(True, index=frame.index)
    if state.borough:
        keep = frame["parent_code" if state.level == "ward" else "code"] == state.borough
    elif state.bcu:
        keep = parent_bcu == areas.loc[state.bcu, "bcu"]
    out = pd.DataFrame(
        {
            "rank": frame["rank"].where(frame["shown"].notna()),
            "code": frame["code"],
            "name": frame["name"],
            "parent": parent.fillna(""),
            "count": frame["count"],
            "rate": mapped(frame["rate"], "rate"),
            "young_rate": mapped(frame["young_rate"], "young_rate"),
            "previous": frame["previous"],
            "change_pct": mapped(frame["change_pct"], "change"),
            "significance": frame["significance"],
            "unreliable": frame["unreliable"].astype(bool),
            "caveat": frame["caveat"].fillna(""),
            "status": frame["status"],
        }
    )[keep.to_numpy()]
    out.loc[
        out["status"] != queries.OK, ["count", "rate", "young_rate", "previous", "change_pct"]
    ] = np.nan
    out = out.assign(_covered=out["status"] != queries.NOT_COVERED)
    out = out.sort_values(
        ["_covered", "rank", "name"],
        ascending=[False, True, True],
        na_position="last",
        kind="stable",
    )
    return out.drop(columns="_covered").reset_index(drop=True)


def _columns(ds: Dataset, state: ExplorerState) -> list[tuple[str, str]]:
    """(frame column, heading) pairs, in the order the table and the CSV show them."""
    unit = str(measure_row(ds, state.measure)["unit"])
    young = bool(measure_row(ds, state.measure)["young"])
    columns = [
        ("rank", "Rank (1 is highest)"),
        ("name", view.LEVELS[state.level][:-1]),
        ("parent", "Borough" if state.level == "ward" else "BCU"),
        ("count", unit.capitalize()),
        ("rate", "Rate per 1,000 residents"),
    ]
    if young:
        columns.append(("young_rate", "Rate per 1,000 aged 0-24"))
    columns += [
        ("previous", "Previous period"),
        ("change_pct", "Change"),
        ("significance", "Significance"),
        ("reliability", "Reliability"),
        ("caveat", "Caveat"),
    ]
    return columns


def _cell(column: str, value: object, status: str) -> str:
    if column in ("count", "previous", "rank"):
        return (
            _number(value, 0)
            if status == queries.OK
            else ("not covered" if column == "count" and status == queries.NOT_COVERED else "")
        )
    if column in ("rate", "young_rate"):
        return rate_text(value)
    if column == "change_pct":
        return percent(value) if value is not None and np.isfinite(value) else ""
    return "" if value is None or (isinstance(value, float) and np.isnan(value)) else str(value)


def _reliability(unreliable: bool) -> str:
    return f"Fewer than {stats.LOW_COUNT} events: unreliable" if unreliable else ""


def table_component(ds: Dataset, state: ExplorerState, layer: MapLayer, caption: str):
    rows = table_frame(ds, state, layer)
    if not layer.available:
        return html.P("No figures to show for this measure and period.")
    columns = _columns(ds, state)
    rows = rows.assign(reliability=rows["unreliable"].map(_reliability))
    numeric = [
        i
        for i, (c, _) in enumerate(columns)
        if c in ("rank", "count", "rate", "young_rate", "previous", "change_pct")
    ]
    body = (
        [_cell(c, v, status) for (c, _), v in zip(columns, values, strict=True)]
        for values, status in zip(
            rows[[c for c, _ in columns]].itertuples(index=False, name=None),
            rows["status"],
            strict=True,
        )
    )
    return html_table(caption, [h for _, h in columns], body, numeric=numeric)


def csv_frame(ds: Dataset, state: ExplorerState) -> pd.DataFrame:
    """Exactly the table's rows and columns, numbers unformatted, plus the area code
    and a low-count flag column."""
    layer = map_layer(ds, state.measure, state.level, state.period, state.value)
    rows = table_frame(ds, state, layer)
    rows = rows.assign(reliability=rows["unreliable"].map(_reliability))
    columns = _columns(ds, state)
    out = pd.DataFrame({"Area code": rows["code"]})
    for column, heading in columns:
        out[heading] = rows[column]
    # Blank, not "no", where there is no figure for the flag to be about.
    out[f"Fewer than {stats.LOW_COUNT} events"] = np.where(
        rows["status"] != queries.OK, "", np.where(rows["unreliable"], "yes", "no")
    )
    out["Status"] = rows["status"]
    for heading in ("Rank (1 is highest)", "Previous period"):
        out[heading] = out[heading].astype("Int64")
    unit_heading = columns[3][1]
    out[unit_heading] = out[unit_heading].astype("Int64")
    return out


def file_stem(ds: Dataset, state: ExplorerState) -> str:
    layer = map_layer(ds, state.measure, state.level, state.period, state.value)
    period = layer.result.period
    when = f"{period.start:%Y-%m}-to-{period.end:%Y-%m}" if period else state.period
    parts = [
        state.measure.replace("_", "-"),
        f"by-{state.level}",
        state.value.replace("_", "-"),
        when,
    ]
    if state.borough or state.bcu:
        name = ds.areas.loc[state.borough or state.bcu, "name"]
        parts.append("-".join(str(name).lower().replace(",", "").split()))
    return "london-" + "-".join(parts)


def csv_download(ds: Dataset | None, state: ExplorerState) -> dict | None:
    if ds is None:
        return None
    state = validate(ds, state)
    return {
        "content": safe_csv(csv_frame(ds, state)),
        "filename": file_stem(ds, state) + ".csv",
        "type": "text/csv",
    }


def headline(ds: Dataset, state: ExplorerState, layer: MapLayer) -> list:
    if not layer.available:
        return [
            html.P(
                layer.result.message + " The map shows no figures for it, rather than zeros.",
                className="headline-text",
            )
        ]
    words = noun(ds, state.measure)
    unit = str(measure_row(ds, state.measure)["unit"])
    top = cached(
        ds,
        ("london", state.measure, state.period),
        lambda: queries.london_headline(ds, state.measure, state.period),
    )
    if top is None:
        return [html.P(f"There are no London figures for {layer.result.period.label}.")]
    period: Period = top["period"]
    sentence = f"London: {counted(top['count'], words, unit)} {in_period(period.label)}"
    if top["previous"] is None:
        sentence += ". There is no earlier period in the data to compare with."
    else:
        sentence += f", against {top['previous']:,} in {period.comparison}: {top['verdict']}."
    sentences = [sentence]
    if state.value in ("rate", "young_rate"):
        band = "0-24" if state.value == "young_rate" else "all"
        boroughs = ds.areas[(ds.areas["level"] == "borough") & ds.areas["covered"]].index
        residents = float(np.nansum(ds.population_of(boroughs, band)))
        if residents > 0:
            who = "residents aged 0-24" if band == "0-24" else "residents"
            sentences.append(
                f"That is {rate_text(top['count'] / residents * 1000)} per 1,000 {who} of the "
                "32 boroughs the Metropolitan Police covers."
            )
    if top["low_count"]:
        sentences.append(f"This is fewer than {stats.LOW_COUNT} events: treat it with caution.")
    return [html.P(" ".join(sentences), className="headline-text")]


def note(ds: Dataset, state: ExplorerState, layer: MapLayer) -> list:
    if not layer.available:
        return []
    period = layer.result.period
    unit = str(measure_row(ds, state.measure)["unit"])
    level_word = LEVEL_WORDS[state.level][0]
    parts = []
    placed = cached(
        ds,
        ("unallocated", state.measure, state.level, state.period),
        lambda: queries.unallocated(ds, state.measure, state.level, period),
    )
    if placed:
        parts.append(
            f"{placed:,} {unit if placed != 1 else SINGULAR.get(unit, unit)} could not be "
            f"placed in a {level_word} by the MPS; they count in London's total but are not "
            "on the map."
        )
    parts.append(
        "The City of London has its own police force, so the Metropolitan Police publishes "
        "no figures for it: the map shows it as not covered, never as zero."
    )
    if state.value == "change":
        parts.append(
            f"Change compares {period.label} with {period.comparison} ({period.previous().label}), "
            "judged by an exact test on the counts; with many areas tested at once, "
            "\u201csignificant\u201d allows for false discoveries (Benjamini-Hochberg)."
        )
    if min(period.start, period.previous().start) < CONNECT_START <= period.end:
        parts.append(
            "The MPS moved to a new crime recording system (CONNECT) in February 2024; "
            "compare figures from either side of that month with care."
        )
    return [html.P(p) for p in parts]


def heading(ds: Dataset, state: ExplorerState, layer: MapLayer) -> str:
    label = str(measure_row(ds, state.measure)["label"])
    words = {
        "count": "number",
        "rate": "rate per 1,000 residents",
        "young_rate": "rate per 1,000 residents aged 0-24",
        "change": "change on the previous period",
    }[state.value]
    when = layer.result.period.label if layer.result.period else "no published data"
    text = f"{label} by {LEVEL_WORDS[state.level][0]}: {words}, {when}"
    if state.borough or state.bcu:
        text += f", {ds.areas.loc[state.borough or state.bcu, 'name']}"
    return text


def legend_title(ds: Dataset, state: ExplorerState, layer: MapLayer) -> str:
    unit = str(measure_row(ds, state.measure)["unit"])
    if state.value == "change" and layer.result.period:
        return f"Change in {unit} on {layer.result.period.comparison}"
    return {
        "count": f"Number of {unit}",
        "rate": f"{unit.capitalize()} per 1,000 residents",
        "young_rate": f"{unit.capitalize()} per 1,000 residents aged 0-24",
        "change": f"Change in {unit}",
    }[state.value]


def selected_panel(ds: Dataset, state: ExplorerState) -> list:
    if not state.area:
        return []
    row = ds.areas.loc[state.area]
    level = str(row["level"])
    name = str(row["name"])
    if level == "ward":
        kind = f"Ward in {ds.areas.loc[row['parent_code'], 'name']}"
    else:
        bcu = row["bcu"]
        kind = f"Borough in the {bcu} BCU" if isinstance(bcu, str) else "Borough"
    sentences: list[str] = []
    if not bool(row["covered"]):
        sentences.append("Policed by the City of London Police: the MPS publishes no figures here.")
    elif level in measure_levels(ds, state.measure):
        layer = map_layer(ds, state.measure, level, state.period, state.value)
        if layer.available:
            sentences += _area_sentences(ds, state, layer, state.area)
    return view.selected_area(name, kind, sentences, state.area, f"Full profile of {name}")


def _area_sentences(ds: Dataset, state: ExplorerState, layer: MapLayer, code: str) -> list[str]:
    frame = layer.frame.set_index("code")
    if code not in frame.index:
        return []
    r = frame.loc[code]
    if not np.isfinite(r["count"]):
        return []
    unit = str(measure_row(ds, state.measure)["unit"])
    period = layer.result.period
    plural = LEVEL_WORDS[str(ds.areas.loc[code, "level"])][1]
    first = f"{counted(int(r['count']), noun(ds, state.measure), unit)} {in_period(period.label)}"
    if np.isfinite(r["shown"]):
        if state.value in ("rate", "young_rate"):
            who = "residents aged 0-24" if state.value == "young_rate" else "residents"
            first += f", {rate_text(r['shown'])} per 1,000 {who}"
        first += f"; rank {int(r['rank'])} of {int(r['of'])} {plural} (1 is highest)"
    out = [first + "."]
    if np.isfinite(r["previous"]):
        # One area's own panel: its own test, not the many-areas (q) verdict of the map.
        own = stats.own_change_words(r["verdict_own"], r["rate_ratio_words"], r["p_value"])
        out.append(f"Against {int(r['previous']):,} in {period.comparison}: {own}.")
    if r["unreliable"]:
        out.append(f"Fewer than {stats.LOW_COUNT} events: treat these figures with caution.")
    if isinstance(r["caveat"], str) and r["caveat"]:
        out.append(r["caveat"])
    return out


def period_options(ds: Dataset, measure: str, level: str) -> list[dict]:
    span = ds.months_covered(measure, level)
    if span is None:
        return [
            {"label": "Latest 12 months", "value": "r12"},
            {"label": "Latest month", "value": "m"},
        ]
    first, last = span
    options = [
        {"label": f"12 months to {last:%b %Y}", "value": "r12"},
        {"label": f"{last:%B %Y} (latest month)", "value": "m"},
    ]
    for year in reversed(financial_years(first, last)):
        period = resolve(f"fy{year}", last)
        partial = period.start < first or period.label.endswith(")")
        options.append(
            {
                "label": f"Financial year {fy_label(year)}" + (" (part year)" if partial else ""),
                "value": f"fy{year}",
            }
        )
    options.append({"label": "A range of months", "value": CUSTOM})
    return options


def month_options(ds: Dataset, measure: str, level: str) -> list[dict]:
    span = ds.months_covered(measure, level)
    if span is None:
        return []
    months = pd.date_range(span[0], span[1], freq="MS")[::-1]
    return [{"label": f"{m:%B %Y}", "value": f"{m:%Y-%m}"} for m in months]


def find_options(ds: Dataset) -> list[dict]:
    areas = ds.areas[ds.areas["level"].isin(["borough", "ward"])]
    boroughs = areas[areas["level"] == "borough"].sort_values("name")
    wards = areas[areas["level"] == "ward"].sort_values("name")
    names = ds.areas["name"]
    return [{"label": f"{r.name} (borough)", "value": r.code} for r in boroughs.itertuples()] + [
        {"label": f"{r.name} (ward, {names[r.parent_code]})", "value": r.code}
        for r in wards.itertuples()
    ]


def measures_without_data(ds: Dataset) -> list[str]:
    return [m for m in ds.measures.index if not ds.has_data(m)]


def explorer_update(
    ds: Dataset | None,
    geojson_url: Callable[[str], str | None],
    *,
    trigger: str | None,
    payload: object = None,
    search: str | None = None,
    pathname: str | None = "/map",
    view_data: Mapping | None = None,
) -> dict[str, object]:
    """Everything the page shows after one interaction, keyed "component.property"; a
    key left out means "unchanged".

    `trigger` names what happened (see INPUTS; None for the first call) and `payload`
    carries its value: the selects' values, a button's value, the search text, the
    map's clickData. `view_data` is the page's MAP_VIEW store from the last answer.
    """
    if trigger == "url" and (pathname or "").rstrip("/") != "/map":
        return {}  # the page is being left; its URL now belongs to another page
    previous = ExplorerState.from_dict((view_data or {}).get("state"))
    from_url = trigger in (None, "url") or previous is None
    out: dict[str, object] = {}
    if ds is None:
        message = html.P("No data has been published yet.")
        out[key(ids.MAP_HEADLINE, "children")] = message
        out[key(ids.MAP_TABLE, "children")] = message
        out[key(ids.MAP, "figure")] = {}
        return out

    if from_url:
        state = validate(ds, state_from_search(search))
    else:
        changed = payload.get("changed") if isinstance(payload, Mapping) else trigger
        state = validate(ds, apply_change(ds, previous, trigger, payload), changed=changed)

    layer = map_layer(ds, state.measure, state.level, state.period, state.value)
    url = geojson_url(state.level)
    drawn = f"{ds.version_id}|{state.level}|{url}|{geojson_url('borough')}"
    borough_url = geojson_url("borough") or url
    paint = chosen_paint(ds, state, layer)
    if url is None:
        out[key(ids.MAP, "figure")] = {}
    elif (view_data or {}).get("drawn") != drawn:
        out[key(ids.MAP, "figure")] = figures.map_figure(url, borough_url, paint)
    else:
        out[key(ids.MAP, "figure")] = figures.map_patch(paint)

    codes, pad = _focus_codes(ds, state)
    focus = {"url": url, "codes": codes, "pad": pad, "key": f"{drawn}|{codes}"}
    if (view_data or {}).get("focus") != focus["key"]:
        out[key(ids.MAP_FOCUS, "data")] = focus

    title = heading(ds, state, layer)
    classes = layer.legend if layer.available else []
    outlines = []
    if state.value == "change" and layer.available:
        outlines.append(("#000000", "Black outline: a statistically significant change"))
    if paint.selected:
        outlines.append(("#000000", "Thick outline: the area you chose"))
    source = (
        "London Weapon-Enabled Crime Dashboard. Source: "
        f"{measure_row(ds, state.measure)['source']}. Contains OS data \u00a9 Crown copyright."
    )
    key_title = legend_title(ds, state, layer)
    image = figures.image_layout(title, key_title, classes + layer.greys, source)
    out[key(ids.MAP_VIEW, "data")] = {
        "state": state.to_dict(),
        "drawn": drawn if url else None,
        "focus": focus["key"],
        "image": {"filename": file_stem(ds, state), "layout": image},
    }

    choice, start, end = view.period_control_values(state.period)
    levels = measure_levels(ds, state.measure)
    values = queries.value_choices(ds, state.measure)
    found = "" if not state.area else find_label(ds, state.area)
    out.update(
        {
            key(ids.MAP_LEVEL, "aria-pressed"): [
                "true" if level == state.level else "false" for level in view.LEVELS
            ],
            key(ids.MAP_LEVEL, "disabled"): [level not in levels for level in view.LEVELS],
            key(ids.MAP_PERIOD, "children"): view.select_options(
                period_options(ds, state.measure, state.level), choice
            ),
            key(ids.MAP_RANGE, "hidden"): choice != CUSTOM,
            key(ids.MAP_VALUE, "aria-pressed"): [
                "true" if v == state.value else "false" for v in view.VALUE_LABELS
            ],
            key(ids.MAP_VALUE, "hidden"): [v not in values for v in view.VALUE_LABELS],
            key(ids.MAP_BACK, "hidden"): not (state.area or state.borough or state.bcu),
            key(ids.MAP_HEADLINE, "children"): headline(ds, state, layer),
            key(ids.MAP_HEADING, "children"): title,
            key(ids.MAP_NOTE, "children"): note(ds, state, layer),
            key(ids.MAP_LEGEND, "children"): view.legend(key_title, classes, layer.greys, outlines),
            key(ids.MAP_SELECTED, "children"): selected_panel(ds, state),
            key(ids.MAP_TABLE_TOGGLE, "children"): (
                "Hide the table" if state.table else "Show the table"
            ),
            key(ids.MAP_TABLE_TOGGLE, "aria-expanded"): "true" if state.table else "false",
            key(ids.MAP_TABLE, "children"): (
                table_component(ds, state, layer, title) if state.table else []
            ),
        }
    )
    if trigger == "find":
        text = payload.strip() if isinstance(payload, str) else ""
        missing = bool(text) and find_area(ds, text) is None
        out[key(ids.MAP_FIND_MESSAGE, "children")] = (
            f"No borough or ward is called \u201c{text}\u201d: choose one of the "
            "suggestions as you type."
            if missing
            else ""
        )
        if not missing:
            out[key(ids.MAP_FIND, "value")] = found
    elif from_url or trigger in ("click", "back", "choice", "level"):
        out[key(ids.MAP_FIND, "value")] = found
        out[key(ids.MAP_FIND_MESSAGE, "children")] = ""
    if choice == CUSTOM:
        months = month_options(ds, state.measure, state.level)
        out[key(ids.MAP_FROM, "children")] = view.select_options(months, start)
        out[key(ids.MAP_TO, "children")] = view.select_options(months, end)
    if previous is None or previous.measure != state.measure:
        row = measure_row(ds, state.measure)
        out[key(ids.MAP_DEFINITION, "children")] = view.definition(
            str(row["label"]), str(row["definition"]), str(row["source"])
        )
    if previous is None:
        out[key(ids.MAP_MEASURE, "children")] = view.select_options(
            view.measure_options(measures_without_data(ds)), state.measure
        )
        out[key(ids.MAP_SYNC, "data")] = {"find": [o["label"] for o in find_options(ds)]}
    if not from_url and search != state.search():
        out[key(ids.MAP_URL, "search")] = state.search()
    return out


def chosen_paint(ds: Dataset, state: ExplorerState, layer: MapLayer) -> figures.MapPaint:
    """The layer's paint with the outlines of what this view chose.

    A chosen area is outlined on its own: with its borough or BCU outlined as well,
    the two outlines would look alike.
    """
    areas = ds.areas
    at_level = bool(state.area) and areas.loc[state.area, "level"] == state.level
    boroughs: list[str] = []
    if at_level:
        boroughs = []
    elif state.level == "ward" and state.area:
        boroughs = [state.area]
    elif state.borough:
        boroughs = [state.borough]
    elif state.bcu:
        name = areas.loc[state.bcu, "bcu"]
        boroughs = areas.index[(areas["level"] == "borough") & (areas["bcu"] == name)].tolist()
    all_boroughs = areas.index[areas["level"] == "borough"].tolist()
    return replace(
        layer.paint,
        selected=[state.area] if at_level else [],
        borough_lines=all_boroughs if state.level == "ward" else [],
        focus_boroughs=boroughs,
    )


def find_label(ds: Dataset, code: str) -> str:
    for option in cached(ds, ("find-options",), lambda: find_options(ds)):
        if option["value"] == code:
            return option["label"]
    return code


# -- browser-side callbacks -------------------------------------------------------

# Copies the values of the page's selects into MAP_CHOICE when one changes, naming the
# one that changed; installed once per page load (see layouts.explorer).
CHOICE_LISTENER = """
function () {
    if (!window.wecMapChoiceListener) {
        window.wecMapChoiceListener = true;
        document.addEventListener("change", function (event) {
            const select = event.target;
            if (!(select instanceof HTMLSelectElement)) { return; }
            const controls = select.closest("#map-controls");
            if (!controls || !select.name) { return; }
            const data = {changed: select.name};
            controls.querySelectorAll("select[name]").forEach(function (s) {
                data[s.name] = s.value;
            });
            window.dash_clientside.set_props("map-choice", {data: data});
        });
    }
    return window.dash_clientside.no_update;
}
"""

# Puts the checked state back into the selects (a shared link, "back to all London",
# a click on the map or the browser's back button change them from the server). It
# waits a frame so that options sent in the same answer are in the page first.
SYNC_CONTROLS = """
function (viewData) {
    const state = viewData && viewData.state;
    if (!state) { return window.dash_clientside.no_update; }
    const period = state.period || "r12";
    let choice = period, start = null, end = null;
    if (period.indexOf("..") > 0) {
        choice = "custom"; [start, end] = period.split("..");
    } else if (/^\\d{4}-\\d{2}$/.test(period)) {
        choice = "custom"; start = period; end = period;
    }
    const values = {
        "map-measure": state.measure, "map-period": choice, "map-from": start,
        "map-to": end, "map-bcu": state.bcu, "map-borough": state.borough
    };
    const apply = function () {
        Object.entries(values).forEach(function ([id, value]) {
            const select = document.getElementById(id);
            if (select && value !== null && select.value !== (value || "")) {
                select.value = value || "";
            }
        });
    };
    window.requestAnimationFrame(function () { apply(); window.setTimeout(apply, 50); });
    return window.dash_clientside.no_update;
}
"""

# The search box's suggestions: 737 boroughs and wards as plain <option>s, written
# straight into the <datalist> (as Dash components they would take seconds to mount).
FILL_FIND_LIST = """
function (data) {
    const list = document.getElementById("map-find-list");
    if (!list || !data || !data.find) { return window.dash_clientside.no_update; }
    const fragment = document.createDocumentFragment();
    data.find.forEach(function (label) {
        const option = document.createElement("option");
        option.value = label;
        fragment.appendChild(option);
    });
    list.replaceChildren(fragment);
    return window.dash_clientside.no_update;
}
"""

# "Back to all London" hides itself; focus moves to the map's heading rather than
# being lost with it (WCAG 2.4.3).
FOCUS_HEADING = """
function (clicks) {
    if (clicks) {
        window.setTimeout(function () {
            const heading = document.getElementById("map-heading");
            if (heading) { heading.focus(); }
        }, 0);
    }
    return "-1";
}
"""

# Fits the map to the areas in focus (all London, a BCU, a borough, one area) for the
# map's actual size, so a 390 px phone and a desktop both see the whole of it. The
# boundaries come from plotly's own cache of the file (or the browser's HTTP cache).
# `focus.element` names another map's graph (the perception page's); "map" otherwise.
FIT_MAP = """
async function(focus) {
    const dc = window.dash_clientside;
    if (!focus || !focus.url) { return dc.no_update; }
    const cachedByPlotly = () => {
        const geo = (window.PlotlyGeoAssets || {})[focus.url];
        return geo && geo.features ? geo : null;
    };
    let geo = cachedByPlotly();
    for (let i = 0; !geo && i < 40; i++) {  // plotly is usually fetching it right now
        await new Promise((resolve) => setTimeout(resolve, 50));
        geo = cachedByPlotly();
    }
    if (!geo) {
        const response = await fetch(focus.url);
        if (!response.ok) { return dc.no_update; }
        geo = await response.json();
    }
    const wanted = focus.codes ? new Set(focus.codes) : null;
    let west = 180, east = -180, south = 90, north = -90;
    const visit = (c) => {
        if (typeof c[0] === "number") {
            west = Math.min(west, c[0]); east = Math.max(east, c[0]);
            south = Math.min(south, c[1]); north = Math.max(north, c[1]);
        } else { c.forEach(visit); }
    };
    geo.features.forEach((f) => {
        if (!wanted || wanted.has(f.id)) { visit(f.geometry.coordinates); }
    });
    if (west > east) { return dc.no_update; }
    const el = document.getElementById(focus.element || "map");
    const width = Math.max(el ? el.clientWidth : 0, 240);
    const height = Math.max(el ? el.clientHeight : 0, 240);
    const y = (lat) => Math.log(Math.tan(Math.PI / 4 + lat * Math.PI / 360));
    const pad = focus.pad || 1.05;
    const lonSpan = Math.max((east - west) * pad, 0.002);
    const ySpan = Math.max((y(north) - y(south)) * pad, 0.00003);
    const zoom = Math.min(
        Math.log2(width * 360 / (512 * lonSpan)),
        Math.log2(height * 2 * Math.PI / (512 * ySpan)),
        15
    );
    const yc = (y(north) + y(south)) / 2;
    const lat = (2 * Math.atan(Math.exp(yc)) - Math.PI / 2) * 180 / Math.PI;
    const patch = new dc.Patch();
    patch.assign(["layout", "map", "center"], {lon: (west + east) / 2, lat: lat});
    patch.assign(["layout", "map", "zoom"], Math.round(zoom * 100) / 100);
    return patch.build();
}
"""

# The map as a PNG with its title, key and source, at a size fit for a report; the
# view keeps what is on screen, scaled to the picture's width.
DOWNLOAD_IMAGE = """
function(clicks, viewData) {
    const dc = window.dash_clientside;
    const gd = document.querySelector("#map .js-plotly-plot");
    if (!clicks || !viewData || !viewData.image || !gd || !window.Plotly) {
        return dc.no_update;
    }
    const width = 1200, height = 900;
    const extra = viewData.image.layout;
    const map = Object.assign({}, gd.layout.map);
    const shownWidth = gd.clientWidth || width;
    const shownHeight = gd.clientHeight || height;
    const scale = Math.min(width / shownWidth, (height - 92) / shownHeight);
    if (typeof map.zoom === "number") { map.zoom = map.zoom + Math.log2(scale); }
    const layout = Object.assign({}, gd.layout, extra, {map: map, width: width, height: height});
    return window.Plotly.toImage({data: gd.data, layout: layout},
                                 {format: "png", width: width, height: height})
        .then((url) => {
            const a = document.createElement("a");
            a.href = url;
            a.download = viewData.image.filename + ".png";
            document.body.appendChild(a);
            a.click();
            a.remove();
            return dc.no_update;
        });
}
"""


def register(app: Dash, context: Context) -> None:
    names = [name for name, _, _ in INPUTS]

    @app.callback(
        *(Output(component, prop) for component, prop in OUTPUTS),
        *(Input(component, prop) for _, component, prop in INPUTS),
        State(ids.MAP_FIND, "value"),
        State(ids.MAP_URL, "pathname"),
        State(ids.MAP_VIEW, "data"),
    )
    def _update(*args):
        inputs = args[: len(names)]
        find_text, pathname, view_data = args[len(names) :]
        triggered = ctx.triggered_id
        name = TRIGGERS.get(triggered["type"] if isinstance(triggered, dict) else triggered)
        payload = {
            "choice": inputs[0],
            "level": triggered.get("value") if isinstance(triggered, dict) else None,
            "value": triggered.get("value") if isinstance(triggered, dict) else None,
            "find": find_text,
            "click": inputs[5],
        }.get(name)
        result = explorer_update(
            context.dataset(),
            context.geojson_url,
            trigger=name,
            payload=payload,
            search=inputs[-1],
            pathname=pathname,
            view_data=view_data,
        )
        if not result:
            raise PreventUpdate
        return tuple(result.get(key(c, p), no_update) for c, p in OUTPUTS)

    @app.callback(
        Output(ids.MAP_CSV, "data"),
        Input(ids.MAP_CSV_BUTTON, "n_clicks"),
        State(ids.MAP_VIEW, "data"),
        prevent_initial_call=True,
    )
    def _csv(clicks, view_data):
        state = ExplorerState.from_dict((view_data or {}).get("state"))
        download = csv_download(context.dataset(), state) if clicks and state else None
        if download is None:
            raise PreventUpdate
        return download

    app.clientside_callback(
        CHOICE_LISTENER, Output(ids.MAP_CONTROLS, "role"), Input(ids.MAP_CONTROLS, "id")
    )
    app.clientside_callback(
        SYNC_CONTROLS, Output(ids.MAP_RANGE, "role"), Input(ids.MAP_VIEW, "data")
    )
    app.clientside_callback(
        FILL_FIND_LIST, Output(ids.MAP_FIND_LIST, "role"), Input(ids.MAP_SYNC, "data")
    )
    app.clientside_callback(
        FOCUS_HEADING, Output(ids.MAP_HEADING, "tabIndex"), Input(ids.MAP_BACK, "n_clicks")
    )
    app.clientside_callback(
        FIT_MAP,
        Output(ids.MAP, "figure", allow_duplicate=True),
        Input(ids.MAP_FOCUS, "data"),
        prevent_initial_call=True,
    )
    app.clientside_callback(
        DOWNLOAD_IMAGE,
        Output(ids.MAP_IMAGE_BUTTON, "title"),
        Input(ids.MAP_IMAGE_BUTTON, "n_clicks"),
        State(ids.MAP_VIEW, "data"),
        prevent_initial_call=True,
    )
