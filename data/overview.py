"""London-wide answers for the overview and About pages.

Each measure's latest 12 months against the 12 before (as the map's headline, through
`queries.london_headline`), London's monthly knife series as the trend charts and
their download show it, and which months each measure group reaches.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from data import stats
from data.dataset import Dataset
from data.periods import CONNECT_START, Period, month_start
from data.queries import london_headline

KNIFE, GUN, CONTEXT = "knife", "gun", "context"
# Context shown beside the knife and gun figures: other weapon offences and homicide.
CONTEXT_MEASURES = ("possession_of_weapons", "homicide_knife", "homicide_shooting")
YOUNG_HEADLINE = "knife_injury_victims_1_24_non_da"

# Status of a headline figure.
CURRENT, HISTORICAL, AWAITING, SHORT = "current", "historical", "awaiting", "short"

MONTHLY, ROLLING = "monthly", "rolling"
TREND_VIEWS = (MONTHLY, ROLLING)


@dataclass(frozen=True)
class Headline:
    """One measure's London figure for its latest 12 months, or why there is none."""

    measure: str
    group: str
    label: str
    definition: str
    unit: str
    status: str
    message: str = ""
    period: Period | None = None
    count: int | None = None
    previous: int | None = None
    p_value: float | None = None  # London's own test, allowing for overdispersion
    verdict: str = ""
    low_count: bool = False
    rate_ratio: float | None = None  # count / previous, with its 95% interval
    rr_low: float | None = None
    rr_high: float | None = None
    rate_ratio_words: str = ""  # "down 18%, 95% interval 13% to 22% down"
    dispersion: float | None = None  # variance / mean of London's monthly counts, used
    dispersion_words: str = ""  # the same in a sentence, for the page's notes
    previous_low_count: bool = False
    spans_connect: bool = False

    @property
    def has_figure(self) -> bool:
        return self.count is not None

    @property
    def change(self) -> str:
        """The significant direction, "fall" or "rise"; "" when not significant."""
        if self.previous is None or self.p_value is None or math.isnan(self.p_value):
            return ""
        if self.p_value >= 0.05 or self.count == self.previous:
            return ""
        return "rise" if (self.count or 0) > self.previous else "fall"


def overview_measures(ds: Dataset) -> dict[str, list[str]]:
    """The measures of each overview group, in catalogue order."""
    measures = ds.measures
    return {
        KNIFE: list(measures.index[measures["grp"] == KNIFE]),
        GUN: list(measures.index[measures["grp"] == GUN]),
        CONTEXT: [m for m in CONTEXT_MEASURES if m in measures.index],
    }


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def current_window_start(ds: Dataset) -> pd.Timestamp | None:
    latest = ds.latest_month_overall
    return None if latest is None else month_start(latest) - pd.DateOffset(months=11)


def headline(ds: Dataset, measure: str) -> Headline:
    """A measure's latest 12 months against the 12 before, with what the figure means.

    A measure whose latest 12 months end before the dashboard's current 12-month window
    starts (homicide, which the public file has only to 2023) is historical: its figure
    is still given, with its own period, but never as the current state of London.
    """
    row = ds.measures.loc[measure]
    base = {
        "measure": measure,
        "group": str(row["grp"]),
        "label": str(row["label"]),
        "definition": _text(row["definition"]),
        "unit": str(row["unit"]),
    }
    latest = ds.latest_month(measure, "london")
    if latest is None:
        arrival = _text(row["arrival"])
        message = "There is no published data for this measure yet."
        return Headline(**base, status=AWAITING, message=f"{message} {arrival}".strip())
    result = london_headline(ds, measure, "r12")
    if result is None:
        first, last = ds.months_covered(measure, "london")
        return Headline(
            **base,
            status=SHORT,
            message=f"The data run from {first:%B %Y} to {last:%B %Y}, "
            "less than the 12 months a headline figure needs.",
        )
    period: Period = result["period"]
    window_start = current_window_start(ds)
    historical = window_start is not None and period.end < window_start
    previous = result["previous"]
    message = ""
    if historical:
        message = (
            f"Historical: the published data end in {latest:%B %Y}, so this is not a "
            "current figure."
        )
    elif previous is None:
        message = "There are not yet 12 earlier months to compare with."
    spans = previous is not None and period.previous().start < CONNECT_START <= period.end
    return Headline(
        **base,
        status=HISTORICAL if historical else CURRENT,
        message=message,
        period=period,
        count=result["count"],
        previous=previous,
        p_value=result["p_value"],
        verdict=result["verdict"],
        low_count=result["low_count"],
        rate_ratio=result["rate_ratio"],
        rr_low=result["rr_low"],
        rr_high=result["rr_high"],
        rate_ratio_words=result["rate_ratio_words"],
        dispersion=result["dispersion"].factor if result["dispersion"] else None,
        dispersion_words=result["dispersion"].words("London") if result["dispersion"] else "",
        previous_low_count=previous is not None and stats.is_low_count(previous),
        spans_connect=spans,
    )


