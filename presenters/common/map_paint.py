"""Map paint: what a choropleth shows of a view, apart from its boundaries.

A `MapLayer` is one (measure, level, period, value) view of the published figures:
each area's value as shown, its class and colour, the words of its hover and the key.
The map page, the staff preview (and later the hot-spot and perception maps) read
their paint from here; `layouts/map_figure.py` turns a `MapPaint` into a plotly
figure, or into a Patch of the values alone.

Values are rounded as the page prints them (rates to three significant figures,
changes to whole percentages) before they are classed, so the key's class ranges,
the hover, the table and the CSV all show the same numbers, and a printed class range
never overlaps the next one or leaves a gap before it.

Colours come in classes, not a continuous ramp: Viridis (perceptually uniform, readable
with the common colour-vision deficiencies) for counts and rates, ColorBrewer PuOr
(marked colour-blind safe) for change; greys outside both palettes, so "no data" never
looks like zero.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import pairwise

import numpy as np
import pandas as pd
from plotly.colors import sample_colorscale

from data import funnel, outcomes, queries, stats
from data.classify import DIVERGING, Classification, MapClass, change_classes, natural_breaks
from data.dataset import Dataset
from data.periods import Period
from presenters.common import words

SEQUENTIAL_SCALE = "Viridis_r"
DIVERGING_COLOURS = ("#5e3c99", "#b2abd2", "#f7f7f7", "#fdb863", "#e66101")
NO_DATA_COLOUR = "#a6a6a6"
NOT_COVERED_COLOUR = "#dedede"
OUTLINE_COLOUR = "#000000"
LONDON_CENTRE = {"lat": 51.489, "lon": -0.109}
LONDON_ZOOM = 8.7
# A hover's first line: the area's name, from the boundary file's own properties, so
# names never travel with the values.
NAME = "<b>%{properties.name}</b>"
NOT_COVERED_WORDS = "Not covered: the City of London Police area"
NOT_COVERED_HOVER = (
    "Not covered: policed by the City of London Police, so the MPS publishes no data"
)
NO_RANK = "-"

VALUE_WORDS = {
    "count": "number",
    "rate": "rate per 1,000 residents",
    "young_rate": "rate per 1,000 residents aged 0-24",
    "change": "change on the previous period",
    "outcome_rate": "positive outcome rate",
}
# The columns a positive outcome rate view adds to a layer's frame (data.outcomes).
OUTCOME_COLUMNS = {"outcomes": "outcomes", "outcome_rate": "rate", "outcome_low": "low",
                   "outcome_high": "high", "outcome_no_interval": "no_interval"}  # fmt: skip


@dataclass(frozen=True)
class MapPaint:
    """Everything about a map that changes with measure, period, value or choice.

    The lists run over every area of the level, in one order (`codes`). `z` is None
    where an area has no figure; `reason` then says why, and `reason_count` carries
    the count for "none in the previous period, N now".
    """

    codes: list[str]
    z: list[float | None]
    customdata: list[list | None]
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
    # The hover of an area with none in the previous period: "{count}" is the count now.
    none_before_words: str = ""
    significant: list[str] = field(default_factory=list)
    selected: list[str] = field(default_factory=list)  # the chosen area, at the map's level
    borough_lines: list[str] = field(default_factory=list)  # boroughs drawn over wards
    focus_boroughs: list[str] = field(default_factory=list)  # filtered boroughs, outlined


@dataclass(frozen=True)
class MapKey:
    """The key in words: a title, each class's colour and range, the greys, the
    outlines. Entries are (colour, text)."""

    title: str
    classes: tuple[tuple[str, str], ...] = ()
    greys: tuple[tuple[str, str], ...] = ()
    outlines: tuple[tuple[str, str], ...] = ()

    @property
    def entries(self) -> tuple[tuple[str, str], ...]:
        return (*self.classes, *self.greys)


@dataclass(frozen=True)
class MapLayer:
    """One (measure, level, period, value) view: the figures, their classes and paint.

    `frame` is `queries.map_values`' frame with `shown` (the value as printed),
    `rank` and `of` (by rate among London's areas of the level), `unreliable` and
    `significance` (words for a change).
    """

    values: queries.MapValues
    frame: pd.DataFrame
    classification: Classification
    colours: tuple[str, ...]
    paint: MapPaint
    key: MapKey

    @property
    def available(self) -> bool:
        return self.values.available

    @property
    def period(self) -> Period | None:
        return self.values.period


# -- colours ---------------------------------------------------------------------


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
    """A staircase colour scale over [zmin, zmax] giving each class its own colour:
    a step between the largest value of one class and the smallest of the next, so z
    stays the real value (for the hover) while each area takes its class colour."""
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


# -- values as shown ---------------------------------------------------------------


def shown_values(values: pd.Series, value: str) -> pd.Series:
    """Values as the map, the key, the table and the CSV print them: rates to three
    significant figures, changes to whole percentages, counts as they are."""
    if value in ("rate", "young_rate"):
        return words.rounded_rates(values)
    if value == "change":
        return values.round(0) + 0.0  # + 0.0: no "-0%"
    if value == "outcome_rate":
        return values.astype(float).round(1) + 0.0
    return values.astype(float)


def next_shown(value: float, value_kind: str) -> float | None:
    """The smallest value printed after `value`: the next whole number for a count,
    one unit in the third significant figure for a rate; None after a rate of 0,
    which has no next printed value."""
    if value_kind == "count":
        return value + 1
    if value_kind == "outcome_rate":
        return round(value + 0.1, 1)
    if value == 0:
        return None
    places = words.RATE_FIGURES - 1 - math.floor(math.log10(abs(value)))
    return value + 10.0**-places


# -- the key -------------------------------------------------------------------------


def class_ranges(classification: Classification, value: str, unit: str) -> list[str]:
    """Each class's range in words, one per class (empty classes included, as "").

    A sequential class runs from just above the previous class's largest value, as
    printed, to its own largest, so the printed ranges neither overlap nor leave gaps;
    the lowest class starts at the smallest value shown.
    """
    if classification.kind == DIVERGING:
        return [_change_range(c) for c in classification.classes]
    out, previous = [], None
    for c in classification.classes:
        if not c.count:
            out.append("")
            continue
        low = c.smallest if previous is None else next_shown(previous, value)
        out.append(_range(low, c.largest, value, unit))
        previous = c.largest
    return out


def _range(low: float | None, high: float, value: str, unit: str) -> str:
    if value == "count":
        if low is None or round(low) == round(high):
            return words.units(round(high), unit)
        return f"{words.number(low)} to {words.number(high)} {unit}"
    if value == "outcome_rate":
        low_text, high_text = words.percent(low, 1), words.percent(high, 1)
        return low_text if low_text == high_text else f"{low_text} to {high_text}"
    if low is None:
        return f"over 0 to {words.rate(high)}"
    low_text, high_text = words.rate(low), words.rate(high)
    return low_text if low_text == high_text else f"{low_text} to {high_text}"


def _change_range(c: MapClass) -> str:
    low, high = c.lower, c.upper
    if low is None:
        return f"Down {-high:.0f}% or more"
    if high is None:
        return f"Up {low:.0f}% or more"
    if low < 0 < high:
        return f"Less than {high:.0f}% up or down"
    if high <= 0:
        return f"Down {-high:.0f}% to under {-low:.0f}%"
    return f"Up {low:.0f}% to under {high:.0f}%"


def key_title(unit: str, value: str, period: Period | None) -> str:
    if value == "change":
        return f"Change in {unit} on {period.comparison}" if period else f"Change in {unit}"
    return {
        "count": f"Number of {unit}",
        "rate": f"{unit.capitalize()} per 1,000 residents",
        "young_rate": f"{unit.capitalize()} per 1,000 residents aged 0-24",
        "outcome_rate": f"Positive outcomes as a % of {unit}",
    }[value]


def layer_key(
    classification: Classification,
    colours: Sequence[str],
    *,
    value: str,
    unit: str,
    level: str,
    period: Period | None,
    no_figure: bool,
) -> MapKey:
    ranges = class_ranges(classification, value, unit)
    classes = tuple(
        (colour, f"{text} ({words.areas(c.count, level)})")
        for c, colour, text in zip(classification.classes, colours, ranges, strict=True)
        if c.count or classification.kind == DIVERGING
    )
    greys = [(NOT_COVERED_COLOUR, NOT_COVERED_WORDS)]
    if no_figure:
        text = "No figure: no data, or none before" if value == "change" else "No data"
        greys.insert(0, (NO_DATA_COLOUR, text))
    return MapKey(key_title(unit, value, period), classes, tuple(greys))


# -- one view's layer -------------------------------------------------------------


def rate_column(ds: Dataset, measure: str) -> str:
    """The rate an area is ranked by: per 1,000 residents, or per 1,000 aged 0-24 for
    the young-victim measures."""
    young = measure in ds.measures.index and bool(ds.measures.loc[measure, "young"])
    return "young_rate" if young else "rate"


def map_layer(ds: Dataset, measure: str, level: str, period: str, value: str) -> MapLayer:
    """The layer of a view, kept in the one view cache."""
    return ds.cached(
        ("map-layer", measure, level, period, value),
        lambda: _layer(ds, measure, level, period, value),
    )


_NUMERIC = ("count", "previous", "rate", "young_rate", "change_pct", "q_value")


def _with_outcomes(
    ds: Dataset, frame: pd.DataFrame, measure: str, level: str, period: str
) -> tuple[pd.DataFrame, np.ndarray]:
    """The frame with each area's positive outcome rate and its interval
    (OUTCOME_COLUMNS), and which areas have a rate (offences above 0)."""
    found = outcomes.area_outcomes(ds, measure, level, period).by_code
    for column, source in OUTCOME_COLUMNS.items():
        frame[column] = frame["code"].map(found[source]) if source in found else np.nan
    frame["outcome_no_interval"] = frame["outcome_no_interval"].fillna("")
    has_rate = frame["outcome_rate"].notna().to_numpy()
    return frame, has_rate


def _layer(ds: Dataset, measure: str, level: str, period: str, value: str) -> MapLayer:
    values = funnel.area_values(ds, measure, level, period)
    frame = values.frame.copy()
    for column in _NUMERIC:
        if column not in frame:
            frame[column] = np.nan
    if "low_count" not in frame:
        frame["low_count"] = False
    if "verdict" not in frame:
        frame["verdict"] = ""
    ok = (frame["status"] == queries.OK).to_numpy() & values.available
    if value == "outcome_rate":
        frame, has_rate = _with_outcomes(ds, frame, measure, level, period)
        ok = ok & has_rate
    source = {"change": "change_pct"}.get(value, value)
    frame["shown"] = shown_values(frame[source].where(ok), value)
    ranked = frame[rate_column(ds, measure)].where(ok)
    frame["rank"] = ranked.rank(ascending=False, method="min")
    frame["of"] = int(ranked.notna().sum())
    # A change is built on both periods' counts, so it is unreliable if either is low.
    frame["unreliable"] = frame["low_count"].astype(bool) | (
        (value == "change") & (frame["previous"] < stats.LOW_COUNT)
    )
    if value == "outcome_rate":  # a rate with no interval rests on too few events
        frame["unreliable"] = frame["outcome_no_interval"].fillna("").astype(bool)
    frame["significance"] = [
        significance(c, p, q)
        for c, p, q in zip(frame["count"], frame["previous"], frame["q_value"], strict=True)
    ]
    classify = change_classes if value == "change" else natural_breaks
    classification = classify(frame["shown"].to_numpy(dtype=float))
    colours = class_colours(classification)
    unit = words.unit(ds, measure)
    young = value == "young_rate" or rate_column(ds, measure) == "young_rate"
    paint = _paint(
        frame,
        classification,
        colours,
        value=value,
        unit=unit,
        level=level,
        period=values.period,
        available=values.available,
        young=young,
    )
    no_figure = any(r is not None for r in (*paint.reason, *paint.reason_count))
    key = layer_key(
        classification,
        colours,
        value=value,
        unit=unit,
        level=level,
        period=values.period,
        no_figure=no_figure,
    )
    return MapLayer(values, frame, classification, tuple(colours), paint, key)


def significance(count: float, previous: float, q: float) -> str:
    if not (np.isfinite(count) and np.isfinite(previous)):
        return ""
    if count == previous:
        return "No change"
    if np.isfinite(q) and q < stats.SIGNIFICANCE:
        return "Significant rise" if count > previous else "Significant fall"
    return "Not significant"


def hovertemplate(value: str, *, of: int, level: str, young: bool, period: Period | None) -> str:
    """The hover of an area with a figure. Its customdata is [rank, count in words,
    the previous count (a change) or a caveat (a rate)]."""
    residents = words.residents(young)
    if value == "outcome_rate":
        return (
            f"{NAME}<br>%{{z:.1f}}% positive outcome rate (%{{customdata[1]}})"
            "<br>%{customdata[2]}<extra></extra>"
        )
    figure = {
        "count": "%{customdata[1]}",
        "rate": "%{z:,.3r} per 1,000 residents (%{customdata[1]})",
        "young_rate": "%{z:,.3r} per 1,000 residents aged 0-24 (%{customdata[1]})",
        "change": "%{z:+.0f}%: %{customdata[1]} against %{customdata[2]:,}"
        + (f" in {period.comparison}" if period else ""),
    }[value]
    note = "%{customdata[2]}" if value in ("rate", "young_rate") else ""
    rank = (
        f"Rank %{{customdata[0]}} of {of:,} {words.level_words(level)[1]} by rate per 1,000 "
        f"{residents} (1 is the highest)"
    )
    return f"{NAME}<br>{figure}<br>{rank}{note}<extra></extra>"


def _paint(
    frame: pd.DataFrame,
    classification: Classification,
    colours: list[str],
    *,
    value: str,
    unit: str,
    level: str,
    period: Period | None,
    available: bool,
    young: bool,
) -> MapPaint:
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
            rank = int(row.rank) if np.isfinite(row.rank) else NO_RANK
            item: list = [rank, words.units(int(row.count), unit)]
            if value == "change":
                item.append(int(row.previous))
            if value in ("rate", "young_rate"):
                item.append(f"<br>Note: {row.caveat}" if isinstance(row.caveat, str) else "")
            if value == "outcome_rate":
                item = [rank, f"{int(row.outcomes):,} of {words.units(int(row.count), unit)}",
                        outcome_interval_words(row.outcome_low, row.outcome_high,
                                               row.outcome_no_interval)]  # fmt: skip
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
    colourscale, zmin, zmax = stepped_colourscale(classification, colours)
    of = int(frame["of"].iloc[0]) if available and len(frame) else 0
    change = value == "change"
    flags = change & frame["significance"].str.startswith("Significant").to_numpy() & has_value
    return MapPaint(
        codes=frame["code"].tolist(),
        z=z,
        customdata=customdata,
        unreliable=frame["unreliable"].astype(bool).tolist(),
        significant_flags=flags.tolist(),
        colorscale=colourscale,
        zmin=zmin,
        zmax=zmax,
        hovertemplate=hovertemplate(value, of=of, level=level, young=young, period=period),
        unreliable_note=f"<br>{words.low_count_note(unit)}",
        significant_note="<br>A statistically significant change" if change else "",
        not_significant_note="<br>Not statistically significant" if change else "",
        line_colour="#7a7a7a" if classification.kind == DIVERGING else "#ffffff",
        not_covered=(frame["status"] == queries.NOT_COVERED).tolist(),
        reason=reasons,
        reason_count=reason_counts,
        none_before_words=f"No % change: no {unit} before, {{count}} now",
        significant=frame.loc[flags, "code"].tolist(),
    )


def outcome_interval_words(low: float, high: float, no_interval: str) -> str:
    """ "95% interval 18.0% to 27.4%", or why there is none."""
    if no_interval:
        return f"No interval: {no_interval}"
    return f"95% interval {words.percent(low, 1)} to {words.percent(high, 1)}"


def hover_notes(paint: MapPaint) -> list[str]:
    """What each area's hover adds after its figure and rank ("" for none): whether a
    change is statistically significant, and whether the figure rests on too few events.
    Areas without a figure get ""."""
    out = []
    for z, unreliable, significant in zip(
        paint.z, paint.unreliable, paint.significant_flags, strict=True
    ):
        if z is None:
            out.append("")
            continue
        note = paint.significant_note if significant else paint.not_significant_note
        out.append(note + (paint.unreliable_note if unreliable else ""))
    return out


def no_figure_words(paint: MapPaint) -> list[str | None]:
    """Why each area without a figure has none, as its hover says it; None for the areas
    with a figure."""
    out: list[str | None] = []
    for z, reason, count, not_covered in zip(
        paint.z, paint.reason, paint.reason_count, paint.not_covered, strict=True
    ):
        if z is not None:
            out.append(None)
        elif not_covered:
            out.append(NOT_COVERED_HOVER)
        elif count is not None:
            out.append(paint.none_before_words.format(count=words.number(count)))
        else:
            out.append(reason or "No data")
    return out


def _grey_reason(row, value: str, available: bool) -> str:
    if not available:
        return "No data for this measure and period"
    if value == "outcome_rate":
        return "No positive outcome rate: no offences, or no outcome figures"
    if value == "change":
        if np.isfinite(row.previous) and row.previous == 0:
            return "None in either period"
        return "No change figure: the previous period is outside the data"
    if value in ("rate", "young_rate"):
        return "No rate: no resident population recorded"
    return "No data"
