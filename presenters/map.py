"""The map (/map): borough and ward choropleths of one measure, period and value.

The address holds the whole view, so a copied link reopens it:

    /map?measure=knife_crime&level=ward&period=r12&value=rate&bcu=BCU-CENTRAL-SOUTH
        &borough=E09000022&area=E05014099&table=1

`period` is a token of data.periods; `bcu` and `borough` narrow the table and zoom
the map; `area` is the borough or ward found by name or clicked, zoomed to, outlined
and described beside the map.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from data import queries, stats
from data import reconciliation as data_reconciliation
from data.areas import bcu_code
from data.dataset import Dataset
from data.periods import CONNECT_START, LATEST_MONTH, RANGE, ROLLING_12, Period, is_token
from presenters.common import areas, options, totals, words
from presenters.common.controls import Controls, period_selects, select
from presenters.common.map_paint import (
    OUTLINE_COLOUR,
    VALUE_WORDS,
    MapKey,
    MapLayer,
    MapPaint,
    map_layer,
    rate_column,
)
from presenters.common.reconciliation import footer_rows
from presenters.common.state import PageState
from presenters.common.table import Column, TableModel, num, slug, table
from presenters.common.view import Definition, Link, Para, definition, profile_href

PATH = "/map"
LEVELS = ("borough", "ward")
FINDABLE = ("borough", "ward", "bcu")
VALUE_LABELS = {
    "count": "Number",
    "rate": "Rate per 1,000 residents",
    "young_rate": "Rate per 1,000 residents aged 0-24",
    "change": "Change on the previous period",
}
# Months a range of months starts with: the latest six.
RANGE_MONTHS = 6


@dataclass(frozen=True)
class MapState(PageState):
    measure: str = "knife_crime"
    level: str = "borough"
    period: str = ROLLING_12
    value: str = "count"
    bcu: str | None = None
    borough: str | None = None
    area: str | None = field(default=None, metadata={"pattern": r"(?i)E0[59]\d{6}"})
    table: bool = False

    @property
    def filtered(self) -> bool:
        return bool(self.area or self.borough or self.bcu)


@dataclass(frozen=True)
class SelectedArea:
    name: str
    kind: str  # "Ward in Lambeth", "Borough in the Central South BCU"
    sentences: tuple[str, ...]
    profile: Link


@dataclass(frozen=True)
class Image:
    """The map as a picture: its file name (without .png), title, key and source."""

    filename: str
    title: str
    key: MapKey
    source: str


@dataclass(frozen=True)
class MapView:
    heading: str = ""
    headline: tuple[Para, ...] = ()
    notes: tuple[Para, ...] = ()
    definition: Definition | None = None
    key: MapKey | None = None
    paint: MapPaint | None = None
    level: str = "borough"  # the boundaries the paint is for
    focus: tuple[str, ...] | None = None  # the areas the map fits; None: all London
    pad: float = 1.04
    selected: SelectedArea | None = None
    table: TableModel | None = None
    table_message: str = ""
    find_label: str = ""  # the chosen area as the search box names it
    image: Image | None = None


# -- the state ---------------------------------------------------------------------------


def settle(ds: Dataset, state: MapState, changed: str | None = None) -> MapState:
    """A state the published data can show; conflicts go the way of what just changed."""
    measure = state.measure if state.measure in ds.measures.index else MapState.measure
    levels = options.measure_levels(ds, measure, LEVELS)
    level = state.level if state.level in levels else levels[0]
    area = state.area.upper() if state.area else None
    if not areas.is_level(ds, area, *LEVELS):
        area = None
    elif ds.areas.loc[area, "level"] == "ward" and level == "borough":
        if changed == "level" or "ward" not in levels:
            area = str(ds.areas.loc[area, "parent_code"])
        else:
            level = "ward"
    value = state.value if state.value in queries.value_choices(ds, measure) else "count"
    period = options.valid_period(ds, measure, level, state.period)
    bcu = _bcu(ds, state.bcu)
    borough = state.borough if areas.is_covered_borough(ds, state.borough) else None
    if borough is not None and bcu != areas.bcu_of(ds, borough):
        if changed == "bcu":
            borough = None
        else:
            bcu = areas.bcu_of(ds, borough)
    return MapState(measure, level, period, value, bcu, borough, area, state.table)


def _bcu(ds: Dataset, text: str | None) -> str | None:
    """A BCU's code from its code or its name ("central south", "Central South BCU")."""
    if not text:
        return None
    text = text.strip()
    name = text[:-4] if text.lower().endswith(" bcu") else text
    for code in (text.upper(), bcu_code(name)):
        if areas.is_level(ds, code, "bcu"):
            return code
    return None


