"""Young people and knife crime (/young-people): young knife injury victims per resident
of their age, borough by borough or ward by ward, set against London, in words that
cannot be read as a chance; and young victims' share of knife injuries over time."""

from __future__ import annotations

import textwrap
from collections.abc import Mapping
from dataclasses import dataclass, field
from html import escape

import numpy as np
import pandas as pd

from data import reconciliation
from data import young_people as yp
from data.areas import LONDON_CODE
from data.dataset import Dataset
from data.visitors import rule_words
from presenters.common import areas, options, words
from presenters.common.charts import FONT, HOVER_WIDTH, OKABE_ITO, base_layout
from presenters.common.controls import Controls, select
from presenters.common.reconciliation import footer_rows
from presenters.common.state import PageState
from presenters.common.table import Column, TableModel, num, slug, table
from presenters.common.view import Para
from presenters.common.visitors import (
    SHORT_CAVEAT,
    WORKDAY_HEADING_ALL_AGES,
    shown,
    workday_cell,
)

# Up to this many areas are drawn as a chart; more would be unreadable on a phone.
CHART_MAX = 40
PER_YOUNG = "per 1,000 residents aged 0-24"


@dataclass(frozen=True)
class YoungState(PageState):
    measure: str = yp.HEADLINE
    level: str = "borough"
    bcu: str | None = None
    borough: str | None = None

    @property
    def within(self) -> str:
        """The place the page is narrowed to: a borough, a BCU, or "" for London."""
        return self.borough or self.bcu or ""


@dataclass(frozen=True)
class YoungView:
    heading: str = ""
    summary: tuple[Para, ...] = ()
    has_results: bool = False
    chart: dict = field(default_factory=dict)
    chart_note: str = ""
    table: TableModel | None = None
    notes: tuple[Para, ...] = ()
    share_note: tuple[Para, ...] = ()
    share: dict = field(default_factory=dict)
    share_caption: str = ""
    share_table: TableModel | None = None


# -- state ----------------------------------------------------------------------------


def settle(ds: Dataset, state: YoungState) -> YoungState:
    """A state the published data can show; anything unknown falls back on its own."""
    measure = state.measure if state.measure in yp.MEASURES else YoungState.measure
    level = state.level if state.level in yp.LEVELS else YoungState.level
    bcu = state.bcu if areas.is_level(ds, state.bcu, "bcu") else None
    borough = state.borough if areas.is_covered_borough(ds, state.borough) else None
    return YoungState(measure, level, None if borough else bcu, borough)


def choose(ds: Dataset, state: YoungState, choice: Mapping | None) -> YoungState:
    """The state after a person changed the selects; "within" names a BCU or borough."""
    return settle(ds, areas.with_within(ds, state.with_choice(choice), choice))


def controls(ds: Dataset, state: YoungState) -> Controls:
    measures = [options.Option(m, words.label(ds, m)) for m in yp.MEASURES]
    levels = [options.Option(level, words.LEVEL_TITLES[level]) for level in yp.LEVELS]
    return Controls(
        "Choose what to show",
        (
            select("measure", "Victims", measures, state.measure),
            select("level", "Areas", levels, state.level),
            # Wards or boroughs of a borough or BCU: a borough's own figure and its share
            # over time are shown beside London's even at borough level.
            select("within", "Show areas in", options.within_options(ds, "ward"), state.within),
        ),
    )


# -- the view ----------------------------------------------------------------------------


def view(ds: Dataset | None, state: YoungState) -> YoungView:
    """Everything the page shows for a settled state."""
    if ds is None:
        return YoungView(summary=(Para(words.NO_DATA, "message"),))
    return ds.cached(("young-page", state.search()), lambda: _view(ds, state))


def in_scope(ds: Dataset, frame: pd.DataFrame, level: str, within: str) -> pd.DataFrame:
    """The boroughs or wards of a BCU or borough (all of London's without one)."""
    if not within:
        return frame
    boroughs = areas.boroughs_in(ds, within) if areas.is_level(ds, within, "bcu") else [within]
    column = "code" if level == "borough" else "parent_code"
    return frame[frame[column].isin(boroughs)]


