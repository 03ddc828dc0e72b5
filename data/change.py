"""Change between two periods, judged on counts that vary more than Poisson chance.

Monthly counts of weapon crime in one area are overdispersed: on the real data their
variance is about 1.2 times their mean in wards, 1.6 in boroughs and 5 for London as
a whole, even with each month set beside the same month a year earlier. A test that
assumes Poisson variation calls too many changes significant, most of all for large
areas. Here the dispersion is estimated from the monthly counts (see
`stats.paired_dispersion`) and every change test allows for it
(`stats.quasi_poisson_change`).

The dispersion is one figure for all the areas of a level, pooled from each area's
own monthly counts, and London's own for London; METHODS.md, section 2, gives the
evidence for pooling and the words the pages use.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from data import stats
from data.areas import LONDON_CODE, UNALLOCATED_CODE
from data.dataset import Dataset, Series
from data.periods import Period, resolve, rolling_twelve_months

# Periods shorter than this take their dispersion from the 12 months ending with their
# last month against the 12 before: a single month against the same month a year
# earlier has no spread of its own to measure.
MIN_MONTHS = 12


@dataclass(frozen=True)
class LevelDispersion:
    """The dispersion used for every change test of one view, and where it came from."""

    dispersion: stats.Dispersion
    later: Period | None  # the later run of months it was estimated from
    earlier: Period | None  # the run each month was set beside

    @property
    def factor(self) -> float:
        return self.dispersion.factor

    def words(self, plural: str) -> str:
        """One sentence for a page's notes, e.g. "Monthly counts in wards vary about 1.22
        times as much as chance alone would make them (...)"."""
        d = self.dispersion
        if self.later is None or d.df == 0:
            return (
                "There are too few months to measure how much monthly counts vary, so the "
                "change test assumes chance (Poisson) variation alone."
            )
        where = f"the {self.later.label[0].lower()}{self.later.label[1:]}"
        span = f"{where} against the same months a year earlier"
        if (self.later.start - self.earlier.start).days not in range(365, 367):
            span = f"{where} against the {self.earlier.months} months before"
        if d.floored:
            return (
                f"Monthly counts in {plural} varied no more than chance alone would make them "
                f"({span}), so the change test uses chance (Poisson) variation."
            )
        return (
            f"Monthly counts in {plural} vary about {d.factor:.2f} times as much as chance "
            f"alone would make them ({span}, each month beside its counterpart); every "
            "change test allows for this, so it is harder to call a change significant "
            "than with chance alone."
        )


def dispersion_window(series: Series, period: Period) -> tuple[Period, Period] | None:
    """The two runs of months whose monthly counts give the dispersion for `period`.

    The period and the one it is compared with when they have at least 12 months each;
    otherwise the 12 months ending with the period's last month against the 12 months
    before them (each calendar month beside itself, so seasonality is not counted as
    noise); if the data do not reach that far back, the first 24 months of the series;
    failing that, the period and its comparison as they are.
    """
    before = period.previous()
    if period.months >= MIN_MONTHS and series.covers(before.start, period.end):
        return period, before
    recent = rolling_twelve_months(period.end)
    if series.covers(recent.previous().start, recent.end):
        return recent, recent.previous()
    if len(series.months) >= 2 * MIN_MONTHS:
        first = rolling_twelve_months(series.months[2 * MIN_MONTHS - 1])
        return first, first.previous()
    if series.covers(before.start, period.end):
        return period, before
    return None


def _areas(series: Series, level: str) -> np.ndarray:
    if level == "london":
        return np.asarray(series.areas == LONDON_CODE)
    return np.asarray(series.areas != UNALLOCATED_CODE)


def level_dispersion(ds: Dataset, measure: str, level: str, period: Period) -> LevelDispersion:
    """The pooled dispersion of the monthly counts of a level's areas (London's own for
    London), for the change test of `period`. Offences the MPS could not place in an
    area are not an area and do not count."""
    series = ds.series(measure, level)
    window = dispersion_window(series, period)
    if window is None:
        return LevelDispersion(stats.POISSON, None, None)
    later, earlier = window
    rows = _areas(series, level)
    now = series.window(later.start, later.end)[rows]
    before = series.window(earlier.start, earlier.end)[rows]
    x2, df = stats.paired_dispersion(now, before)
    return LevelDispersion(stats.pooled_dispersion(x2, df), later, earlier)


def change_columns(
    count: pd.Series | np.ndarray, previous: pd.Series | np.ndarray, dispersion: float
) -> pd.DataFrame:
    """The change test of every area of a view: the columns `queries.map_values` adds.

    p_value: the area's own two-sided p for "no change", allowing for overdispersion;
    q_value: Benjamini-Hochberg over the areas with a test; rate_ratio, rr_low,
    rr_high: the count now over the count before (periods of equal length) with its
    95% interval; verdict_own (from p, for one area's own panel or profile) and
    verdict (from q, for maps and rankings that judge many areas at once);
    rate_ratio_words: "down 49%, 95% interval 19% to 69% down", empty when either
    period has fewer than 10 events (the change is then marked unreliable).
    """
    now = np.asarray(count, dtype=float)
    before = np.asarray(previous, dtype=float)
    test = stats.quasi_poisson_change(now, before, dispersion)
    p = np.where(np.isfinite(now) & np.isfinite(before), test.p, np.nan)
    q = stats.benjamini_hochberg(p)
    tested = np.isfinite(p)
    reliable = tested & (now >= stats.LOW_COUNT) & (before >= stats.LOW_COUNT)

    def verdicts(values: np.ndarray) -> list[str]:
        return [
            stats.change_verdict(int(a), int(b), v) if ok else ""
            for a, b, v, ok in zip(np.nan_to_num(now), np.nan_to_num(before), values, tested,
                                   strict=True)
        ]  # fmt: skip

    interval_words = [
        stats.rate_ratio_words(r, lo, hi) if ok else ""
        for r, lo, hi, ok in zip(test.rate_ratio, test.low, test.high, reliable, strict=True)
    ]
    return pd.DataFrame(
        {
            "p_value": p,
            "q_value": q,
            "rate_ratio": test.rate_ratio,
            "rr_low": test.low,
            "rr_high": test.high,
            "dispersion": np.where(tested, dispersion, np.nan),
            "verdict_own": verdicts(p),
            "verdict": verdicts(q),
            "rate_ratio_words": interval_words,
        }
    )