def choose(ds: Dataset, state: MapState, choice: Mapping | None) -> MapState:
    """The state after one thing a person did: `choice["changed"]` names it.

    A select ("measure", "level", "period", "start", "end", "value", "bcu",
    "borough") takes only its own value from `choice`, so a select the page has not
    redrawn yet cannot bring back an old view; "click", "find" (with "area"), "back"
    and "table" are the map, the search box and the two buttons.
    """
    if not isinstance(choice, Mapping):
        return state
    changed = choice.get("changed")
    text = {k: v.strip() if isinstance(v, str) and v.strip() else None for k, v in choice.items()}
    if changed in ("measure", "level", "value") and text.get(changed):
        chosen = replace(state, **{changed: text[changed]})
    elif changed in ("period", "start", "end"):
        chosen = replace(state, period=_period_choice(ds, state, text))
    elif changed == "bcu":
        chosen = replace(state, bcu=text.get("bcu"))
    elif changed == "borough":
        chosen = _borough_choice(ds, state, text.get("borough"))
    elif changed == "click":
        chosen = _click(ds, state, text.get("area"))
    elif changed == "find":
        chosen = _found(ds, state, text.get("area"))
    elif changed == "back":
        level = "borough" if state.level == "ward" and state.borough else state.level
        chosen = replace(state, level=level, bcu=None, borough=None, area=None)
    elif changed == "table":
        chosen = replace(state, table=not state.table)
    else:
        return state
    return settle(ds, chosen, changed if isinstance(changed, str) else None)


def _period_choice(ds: Dataset, state: MapState, text: Mapping[str, str | None]) -> str:
    """The period the selects name; choosing "a range of months" starts with the latest
    six months."""
    chosen, start, end = text.get("period") or ROLLING_12, text.get("start"), text.get("end")
    if chosen != RANGE:
        return chosen if is_token(chosen) else ROLLING_12
    if start and end and is_token(start) and is_token(end):
        first, last = sorted((start, end))
        return first if first == last else f"{first}..{last}"
    span = ds.months_covered(state.measure, state.level)
    if span is None:
        return ROLLING_12
    first = max(span[1] - pd.DateOffset(months=RANGE_MONTHS - 1), span[0])
    return f"{first:%Y-%m}..{span[1]:%Y-%m}"


def _borough_choice(ds: Dataset, state: MapState, borough: str | None) -> MapState:
    if borough is None:
        return replace(state, borough=None)
    area = state.area
    if area and borough not in (area, ds.areas.loc[area, "parent_code"]):
        area = None
    return replace(state, level="ward", borough=borough, bcu=None, area=area)


def _click(ds: Dataset, state: MapState, code: str | None) -> MapState:
    """A borough clicked on the borough map opens its wards; anything else is chosen."""
    if not areas.is_level(ds, code, *LEVELS):
        return state
    if state.level == "borough" and ds.areas.loc[code, "level"] == "borough":
        if not bool(ds.areas.loc[code, "covered"]):
            return replace(state, area=code)
        if "ward" in options.measure_levels(ds, state.measure, LEVELS):
            return replace(state, level="ward", borough=code, bcu=None, area=None)
        return replace(state, borough=code, bcu=None, area=code)
    return replace(state, area=code)


def _found(ds: Dataset, state: MapState, code: str | None) -> MapState:
    if areas.is_level(ds, code, "bcu"):
        return replace(state, bcu=code, borough=None, area=None)
    if not areas.is_level(ds, code, *LEVELS):
        return state
    level = "ward" if ds.areas.loc[code, "level"] == "ward" else state.level
    return replace(state, area=code, level=level)


@dataclass(frozen=True)
class Finding:
    """What the search box found: the area to open (`choice`), or matches to choose
    from, or nothing; `message` says which."""

    choice: dict | None
    message: str = ""
    matches: tuple[Link, ...] = ()