def _view(ds: Dataset, state: YoungState) -> YoungView:
    label = words.label(ds, state.measure)
    risk = yp.young_risk(ds, state.measure, state.level)
    if not risk.available:
        return YoungView(heading=label, summary=(Para(risk.message, "message"),))
    plural = words.level_words(state.level)[1]
    place = areas.place_name(ds, state.within)
    everyone = risk.frame.assign(rank=risk.frame["rate"].rank(ascending=False, method="min"))
    frame = in_scope(ds, everyone, state.level, state.within)
    where = f"{plural} in {place}" if state.within else f"London's {plural}"
    heading = f"{label}, {risk.period.label}: {where}"
    totals = reconciliation.reconcile(ds, state.measure, state.level, "r12", state.within)
    chart, chart_note = {}, ""
    if 0 < len(frame) <= CHART_MAX:
        chart = rate_chart(frame, risk.london_rate)
        chart_note = (
            "Each dot is an area's rate, the bar its 95% interval; open circles rest on fewer "
            f"than {words.LOW_COUNT} victims. The dashed line is London's rate."
        )
    else:
        chart_note = (
            f"Choose a borough or BCU to chart its {plural}; the table lists all {len(frame):,}."
        )
    lines = share_lines(ds, state)
    return YoungView(
        heading=heading,
        summary=summary(ds, state, risk, frame),
        has_results=True,
        chart=chart,
        chart_note=chart_note,
        table=risk_table(
            frame,
            state.level,
            f"{heading}, highest rate first",
            totals,
            areas.parent_names(ds, "ward"),
        ),
        notes=notes(ds, state, frame, totals),
        share_note=share_words(lines),
        share=share_chart(lines) if lines else {},
        share_caption=SHARE_CAPTION,
        share_table=share_table(lines) if lines else None,
    )


def summary(
    ds: Dataset, state: YoungState, risk: yp.YoungRisk, frame: pd.DataFrame
) -> tuple[Para, ...]:
    singular, plural = words.level_words(state.level)
    out = [Para(yp.risk_sentence(risk), "headline")]
    if state.within:
        own = _own_row(ds, state)
        if own is not None:
            out.append(Para(yp.risk_sentence(own[0], own[1], areas.place_name(ds, state.within))))
    higher = int((frame["ratio_low"] > 1).sum())
    lower = int((frame["ratio_high"] < 1).sum())
    n = len(frame)
    out.append(Para(
        f"Of the {n:,} {singular if n == 1 else plural} shown, {higher:,} "
        f"{'has' if higher == 1 else 'have'} a rate clearly higher than London's (the whole of "
        f"its 95% interval is above it) and {lower:,} clearly lower; the rest are not clearly "
        "different."
    ))  # fmt: skip
    low = int(frame["low_count"].sum())
    if low:
        out.append(Para(
            f"{low:,} of the {plural} shown had fewer than {words.LOW_COUNT} victims: their "
            "figures are marked unreliable.", "warning",
        ))  # fmt: skip
    return tuple(out)


def _own_row(ds: Dataset, state: YoungState) -> tuple[yp.YoungRisk, pd.Series] | None:
    """The chosen borough's own figures (a BCU has no row of its own here)."""
    if not state.borough:
        return None
    own = yp.young_risk(ds, state.measure, "borough")
    rows = own.frame.set_index("code")
    return (own, rows.loc[state.borough]) if state.borough in rows.index else None


def notes(
    ds: Dataset, state: YoungState, frame: pd.DataFrame, totals: reconciliation.Reconciliation
) -> tuple[Para, ...]:
    out = []
    if totals.available:
        out.append(Para(totals.sentence))
    if not state.within:
        what = "The City of London is" if state.level == "borough" else (
            "The City of London's wards are")  # fmt: skip
        out.append(Para(
            f"{what} not shown: the City is policed by the City of London Police, so the MPS "
            "publishes no figures for it (not zero)."
        ))  # fmt: skip
    visitors = frame[[shown(f, r) for f, r in zip(frame["visitor_flag"], frame["workday_rate"],
                                                  strict=True)]]  # fmt: skip
    if len(visitors):
        out.append(Para(
            "Far more people spend the day than live in " + words.listing(list(visitors["name"]))
            + ": victims recorded there may well live elsewhere, so the table gives their "
            "victims per 1,000 workday population beside the victims per 1,000 residents of all "
            "ages (the Census gives no workday population by age), and says why in the rate "
            "caveat column."
        ))  # fmt: skip
    return tuple(out)


