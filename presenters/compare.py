"""Compare areas (/compare): two to six boroughs, wards or BCUs side by side.

The address holds the comparison, so a copied link reopens it:

    /compare?areas=E09000022,E09000028,E05014098&measure=knife_crime&trend=r12

One measure's rates over time for every area and London on one chart (monthly, or the
12 months to each month), and a table of every measure for every area: count, rate,
rank by rate among London's areas of its kind, and its change with the area's own
verdict and interval, in the words of its profile.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

import pandas as pd

from data import compare as compare_data
from data import profiles
from data.dataset import Dataset
from data.profiles import AreaFacts, Standing
from presenters.common import areas, charts, words
from presenters.common import standing as standing_words
from presenters.common.controls import Controls, select
from presenters.common.options import Option
from presenters.common.state import PageState
from presenters.common.table import Column, TableModel, num, table
from presenters.common.view import Link, Para, profile_href

PATH = "/compare"
LEVELS = ("borough", "ward", "bcu")
MAX_AREAS = 6
CODE = r"[A-Za-z0-9-]{1,40}"
CODES = rf"{CODE}(,{CODE}){{0,9}}"
TRENDS = {"r12": "Rolling 12 months", "monthly": "Monthly"}
RANK_HEADING = "Rank by rate among London's areas of its kind (1 is the highest)"
NOT_TESTED = (
    "Each change is the area's own test, as on its profile (quasi-Poisson, allowing for how "
    "much its monthly counts vary). The comparison does not test whether two areas' rates "
    "differ from each other: where their ranks are close, the difference may be chance."
)


@dataclass(frozen=True)
class CompareState(PageState):
    areas: str = field(default="", metadata={"pattern": CODES})
    measure: str = profiles.HEADLINE
    trend: str = "r12"

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(c for c in self.areas.split(",") if c)

    def with_codes(self, codes: list[str] | tuple[str, ...]) -> CompareState:
        return replace(self, areas=",".join(codes))

    def href(self) -> str:
        return PATH + self.search()


@dataclass(frozen=True)
class Chosen:
    """An area in the comparison: its name, what it is, its profile, and the address of
    the comparison without it."""

    code: str
    name: str
    kind: str
    profile: Link
    remove_href: str


@dataclass(frozen=True)
class AddAnswer:
    """What adding an area led to: the new state, or what to say and the matches."""

    state: CompareState
    message: str = ""
    matches: tuple[Link, ...] = ()


@dataclass(frozen=True)
class CompareView:
    heading: str = ""
    chosen: tuple[Chosen, ...] = ()
    summary: tuple[Para, ...] = ()
    can_add: bool = True
    figure: dict = field(default_factory=dict)
    chart_note: str = ""
    trend_table: TableModel | None = None
    table: TableModel | None = None
    notes: tuple[Para, ...] = ()
    share_href: str = PATH


# -- the state ---------------------------------------------------------------------------


def settle(ds: Dataset, state: CompareState) -> CompareState:
    """Known areas only (boroughs, wards, BCUs), each once, at most six; a measure one of
    them has figures for; a trend kind the page offers."""
    codes: list[str] = []
    for raw in state.codes:
        code = raw.upper() if raw.upper() in ds.areas.index else raw
        if areas.is_level(ds, code, *LEVELS) and code not in codes:
            codes.append(code)
    codes = codes[:MAX_AREAS]
    offered = [o.value for o in measure_options(ds, codes)]
    measure = state.measure if state.measure in offered else profiles.HEADLINE
    trend = state.trend if state.trend in TRENDS else "r12"
    return CompareState(",".join(codes), measure, trend)


def choose(ds: Dataset, state: CompareState, choice: Mapping | None) -> CompareState:
    """The state after the measure or the trend select changed (the areas stay)."""
    return settle(ds, replace(state.with_choice(choice), areas=state.areas))


def add(ds: Dataset, state: CompareState, text: object) -> AddAnswer:
    """Add the area a person typed (one search for every page: presenters.common.areas)."""
    if not isinstance(text, str) or not text.strip():
        return AddAnswer(state, "Type the name of a borough, ward or BCU first.")
    found = areas.find(ds, text, LEVELS)
    if found.code is None:
        matches = tuple(
            Link(label, state.with_codes([*state.codes, code]).href())
            for code, label in found.matches
            if code not in state.codes
        )
        return AddAnswer(state, found.message, matches)
    name = str(ds.areas.loc[found.code, "name"])
    if found.code in state.codes:
        return AddAnswer(state, f"{name} is already in the comparison.")
    if len(state.codes) >= MAX_AREAS:
        return AddAnswer(state, f"Up to {MAX_AREAS} areas can be compared: remove one first.")
    return AddAnswer(settle(ds, state.with_codes([*state.codes, found.code])))


def remove(ds: Dataset, state: CompareState, code: object) -> CompareState:
    return settle(ds, state.with_codes([c for c in state.codes if c != code]))


# -- controls ----------------------------------------------------------------------------


def _facts(ds: Dataset, codes) -> list[AreaFacts]:
    found = (profiles.area_facts(ds, c) for c in codes)
    return [f for f in found if f is not None]


def measure_options(ds: Dataset, codes) -> list[Option]:
    """Every measure (outcomes apart) with figures at the level of any chosen area."""
    levels = {str(ds.areas.loc[c, "level"]) for c in codes if c in ds.areas.index} or {"borough"}
    return [
        Option(str(m), words.label(ds, str(m)))
        for m in ds.measures.index
        if pd.isna(ds.measures.loc[m, "outcome_of"]) and any(ds.has_data(m, lv) for lv in levels)
    ]


def controls(ds: Dataset, state: CompareState) -> Controls:
    return Controls(
        "What the chart shows",
        (
            select("measure", "Measure", measure_options(ds, state.codes), state.measure),
            select("trend", "Over time", [Option(k, v) for k, v in TRENDS.items()], state.trend),
        ),
    )


def search_labels(ds: Dataset | None) -> list[str]:
    return [] if ds is None else areas.search_labels(ds, LEVELS)


# -- the view ----------------------------------------------------------------------------


def view(ds: Dataset | None, state: CompareState) -> CompareView:
    if ds is None:
        return CompareView(summary=(Para(words.NO_DATA, "message"),))
    return ds.cached(("compare", state.search()), lambda: _view(ds, state))


def _kind(facts: AreaFacts) -> str:
    if facts.level == "ward":
        return f"Ward in {facts.borough}"
    if facts.level == "borough":
        return "Borough" + (f" in the {facts.bcu} BCU" if facts.bcu else "")
    return "Basic Command Unit"


def _view(ds: Dataset, state: CompareState) -> CompareView:
    facts = _facts(ds, state.codes)
    chosen = tuple(
        Chosen(f.code, f.name, _kind(f), Link(f"Profile of {f.name}", profile_href(f.code)),
               state.with_codes([c for c in state.codes if c != f.code]).href())
        for f in facts
    )  # fmt: skip
    base = CompareView(chosen=chosen, can_add=len(facts) < MAX_AREAS, share_href=state.href())
    if len(facts) < 2:
        lead = (
            "Add at least two areas to compare them: type a borough, ward or BCU below."
            if not facts
            else f"Add another area to compare with {facts[0].name}."
        )
        return replace(base, heading="Compare areas", summary=(Para(lead, "message"),))
    names = words.listing([f.name for f in facts])
    return replace(
        base,
        heading=f"Comparing {names}",
        summary=summary(ds, state, facts),
        **chart_parts(ds, state, facts),
        table=measures_table(ds, facts),
        notes=notes(ds, facts),
    )


def summary(ds: Dataset, state: CompareState, facts: list[AreaFacts]) -> tuple[Para, ...]:
    """The chosen measure in each area, one sentence each, highest rate first."""
    out = []
    standings = [(f, profiles.standing(ds, f, state.measure)) for f in facts]
    ranked = sorted((p for p in standings if p[1] is not None), key=lambda p: -p[1].rate)
    for f, s in ranked:
        text = (
            f"{f.name}: {words.counted(s.count, ds, s.measure)} "
            f"{words.in_period(s.period.label)}, {words.per_thousand(s.rate, s.young)}"
        )
        if s.rank is not None:
            text += f", {words.rank_words(s.rank, s.of, f.level, 'rate', s.young)}"
        if s.previous is not None and s.verdict:
            text += f"; {standing_words.change_cell(s)}"
        text = words.sentence(text)
        if s.low_count:
            text += f" Fewer than {words.LOW_COUNT} {s.unit}: unreliable."
        out.append(Para(text))
    missing = [f.name for f, s in standings if s is None]
    if missing:
        out.append(Para(
            f"No {words.label(ds, state.measure).lower()} figures are published for "
            f"{words.listing(missing)}.", "message"))  # fmt: skip
    return tuple(out)


def chart_parts(ds: Dataset, state: CompareState, facts: list[AreaFacts]) -> dict:
    rolling = state.trend == "r12"
    found = compare_data.trend(ds, facts, state.measure, rolling=rolling)
    label = words.label(ds, state.measure)
    if found is None:
        return {"chart_note": f"No {label.lower()} figures for these areas, so no chart."}
    who = words.residents(found.young)
    when = "12 months to each month" if rolling else "each month"
    y_title = f"Rate per {found.per:,} {who} ({'12 months' if rolling else 'a month'})"
    drawn = found.frame.dropna(subset=list(found.names), how="all")
    figure = charts.trend_chart(drawn, found.names, y_title=y_title)
    for trace in figure["data"]:
        trace["hovertemplate"] = f"{trace['name']}<br>%{{x|%B %Y}}: %{{y:,.3r}}<extra></extra>"
    names = words.listing(list(found.names.values()))
    title = f"{label}: rate per {found.per:,} {who}, {when}, {names}"
    stem = f"compare-{state.measure}-{state.trend}-{'-'.join(state.codes)}"
    figure = charts.image_for(ds, figure, title, [state.measure], stem)
    note = (
        f"{label}. Each line is a rate per {found.per:,} {who} (Census 2021) over the "
        f"{when}, so areas of different sizes can be compared; London's line counts every "
        "offence the MPS recorded in London, including those it could not place in an area."
    )
    if not rolling:
        note += (
            " Monthly rates of small areas jump about with small counts: the rolling 12 "
            "months are steadier."
        )
    return {"figure": figure, "chart_note": note, "trend_table": trend_table(found, label, y_title)}


def trend_table(found: compare_data.CompareTrend, label: str, y_title: str) -> TableModel:
    columns = [Column("Month")]
    for name in found.names.values():
        columns += [Column(f"{name}: monthly count", numeric=True),
                    Column(f"{name}: {y_title[0].lower()}{y_title[1:]}", numeric=True)]  # fmt: skip
    rows = []
    for (_, r), (_, c) in zip(found.frame.iterrows(), found.counts.iterrows(), strict=True):
        row = [words.month(r["month"])]
        for key in found.names:
            row += [num(words.number(c[key]), None if pd.isna(c[key]) else int(c[key])),
                    num(words.rate(r[key]), words.rounded_rate(r[key]))]  # fmt: skip
        rows.append(row)
    return table(f"{label}, by month", columns, rows, filter_by=None)


def measures_table(ds: Dataset, facts: list[AreaFacts]) -> TableModel:
    """Every measure for every area: count, rate, London's rate, rank by rate among
    London's areas of its kind, change with its own verdict and interval."""
    measures = [
        m for m in ds.measures.index
        if pd.isna(ds.measures.loc[m, "outcome_of"]) and any(ds.has_data(m, f.level) for f in facts)
    ]  # fmt: skip
    rows, usual_periods = [], []
    cells: list[tuple[AreaFacts, str, Standing | None]] = []
    for m in measures:
        for f in facts:
            s = profiles.standing(ds, f, str(m))
            cells.append((f, str(m), s))
            if s is not None:
                usual_periods.append(s.period.label)
    usual = str(pd.Series(usual_periods).mode().iloc[0]) if usual_periods else ""
    for f, m, s in cells:
        _, plural = words.level_words(f.level)
        if s is None:
            why = (
                "Not covered by the MPS: no figures"
                if not f.covered
                else f"No figures published for {plural}"
            )
            rows.append((words.label(ds, m), f.name, num("", None), num("", None),
                         num("", None), num("", None), "", why, f.code))  # fmt: skip
            continue
        rank = num(f"{s.rank:,} of {s.of:,} {plural}", s.rank) if s.rank else num("", None)
        rows.append((
            standing_words.measure_cell(ds, s, usual),
            f.name,
            num(words.number(s.count), s.count),
            num(words.rate(s.rate), words.rounded_rate(s.rate)),
            num(words.rate(s.london_rate), words.rounded_rate(s.london_rate)),
            rank,
            standing_words.change_cell(s),
            words.low_count_note(s.unit) if s.low_count else "",
            f.code,
        ))  # fmt: skip
    names = words.listing([f.name for f in facts])
    caption = f"Every measure, {names}" + (f": {usual[:1].lower()}{usual[1:]}" if usual else "")
    return table(
        caption,
        (
            Column("Measure"),
            Column("Area"),
            Column("Count", numeric=True),
            Column("Rate per 1,000", numeric=True),
            Column("Rate per 1,000 in London", numeric=True),
            Column(RANK_HEADING, numeric=True),
            Column("Change on the 12 months before"),
            Column("Reliability"),
            Column("Code"),
        ),
        rows,
        row_header=1,
        filter_by=None,
        filename="compare-" + "-".join(f.code.lower() for f in facts) + ".csv",
    )


def notes(ds: Dataset, facts: list[AreaFacts]) -> tuple[Para, ...]:
    out = [Para(NOT_TESTED)]
    levels = {f.level for f in facts}
    if len(levels) > 1:
        out.append(Para(
            "The areas are of different kinds: each is ranked among London's areas of its "
            "own kind (wards among wards, boroughs among boroughs), and a borough's rate "
            "includes all its wards."))  # fmt: skip
    for f in facts:
        if f.caveat:
            out.append(Para(f.caveat, "warning"))
    return tuple(out)
