"""Long-term trends (/trends): possession of weapons since April 2010 and homicide by
method since 2003, for London and, when one is chosen, a borough; each measure as a
chart (London above, the borough below, each on its own scale), its table and a
picture of the chart to download with its title, source and data version."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd

from data import overview
from data.areas import LONDON_CODE
from data.dataset import Dataset
from data.overview import MONTHLY, ROLLING, TREND_VIEWS
from data.periods import CONNECT_START
from data.stats import LOW_COUNT
from data.trends import long_run, long_run_measures
from presenters.common import areas, charts, options, words
from presenters.common.controls import Controls, select
from presenters.common.state import PageState
from presenters.common.table import Column, TableModel, num, slug, table
from presenters.common.view import Para

PATH = "/trends"
VIEW_LABELS = {ROLLING: "Rolling 12-month totals", MONTHLY: "Each month"}
VIEW_WORDS = {ROLLING: "rolling 12-month totals", MONTHLY: "monthly counts"}
LONDON_ONLY = "London only"
CHART_HEIGHT = {1: 300, 2: 480}
# The picture's size in pixels: wide enough for a report page, legible when printed.
IMAGE_HEIGHT = {1: 640, 2: 900}


@dataclass(frozen=True)
class TrendsState(PageState):
    borough: str | None = None
    trend: str = ROLLING


def settle(ds: Dataset, state: TrendsState) -> TrendsState:
    """A borough the MPS polices (the City has no figures) and a known view."""
    borough = state.borough
    if not (areas.is_level(ds, borough, "borough") and bool(ds.areas.loc[borough, "covered"])):
        borough = None
    trend = state.trend if state.trend in TREND_VIEWS else TrendsState.trend
    return TrendsState(borough, trend)


def choose(ds: Dataset, state: TrendsState, choice: Mapping | None) -> TrendsState:
    return settle(ds, state.with_choice(choice))


def controls(ds: Dataset, state: TrendsState) -> Controls:
    return Controls(
        "Choose what the charts show",
        (
            select(
                "borough",
                "Borough",
                options.borough_options(ds, everyone=LONDON_ONLY),
                state.borough,
            ),
            select(
                "trend", "Show", [options.Option(k, v) for k, v in VIEW_LABELS.items()], state.trend
            ),
        ),
    )


@dataclass(frozen=True)
class MeasureTrend:
    measure: str
    label: str
    heading: str
    definition: str
    covers: str  # "Published data: April 2010 to February 2026."
    notes: tuple[Para, ...]
    figure: dict
    height: int
    caption: str
    table: TableModel


@dataclass(frozen=True)
class TrendsView:
    heading: str = ""
    lede: tuple[Para, ...] = ()
    measures: tuple[MeasureTrend, ...] = ()
    message: str = ""
    place: str = ""  # "London" or "London and Lambeth"
    notes: tuple[Para, ...] = field(default_factory=tuple)


def view(ds: Dataset | None, state: TrendsState) -> TrendsView:
    """Every chart, table and picture for a state (settled first)."""
    if ds is None:
        return TrendsView(message=words.NO_DATA)
    return ds.cached(("trends", state.search()), lambda: _view(ds, state))


def _view(ds: Dataset, state: TrendsState) -> TrendsView:
    measures = long_run_measures(ds)
    place = "London" if state.borough is None else f"London and {_name(ds, state.borough)}"
    heading = f"Long-term trends: {place}, {VIEW_WORDS[state.trend]}"
    if not measures:
        return TrendsView(heading, message="No long-run series have been published.")
    lede = (
        Para(
            "The overview\u2019s charts start in March 2022, when the knife crime file begins. "
            "Possession of weapons offences are published from April 2010 and homicide "
            "victims by method from 2003 to 2023: these charts show them over the whole "
            "time they cover."
        ),
        Para(
            f"The Metropolitan Police moved to a new crime recording system, CONNECT, in "
            f"{words.month(CONNECT_START)}; how offences were recorded changed with it, so a "
            "change across that month may be partly a change of recording. The dotted line "
            "marks it on every chart that reaches it.",
            "warning",
        ),
    )
    out = tuple(measure_trend(ds, m, state) for m in measures)
    return TrendsView(heading, lede, out, place=place)


def _name(ds: Dataset, code: str) -> str:
    return str(ds.areas.loc[code, "name"])


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def measure_trend(ds: Dataset, measure: str, state: TrendsState) -> MeasureTrend:
    codes = [LONDON_CODE] + ([state.borough] if state.borough else [])
    names = {code: ("London" if code == LONDON_CODE else _name(ds, code)) for code in codes}
    frame = long_run(ds, measure, codes, state.trend)
    label = words.label(ds, measure)
    unit = words.unit(ds, measure)
    rolling = state.trend == ROLLING
    y_title = f"{unit.capitalize()} in 12 months" if rolling else f"{unit.capitalize()} a month"
    figure = charts.panels_chart(frame, [(c, names[c]) for c in codes], y_title=y_title)
    height = CHART_HEIGHT[len(codes)]
    figure["layout"]["height"] = height
    first, last = ds.months_covered(measure, "london")
    span = f"{words.month(first)} to {words.month(last)}"
    where = words.listing(list(names.values()))
    what = VIEW_WORDS[state.trend]
    caption = (
        f"{label} in {where}, {what}, {span}."
        + (" Each area has its own scale." if len(codes) > 1 else "")
        + " The same figures are in the table below."
    )
    title = f"{label}: {where}, {what}, {span}"
    return MeasureTrend(
        measure=measure,
        label=label,
        heading=label,
        definition=str(ds.measures.loc[measure, "definition"]),
        covers=f"Published data: {span}.",
        notes=notes(ds, measure, frame, codes, names, state),
        figure=charts.with_image(
            figure,
            title=title,
            source=charts.source_line(ds, [measure]),
            version=charts.version_line(ds),
            filename=_file_stem(ds, measure, codes, state),
            height=IMAGE_HEIGHT[len(codes)],
        ),
        height=height,
        caption=caption,
        table=trend_table(ds, measure, frame, codes, names, state, title),
    )


def notes(ds: Dataset, measure: str, frame: pd.DataFrame, codes: list[str],
          names: dict[str, str], state: TrendsState) -> tuple[Para, ...]:  # fmt: skip
    """What to bear in mind: where the series ends before the recording change, and
    which areas' figures rest on fewer than 10 events."""
    out = []
    last = ds.latest_month(measure, "london")
    if last is not None and last < CONNECT_START:
        out.append(Para(
            f"The published homicide data end in {words.month(last)}, before the recording "
            f"change of {words.month(CONNECT_START)}: they describe the past, not London now."
        ))  # fmt: skip
    unit = words.unit(ds, measure)
    for code in codes:
        values = frame[code].dropna()
        if values.empty:
            continue
        low = int((values < LOW_COUNT).sum())
        if low:
            share = low / len(values)
            which = "monthly counts" if state.trend == MONTHLY else "rolling 12-month totals"
            out.append(Para(
                f"{names[code]}: {words.number(low)} of the {words.number(len(values))} "
                f"{which} ({words.percent(100 * share)}) rest on fewer than {LOW_COUNT} "
                f"{unit}, too few to be reliable; the table marks them."
                + (" The rolling 12-month totals are steadier."
                   if state.trend == MONTHLY else ""),
                "warning",
            ))  # fmt: skip
    return tuple(out)