# Why gun crime has no figures here, uploaded or not.
GUN_NOTE = (
    "Gun crime is not on this page: the MPS's gun crime figures count offences and firearm "
    "discharges, with no count of victims by age, so there is no gun measure of the risk to "
    "young people. Gun crime in each area is on the map, the at-risk ranking and the hot-spot "
    "page."
)

CAVEATS = (
    "Victims are counted where they were injured, not where they live, and the residents "
    "are those of the area on Census day 2021: \u201c1 victim for every N residents aged "
    "0-24\u201d sets victims beside young residents; it is not the chance that a young "
    "person living there was hurt.",
    "Victims are aged 1 to 24 and residents 0 to 24: the Census publishes five-year age "
    "bands only, and babies under 1 are some 4% of residents aged 0-24. A person injured "
    "twice in the year counts twice.",
    "The range is a 95% interval for the rate (exact Poisson): the true rate is likely "
    f"inside it. Figures on fewer than {words.LOW_COUNT} victims are marked unreliable.",
    "The ratio to London compares the victims recorded with the number London's rate would "
    "give for the area's young residents; an area is called higher or lower than London "
    "only when its whole interval is.",
    rule_words() + " The Census gives no workday population by age, so for those areas the "
    "victims are also given per 1,000 workday population of all ages, beside the victims "
    "per 1,000 residents of all ages.",
    GUN_NOTE,
)


# -- the table and chart ----------------------------------------------------------------------


def _interval(low: float, high: float) -> str:
    return f"{words.rate(low)} to {words.rate(high)}"


def risk_table(
    frame: pd.DataFrame,
    level: str,
    caption: str,
    totals: reconciliation.Reconciliation,
    parents: Mapping[str, str],
) -> TableModel:
    """Every area shown, highest rate first, with its interval, its ratio to London and,
    for visitor areas, the rates per 1,000 residents and workday population of all ages;
    it ends with the view's total, the sum of its areas and the difference."""
    wards = level == "ward"
    columns = (
        Column("Area"),
        *((Column("Borough"),) if wards else ()),
        Column(words.rank_heading("rate"), numeric=True),
        Column("Victims aged 1-24", numeric=True),
        Column("Residents aged 0-24", numeric=True),
        Column(f"Rate {PER_YOUNG}", numeric=True),
        Column("95% interval"),
        Column("1 victim for every N residents aged 0-24", numeric=True),
        Column("N, 95% interval"),
        Column("Ratio to London", numeric=True),
        Column("Ratio, 95% interval"),
        Column("Against London"),
        Column("Rate per 1,000 residents, all ages (visitor areas)", numeric=True),
        Column(WORKDAY_HEADING_ALL_AGES, numeric=True),
        Column("Reliability"),
        Column("Rate caveat"),
        Column("Code"),
    )
    rows = []
    for r in frame.to_dict("records"):
        visitor = shown(r["visitor_flag"], r["workday_rate"])
        every = yp.one_in(r["population"], r["victims"])
        rows.append((
            r["name"],
            *((parents.get(r["code"], ""),) if wards else ()),
            num(words.number(r["rank"]), int(r["rank"])),
            num(words.number(r["victims"]), int(r["victims"])),
            num(words.number(r["population"]), round(r["population"])),
            num(words.rate(r["rate"]), words.rounded_rate(r["rate"])),
            _interval(r["rate_low"], r["rate_high"]),
            num(r["for_every"], yp.round_figure(every) if every else None),
            r["for_every_range"],
            num(f"{r['ratio']:.2f}", round(float(r["ratio"]), 3)),
            f"{r['ratio_low']:.2f} to {r['ratio_high']:.2f}",
            r["ratio_words"],
            num(words.rate(r["rate_all_ages"]), words.rounded_rate(r["rate_all_ages"]))
            if visitor else ("", None),
            workday_cell(r["visitor_flag"], r["workday_rate"]),
            words.low_count_note("victims") if r["low_count"] else "",
            r["caveat"],
            r["code"],
        ))  # fmt: skip
    return table(
        caption,
        columns,
        rows,
        footer=footer_rows(
            totals, len(columns), name_at=0, value_at=3 if wards else 2, code_at=len(columns) - 1
        ),
        filename=f"young-people-{slug(caption)}.csv",
    )