def find(ds: Dataset, state: MapState, text: object) -> Finding:
    """The one area search (presenters.common.areas.find): one match opens it, several
    are listed as links to choose from, none changes nothing and says so."""
    found = areas.find(ds, text, FINDABLE)
    if found.code is not None:
        return Finding({"changed": "find", "area": found.code})
    links = tuple(
        Link(label, PATH + choose(ds, state, {"changed": "find", "area": code}).search())
        for code, label in found.matches
    )
    return Finding(None, found.message, links)


def controls(ds: Dataset, state: MapState) -> Controls:
    """The selects, drawn from the state (kept in the view cache: the options of every
    measure, BCU and borough take longer to list than the map takes to paint)."""
    return ds.cached(("map-controls", state.search()), lambda: _controls(ds, state))


def _controls(ds: Dataset, state: MapState) -> Controls:
    values = [options.Option(v, VALUE_LABELS[v]) for v in queries.value_choices(ds, state.measure)]
    return Controls(
        "What the map shows",
        (
            select("measure", "Measure", options.measure_options(ds), state.measure),
            select("level", "Areas", options.level_options(ds, state.measure, LEVELS), state.level),
            select("value", "Show", values, state.value),
            *period_selects(ds, state.measure, state.level, state.period),
            select("bcu", "Basic Command Unit", options.bcu_options(ds), state.bcu),
            select("borough", "Borough", options.borough_options(ds), state.borough),
        ),
    )


# -- the view ------------------------------------------------------------------------------


def view(ds: Dataset | None, state: MapState) -> MapView:
    """Everything the page shows for a state (settled first)."""
    if ds is None:
        return MapView(headline=(Para(words.NO_DATA, "message"),), table_message=words.NO_DATA)
    return ds.cached(("map", state.search()), lambda: _view(ds, state))


def _view(ds: Dataset, state: MapState) -> MapView:
    layer = map_layer(ds, state.measure, state.level, state.period, state.value)
    title = heading(ds, state, layer)
    key = replace(layer.key, outlines=_outlines(state, layer, _at_level(ds, state)))
    focus, pad = focus_codes(ds, state)
    table_model, message = None, "No figures to show for this measure and period."
    if layer.available:
        table_model, message = map_table(ds, state, layer, title), ""
    return MapView(
        heading=title,
        headline=headline(ds, state, layer),
        notes=notes(ds, state, layer),
        definition=definition(ds, state.measure),
        key=key if layer.available else replace(key, classes=()),
        paint=chosen_paint(ds, state, layer),
        level=state.level,
        focus=None if focus is None else tuple(focus),
        pad=pad,
        selected=selected_area(ds, state),
        table=table_model,
        table_message=message,
        find_label=areas.label_of(ds, state.area, FINDABLE) if state.area else "",
        image=Image(file_stem(ds, state, layer), title, key, source(ds, state.measure)),
    )


def heading(ds: Dataset, state: MapState, layer: MapLayer) -> str:
    when = layer.period.label if layer.period else "no published data"
    text = (
        f"{words.label(ds, state.measure)} by {words.level_words(state.level)[0]}: "
        f"{VALUE_WORDS[state.value]}, {when}"
    )
    place = state.borough or state.bcu
    return text + (f", {ds.areas.loc[place, 'name']}" if place else "")


def source(ds: Dataset, measure: str) -> str:
    return (
        f"London Weapon-Enabled Crime Dashboard. Source: {ds.measures.loc[measure, 'source']}."
        " Contains OS data \u00a9 Crown copyright."
    )


def file_stem(ds: Dataset, state: MapState, layer: MapLayer) -> str:
    period = layer.period
    when = f"{period.start:%Y-%m}-to-{period.end:%Y-%m}" if period else state.period
    parts = [
        state.measure.replace("_", "-"),
        f"by-{state.level}",
        state.value.replace("_", "-"),
        when,
    ]
    place = state.borough or state.bcu
    if place:
        parts.append(slug(str(ds.areas.loc[place, "name"])))
    return "london-" + "-".join(parts)


def _at_level(ds: Dataset, state: MapState) -> bool:
    return bool(state.area) and ds.areas.loc[state.area, "level"] == state.level


def _outlines(state: MapState, layer: MapLayer, at_level: bool) -> tuple[tuple[str, str], ...]:
    out = []
    if state.value == "change" and layer.available:
        out.append((OUTLINE_COLOUR, "Black outline: a statistically significant change"))
    if at_level:
        out.append((OUTLINE_COLOUR, "Thick outline: the area you chose"))
    return tuple(out)


