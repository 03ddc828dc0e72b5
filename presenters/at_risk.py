"""Most at-risk areas (/at-risk): areas ranked across London, set on a funnel plot so
that small areas are not over-read."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd

from data import funnel as funnel_data
from data import reconciliation
from data.dataset import Dataset
from data.funnel import ABOVE_95, ABOVE_998, BELOW_95, BELOW_998
from data.periods import ROLLING_12
from presenters.common import areas, options, words
from presenters.common.controls import Controls, period_selects, select
from presenters.common.funnel import funnel_chart, funnel_table
from presenters.common.reconciliation import footer_rows
from presenters.common.state import PageState
from presenters.common.table import Column, TableModel, num, table
from presenters.common.view import Definition, Link, Para, definition, profile_href

LEVELS = ("ward", "borough")
# Context measures that say something about weapons; violence as a whole does not.
CONTEXT_MEASURES = ("possession_of_weapons", "homicide_knife", "homicide_shooting")
ORDERS = funnel_data.ORDERS
TOP_PROFILES = 10


@dataclass(frozen=True)
class AtRiskState(PageState):
    measure: str = "knife_crime"
    level: str = "ward"
    period: str = ROLLING_12
    bcu: str | None = None
    borough: str | None = None
    order: str = "rate"

    @property
    def within(self) -> str:
        """The place the ranking is narrowed to: a borough, a BCU, or "" for London."""
        return self.borough or self.bcu or ""


@dataclass(frozen=True)
class AtRiskView:
    heading: str = ""
    summary: tuple[Para, ...] = ()
    definition: Definition | None = None
    notes: tuple[Para, ...] = ()
    has_results: bool = False
    funnel_figure: dict = field(default_factory=dict)
    funnel_table: TableModel | None = None
    ranked: TableModel | None = None
    profiles_heading: str = ""
    profiles: tuple[Link, ...] = ()


def measure_options(ds: Dataset) -> list[options.Option]:
    return options.measure_options(
        ds, groups=("knife", "gun", "context"), only=_offered(ds), mark_missing=True
    )


def _offered(ds: Dataset) -> list[str]:
    return [
        str(m.id)
        for m in ds.measures.itertuples()
        if m.grp in ("knife", "gun") or m.id in CONTEXT_MEASURES
    ]


def settle(ds: Dataset, state: AtRiskState) -> AtRiskState:
    """A state the published data can show: anything unknown or impossible is replaced
    by its default, so an old or mistyped link still opens a sensible page."""
    measure = state.measure if state.measure in _offered(ds) else AtRiskState.measure
    levels = options.measure_levels(ds, measure, LEVELS)
    level = state.level if state.level in levels else (
        AtRiskState.level if AtRiskState.level in levels else levels[0]
    )  # fmt: skip
    period = options.valid_period(ds, measure, level, state.period)
    bcu = state.bcu if areas.is_level(ds, state.bcu, "bcu") else None
    borough = (
        state.borough if level == "ward" and areas.is_covered_borough(ds, state.borough) else None
    )
    if borough is not None:
        bcu = None
    order = state.order if state.order in ORDERS else AtRiskState.order
    return AtRiskState(measure, level, period, bcu, borough, order)


def choose(ds: Dataset, state: AtRiskState, choice: Mapping | None) -> AtRiskState:
    """The state after a person changed the selects; "within" names a BCU or borough."""
    return settle(ds, areas.with_within(ds, state.with_choice(choice), choice))


def controls(ds: Dataset, state: AtRiskState) -> Controls:
    return Controls(
        "Choose what to rank",
        (
            select("measure", "Measure", measure_options(ds), state.measure),
            select("level", "Areas", options.level_options(ds, state.measure, LEVELS), state.level),
            *period_selects(ds, state.measure, state.level, state.period),
            select(
                "within", "Show areas in", options.within_options(ds, state.level), state.within
            ),
            select(
                "order", "Order", [options.Option(k, v) for k, v in ORDERS.items()], state.order
            ),
        ),
    )


def at_risk(ds: Dataset, state: AtRiskState) -> funnel_data.AtRisk:
    return funnel_data.at_risk_areas(
        ds,
        measure=state.measure,
        level=state.level,
        period=state.period,
        within=state.within,
        order=state.order,
    )


def view(ds: Dataset | None, state: AtRiskState) -> AtRiskView:
    """Everything the page shows for a state."""
    if ds is None:
        return AtRiskView(summary=(Para(words.NO_DATA, "message"),))
    return ds.cached(("at-risk", state.search()), lambda: _view(ds, state))


def _view(ds: Dataset, state: AtRiskState) -> AtRiskView:
    measure, level = state.measure, state.level
    label, unit = words.label(ds, measure), words.unit(ds, measure)
    young = bool(ds.measures.loc[measure, "young"])
    singular, plural = words.level_words(level)
    result = at_risk(ds, state)
    defined = definition(ds, measure)
    if not result.available:
        return AtRiskView(
            heading=f"{label} by {singular}",
            summary=(Para(result.message, "message"),),
            definition=defined,
        )
    period = result.period
    place = areas.place_name(ds, state.within)
    heading = f"{label} by {singular}, {period.label}, {place}"
    frame = result.table
    rate_words = f"rate per 1,000 {words.residents(young)}"
    order_words = rate_words if state.order == "rate" else f"number of {unit}"
    parents = areas.parent_names(ds, level)
    only = None if not state.within else set(frame["Code"])
    figure, f_table = {}, None
    if result.funnel is not None:
        figure = funnel_chart(result.funnel, level=level, unit=unit, parents=parents, only=only)
        f_table = funnel_table(
            result.funnel, only, parents,
            f"{label}: rate and control limits for each {singular}, {period.label}",
        )  # fmt: skip
    top = frame.head(TOP_PROFILES)
    return AtRiskView(
        heading=heading,
        summary=_summary(frame, result, plural, singular, unit, order_words),
        definition=defined,
        notes=_notes(ds, state, result, frame, unit, singular),
        has_results=True,
        funnel_figure=figure,
        funnel_table=f_table,
        ranked=ranked_table(
            result,
            f"{label}: {plural} ranked by {order_words}, {period.label}, {place}",
            state.order,
            workday=_workday_rates(ds, state),
            footer=reconciliation.reconcile(ds, measure, level, state.period, state.within),
        ),
        profiles_heading=f"Profiles of the first {len(top)} {plural} in the table",
        profiles=tuple(
            Link(name, profile_href(code))
            for name, code in zip(top["Area"], top["Code"], strict=True)
        ),
    )


def _summary(
    frame: pd.DataFrame,
    result: funnel_data.AtRisk,
    plural: str,
    singular: str,
    unit: str,
    order_words: str,
) -> tuple[Para, ...]:
    positions = frame["Funnel position"].value_counts()
    above = int(positions.get(ABOVE_998, 0)), int(positions.get(ABOVE_95, 0))
    below = int(positions.get(BELOW_95, 0) + positions.get(BELOW_998, 0))
    low = int((frame["Reliability"] != "").sum())
    n = len(frame)
    out = [
        Para(
            f"Of the {n:,} {plural if n != 1 else singular} shown, {above[0]:,} "
            f"{words.is_are(above[0])} above the 99.8% limit and {above[1]:,} more "
            "above the 95% limit on the funnel plot: their rates are higher than London's by "
            "more than chance and the usual differences between areas would explain. "
            f"{below:,} {words.is_are(below)} below the lower limits.",
            "headline",
        ),
        Para(
            f"Ranked by {order_words} (Census 2021 populations); ranks are across all "
            f"{result.ranked:,} {plural} in London. " + change_words(result, plural)
        ),
    ]
    if low:
        out.append(
            Para(
                f"{low:,} of the {plural} shown had fewer than {words.LOW_COUNT} {unit}: their "
                "rates and changes are marked unreliable.",
                "warning",
            )
        )
    return tuple(out)


def change_words(result: funnel_data.AtRisk, plural: str) -> str:
    previous = result.period.previous()
    if result.table["Previous period"].isna().all():
        return f"There are no figures for {previous.label}, so no change is shown."
    return (
        f"Change compares with {previous.label} ({result.period.comparison}) by a test "
        "on the counts that allows for how much monthly counts vary (quasi-Poisson), "
        f"corrected for testing {result.ranked:,} {plural} at once (Benjamini-Hochberg "
        "q-value): a change is called significant in this table when q < 0.05. An area's "
        "own profile judges it on its own test."
    )


def _notes(
    ds: Dataset,
    state: AtRiskState,
    result: funnel_data.AtRisk,
    frame: pd.DataFrame,
    unit: str,
    singular: str,
) -> tuple[Para, ...]:
    notes = []
    if result.funnel is not None:
        spread = funnel_data.overdispersion_words(result.funnel, words.level_words(state.level)[1])
        notes.append(Para(" ".join(t for t in (funnel_data.LIMITS_NOTE, spread) if t)))
    values = funnel_data.area_values(ds, state.measure, state.level, state.period)
    if values.dispersion is not None:
        notes.append(Para(values.dispersion.words(words.level_words(state.level)[1])))
    if result.not_covered:
        if state.level == "borough":
            what, verb = "The City of London", "is"
        else:
            n = len(result.not_covered)
            what, verb = f"The City of London's {words.areas(n, state.level)}", words.is_are(n)
        notes.append(
            Para(
                f"{what} {verb} not ranked: the City is policed by the City of London Police, "
                "so the MPS publishes no figures for it (not zero)."
            )
        )
    totals = reconciliation.reconcile(ds, state.measure, state.level, state.period, state.within)
    if totals.available:
        notes.append(Para(totals.sentence))
    visitors = _workday_rates(ds, state)
    flagged = frame[frame["Code"].isin(visitors.index)]
    if len(flagged):
        notes.append(
            Para(
                "Far more people spend the day than live in "
                + words.listing(list(flagged["Area"]))
                + ": their rates per resident overstate the risk to the people there, so "
                "the table gives their rate per 1,000 workday population (Census 2021) "
                "beside it, and says why in the rate caveat column."
            )
        )
    return tuple(notes)


def _workday_rates(ds: Dataset, state: AtRiskState) -> pd.Series:
    """Rates per 1,000 workday population of the visitor areas of the view, by code."""
    frame = funnel_data.area_values(ds, state.measure, state.level, state.period).frame
    flagged = frame[(frame["status"] == "ok") & frame["visitor_flag"].fillna(False).astype(bool)]
    return flagged.set_index("code")["workday_rate"]


def ranked_table(
    result: funnel_data.AtRisk,
    caption: str,
    order: str = "rate",
    *,
    workday: pd.Series | None = None,
    footer: reconciliation.Reconciliation | None = None,
) -> TableModel:
    """The ranked areas, ranked across London by `order`; the area's name comes first,
    its code last. Visitor areas carry their rate per 1,000 workday population; the
    table ends with the view's total, the sum of its areas and the difference."""
    frame = result.table
    headers = list(frame.columns)
    count, rate = headers[4], headers[5]
    parent = headers[3]
    workday = workday if workday is not None else pd.Series(dtype=float)
    columns = (
        Column("Area"),
        Column(words.rank_heading(order), numeric=True),
        Column(parent),
        Column(count, numeric=True),
        Column(rate, numeric=True),
        Column("Rate per 1,000 workday population (visitor areas)", numeric=True),
        Column("Previous period", numeric=True),
        Column("Change"),
        Column("q-value (BH)", numeric=True),
        Column("Funnel position"),
        Column("Reliability"),
        Column("Rate caveat"),
        Column("Code"),
    )
    rows = (
        (
            r["Area"],
            num(words.number(r["Rank in London"]), _value(r["Rank in London"])),
            r[parent],
            num(words.number(r[count]), _value(r[count])),
            num(words.rate(r[rate]), words.rounded_rate(r[rate])),
            num(words.rate(workday.get(r["Code"])), words.rounded_rate(workday.get(r["Code"]))),
            num(words.number(r["Previous period"]), _value(r["Previous period"])),
            r["Change"],
            num(words.p_value(r["q-value (BH)"]), _value(r["q-value (BH)"])),
            r["Funnel position"],
            r["Reliability"],
            r["Rate caveat"],
            r["Code"],
        )
        for r in frame.to_dict("records")
    )
    return table(
        caption,
        columns,
        rows,
        footer=footer_rows(footer, len(columns), name_at=0, value_at=3, code_at=len(columns) - 1),
        filename=_filename(result, caption),
    )


def _value(v: object) -> object:
    return None if v is None or pd.isna(v) else v


def _filename(result: funnel_data.AtRisk, caption: str) -> str:
    from presenters.common.table import slug

    return f"at-risk-{slug(caption)}.csv"