def rate_chart(frame: pd.DataFrame, london: float) -> dict:
    """Each area's rate as a dot with its 95% interval, London as a line."""
    ordered = frame.sort_values(["rate", "name"], ascending=[True, False])
    hover = (
        f"<b>%{{customdata[0]}}</b><br>%{{customdata[1]}} {PER_YOUNG}<br>95% interval "
        "%{customdata[2]}<br>%{customdata[3]}%{customdata[4]}<extra></extra>"
    )
    customdata = []
    for r in ordered.to_dict("records"):
        extra = ""
        if shown(r["visitor_flag"], r["workday_rate"]):
            extra = (
                f"<br>Visitor area: {words.rate(r['workday_rate'])} per 1,000 workday "
                f"population, {words.rate(r['rate_all_ages'])} per 1,000 residents (all ages)"
                "<br>" + "<br>".join(textwrap.wrap(SHORT_CAVEAT, HOVER_WIDTH))
            )
        if r["low_count"]:
            extra += "<br>" + words.low_count_note("victims")
        customdata.append([escape(str(r["name"])), words.rate(r["rate"]),
                           _interval(r["rate_low"], r["rate_high"]),
                           words.units(int(r["victims"]), "victims"), extra])  # fmt: skip
    names = [escape(str(n)) for n in ordered["name"]]
    data = [
        {"type": "scatter", "mode": "markers", "name": "Rate, with its 95% interval",
         "x": ordered["rate"].round(6).tolist(), "y": names,
         "error_x": {"type": "data", "symmetric": False, "color": "#4a4a4a",
                     "array": (ordered["rate_high"] - ordered["rate"]).round(6).tolist(),
                     "arrayminus": (ordered["rate"] - ordered["rate_low"]).round(6).tolist()},
         "marker": {"color": OKABE_ITO[0], "size": 8,
                    "symbol": ["circle-open" if low else "circle" for low in ordered["low_count"]]},
         "customdata": customdata, "hovertemplate": hover},
        {"type": "scatter", "mode": "lines", "name": f"London ({words.rate(london)})",
         "x": [london, london], "y": [names[0], names[-1]], "hoverinfo": "skip",
         "line": {"color": OKABE_ITO[1], "dash": "dash", "width": 2}},
    ]  # fmt: skip
    layout = base_layout(
        margin={"l": 150, "r": 12, "t": 12, "b": 60},
        xaxis={"title": {"text": f"Victims aged 1-24 {PER_YOUNG}"}, "rangemode": "tozero",
               "gridcolor": "#e0e0e0"},
        yaxis={"automargin": True, "dtick": 1},
        legend={"orientation": "h", "y": -0.12, "x": 0},
        height=max(320, 60 + 22 * len(ordered)),
    )  # fmt: skip
    return {"data": data, "layout": layout}


# -- the share ---------------------------------------------------------------------------------

SHARE_CAPTION = (
    f"{yp.SHARE_WORDS[0].upper()}{yp.SHARE_WORDS[1:]}, over the 12 months to each month, "
    "whichever victims the page shows above: the knife file has no count of all knife injury "
    "victims and none of offences outside domestic abuse, so this is the only pair that "
    "counts like with like. An offence with two victims counts once below and twice above, "
    "so the share is close to, not exactly, a proportion. The band is its 95% interval "
    f"(exact binomial, Clopper-Pearson), given only where the victims and the offences are "
    f"both at least {words.LOW_COUNT}: there is no interval under {words.LOW_COUNT}."
)