def chosen_boroughs(ds: Dataset, state: MapState) -> list[str]:
    """The boroughs a view narrows to: one borough, a BCU's, or none (all London)."""
    if state.borough:
        return [state.borough]
    if state.bcu:
        return areas.boroughs_in(ds, state.bcu)
    return []


def chosen_paint(ds: Dataset, state: MapState, layer: MapLayer) -> MapPaint:
    """The layer's paint with the outlines of what this view chose.

    A chosen area is outlined on its own: with its borough or BCU outlined as well,
    the two outlines would look alike.
    """
    at_level = _at_level(ds, state)
    boroughs: list[str] = []
    if not at_level:
        boroughs = (
            [state.area] if state.level == "ward" and state.area else chosen_boroughs(ds, state)
        )
    every = ds.areas.index[ds.areas["level"] == "borough"].tolist()
    return replace(
        layer.paint,
        selected=[state.area] if at_level else [],
        borough_lines=every if state.level == "ward" else [],
        focus_boroughs=boroughs,
    )


def focus_codes(ds: Dataset, state: MapState) -> tuple[list[str] | None, float]:
    """The areas the map should fit, and how much room to leave around them."""
    all_areas = ds.areas
    wards = all_areas[all_areas["level"] == "ward"]
    if state.area:
        if all_areas.loc[state.area, "level"] == state.level:
            return [state.area], 3.0
        return wards.index[wards["parent_code"] == state.area].tolist(), 1.1
    boroughs = chosen_boroughs(ds, state)
    if not boroughs:
        return None, 1.04
    if state.level == "borough":
        return boroughs, 1.15
    return wards.index[wards["parent_code"].isin(boroughs)].tolist(), 1.1


# -- words ---------------------------------------------------------------------------------


def headline(ds: Dataset, state: MapState, layer: MapLayer) -> tuple[Para, ...]:
    """London's figure for the view shown, from the level's own figures and months."""
    if not layer.available:
        return (
            Para(
                layer.values.message + " The map shows no figures for it, rather than zeros.",
                "message",
            ),
        )
    period = layer.period
    count = totals.level_total(ds, state.measure, state.level, period)
    if count is None:
        return (Para(f"There are no London figures for {period.label}.", "message"),)
    previous = totals.level_total(ds, state.measure, state.level, period.previous())
    text = f"London: {words.counted(count, ds, state.measure)} {words.in_period(period.label)}"
    if previous is None:
        text += ". There is no earlier period in the data to compare with."
    else:
        text += f", against {previous:,} in {compared_with(period)}: "
        text += london_change(ds, state, count, previous) + "."
    sentences = [text]
    if state.value in ("rate", "young_rate"):
        young = state.value == "young_rate"
        boroughs = options.covered_boroughs(ds).index
        residents = float(np.nansum(ds.population_of(boroughs, "0-24" if young else "all")))
        if residents > 0:
            rate = words.per_thousand(count / residents * 1000, young)
            sentences.append(
                f"That is {rate} of the {len(boroughs)} boroughs the Metropolitan Police covers."
            )
    if count < stats.LOW_COUNT:
        sentences.append(words.low_count_sentence(words.unit(ds, state.measure)))
    out = [Para(" ".join(sentences), "headline")]
    behind = behind_words(ds, state)
    if behind:
        out.append(Para(behind, "warning"))
    return tuple(out)


def london_change(ds: Dataset, state: MapState, count: int, previous: int) -> str:
    """London's change in words, by the test that allows for how much London's monthly
    counts vary (its own dispersion, as on the overview), with the rate ratio's interval."""
    london = queries.london_headline(ds, state.measure, state.period)
    factor = 1.0
    if london is not None and london.get("dispersion") is not None:
        factor = float(london["dispersion"].factor)
    if count == previous:
        return "no change"
    test = stats.quasi_poisson_change(count, previous, factor)
    verdict = stats.change_verdict(count, previous, float(test.p))
    interval = stats.rate_ratio_words(test.rate_ratio, test.low, test.high)
    if min(count, previous) < stats.LOW_COUNT:
        interval = ""
    return stats.own_change_words(verdict, interval, float(test.p))


def compared_with(period: Period) -> str:
    """The period a change is against: "February 2025" for a month, otherwise how it
    relates ("the 12 months before")."""
    return period.previous().label if period.months == 1 else period.comparison


