"""Hot spots and repeat victimisation (/hotspots): where weapon crime keeps recurring and
where it clusters, for wards or small areas, across London or within a BCU or borough.

The answers come from geo.hotspots (computed once per data version); this module words
them, paints the map, and builds the tables: the flagged areas with their reasons, the
concentration of offences in few areas, and the sensitivity of the answer to the
definition chosen.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from html import escape
from typing import Protocol

import numpy as np
import pandas as pd

from data import hotspots as rules
from data import reconciliation
from data.dataset import Dataset
from data.visitors import workday_columns
from geo.hotspots import DEEPEN, PERMUTATIONS, STEPS, Hotspots, area_hotspots
from geo.weights import Contiguity
from presenters.common import areas, options, words
from presenters.common.charts import HOVER_WIDTH, OKABE_ITO, base_layout
from presenters.common.controls import Controls, select
from presenters.common.map_paint import LONDON_CENTRE, LONDON_ZOOM, NOT_COVERED_COLOUR
from presenters.common.reconciliation import footer_rows
from presenters.common.state import PageState
from presenters.common.table import Column, TableModel, num, slug, table
from presenters.common.view import Para
from presenters.common.visitors import (
    SHORT_CAVEAT,
    WORKDAY_HEADING,
    workday_cell,
    workday_words,
)

LEVELS = ("ward", "lsoa")
CONTEXT_MEASURES = ("possession_of_weapons", "violence_against_the_person")
NO_BOUNDARIES = "The boundary files are not available, so hot spots cannot be found."
NO_MAP = (
    "The map cannot be drawn: the boundary files have not been built. The table below has "
    "the same findings."
)
# Okabe-Ito colours, one a finding; the key and each area's hover name it in words too.
COLOURS = {
    rules.ESTABLISHED_SPOT: "#D55E00",
    rules.EMERGING_SPOT: "#F0E442",
    rules.FORMER_SPOT: "#CC79A7",
    rules.PERSISTENT_ONLY: "#56B4E9",
    rules.NOT_FLAGGED: "#f7f7f7",
}
FINDINGS = {
    rules.ESTABLISHED_SPOT: "Lasting Gi* hot spot",
    rules.EMERGING_SPOT: "Emerging Gi* hot spot",
    rules.FORMER_SPOT: "Former Gi* hot spot",
    rules.PERSISTENT_ONLY: "Persistent hot spot",
    rules.NOT_FLAGGED: "Not flagged",
}
MAP_PAD = 1.05
# The Lorenz curve is drawn through at most this many points (it is straight between them).
CURVE_POINTS = 1000
# "1%, 5% and 10%": the top shares of areas whose share of offences is shown.
TOP_SHARES = words.listing([rules.share_words(s) for s in rules.CONCENTRATION_SHARES])
LORENZ_CAPTION = (
    "How to read it: areas are lined up from the most offences to the fewest (across) "
    "against the share of all offences they hold between them (up). The dashed line is an "
    "even spread; the further the curve bows above it, the more offences are concentrated "
    f"in few areas. The diamonds mark the top {TOP_SHARES}."
)


class Boundaries(Protocol):
    """What the page needs to know of the boundaries (the app's context has it)."""

    def contiguity(self, level: str) -> Contiguity | None: ...

    def geojson_url(self, level: str) -> str | None: ...

    def lsoa_layer(self, borough_code: str) -> dict | None: ...


@dataclass(frozen=True)
class HotspotsState(PageState):
    measure: str = "knife_crime"
    level: str = "ward"
    bcu: str | None = None
    borough: str | None = None

    @property
    def within(self) -> str:
        """The place the page is narrowed to: a borough, a BCU, or "" for London."""
        return self.borough or self.bcu or ""


@dataclass(frozen=True)
class KeyItem:
    colour: str
    text: str


@dataclass(frozen=True)
class HotspotsView:
    heading: str = ""
    summary: tuple[Para, ...] = ()
    has_results: bool = False
    map_figure: dict = field(default_factory=dict)
    map_fit: dict | None = None  # for window.dash_clientside.wec.fitMap
    map_note: str = ""
    key: tuple[KeyItem, ...] = ()
    classes: tuple[Para, ...] = ()  # what each Gi* pattern on the map means
    flagged: TableModel | None = None
    flagged_message: str = ""  # when no area shown is flagged
    concentration_words: tuple[Para, ...] = ()
    lorenz: dict = field(default_factory=dict)
    concentration: TableModel | None = None
    notes: tuple[Para, ...] = ()
    sensitivity_words: tuple[Para, ...] = ()
    sensitivity: TableModel | None = None


# -- state ----------------------------------------------------------------------------


def _offered(ds: Dataset) -> list[str]:
    return [
        str(m.id)
        for m in ds.measures.itertuples()
        if m.grp in ("knife", "gun") or m.id in CONTEXT_MEASURES
    ]


def measure_options(ds: Dataset, level: str) -> list[options.Option]:
    return options.measure_options(
        ds, groups=("knife", "gun", "context"), only=_offered(ds), level=level
    )


def settle(ds: Dataset, state: HotspotsState) -> HotspotsState:
    """A state the published data can show; anything unknown falls back on its own."""
    level = state.level if state.level in LEVELS else HotspotsState.level
    offered = options.values(measure_options(ds, level))
    default = HotspotsState.measure if HotspotsState.measure in offered else offered[0]
    measure = state.measure if state.measure in offered else default
    bcu = state.bcu if areas.is_level(ds, state.bcu, "bcu") else None
    borough = state.borough if areas.is_covered_borough(ds, state.borough) else None
    return HotspotsState(measure, level, None if borough else bcu, borough)


def choose(ds: Dataset, state: HotspotsState, choice: Mapping | None) -> HotspotsState:
    """The state after a person changed the selects; "within" names a BCU or borough."""
    return settle(ds, areas.with_within(ds, state.with_choice(choice), choice))


def controls(ds: Dataset, state: HotspotsState) -> Controls:
    levels = [options.Option(level, words.LEVEL_TITLES[level]) for level in LEVELS]
    return Controls(
        "Choose what to look for",
        (
            select("measure", "Measure", measure_options(ds, state.level), state.measure),
            select("level", "Areas", levels, state.level),
            select("within", "Show areas in", options.within_options(ds, state.level),
                   state.within),
        ),
    )  # fmt: skip


# -- the view ----------------------------------------------------------------------------


def view(ds: Dataset | None, state: HotspotsState, boundaries: Boundaries | None) -> HotspotsView:
    """Everything the page shows for a settled state. The view is kept in the one cache;
    the map's boundaries are put in afterwards (a borough's small areas travel with
    the figure, and need not be kept twice)."""
    if ds is None:
        return HotspotsView(summary=(Para(words.NO_DATA, "message"),))
    contiguity = boundaries.contiguity(state.level) if boundaries is not None else None
    if contiguity is None:
        return HotspotsView(heading=_heading(ds, state), summary=(Para(NO_BOUNDARIES, "message"),))
    url = boundaries.geojson_url("ward") if boundaries is not None else None
    shown = ds.cached(("hotspots-page", state.search(), url),
                      lambda: _view(ds, state, contiguity))  # fmt: skip
    if not shown.has_results:
        return shown
    if not shown.map_figure:
        return shown
    source, fit = _map_source(ds, state, boundaries, url)
    if source is None:
        return replace(shown, map_figure={}, map_fit=None, key=(), map_note=NO_MAP)
    figure = {**shown.map_figure, "data": [
        {**trace, "geojson": source} for trace in shown.map_figure["data"]
    ]}  # fmt: skip
    return replace(shown, map_figure=figure, map_fit=fit)


def hotspots(ds: Dataset, state: HotspotsState, contiguity: Contiguity) -> Hotspots:
    return area_hotspots(ds, contiguity, state.measure)


def _heading(ds: Dataset, state: HotspotsState, month: pd.Timestamp | None = None) -> str:
    label = words.label(ds, state.measure)
    plural = words.level_words(state.level)[1]
    place = areas.place_name(ds, state.within)
    when = f", 12 months to {month:%B %Y}" if month is not None else ""
    return f"{label}: hot spots among {plural}, {place}{when}"


def _view(ds: Dataset, state: HotspotsState, contiguity: Contiguity) -> HotspotsView:
    result = hotspots(ds, state, contiguity)
    if not result.available:
        return HotspotsView(
            heading=_heading(ds, state),
            summary=(Para(result.message, "message"),),
            notes=general_notes(ds, state),
        )
    table_ = with_visitors(ds, result.table)
    shown = in_scope(ds, table_, state.within)
    month = result.windows[-1]
    totals = reconciliation.reconcile(ds, state.measure, state.level, "r12", state.within)
    singular = words.level_words(state.level)[0]
    none_flagged = "" if shown["flagged"].any() else f"No {singular} shown is flagged."
    return HotspotsView(
        heading=_heading(ds, state, month),
        summary=summary(ds, state, result, shown),
        has_results=True,
        map_figure=map_figure(ds, state, shown),
        map_note=map_note(state, len(table_)),
        key=map_key(state, shown),
        classes=class_meanings(shown, state.level),
        flagged=flagged_table(ds, state, result, table_, shown, totals),
        flagged_message=none_flagged,
        concentration_words=concentration_words(ds, state, result),
        lorenz=lorenz_figure(ds, state, result),
        concentration=concentration_table(ds, state, result),
        notes=(*general_notes(ds, state), *notes(ds, state, shown, totals)),
        sensitivity_words=sensitivity_words(ds, state, result),
        sensitivity=sensitivity_table(ds, state, result),
    )


def with_visitors(ds: Dataset, frame: pd.DataFrame) -> pd.DataFrame:
    """The hot-spot table with the visitor columns of data.visitors (visitor_flag,
    workday_rate, ...) for its latest 12 months' counts."""
    extra = workday_columns(ds, frame["code"], frame["count"])
    return frame.assign(**{c: extra[c].to_numpy() for c in extra.columns})


def in_scope(ds: Dataset, frame: pd.DataFrame, within: str) -> pd.DataFrame:
    """The areas of a BCU or borough (all of them for London)."""
    if not within:
        return frame
    boroughs = areas.boroughs_in(ds, within) if areas.is_level(ds, within, "bcu") else [within]
    return frame[frame["parent_code"].isin(boroughs)]


def flagged_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """The flagged areas, strongest first: by finding, then Gi* z, then name."""
    rows = frame[frame["flagged"]]
    order = {c: i for i, c in enumerate(rules.CATEGORIES)}
    return rows.assign(_order=rows["category"].map(order)).sort_values(
        ["_order", "z", "name"], ascending=[True, False, True], kind="stable"
    )


# -- words -------------------------------------------------------------------------------


def _where(ds: Dataset, state: HotspotsState, n: int) -> str:
    """ "of London's 679 wards", "of the 25 wards in Lambeth"."""
    plural = words.level_words(state.level)[1]
    if not state.within:
        return f"of London's {words.areas(n, state.level)}"
    return f"of the {n:,} {plural} in {areas.place_name(ds, state.within)}"


def year_words(result: Hotspots) -> str:
    """ "March 2023 to February 2024, March 2024 to February 2025 and ..."."""
    return words.listing([f"{a:%B %Y} to {b:%B %Y}" for a, b in result.years])


def summary(ds: Dataset, state: HotspotsState, result: Hotspots, shown: pd.DataFrame) -> tuple:
    noun = words.noun(ds, state.measure)
    singular, plural = words.level_words(state.level)
    n_all = len(result.table)
    years = len(result.years)
    out = []
    if years >= rules.MIN_YEARS:
        persistent = shown[shown["persistent"]]
        k = len(persistent)
        text = (
            f"{k:,} {_where(ds, state, len(shown))} {words.is_are(k)} "
            f"{'a persistent hot spot' if k == 1 else 'persistent hot spots'}: among London's "
            f"top {rules.share_words(rules.PERSISTENT_SHARE)} of {plural} by number of {noun} "
            f"in each of the last {years} separate 12-month years ({year_words(result)})."
        )
        total = shown["count"].sum()
        if k and total > 0:
            held = persistent["count"].sum() / total
            text += (
                f" {'It' if k == 1 else 'Between them they'} had "
                f"{words.percent(held * 100, 1)} of the {noun} in these {plural} in the latest "
                f"12 months, though {'it is' if k == 1 else 'they are'} "
                f"{words.percent(k / len(shown) * 100, 1)} of the {plural}."
            )
        out.append(Para(text, "headline"))
    else:
        out.append(Para(
            f"Persistence is not judged: the data covers fewer than {rules.MIN_YEARS} separate "
            "12-month years.", "headline",
        ))  # fmt: skip
    hot, cold = shown[shown["hot"]], shown[shown["cold"]]
    strong = int((hot["confidence"] >= 99).sum())
    place = "" if not state.within else f" in {areas.place_name(ds, state.within)}"
    gi = (
        f"Gi* on the counts finds {len(hot):,} hot {words.plural(len(hot), 'spot')} and "
        f"{len(cold):,} cold {words.plural(len(cold), 'spot')}{place} in the 12 months to "
        f"{result.windows[-1]:%B %Y}: q < {rules.HOT_Q:g} after correcting for testing "
        f"London's {words.areas(n_all, state.level)} at once"
        + (f" ({strong:,} of the hot spots with q < {rules.STRONG_Q:g})" if strong else "")
        + ". "
    )
    classes = shown["class"].value_counts()
    patterns = [f"{int(classes[c]):,} {c}" for c in rules.CLASSES if classes.get(c, 0)]
    first, last = result.windows[0], result.windows[-1]
    gi += (
        f"Over the {len(result.windows)} rolling 12-month windows from the 12 months to "
        f"{first:%B %Y} to the 12 months to {last:%B %Y}: "
        + (f"hot-spot patterns {words.listing(patterns)}." if patterns else
           f"no {singular} shown has a hot-spot pattern.")
    )  # fmt: skip
    out.append(Para(gi))
    ordinary = hot[~hot["above_average"].astype(bool)]
    if len(ordinary):
        mean = result.table["count"].mean()
        out.append(Para(
            f"{words.listing(list(ordinary['name']))} {words.is_are(len(ordinary))} "
            f"{'a Gi* hot spot' if len(ordinary) == 1 else 'Gi* hot spots'} whose own count "
            f"is not above the average {singular}'s ({words.rate(mean)}): Gi* judges an area "
            "together with its neighbours, and theirs are high."
        ))  # fmt: skip
    low = int(flagged_rows(shown)["low_count"].sum())
    if low:
        unit = words.unit(ds, state.measure)
        out.append(Para(
            f"{low:,} of the flagged {plural} had fewer than {words.LOW_COUNT} {unit} in the "
            "latest 12 months: their rates are marked unreliable.", "warning",
        ))  # fmt: skip
    return tuple(out)


def trend_words(row: Mapping) -> str:
    if row["trend"] == 0 or not np.isfinite(row["trend_p"]):
        return ""
    way = "rising" if row["trend"] > 0 else "falling"
    return (
        f" (offences in it and its neighbours {way}, seasonal Mann-Kendall p {_p(row['trend_p'])})"
    )


def _p(value: float) -> str:
    text = words.p_value(value)
    return text if text.startswith("<") else f"= {text}"


def reasons(row: Mapping, level: str, years: int) -> list[str]:
    """Why an area is flagged (or a cold spot), in the table's and the hover's words."""
    singular, plural = words.level_words(level)
    out = []
    if row["persistent"]:
        out.append(
            f"persistent hot spot: among London's top "
            f"{rules.share_words(rules.PERSISTENT_SHARE)} of {plural} by count in "
            f"{int(row['top_years'])} of the last {years} separate 12-month years"
        )
    if row["hot"]:
        text = f"Gi* hot spot in the latest 12 months (q {_p(row['q'])})"
        if not row["above_average"]:
            text += f", though its own count is not above the average {singular}'s"
        out.append(text)
    elif row["cold"]:
        out.append(f"Gi* cold spot in the latest 12 months (q {_p(row['q'])})")
    if row["class"]:
        out.append(
            f"{row['class']} Gi* hot spot: hot in {int(row['hot_windows'])} of the "
            f"{int(row['windows'])} rolling 12-month windows" + trend_words(row)
        )
    return out


def class_meanings(shown: pd.DataFrame, level: str) -> tuple[Para, ...]:
    """The meaning of each Gi* pattern that some area shown has, and only those."""
    counts = shown["class"].value_counts()
    return tuple(
        Para(f"{c.capitalize()} ({words.areas(int(counts[c]), level)}): {rules.CLASS_MEANINGS[c]}.")
        for c in rules.CLASSES
        if counts.get(c, 0)
    )


def map_note(state: HotspotsState, n: int) -> str:
    singular, plural = words.level_words(state.level)
    if state.level == "lsoa" and not state.within:
        return (
            f"London has {n:,} {plural}: choose a borough or BCU to see its {plural} on the "
            f"map. The table lists every flagged {singular} in London."
        )
    return (
        f"Each {singular} is coloured by its strongest finding; hover over or tap a {singular} "
        "for its figures and reasons. The table below gives the same findings."
    )


def general_notes(ds: Dataset, state: HotspotsState) -> tuple[Para, ...]:
    out = []
    guns = [m for m in ds.measures.itertuples() if m.grp == "gun"]
    if guns and not any(ds.has_data(str(m.id)) for m in guns):
        out.append(Para(
            "Gun crime measures have no public data yet: once MOPAC staff upload the MPS's "
            "gun crime file, the same hot-spot analysis runs on it."
        ))  # fmt: skip
    return tuple(out)


def notes(
    ds: Dataset, state: HotspotsState, shown: pd.DataFrame, totals: reconciliation.Reconciliation
) -> tuple[Para, ...]:
    plural = words.level_words(state.level)[1]
    out = []
    city = ds.areas[(ds.areas["level"] == "ward") & ~ds.areas["covered"]]
    if not state.within:
        what = (
            f"The City of London's {words.areas(len(city), 'ward')} {words.is_are(len(city))}"
            if state.level == "ward"
            else f"The City of London's {plural} are"
        )
        out.append(Para(
            f"{what} not analysed: the City is policed by the City of London Police and the "
            "MPS publishes no figures for it (not zero)."
        ))  # fmt: skip
    if totals.available:
        out.append(Para(totals.sentence))
    visitors = flagged_rows(shown)
    visitors = visitors[visitors["visitor_flag"].astype(bool)]
    if len(visitors):
        out.append(Para(
            "Far more people spend the day than live in "
            + words.listing(list(visitors["name"]))
            + ": their rates per resident overstate the risk to the people there, so the "
            "table gives their rate per 1,000 workday population (Census 2021) beside it, and "
            "says why in the rate caveat column. The hot spots themselves are found from "
            "counts, which no population changes."
        ))  # fmt: skip
    return tuple(out)


def method() -> tuple[Para, ...]:
    """How hot spots are found, for the foot of the page."""
    share = rules.share_words(rules.PERSISTENT_SHARE)
    return (
        Para(
            "Persistent hot spots follow the law of crime concentration (Weisburd 2015): a "
            "small share of places holds a large share of crime, and the same places stay on "
            f"top. A ward or small area is a persistent hot spot when it is among London's top "
            f"{share} by number of offences in each of the last {rules.YEARS} separate 12-month "
            f"years ({rules.MIN_YEARS} for small areas, whose data starts in March 2024). "
            "Separate years are separate tests; rolling windows that share 11 of their 12 "
            "months would be close to one. Areas tied at the cut are all left out, so no "
            "more than that share is flagged."
        ),
        Para(
            "Spatial clusters: Getis-Ord Gi* asks whether an area and its neighbours (areas "
            "sharing a boundary or a corner) together had more offences over 12 months than "
            "chance would give. It runs on counts, not rates per resident, which visitor areas "
            "with few residents make very skewed. Its significance is two-sided and comes from "
            f"random rearrangements of the other areas' counts ({PERMUTATIONS:,}, and up to "
            f"{DEEPEN:,} for the clearest cases), corrected for testing every area at once "
            f"(Benjamini-Hochberg false discovery rate). Only areas with q < {rules.HOT_Q:g} "
            "are called hot or cold spots; nothing weaker gets a word."
        ),
        Para(
            "How a hot spot moves: Gi* is worked out for the rolling 12 months ending in each "
            f"of the last {STEPS} months (fewer where the data is shorter). A hot spot in at "
            f"least {rules.ESTABLISHED:.0%} of them, the latest included, is steady, or "
            "intensifying or diminishing when the monthly offences of the area and its "
            "neighbours show a significant trend (seasonal Mann-Kendall test, each calendar "
            "month compared with itself); new, consecutive, sporadic and oscillating hot spots "
            "are younger or on and off; a former hot spot was one in at least half of the "
            "earlier windows but is not now. These follow emerging hot-spot analysis."
        ),
        Para(
            "The City of London is policed by the City of London Police and has no figures "
            "here, not zero. Method, references and what each rule flags on the current data: "
            "docs/METHODS.md, sections 6 to 8."
        ),
    )


LEDE = (
    Para(
        "Where weapon-enabled crime happens year after year, and where it clusters beyond "
        "what chance would explain. Choose a measure, the areas and where to look; the "
        "address of this page keeps your choices."
    ),
    Para(rules.REPEAT_VICTIMISATION_NOTE),
)


# -- the map -----------------------------------------------------------------------------


def _hover_rows(ds: Dataset, state: HotspotsState, frame: pd.DataFrame, years: int) -> list:
    """[name, lines] for each area's hover: its finding, figures and reasons, each line
    escaped and wrapped to fit a phone."""
    unit = words.unit(ds, state.measure)
    young = bool(ds.measures.loc[state.measure, "young"])
    out = []
    for r in frame.to_dict("records"):
        why = reasons(r, state.level, years)
        rate = words.per_thousand(r["rate"], young)
        visitor = workday_words(r["visitor_flag"], r["workday_rate"])
        lines = [
            FINDINGS[r["category"]] + (f": {r['class']}" if r["class"] else ""),
            words.units(int(r["count"]), unit) + " in the latest 12 months",
            *([rate] if rate else []),
            *([visitor, SHORT_CAVEAT] if visitor else []),
            *(w[0].upper() + w[1:] for w in why),
            *([words.low_count_note(unit)] if r["low_count"] else []),
        ]
        wrapped = [part for line in lines for part in textwrap.wrap(escape(line), HOVER_WIDTH)]
        parent = f" ({r['parent']})" if r["parent"] else ""
        out.append([escape(str(r["name"]) + parent), "<br>".join(wrapped)])
    return out


def map_figure(ds: Dataset, state: HotspotsState, shown: pd.DataFrame) -> dict:
    """One trace per finding, each in its own colour, as a plain figure without its
    boundaries (`view` puts them in). London's ward map shows the City as not covered."""
    if state.level == "lsoa" and not state.within:
        return {}
    years = int(shown["years"].iloc[0]) if len(shown) else 0
    hover = "<b>%{customdata[0]}</b><br>%{customdata[1]}<extra></extra>"
    traces = []
    for key in reversed(rules.CATEGORIES):
        group = shown[shown["category"] == key]
        if group.empty:
            continue
        colour = COLOURS[key]
        traces.append({
            "type": "choroplethmap", "featureidkey": "id", "name": FINDINGS[key],
            "locations": group["code"].tolist(), "z": [1] * len(group),
            "colorscale": [[0, colour], [1, colour]], "showscale": False,
            "marker": {"line": {"color": "#4a4a4a", "width": 0.5}},
            "customdata": _hover_rows(ds, state, group, years), "hovertemplate": hover,
        })  # fmt: skip
    city = _not_covered(ds, state)
    if city:
        traces.append({
            "type": "choroplethmap", "featureidkey": "id",
            "name": "Not covered (City of London Police)", "locations": city,
            "z": [1] * len(city), "showscale": False,
            "colorscale": [[0, NOT_COVERED_COLOUR], [1, NOT_COVERED_COLOUR]],
            "marker": {"line": {"color": "#8a8a8a", "width": 0.5}},
            "hovertemplate": "Not covered: the City of London Police polices the City, so the "
            "MPS publishes nothing here<extra></extra>",
        })  # fmt: skip
    return {
        "data": traces,
        "layout": {
            # A plain white style: the map needs no tiles from the internet.
            "map": {"style": "white-bg", "center": LONDON_CENTRE, "zoom": LONDON_ZOOM},
            "margin": {"l": 0, "r": 0, "t": 0, "b": 0},
            "showlegend": False,
            "paper_bgcolor": "white",
            "hoverlabel": {"bgcolor": "white", "align": "left"},
            "uirevision": state.search(),
        },
    }


def _not_covered(ds: Dataset, state: HotspotsState) -> list[str]:
    if state.level != "ward" or state.within:
        return []
    city = ds.areas[(ds.areas["level"] == "ward") & ~ds.areas["covered"]]
    return city["code"].tolist()


def map_key(state: HotspotsState, shown: pd.DataFrame) -> tuple[KeyItem, ...]:
    """The key: each finding some area shown has, with how many; the City if shown."""
    if state.level == "lsoa" and not state.within:
        return ()
    counts = shown["category"].value_counts()
    items = [
        KeyItem(COLOURS[c], f"{rules.CATEGORY_LABELS[c]}: {words.areas(int(n), state.level)}")
        for c in rules.CATEGORIES
        if (n := counts.get(c, 0))
    ]
    if state.level == "ward" and not state.within:
        items.append(KeyItem(NOT_COVERED_COLOUR, "Not covered: the City of London Police area"))
    return tuple(items)


def _map_source(
    ds: Dataset, state: HotspotsState, boundaries: Boundaries | None, url: str | None
) -> tuple[str | dict | None, dict | None]:
    """The map's boundaries and how to fit it: the ward file's URL and the codes shown,
    or the small areas of the borough (or the BCU's boroughs) and their bounds."""
    if state.level == "ward":
        if not url:
            return None, None
        codes = None
        if state.within:
            codes = in_scope(ds, ds.areas[ds.areas["level"] == "ward"], state.within)
            codes = codes["code"].tolist()
        return url, {"url": url, "codes": codes, "pad": MAP_PAD}
    if not state.within or boundaries is None:
        return None, None
    boroughs = areas.boroughs_in(ds, state.within) if state.bcu else [state.within]
    layers = [boundaries.lsoa_layer(b) for b in boroughs]
    if not layers or any(layer is None for layer in layers):
        return None, None
    features = [f for layer in layers for f in layer["features"]]  # type: ignore[index]
    return {"type": "FeatureCollection", "features": features}, {
        "bounds": bounds(features),
        "pad": MAP_PAD,
    }


def bounds(features: list[dict]) -> list[float]:
    """[west, south, east, north] of GeoJSON features."""
    points: list[np.ndarray] = []

    def visit(coords) -> None:
        if coords and isinstance(coords[0], int | float):
            points.append(np.asarray(coords[:2], dtype=float))
        else:
            for part in coords:
                visit(part)

    for feature in features:
        visit(feature["geometry"]["coordinates"])
    xy = np.vstack(points)
    return [float(xy[:, 0].min()), float(xy[:, 1].min()),
            float(xy[:, 0].max()), float(xy[:, 1].max())]  # fmt: skip


# -- the tables --------------------------------------------------------------------------


def count_ranks(frame: pd.DataFrame) -> pd.Series:
    """Each area's rank by its latest 12 months' count among London's areas (1 is the
    most; areas with the same count share the best rank)."""
    return frame["count"].rank(ascending=False, method="min").astype(int)


def flagged_table(
    ds: Dataset,
    state: HotspotsState,
    result: Hotspots,
    everyone: pd.DataFrame,
    shown: pd.DataFrame,
    totals: reconciliation.Reconciliation,
) -> TableModel:
    """The flagged areas shown, strongest first, with their figures and reasons; it ends
    with the view's total, the sum of every area on the map and the difference."""
    label, unit = words.label(ds, state.measure), words.unit(ds, state.measure)
    young = bool(ds.measures.loc[state.measure, "young"])
    singular, plural = words.level_words(state.level)
    years = len(result.years)
    judged = years >= rules.MIN_YEARS
    ranks = count_ranks(everyone).set_axis(everyone["code"])
    rows_frame = flagged_rows(shown)
    lsoa = state.level == "lsoa"
    share = rules.share_words(rules.PERSISTENT_SHARE)
    columns = (
        Column("Area"),
        *((Column("Ward"),) if lsoa else ()),
        Column("Borough"),
        Column("Finding"),
        Column(f"{unit.capitalize()}, latest 12 months", numeric=True),
        Column(f"Rate per 1,000 {words.residents(young)}", numeric=True),
        Column(WORKDAY_HEADING, numeric=True),
        Column("Reasons"),
        Column("Gi* pattern"),
        Column("Persistent hot spot"),
        Column(f"Years in London's top {share} by count", numeric=True),
        Column(words.rank_heading("count"), numeric=True),
        Column("Gi* z-score", numeric=True),
        Column("Gi* q-value (BH)", numeric=True),
        Column(f"Own count above the average {singular} (Gi* hot spots)"),
        Column("Reliability"),
        Column("Rate caveat"),
        Column("Code"),
    )
    rows = []
    for r in rows_frame.to_dict("records"):
        rows.append((
            r["name"],
            *((r["ward"],) if lsoa else ()),
            r["parent"],
            FINDINGS[r["category"]],
            num(words.number(r["count"]), int(r["count"])),
            num(words.rate(r["rate"]), words.rounded_rate(r["rate"])),
            workday_cell(r["visitor_flag"], r["workday_rate"]),
            "; ".join(reasons(r, state.level, years)),
            r["class"],
            ("Yes" if r["persistent"] else "No") if judged else "",
            num(f"{int(r['top_years'])} of {years}", int(r["top_years"])) if judged else ("", None),
            num(words.number(ranks[r["code"]]), int(ranks[r["code"]])),
            num(f"{r['z']:.2f}", round(float(r["z"]), 3)),
            num(words.p_value(r["q"]), float(r["q"])),
            ("Yes" if r["above_average"] else "No") if r["hot"] else "",
            words.low_count_note(unit) if r["low_count"] else "",
            r["caveat"],
            r["code"],
        ))  # fmt: skip
    place = areas.place_name(ds, state.within)
    caption = (
        f"{label}: flagged {plural} in {place}, strongest first, with their reasons, 12 months "
        f"to {result.windows[-1]:%B %Y}"
    )
    return table(
        caption,
        columns,
        rows,
        footer=footer_rows(
            totals, len(columns), name_at=0, value_at=4 if lsoa else 3, code_at=len(columns) - 1,
            sum_name=f"Sum of the {words.areas(len(shown), state.level)} analysed (all on the map)",
        ),
        filename=f"hotspots-{slug(caption)}.csv",
    )  # fmt: skip


# -- concentration ------------------------------------------------------------------------


def concentration_words(ds: Dataset, state: HotspotsState, result: Hotspots) -> tuple[Para, ...]:
    noun = words.noun(ds, state.measure)
    singular, plural = words.level_words(state.level)
    n = len(result.table)
    parts = [
        f"the top {rules.share_words(r.share_of_areas_named)} "
        f"({words.areas(int(r.areas), state.level)}) had "
        f"{words.percent(r.share_of_offences * 100, 1)}"
        for r in result.concentration.itertuples()
    ]
    out = [
        Para(
            f"Across London's {words.areas(n, state.level)}, {words.listing(parts)} of the "
            f"{noun} in the 12 months to {result.windows[-1]:%B %Y}. Were offences spread "
            f"evenly, each would hold its own share of the {plural}. The Gini coefficient of "
            f"the counts is {result.gini:.2f} (0 if every {singular} had the same count, near 1 "
            f"if one {singular} had them all)."
        ),
        Para(
            f"Where {plural} have few offences each, part of this concentration is chance: "
            f"a {singular} with none or one is no evidence of a lower risk than one with two. "
            "The curve shows how offences are spread, not how risk is."
        ),
    ]
    return tuple(out)


def _curve_points(lorenz: pd.DataFrame) -> pd.DataFrame:
    if len(lorenz) <= CURVE_POINTS + 1:
        return lorenz
    keep = np.unique(np.linspace(0, len(lorenz) - 1, CURVE_POINTS + 1).round().astype(int))
    return lorenz.iloc[keep]


def lorenz_figure(ds: Dataset, state: HotspotsState, result: Hotspots) -> dict:
    """The concentration (Lorenz) curve: areas from the most offences to the fewest, the
    share of offences they hold, beside the line of an even spread."""
    plural = words.level_words(state.level)[1]
    noun = words.noun(ds, state.measure)
    curve = _curve_points(result.lorenz)
    marks = result.concentration
    hover = f"The top %{{x:.1f}}% of {plural} had %{{y:.1f}}% of the {noun}<extra></extra>"
    data = [
        {"type": "scatter", "mode": "lines", "name": "Even spread", "hoverinfo": "skip",
         "x": [0, 100], "y": [0, 100], "line": {"color": "#5a5a5a", "dash": "dash", "width": 1.5}},
        {"type": "scatter", "mode": "lines", "name": f"{plural.capitalize()}, most offences first",
         "x": (curve["share_of_areas"] * 100).round(3).tolist(),
         "y": (curve["share_of_offences"] * 100).round(3).tolist(),
         "line": {"color": OKABE_ITO[1], "width": 2.5}, "hovertemplate": hover},
        {"type": "scatter", "mode": "markers+text", "name": f"Top {TOP_SHARES}",
         "x": (marks["share_of_areas"] * 100).round(3).tolist(),
         "y": (marks["share_of_offences"] * 100).round(3).tolist(),
         "text": [f"top {rules.share_words(s)}: {words.percent(o * 100, 1)}"
                  for s, o in zip(marks["share_of_areas_named"], marks["share_of_offences"],
                                  strict=True)],
         "textposition": "middle right", "marker": {"color": OKABE_ITO[0], "size": 9,
                                                     "symbol": "diamond"},
         "hovertemplate": hover},
    ]  # fmt: skip
    layout = base_layout(
        xaxis={"title": {"text": f"Share of {plural}, most offences first (%)"},
               "range": [0, 100], "gridcolor": "#ececec"},
        yaxis={"title": {"text": f"Share of {noun} (%)"}, "range": [0, 100],
               "gridcolor": "#e0e0e0"},
        legend={"orientation": "h", "y": -0.25, "x": 0},
        margin={"l": 60, "r": 12, "t": 12, "b": 60},
    )  # fmt: skip
    return {"data": data, "layout": layout}


def concentration_table(ds: Dataset, state: HotspotsState, result: Hotspots) -> TableModel:
    label, unit = words.label(ds, state.measure), words.unit(ds, state.measure)
    plural = words.level_words(state.level)[1]
    title = plural.capitalize()
    n = len(result.table)
    total = int(result.table["count"].sum())
    caption = (
        f"{label}: share of offences in the top {TOP_SHARES} of London's {n:,} {plural}, "
        f"12 months to {result.windows[-1]:%B %Y}"
    )
    rows = (
        (
            f"Top {rules.share_words(r.share_of_areas_named)}",
            num(words.number(r.areas), int(r.areas)),
            num(words.percent(r.share_of_areas * 100, 1), round(r.share_of_areas, 6)),
            num(words.number(r.offences), int(r.offences)),
            num(words.percent(r.share_of_offences * 100, 1), round(r.share_of_offences, 6)),
        )
        for r in result.concentration.itertuples()
    )
    return table(
        caption,
        (Column(f"{title} with the most {unit}"), Column(title, numeric=True),
         Column(f"Share of {plural}", numeric=True), Column(unit.capitalize(), numeric=True),
         Column(f"Share of {unit}", numeric=True)),
        rows,
        footer=[(f"All {plural}", num(words.number(n), n), num("100%", 1),
                 num(words.number(total), total), num("100%", 1))],
        filename=f"hotspots-{slug(caption)}.csv",
    )  # fmt: skip


# -- sensitivity ---------------------------------------------------------------------------


def _sensitivity_row(result: Hotspots, key: str) -> pd.Series | None:
    frame = result.sensitivity
    if frame.empty or key not in set(frame["definition"]):
        return None
    return frame.set_index("definition").loc[key]


def sensitivity_words(ds: Dataset, state: HotspotsState, result: Hotspots) -> tuple[Para, ...]:
    """Whether the definition matters, in words: what the page's two rules and the old
    rule of months with offences flag, across London."""
    plural = words.level_words(state.level)[1]
    noun = words.noun(ds, state.measure)

    def flags(key: str, what: str) -> str:
        row = _sensitivity_row(result, key)
        if row is None:
            return ""
        return (
            f"{words.areas(int(row['flagged']), state.level)}{what} "
            f"({words.percent(row['share_of_areas'] * 100, 1)} of the {plural}, with "
            f"{words.percent(row['share_of_offences'] * 100, 1)} of the {noun})"
        )

    used = [
        t
        for t in (
            flags(rules.PERSISTENT_10, " as persistent hot spots"),
            flags(rules.GI_COUNTS, " as Gi* hot spots on counts"),
        )
        if t
    ]
    text = (
        f"Yes. The table below counts, across London, the {plural} each definition would "
        "flag and the share of the latest 12 months' offences they hold. "
    )
    if used:
        text += "The rules this page uses flag " + " and ".join(used) + ". "
    old = flags(rules.NINE_OF_TWELVE, "")
    if old:
        text += (
            f"The old rule of offences in at least {rules.PERSISTENT_MONTHS} of the last 12 "
            f"months would flag {old}: it measures how big an area is "
            "more than whether crime concentrates there."
        )
    return (Para(text.strip()),)


def sensitivity_table(ds: Dataset, state: HotspotsState, result: Hotspots) -> TableModel:
    label, unit = words.label(ds, state.measure), words.unit(ds, state.measure)
    plural = words.level_words(state.level)[1]
    title = plural.capitalize()
    caption = (
        f"{label}: how many of London's {words.areas(len(result.table), state.level)} each "
        f"definition flags, and the share of the {unit} in the 12 months to "
        f"{result.windows[-1]:%B %Y} they hold"
    )
    rows = (
        (
            r.label,
            "Yes" if r.used else "No, for comparison",
            num(words.number(r.flagged), int(r.flagged)),
            num(words.percent(r.share_of_areas * 100, 1), round(r.share_of_areas, 6)),
            num(words.number(r.offences), int(r.offences)),
            num(words.percent(r.share_of_offences * 100, 1), round(r.share_of_offences, 6)),
        )
        for r in result.sensitivity.itertuples()
    )
    return table(
        caption,
        (Column("Definition"), Column("Used on this page"),
         Column(f"{title} flagged", numeric=True), Column(f"Share of {plural}", numeric=True),
         Column(f"{unit.capitalize()} in them", numeric=True),
         Column(f"Share of {unit}", numeric=True)),
        rows,
        filename=f"hotspots-{slug(caption)}.csv",
    )  # fmt: skip