@dataclass(frozen=True)
class AgainstLondon:
    """Each area's change set against the rest of London's over the same periods."""

    frame: pd.DataFrame
    period: Period | None
    london_ratio: float  # London's own rate ratio
    area: LevelDispersion | None
    london: LevelDispersion | None


AGAINST_LONDON_COLUMNS = [
    "code", "count", "previous", "rest", "rest_previous", "area_ratio", "rest_ratio",
    "relative", "relative_low", "relative_high", "p_value", "q_value", "words",
]  # fmt: skip


def against_london(ds: Dataset, measure: str, level: str, period: str) -> AgainstLondon:
    """Each area's rate ratio divided by the rest of London's, with its 95% interval.

    London less the area is the comparison, so the two are independent: a ward that
    fell 20% while the rest of London fell 18% has a relative ratio of 0.98, in line
    with London. Columns: count, previous (the area's), rest and rest_previous (London
    less the area), area_ratio, rest_ratio, relative (area_ratio / rest_ratio),
    relative_low and relative_high (95%), p_value (the area's own), q_value (BH over
    the level), words ("fell 10% more than the rest of London ...", empty under 10
    events in either period). NaN where a count is 0.
    """
    empty = AgainstLondon(pd.DataFrame(columns=AGAINST_LONDON_COLUMNS), None, np.nan, None, None)
    latest = ds.latest_month(measure, level)
    if latest is None:
        return empty
    chosen = resolve(period, latest)
    before = chosen.previous()
    series = ds.series(measure, level)
    london = ds.series(measure, "london")
    if not (series.covers(before.start, chosen.end) and london.covers(before.start, chosen.end)):
        return AgainstLondon(empty.frame, chosen, np.nan, None, None)
    rows = _areas(series, level)
    codes = series.areas[rows]
    now = series.window(chosen.start, chosen.end)[rows].sum(axis=1)
    was = series.window(before.start, before.end)[rows].sum(axis=1)
    at = london.areas.get_loc(LONDON_CODE)
    london_now = float(london.window(chosen.start, chosen.end)[at].sum())
    london_was = float(london.window(before.start, before.end)[at].sum())
    area_d = level_dispersion(ds, measure, level, chosen)
    london_d = level_dispersion(ds, measure, "london", chosen)
    rest_now, rest_was = london_now - now, london_was - was
    test = stats.relative_change(now, was, rest_now, rest_was, area_d.factor, london_d.factor)
    reliable = (now >= stats.LOW_COUNT) & (was >= stats.LOW_COUNT)
    with np.errstate(invalid="ignore", divide="ignore"):
        area_ratio = np.where(was > 0, now / was, np.nan)
        rest_ratio = np.where(rest_was > 0, rest_now / rest_was, np.nan)
    frame = pd.DataFrame(
        {
            "code": np.asarray(codes, dtype=object),
            "count": now,
            "previous": was,
            "rest": rest_now,
            "rest_previous": rest_was,
            "area_ratio": area_ratio,
            "rest_ratio": rest_ratio,
            "relative": test.rate_ratio,
            "relative_low": test.low,
            "relative_high": test.high,
            "p_value": test.p,
            "q_value": stats.benjamini_hochberg(test.p),
        }
    )
    frame["words"] = [
        relative_words(r, lo, hi) if ok else ""
        for r, lo, hi, ok in zip(test.rate_ratio, test.low, test.high, reliable, strict=True)
    ]
    ratio = london_now / london_was if london_was > 0 else np.nan
    return AgainstLondon(frame[AGAINST_LONDON_COLUMNS], chosen, ratio, area_d, london_d)


def relative_words(ratio: float, low: float, high: float) -> str:
    """ "12% lower than London's trend would give, 95% interval 3% to 20% lower" and the
    like; "in line with London's trend" when the interval holds 1."""
    if not (np.isfinite(ratio) and np.isfinite(low) and np.isfinite(high)):
        return ""

    def size(r: float) -> str:
        return stats.percent_words(abs(r - 1) * 100)

    if low <= 1 <= high:
        return (
            f"in line with the rest of London's trend (95% interval {_side(low)} to {_side(high)})"
        )
    side = "higher" if ratio > 1 else "lower"
    near, far = (low, high) if ratio > 1 else (high, low)
    return (
        f"{size(ratio)} {side} than the rest of London's trend would give, 95% interval "
        f"{size(near)} to {size(far)} {side}"
    )


def _side(r: float) -> str:
    if r == 1:
        return "no difference"
    return f"{stats.percent_words(abs(r - 1) * 100)} {'higher' if r > 1 else 'lower'}"