def behind_words(ds: Dataset, state: MapState) -> str:
    """What a "latest" view must say when its level's figures stop before newer data:
    other levels of the same measure, or other measures, run further."""
    if state.period not in (ROLLING_12, LATEST_MONTH):
        return ""
    last = ds.latest_month(state.measure, state.level)
    if last is None:
        return ""
    ahead = {lv: ds.latest_month(state.measure, lv) for lv in LEVELS if lv != state.level}
    ahead = {lv: m for lv, m in ahead.items() if m is not None and m > last}
    plural = words.level_words(state.level)[1]
    if ahead:
        level, newest = max(ahead.items(), key=lambda item: item[1])
        one, many = words.level_words(level)
        return (
            f"{plural.capitalize()} have figures to {last:%B %Y}: {newest:%B %Y} has "
            f"been published for {many} only so far, and the {one} map shows it."
        )
    newest = ds.latest_month_overall
    if newest is not None and newest > last:
        return (
            f"{words.label(ds, state.measure)} figures run to {last:%B %Y}; other "
            f"measures have figures to {newest:%B %Y}."
        )
    return ""


def notes(ds: Dataset, state: MapState, layer: MapLayer) -> tuple[Para, ...]:
    if not layer.available:
        return ()
    period, unit = layer.period, words.unit(ds, state.measure)
    singular = words.level_words(state.level)[0]
    out = []
    totals_ = reconciliation(ds, state, layer)
    if totals_.available:
        out.append(totals_.sentence)
    out.append(words.NOT_COVERED)
    if state.value == "change":
        out.append(
            f"Change compares {period.label} with {period.comparison} "
            f"({period.previous().label}), judged by a test on the counts that allows for "
            "how much monthly counts vary (quasi-Poisson); with many areas tested at once, "
            "\u201csignificant\u201d on the map allows for false discoveries "
            "(Benjamini-Hochberg q < 0.05). An area's own panel and profile judge it on its "
            "own test."
        )
        if layer.values.dispersion is not None:
            out.append(layer.values.dispersion.words(words.level_words(state.level)[1]))
    del unit, singular
    if min(period.start, period.previous().start) < CONNECT_START <= period.end:
        out.append(words.CONNECT_NOTE)
    return tuple(Para(text) for text in out)


def selected_area(ds: Dataset, state: MapState) -> SelectedArea | None:
    if not state.area:
        return None
    row = ds.areas.loc[state.area]
    level, name = str(row["level"]), str(row["name"])
    if level == "ward":
        kind = f"Ward in {ds.areas.loc[row['parent_code'], 'name']}"
    else:
        kind = f"Borough in the {row['bcu']} BCU" if isinstance(row["bcu"], str) else "Borough"
    sentences: list[str] = []
    if not bool(row["covered"]):
        sentences.append("Policed by the City of London Police: the MPS publishes no figures here.")
    elif level in options.measure_levels(ds, state.measure, LEVELS):
        layer = map_layer(ds, state.measure, level, state.period, state.value)
        if layer.available:
            sentences += area_sentences(ds, state, layer, state.area)
    return SelectedArea(
        name, kind, tuple(sentences), Link(f"Full profile of {name}", profile_href(state.area))
    )


def area_sentences(ds: Dataset, state: MapState, layer: MapLayer, code: str) -> list[str]:
    """One area's figures in words; its rank is by rate among London's areas of its level."""
    frame = layer.frame.set_index("code")
    if code not in frame.index or not np.isfinite(frame.loc[code, "count"]):
        return []
    r, period = frame.loc[code], layer.period
    young = rate_column(ds, state.measure) == "young_rate"
    level = str(ds.areas.loc[code, "level"])
    first = f"{words.counted(int(r['count']), ds, state.measure)} {words.in_period(period.label)}"
    rate = r[rate_column(ds, state.measure)]
    if np.isfinite(rate):
        first += f", {words.per_thousand(rate, young)}"
    if np.isfinite(r["rank"]):
        first += f"; {words.rank_words(int(r['rank']), int(r['of']), level, 'rate', young)}"
    out = [first + "."]
    if bool(r.get("visitor_flag", False)) and np.isfinite(r.get("workday_rate", np.nan)):
        out.append(
            "Far more people are here by day than live here: per 1,000 workday population "
            f"(all ages) the rate is {words.rate(r['workday_rate'])}."
        )
    if np.isfinite(r["previous"]):
        own = stats.own_change_words(
            str(r["verdict_own"]), str(r["rate_ratio_words"]), float(r["p_value"])
        )
        out.append(f"Against {int(r['previous']):,} in {compared_with(period)}: {own}.")
    if r["unreliable"]:
        out.append(words.low_count_sentence(words.unit(ds, state.measure)))
    if isinstance(r["caveat"], str) and r["caveat"]:
        out.append(r["caveat"])
    return out


