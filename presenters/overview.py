"""The London overview (/): each measure's latest 12 months against the 12 before, in
cards by group, what changed in words, and London's knife crime trends."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from data import overview
from data.dataset import Dataset
from data.overview import AWAITING, CURRENT, HISTORICAL, MONTHLY, ROLLING, TREND_VIEWS, Headline
from data.periods import CONNECT_START
from data.stats import LOW_COUNT
from presenters.common import charts, words
from presenters.common.state import PageState
from presenters.common.table import Column, TableModel, num, table
from presenters.common.view import Para

NO_FIGURES = "No figures yet"
NO_DATA_ONE = "There is no published data for this measure yet."
NO_DATA_MANY = "There is no published data for any of these measures yet."
YOUNG_BADGE = "The headline measure for young people"
HISTORICAL_LEAD = (
    "The public homicide data end before the latest 12 months, so these figures are for "
    "their own last 12 months and do not describe London now."
)
TREND_LABELS = {MONTHLY: "Each month", ROLLING: "Rolling 12 months"}
CHART_HEIGHT = 260


@dataclass(frozen=True)
class OverviewState(PageState):
    trend: str = MONTHLY  # the trend charts' view: each month, or rolling 12 months


def settle(ds: Dataset, state: OverviewState) -> OverviewState:
    return OverviewState(trend=state.trend if state.trend in TREND_VIEWS else MONTHLY)


def choose(ds: Dataset, state: OverviewState, choice: Mapping | None) -> OverviewState:
    return settle(ds, state.with_choice(choice))


@dataclass(frozen=True)
class Card:
    """One measure's headline: its figure and comparison, or why there is none.

    `figure` is the count as shown ("13,552") and `figure_words` what follows it;
    `change` is "fall" or "rise" when significant; `message` is said on this card
    only (a message every card of its group shares is said once, in the group's lead).
    """

    measure: str
    label: str
    status: str
    definition: str
    badge: str = ""
    figure: str = ""
    figure_words: str = ""
    no_figure: str = ""
    previous: str = ""
    verdict: str = ""
    change: str = ""
    warnings: tuple[str, ...] = ()
    message: str = ""


@dataclass(frozen=True)
class CardGroup:
    key: str
    title: str
    lead: tuple[Para, ...]
    cards: tuple[Card, ...]


@dataclass(frozen=True)
class OverviewView:
    period: str
    groups: tuple[CardGroup, ...] = ()
    summary: tuple[Para, ...] = ()


@dataclass(frozen=True)
class TrendChart:
    measure: str
    label: str
    figure: dict
    caption: str


@dataclass(frozen=True)
class TrendView:
    trend: str = MONTHLY
    charts: tuple[TrendChart, ...] = ()
    table: TableModel | None = None
    message: str = ""
    choices: tuple[tuple[str, str, bool], ...] = field(
        default_factory=lambda: tuple((v, label, v == MONTHLY) for v, label in TREND_LABELS.items())
    )  # (view, label, pressed) of each toggle


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def view(ds: Dataset | None) -> OverviewView:
    """The period line, the cards by group and what changed."""
    if ds is None:
        return OverviewView(words.NO_DATA, summary=(Para(words.NO_DATA),))
    return ds.cached(("overview",), lambda: _view(ds))


def _view(ds: Dataset) -> OverviewView:
    groups = overview.headlines(ds)
    current = [h for hs in groups.values() for h in hs if h.status == CURRENT and h.period]
    if current:
        period = current[0].period
        period_text = (
            f"The latest 12 months of data, the {_lower_first(period.label)}, against the "
            f"12 months before ({period.previous().label}). Figures for the whole of the "
            "area the Metropolitan Police covers: every London borough except the City of "
            "London, which has its own police force."
        )
    else:
        period_text = "No current figures have been published."
    out = []
    if groups[overview.KNIFE]:
        out.append(card_group(ds, "knife", "Knife crime", groups[overview.KNIFE]))
    if groups[overview.GUN]:
        out.append(card_group(ds, "gun", "Gun crime", groups[overview.GUN]))
    context = [h for h in groups[overview.CONTEXT] if h.status != HISTORICAL]
    if context:
        homicide = any(h.measure.startswith("homicide") for h in context)
        title = "Possession of weapons and homicide" if homicide else "Possession of weapons"
        out.append(card_group(ds, "context", title, context))
    historical = [h for h in groups[overview.CONTEXT] if h.status == HISTORICAL]
    if historical:
        out.append(card_group(ds, "historical", "Homicide: historical figures", historical,
                              lead=(Para(HISTORICAL_LEAD),)))  # fmt: skip
    summary = (Para(" ".join(overview.what_changed(groups))),)
    return OverviewView(period_text, tuple(out), summary)


def _arrival(ds: Dataset, measure: str) -> str:
    value = ds.measures.loc[measure, "arrival"]
    return value if isinstance(value, str) else ""


def card_group(
    ds: Dataset, key: str, title: str, headlines: list[Headline], lead: tuple[Para, ...] = ()
) -> CardGroup:
    """A group's cards. Cards with no data yet that arrive the same way say so once, in
    the group's lead, rather than each repeating the same paragraph."""
    awaiting = [h for h in headlines if h.status == AWAITING]
    arrivals = {_arrival(ds, h.measure) for h in awaiting}
    shared = len(awaiting) > 1 and len(arrivals) == 1
    if shared:
        lead = (*lead, Para(f"{NO_DATA_MANY} {arrivals.pop()}".strip(), "message"))
    cards = tuple(card(ds, h, say_why=not shared) for h in headlines)
    return CardGroup(key, title, lead, cards)


def card(ds: Dataset, h: Headline, *, say_why: bool = True) -> Card:
    badge = YOUNG_BADGE if h.measure == overview.YOUNG_HEADLINE else ""
    base = {"measure": h.measure, "label": h.label, "status": h.status,
            "definition": h.definition, "badge": badge}  # fmt: skip
    if not h.has_figure:
        message = h.message
        if h.status == AWAITING:
            message = f"{NO_DATA_ONE} {_arrival(ds, h.measure)}".strip() if say_why else ""
        return Card(**base, no_figure=NO_FIGURES, message=message)
    if h.period is None or h.count is None:  # has_figure says there is a count
        return Card(**base, no_figure=NO_FIGURES, message=h.message)
    warnings = []
    if h.low_count or h.previous_low_count:
        warnings.append(f"Fewer than {LOW_COUNT} {h.unit}: too few for the change to be reliable.")
    if h.spans_connect:
        warnings.append(
            "This comparison spans the move to the CONNECT recording system in "
            f"{words.month(CONNECT_START)}."
        )
    previous, verdict = "", ""
    if h.previous is not None:
        previous = (
            f"{words.number(h.previous)} in the 12 months before ({h.period.previous().label})"
        )
        verdict = words.sentence(h.verdict)
    return Card(
        **base,
        figure=words.number(h.count),
        figure_words=f"{h.unit} in the {_lower_first(h.period.label)}",
        previous=previous,
        verdict=verdict,
        change=h.change,
        warnings=tuple(warnings),
        message=h.message,
    )


# -- trends ------------------------------------------------------------------------


def trend_view(ds: Dataset | None, state: OverviewState) -> TrendView:
    """A chart of each knife measure in London and the table of their figures."""
    if ds is None:
        return TrendView(state.trend, message=words.NO_DATA)
    return ds.cached(("overview-trend", state.trend), lambda: _trend_view(ds, state.trend))


def _trend_view(ds: Dataset, trend: str) -> TrendView:
    frame = overview.knife_trends(ds, trend)
    measures = [m for m in frame.columns if m != "month"]
    rolling = trend == ROLLING
    what = "rolling 12-month totals" if rolling else "monthly counts"
    out = []
    for measure in measures:
        label = words.label(ds, measure)
        unit = words.unit(ds, measure).capitalize()
        figure = charts.trend_chart(
            frame,
            {measure: label},
            y_title=f"{unit} in 12 months" if rolling else f"{unit} a month",
        )
        figure["layout"].update(showlegend=False, height=CHART_HEIGHT,
                                margin={"l": 56, "r": 12, "t": 24, "b": 36})  # fmt: skip
        caption = f"{label} in London, {what}. The same figures are in the table below."
        figure = charts.image_for(ds, figure, f"{label} in London, {what}", [measure],
                                  f"london-{measure}-{trend}")  # fmt: skip
        out.append(TrendChart(measure, label, figure, caption))
    choices = tuple((v, label, v == trend) for v, label in TREND_LABELS.items())
    return TrendView(trend, tuple(out), trend_table(ds, trend), choices=choices)


def trend_table(ds: Dataset, trend: str) -> TableModel | None:
    """The charts' figures: one row per month, one column per chart, and which figures
    rest on too few events."""
    frame = overview.knife_trends(ds, trend)
    measures = [m for m in frame.columns if m != "month"]
    if not measures:
        return None
    suffix = ", rolling 12 months" if trend == ROLLING else ""
    labels = {m: words.label(ds, m) for m in measures}
    notes = overview.low_count_note(frame, labels)
    columns = [Column("Month")]
    columns += [Column(f"{labels[m]} ({words.unit(ds, m)}{suffix})", numeric=True)
                for m in measures]  # fmt: skip
    reliability = bool(notes.astype(bool).any())
    if reliability:
        columns.append(Column("Reliability"))
    rows = []
    for i, r in enumerate(frame.to_dict("records")):
        row = [f"{r['month']:%Y-%m}"]
        row += [num(words.number(r[m]), r[m]) for m in measures]
        if reliability:
            row.append(str(notes.iloc[i]))
        rows.append(row)
    what = "rolling 12-month totals" if trend == ROLLING else "monthly counts"
    return table(f"London knife crime, {what}", columns, rows,
                 filename=f"london-knife-crime-{trend}-v{ds.version_id}.csv")  # fmt: skip