def headlines(ds: Dataset) -> dict[str, list[Headline]]:
    """Every overview headline, by group."""
    return {
        group: [headline(ds, m) for m in measures]
        for group, measures in overview_measures(ds).items()
    }


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def what_changed(groups: dict[str, list[Headline]]) -> list[str]:
    """A few plain sentences on what changed in the latest 12 months."""
    sentences: list[str] = []
    knife = [h for h in groups.get(KNIFE, []) if h.status == CURRENT and h.previous is not None]
    if knife:
        first = knife[0]
        sentences.append(
            f"In the {_lower_first(first.period.label)}, the Metropolitan Police recorded "
            f"{first.count:,} {_lower_first(first.label)} {first.unit} in London, against "
            f"{first.previous:,} in the 12 months before: {first.verdict}."
        )
        falls = sum(h.change == "fall" for h in knife)
        rises = sum(h.change == "rise" for h in knife)
        steady = len(knife) - falls - rises
        parts = []
        if falls:
            parts.append(f"{_count_words(falls)} fell by a statistically significant amount")
        if rises:
            parts.append(f"{_count_words(rises)} rose by a statistically significant amount")
        if steady:
            parts.append(
                f"{_count_words(steady)} changed by amounts that chance alone could explain"
            )
        sentences.append(f"Of the {_count_words(len(knife))} knife measures, " + _join(parts) + ".")
        young = next((h for h in knife if h.measure == YOUNG_HEADLINE), None)
        if young is not None:
            sentences.append(
                f"For young people, {young.count:,} victims aged 1 to 24 were injured with a "
                f"knife outside domestic abuse, against {young.previous:,}: {young.verdict}."
            )
    for h in groups.get(CONTEXT, []):
        if h.status == CURRENT and h.previous is not None:
            sentences.append(f"{h.label}: {h.count:,} against {h.previous:,}, {h.verdict}.")
    gun = groups.get(GUN, [])
    if gun and all(h.status == AWAITING for h in gun):
        sentences.append("There are no published gun crime figures yet.")
    for h in gun:
        if h.status == CURRENT and h.previous is not None:
            sentences.append(f"{h.label}: {h.count:,} {h.unit} against {h.previous:,} in the "
                             f"12 months before, {h.verdict}.")  # fmt: skip
    return sentences


_WORDS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")


def _count_words(n: int) -> str:
    return _WORDS[n] if 0 <= n < len(_WORDS) else f"{n:,}"


def _join(parts: list[str]) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def knife_trends(ds: Dataset, view: str = MONTHLY) -> pd.DataFrame:
    """London's monthly knife series: `month` and one column per measure id.

    In the rolling view each value is the sum of the 12 months to that month, and the
    first 11 months, which have no full year behind them, are left out.
    """
    if view not in TREND_VIEWS:
        raise ValueError(f"unknown trend view {view!r}; expected one of {TREND_VIEWS}")
    columns: dict[str, pd.Series] = {}
    for measure in overview_measures(ds)[KNIFE]:
        if not ds.has_data(measure, "london"):
            continue
        series = ds.series(measure, "london")
        values = pd.Series(series.values[0], index=series.months)
        if view == ROLLING:
            values = values.rolling(12, min_periods=12).sum()
        columns[measure] = values
    if not columns:
        return pd.DataFrame({"month": pd.DatetimeIndex([])})
    frame = pd.DataFrame(columns).dropna(how="all")
    frame = frame.astype("Int64")
    frame.index.name = "month"
    return frame.reset_index()


def low_count_note(frame: pd.DataFrame, labels: dict[str, str]) -> pd.Series:
    """Per row, which figures rest on fewer than 10 events (empty when none do)."""
    notes = pd.Series("", index=frame.index, dtype=object)
    for column, label in labels.items():
        low = frame[column].notna() & (frame[column] < stats.LOW_COUNT)
        notes[low] = notes[low].map(lambda s, label=label: f"{s}; {label}" if s else label)
    return notes.map(lambda s: f"Fewer than {stats.LOW_COUNT}, unreliable: {s}" if s else "")


def coverage_by_group(ds: Dataset) -> pd.DataFrame:
    """Each measure's first and latest month in London, with its group, catalogue order."""
    rows = []
    for measure, row in ds.measures.iterrows():
        span = ds.months_covered(str(measure), "london")
        rows.append(
            {
                "measure": measure,
                "grp": row["grp"],
                "label": row["label"],
                "first_month": span[0] if span else pd.NaT,
                "last_month": span[1] if span else pd.NaT,
            }
        )
    return pd.DataFrame(rows)