# -- the table -----------------------------------------------------------------------------


def shown_rows(ds: Dataset, state: MapState, layer: MapLayer) -> pd.DataFrame:
    """The areas the table lists: those in the chosen borough or BCU, or all; covered
    areas by rank (by rate), then the areas not covered."""
    frame = layer.frame
    boroughs = chosen_boroughs(ds, state)
    if boroughs:
        column = "parent_code" if state.level == "ward" else "code"
        frame = frame[frame[column].isin(boroughs)]
    covered = frame["status"] != queries.NOT_COVERED
    return (
        frame.assign(_covered=covered)
        .sort_values(
            ["_covered", "rank", "name"],
            ascending=[False, True, True],
            na_position="last",
            kind="stable",
        )
        .drop(columns="_covered")
    )


def reconciliation(
    ds: Dataset, state: MapState, layer: MapLayer
) -> data_reconciliation.Reconciliation:
    """The view's total (London's, or the chosen borough's or BCU's own), the sum of the
    areas shown and the difference (data/reconciliation.py)."""
    within = state.borough or state.bcu or ""
    return data_reconciliation.reconcile(ds, state.measure, state.level, state.period, within)


def map_table(ds: Dataset, state: MapState, layer: MapLayer, caption: str) -> TableModel:
    """The map's figures as a table; its CSV is the same model."""
    unit = words.unit(ds, state.measure)
    young = bool(ds.measures.loc[state.measure, "young"])
    one = words.level_words(state.level)[0].capitalize()
    parent = "Borough" if state.level == "ward" else "BCU"
    parents = areas.parent_names(ds, state.level)
    columns = [
        Column(one),
        Column(parent),
        Column(words.rank_heading("rate"), numeric=True),
        Column(unit.capitalize(), numeric=True),
        Column("Rate per 1,000 residents", numeric=True),
    ]
    if young:
        columns.append(Column("Rate per 1,000 aged 0-24", numeric=True))
    columns.append(Column("Rate per 1,000 workday population (visitor areas)", numeric=True))
    columns += [
        Column("Previous period", numeric=True),
        Column("Change", numeric=True),
        *(Column(h) for h in ("Significance", "Reliability", "Caveat", "Code")),
    ]
    rows = []
    for r in shown_rows(ds, state, layer).itertuples(index=False):
        ok = r.status == queries.OK
        count_text = (
            words.number(r.count)
            if ok
            else ("not covered" if r.status == queries.NOT_COVERED else "")
        )
        cells = [
            r.name,
            parents.get(r.code, "").removesuffix(" BCU"),
            num(words.number(r.rank), r.rank),
            num(count_text, r.count if ok else None),
            _rate_cell(r.rate, ok),
        ]
        if young:
            cells.append(_rate_cell(r.young_rate, ok))
        cells.append(_rate_cell(r.workday_rate, ok and bool(r.visitor_flag)))
        change = r.change_pct if ok else np.nan
        cells += [
            num(words.number(r.previous) if ok else "", r.previous if ok else None),
            num(words.signed_percent(change), round(change) if np.isfinite(change) else None),
            r.significance if ok else "",
            words.low_count_note(unit) if ok and r.unreliable else "",
            r.caveat if isinstance(r.caveat, str) else "",
            r.code,
        ]
        rows.append(cells)
    return table(
        caption,
        columns,
        rows,
        footer=_footer(ds, state, layer, len(columns)),
        filename=file_stem(ds, state, layer) + ".csv",
    )


def _rate_cell(value: float, ok: bool) -> tuple[str, float | None]:
    if not ok:
        return ("", None)
    return num(words.rate(value), words.rounded_rate(value))


def _footer(ds: Dataset, state: MapState, layer: MapLayer, width: int) -> list[tuple]:
    """The total, the sum of the areas shown and the difference, as the table's last rows."""
    return footer_rows(
        reconciliation(ds, state, layer), width, name_at=0, value_at=3, code_at=width - 1
    )