def trend_table(ds: Dataset, measure: str, frame: pd.DataFrame, codes: list[str],
                names: dict[str, str], state: TrendsState, title: str) -> TableModel:  # fmt: skip
    """The chart's figures: a row a month, a column an area, and which figures rest on
    too few events."""
    unit = words.unit(ds, measure)
    suffix = ", rolling 12 months" if state.trend == ROLLING else ""
    labels = {code: names[code] for code in codes}
    low = overview.low_count_note(frame, labels)
    columns = [Column("Month" if state.trend == MONTHLY else "12 months to")]
    columns += [Column(f"{names[c]} ({unit}{suffix})", numeric=True) for c in codes]
    reliability = bool(low.astype(bool).any())
    if reliability:
        columns.append(Column("Reliability"))
    rows = []
    for i, r in enumerate(frame.to_dict("records")):
        row = [f"{pd.Timestamp(r['month']):%Y-%m}"]
        row += [num(words.number(r[c]), None if pd.isna(r[c]) else r[c]) for c in codes]
        if reliability:
            row.append(str(low.iloc[i]))
        rows.append(row)
    stem = _file_stem(ds, measure, codes, state)
    return table(title, columns, rows, filename=f"{stem}.csv")


def _file_stem(ds: Dataset, measure: str, codes: list[str], state: TrendsState) -> str:
    places = "-".join(slug(_name(ds, c)) for c in codes)
    return f"{measure.replace('_', '-')}-{places}-{state.trend}-v{ds.version_id}"