def share_lines(ds: Dataset, state: YoungState) -> dict[str, pd.DataFrame]:
    """London's share, and the chosen borough's or BCU's, each over time."""
    lines = {"London": yp.young_share(ds, "london", LONDON_CODE)}
    if state.within:
        level = "bcu" if areas.is_level(ds, state.within, "bcu") else "borough"
        lines[str(ds.areas.loc[state.within, "name"])] = yp.young_share(ds, level, state.within)
    return {name: frame for name, frame in lines.items() if not frame.empty}


def share_words(lines: dict[str, pd.DataFrame]) -> tuple[Para, ...]:
    out = []
    for name, frame in lines.items():
        change = yp.share_change(frame)
        out.append(Para(f"{name}: {change or 'too few months to compare'}."))
    return tuple(out)


def _band(colour: str) -> str:
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},0.15)"


def share_chart(lines: dict[str, pd.DataFrame]) -> dict:
    traces = []
    for i, (name, frame) in enumerate(lines.items()):
        colour = OKABE_ITO[i % len(OKABE_ITO)]
        months = frame["month"].dt.strftime("%Y-%m-%d").tolist()
        band = frame.dropna(subset=["low", "high"])
        if len(band):
            band_months = band["month"].dt.strftime("%Y-%m-%d").tolist()
            traces.append({
                "type": "scatter", "mode": "lines", "name": f"{name}: 95% interval",
                "x": band_months + band_months[::-1],
                "y": (band["high"] * 100).round(4).tolist()
                + (band["low"] * 100).round(4).tolist()[::-1],
                "fill": "toself", "fillcolor": _band(colour), "line": {"width": 0},
                "hoverinfo": "skip", "showlegend": False,
            })  # fmt: skip
        traces.append({
            "type": "scatter", "mode": "lines", "name": escape(name), "x": months,
            "y": (frame["share"] * 100).round(4).tolist(),
            "line": {"color": colour, "width": 2.5, "dash": "solid" if i == 0 else "dash"},
            "hovertemplate": f"{escape(name)}<br>%{{x|%B %Y}}: %{{y:.1f}}%<extra></extra>",
        })  # fmt: skip
    layout = base_layout(
        yaxis={"title": {"text": "Young victims' share, % (12 months)"}, "rangemode": "tozero",
               "gridcolor": "#e0e0e0"},
        xaxis={"gridcolor": "#f0f0f0"},
        legend={"orientation": "h", "y": -0.18},
        hovermode="x unified",
        font={"family": FONT},
    )  # fmt: skip
    return {"data": traces, "layout": layout}


def share_table(lines: dict[str, pd.DataFrame]) -> TableModel:
    """The share for each area and month, latest first, with its interval where it has one."""
    rows = []
    for name, frame in lines.items():
        for r in frame.iloc[::-1].to_dict("records"):
            interval = ""
            if not pd.isna(r["low"]):
                interval = (
                    f"{words.percent(r['low'] * 100, 1)} to {words.percent(r['high'] * 100, 1)}"
                )
            rows.append((
                name,
                f"{r['month']:%B %Y}",
                num(words.number(r["victims"]), int(r["victims"])),
                num(words.number(r["offences"]), int(r["offences"])),
                num(words.percent(r["share"] * 100, 1), _finite(r["share"])),
                interval,
                f"Fewer than {words.LOW_COUNT} victims or offences: no interval"
                if r["low_count"] else "",
            ))  # fmt: skip
    caption = "Young knife injury victims as a share of knife crime with injury, by month"
    return table(
        caption,
        (Column("Area"), Column("12 months to"), Column("Victims aged 1-24", numeric=True),
         Column("Knife crime with injury offences", numeric=True),
         Column("Share", numeric=True), Column("95% interval"), Column("Reliability")),
        rows,
        filename=f"young-people-{slug(caption)}.csv",
    )  # fmt: skip


def _finite(value: object) -> float | None:
    v = float(value)  # type: ignore[arg-type]
    return round(v, 6) if np.isfinite(v) else None
