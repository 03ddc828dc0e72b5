"""Hot spots and crime concentration: the rules, on plain arrays, so each can be tested
on series made by hand.

The public data has no victim identifiers, so repeat victimisation cannot be measured
as people victimised again; it is shown through places where weapon crime keeps
recurring (`REPEAT_VICTIMISATION_NOTE`). Two questions are asked of every area:

* Is it one of the few places where crime concentrates, year after year? The law of
  crime concentration (Weisburd 2015) says a small share of places holds a large share
  of crime, and that the same places stay on top. An area is a *persistent hot spot*
  when it is among the top `PERSISTENT_SHARE` of areas by count in each of the last
  `YEARS` separate, non-overlapping 12-month years (fewer when the data is shorter,
  never fewer than `MIN_YEARS`). Separate years are separate tests; rolling windows
  that share 11 of their 12 months are not.
* Does it sit in a cluster of high counts beyond what chance would give? That is
  Getis-Ord Gi* (geo.hotspots); the classes below turn its answers over time into
  words in the manner of emerging hot-spot analysis, with the trend from a seasonal
  Mann-Kendall test (`seasonal_mann_kendall`).

The old rules ("offences in 9 of the last 12 months"; "top decile by rate in 7 of 12
rolling windows") measured area size and one test twelve times; they survive only as
rows of the sensitivity table (`NINE_OF_TWELVE`, `DECILE_SEVEN_OF_TWELVE`), never as a
class on the map.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from scipy import stats

# The words the page uses for repeat victimisation: the public data cannot follow a
# victim, only a place.
REPEAT_VICTIMISATION_NOTE = (
    "The published data has no victim identifiers, so it cannot show people who are "
    "victims again and again. Repeat victimisation is shown here through places where "
    "weapon crime keeps recurring: areas that stay among London's highest counts year "
    "after year, and clusters of high counts that last."
)

WINDOW = 12  # months in a year, and in a rolling window

# -- persistent hot spots (law of crime concentration) -------------------------------

YEARS = 3  # separate 12-month years looked at, the latest last
MIN_YEARS = 2  # fewer separate years than this and persistence cannot be judged
PERSISTENT_SHARE = 0.10  # the top 10% of areas in every one of those years
CONCENTRATION_SHARES = (0.01, 0.05, 0.10)

# -- Gi* and emerging hot spots -------------------------------------------------------

# An area is a Gi* hot (or cold) spot in a window when its Benjamini-Hochberg q-value
# across all areas is below 5%; nothing weaker gets a word.
HOT_Q = 0.05
STRONG_Q = 0.01
# Emerging hot-spot analysis calls a pattern established when it holds in 90% of
# the time steps.
ESTABLISHED = 0.9
TREND_P = 0.05  # a seasonal Mann-Kendall trend counts when p < 0.05

# The emerging classes, in the order a table lists them. ArcGIS's "persistent" class
# is called "steady" here so it cannot be confused with a persistent hot spot on the
# concentration rule, and its "historical" is "former".
INTENSIFYING = "intensifying"
STEADY = "steady"
DIMINISHING = "diminishing"
NEW = "new"
CONSECUTIVE = "consecutive"
SPORADIC = "sporadic"
OSCILLATING = "oscillating"
FORMER = "former"
NO_PATTERN = ""
CLASSES = (INTENSIFYING, STEADY, DIMINISHING, NEW, CONSECUTIVE, SPORADIC, OSCILLATING, FORMER)

# What each class means, for the page's key and the table's reasons.
CLASS_MEANINGS = {
    INTENSIFYING: "a Gi* hot spot in at least 90% of the windows, including the latest, "
    "and the monthly offences of the area and its neighbours rise (seasonal Mann-Kendall "
    "test, p < 0.05)",
    STEADY: "a Gi* hot spot in at least 90% of the windows, including the latest, with no "
    "significant trend in the monthly offences of the area and its neighbours",
    DIMINISHING: "a Gi* hot spot in at least 90% of the windows, including the latest, "
    "and the monthly offences of the area and its neighbours fall (seasonal Mann-Kendall "
    "test, p < 0.05)",
    NEW: "a Gi* hot spot in the latest window and in none before it",
    CONSECUTIVE: "a Gi* hot spot in an unbroken run of the latest windows (less than 90% "
    "of them), never before that run and never a cold spot",
    SPORADIC: "a Gi* hot spot in the latest window that has been one on and off, never a cold spot",
    OSCILLATING: "a Gi* hot spot in the latest window that has been a Gi* cold spot before",
    FORMER: "not a Gi* hot spot in the latest window, but one in at least half of the "
    "windows before it",
}

# -- sensitivity table: each definition the page could have used -----------------------

PERSISTENT_5 = "persistent_top5"
PERSISTENT_10 = "persistent_top10"
PERSISTENT_DENSITY_10 = "persistent_top10_density"
GI_COUNTS = "gi_counts"
GI_EB_RATES = "gi_eb_rates"
GI_RAW_RATES = "gi_raw_rates"
NINE_OF_TWELVE = "old_9_of_12_months"
DECILE_SEVEN_OF_TWELVE = "old_top_decile_7_of_12_windows"
PERSISTENT_MONTHS = 9  # the old rule: offences in at least 9 of the last 12 months
DECILE_WINDOWS = 12  # the old rule: top 10% by rate in at least 7 of the last 12 windows
DECILE_MOST = 7
DECILE_SHARE = 0.10


def sensitivity_label(definition: str, years: int) -> str:
    """What each row of the sensitivity table counts, in words."""
    labels = {
        PERSISTENT_10: f"Persistent hot spot: top 10% by count in each of the last {years} "
        "separate 12-month years (the rule used)",
        PERSISTENT_5: f"Top 5% by count in each of the last {years} separate 12-month years",
        PERSISTENT_DENSITY_10: f"Top 10% by count per km² in each of the last {years} "
        "separate 12-month years",
        GI_COUNTS: "Gi* hot spot on counts, latest 12 months, q < 0.05 (the rule used)",
        GI_EB_RATES: "Gi* hot spot on Empirical-Bayes-smoothed rates per resident, latest "
        "12 months, q < 0.05",
        GI_RAW_RATES: "Gi* hot spot on raw rates per resident, latest 12 months, q < 0.05 "
        "(for contrast only: raw rates are not used)",
        NINE_OF_TWELVE: "Old rule, not used: offences in at least 9 of the last 12 months",
        DECILE_SEVEN_OF_TWELVE: "Old rule, not used: top 10% by rate in at least 7 of the "
        "last 12 rolling 12-month windows",
    }
    return labels[definition]


# -- persistent hot spots -------------------------------------------------------------


def separate_years(n_months: int, years: int = YEARS) -> int:
    """How many separate 12-month years, ending in the latest month, the data holds."""
    return min(years, n_months // WINDOW)


def year_totals(counts: ArrayLike, years: int = YEARS) -> np.ndarray:
    """Areas x years: offences in each of the last `years` separate 12-month years,
    oldest first; the last year ends in the latest month."""
    x = np.atleast_2d(np.asarray(counts, dtype=float))
    if years < 1 or x.shape[1] < years * WINDOW:
        raise ValueError(f"{years} separate years need {years * WINDOW} months, not {x.shape[1]}")
    span = x[:, x.shape[1] - years * WINDOW :]
    return span.reshape(x.shape[0], years, WINDOW).sum(axis=2)


def top_count(n: int, share: float) -> int:
    """How many areas "the top `share`" of `n` areas is: share x n rounded down, at least 1."""
    if not 0 < share <= 1:
        raise ValueError(f"share must be in (0, 1], not {share!r}")
    return max(1, math.floor(share * n + 1e-9)) if n else 0


def top_share(values: ArrayLike, share: float) -> np.ndarray:
    """Whether each area is among the top `share` of areas, column by column.

    Ties at the cut are left out, all of them: an area is in the top 5% when the
    areas with a value at least as high as its own (itself included) are no more
    than `top_count(n, 5%)`. So the flagged areas never exceed the share, and two
    areas with the same count always get the same answer, whatever their order.
    A value of 0 is never in the top, and NaN (no data) is not compared.
    """
    x = np.asarray(values, dtype=float)
    one = x.ndim == 1
    x = x[:, None] if one else x
    out = np.zeros(x.shape, dtype=bool)
    for j in range(x.shape[1]):
        column = x[:, j]
        valid = np.isfinite(column)
        ranked = np.sort(column[valid])
        cap = top_count(int(valid.sum()), share)
        if cap == 0:
            continue
        # Areas with a value >= v: everything from v's first position in the sorted order.
        at_least = ranked.size - np.searchsorted(ranked, column[valid], side="left")
        out[valid, j] = (at_least <= cap) & (column[valid] > 0)
    return out[:, 0] if one else out


def persistent(values_by_year: ArrayLike, share: float = PERSISTENT_SHARE) -> np.ndarray:
    """Areas among the top `share` in every year (areas x years, one column a year)."""
    return top_share(values_by_year, share).all(axis=1)


# -- concentration -----------------------------------------------------------------------


def concentration(
    counts: ArrayLike, shares: tuple[float, ...] = CONCENTRATION_SHARES
) -> pd.DataFrame:
    """The share of offences held by the top 1%, 5% and 10% of areas.

    One row a share: `share_of_areas_named` (0.01), `areas` (the `top_count` areas
    with the most offences; ties do not change the sum), `share_of_areas` (areas / n,
    exact), `offences` (theirs), `share_of_offences` (of all offences in the areas).
    """
    x = np.asarray(counts, dtype=float)
    x = x[np.isfinite(x)]
    ordered = np.sort(x)[::-1]
    total = ordered.sum()
    rows = []
    for share in shares:
        k = top_count(len(ordered), share)
        held = float(ordered[:k].sum())
        rows.append(
            {
                "share_of_areas_named": share,
                "areas": k,
                "share_of_areas": k / len(ordered) if len(ordered) else np.nan,
                "offences": held,
                "share_of_offences": held / total if total > 0 else np.nan,
            }
        )
    return pd.DataFrame(rows)


def lorenz_curve(counts: ArrayLike) -> pd.DataFrame:
    """The concentration curve: areas from the most offences to the fewest, with the
    cumulative share of areas and of offences; it starts at (0, 0) and ends at (1, 1).
    A curve that rises steeply means few areas hold most offences."""
    x = np.asarray(counts, dtype=float)
    x = np.sort(x[np.isfinite(x)])[::-1]
    n, total = len(x), x.sum()
    areas = np.arange(n + 1) / n if n else np.zeros(1)
    offences = np.concatenate([[0.0], np.cumsum(x)]) / total if total > 0 else areas * np.nan
    return pd.DataFrame({"share_of_areas": areas, "share_of_offences": offences})


def gini(counts: ArrayLike) -> float:
    """The Gini coefficient of offences across areas: 0 when every area has the same
    count, near 1 when one area has them all. G = sum_i sum_j |x_i - x_j| / (2 n^2 mean),
    computed from the sorted counts."""
    x = np.sort(np.asarray(counts, dtype=float))
    x = x[np.isfinite(x)]
    n, total = len(x), x.sum()
    if n == 0 or total <= 0:
        return float("nan")
    i = np.arange(1, n + 1)
    return float((2 * (i * x).sum()) / (n * total) - (n + 1) / n)


# -- the old rules, kept for the sensitivity table ------------------------------------------


def rolling_sums(counts: np.ndarray, window: int = WINDOW) -> np.ndarray:
    """Sums over each run of `window` months: areas x (months - window + 1)."""
    counts = np.asarray(counts, dtype=float)
    if counts.shape[1] < window:
        return np.zeros((counts.shape[0], 0))
    cumulative = np.concatenate([np.zeros((counts.shape[0], 1)), np.cumsum(counts, axis=1)], axis=1)
    return cumulative[:, window:] - cumulative[:, :-window]


def months_with_offences(counts: np.ndarray, window: int = WINDOW) -> np.ndarray:
    """For each rolling window, how many of its months had at least one offence."""
    return rolling_sums(np.asarray(counts) > 0, window).astype(int)


def old_nine_of_twelve(counts: np.ndarray) -> np.ndarray:
    """The old rule: offences in at least 9 of the last 12 months (sensitivity table only)."""
    return months_with_offences(np.asarray(counts)[:, -WINDOW:])[:, -1] >= PERSISTENT_MONTHS


def old_decile_rule(rolling_rates: np.ndarray) -> np.ndarray:
    """The old rule: top 10% by rate (ties at the cut in) in at least 7 of the last 12
    rolling windows (sensitivity table only)."""
    rates = np.asarray(rolling_rates, dtype=float)[:, -DECILE_WINDOWS:]
    out = np.zeros(rates.shape, dtype=bool)
    for j in range(rates.shape[1]):
        column = rates[:, j]
        valid = column[np.isfinite(column)]
        if valid.size == 0:
            continue
        cut = np.sort(valid)[::-1][max(1, math.ceil(DECILE_SHARE * valid.size)) - 1]
        out[:, j] = np.isfinite(column) & (column >= cut) & (column > 0)
    return out.sum(axis=1) >= DECILE_MOST


def run_length(flags: np.ndarray) -> np.ndarray:
    """How many of the last columns in a row are True, unbroken, counting back."""
    flags = np.asarray(flags, dtype=bool)
    if flags.shape[1] == 0:
        return np.zeros(flags.shape[0], dtype=int)
    # The last False, counted from the end; a row with none is True throughout.
    reversed_ = flags[:, ::-1]
    first_false = np.argmax(~reversed_, axis=1)
    return np.where(reversed_.all(axis=1), flags.shape[1], first_false)


# -- rates -----------------------------------------------------------------------------------


def eb_rates(counts: ArrayLike, population: ArrayLike) -> np.ndarray:
    """Empirical-Bayes-smoothed rates (global, method of moments; Marshall 1991, with the
    moment estimators Assunção and Reis 1999 use), as events per person.

    Each raw rate r_i = y_i / n_i is pulled towards London's rate b = sum y / sum n by
    a weight w_i = a / (a + b / n_i), where a = s^2 - b / mean(n) estimates the
    variance of the true rates and s^2 = sum n_i (r_i - b)^2 / sum n_i. A small area's
    rate, which is mostly noise, moves most. When a comes out negative (no more
    spread than chance), it is set to 0 and every area gets London's rate.
    Areas without a population (NaN or 0) get NaN and are left out of the estimates.
    """
    y = np.asarray(counts, dtype=float)
    n = np.asarray(population, dtype=float)
    out = np.full(y.shape, np.nan)
    ok = np.isfinite(y) & np.isfinite(n) & (n > 0)
    if not ok.any():
        return out
    y_ok, n_ok = y[ok], n[ok]
    b = y_ok.sum() / n_ok.sum()
    r = y_ok / n_ok
    s2 = (n_ok * (r - b) ** 2).sum() / n_ok.sum()
    a = max(s2 - b / n_ok.mean(), 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        w = np.where(a > 0, a / (a + b / n_ok), 0.0)
    out[ok] = b + w * (r - b)
    return out


# -- trend -----------------------------------------------------------------------------------


def seasonal_mann_kendall(
    values: ArrayLike, period: int = WINDOW
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The seasonal Kendall test (Hirsch, Slack and Smith 1982) of each row of `values`
    (areas x months, oldest first), with each calendar month a season.

    Within each season g the Mann-Kendall S_g compares every later value with every
    earlier one (+1 higher, -1 lower); S = sum S_g, and Var(S) = sum Var(S_g) with
    Var(S_g) = (m(m-1)(2m+5) - sum_t t(t-1)(2t+5)) / 18 for m values in the season and
    ties of size t. Comparing January with January only, a seasonal pattern cannot
    pass for a trend. Z = (S - 1) / sqrt(Var) for S > 0, (S + 1) / sqrt(Var) for S < 0
    (continuity correction), 0 for S = 0; the p-value is two-sided, normal. Seasons
    are assumed independent of each other. NaN months are left out of their season.
    Returns S, Var(S), Z and p for each row; a row with Var(S) = 0 has Z 0 and p 1.
    """
    x = np.atleast_2d(np.asarray(values, dtype=float))
    rows, months = x.shape
    if months < 2 * period:
        raise ValueError(f"a seasonal trend test needs two values in each season: {months} months")
    s = np.zeros(rows)
    var = np.zeros(rows)
    for g in range(period):
        season = x[:, g::period]  # rows x m
        m = np.isfinite(season).sum(axis=1)
        later = season[:, None, :] - season[:, :, None]  # [row, i, j] = x_j - x_i
        upper = np.triu(np.ones((season.shape[1],) * 2, dtype=bool), k=1)
        s += np.nan_to_num(np.sign(later[:, upper])).sum(axis=1)
        # Tie sizes: each value's number of equal values, itself included; a group of
        # size t then adds t times (t - 1)(2t + 5).
        equal = (season[:, :, None] == season[:, None, :]).sum(axis=2)
        ties = np.where(np.isfinite(season), (equal - 1) * (2 * equal + 5), 0).sum(axis=1)
        var += (m * (m - 1) * (2 * m + 5) - ties) / 18
    with np.errstate(invalid="ignore", divide="ignore"):
        z = np.where(var > 0, (s - np.sign(s)) / np.sqrt(var), 0.0)
    p = np.where(var > 0, 2 * stats.norm.sf(np.abs(z)), 1.0)
    return s, var, z, p


# -- emerging classes -----------------------------------------------------------------------


def emerging_classes(hot: np.ndarray, cold: np.ndarray, trend: np.ndarray) -> np.ndarray:
    """The emerging class of each area from its Gi* hot and cold windows (areas x
    windows, oldest first) and the sign of a significant trend (+1, -1, or 0 for none).

    Follows the definitions of emerging hot-spot analysis (ArcGIS), with "former"
    (for ArcGIS's "historical") asking only that the area was a hot spot in at least
    half of the windows before the latest, since a 90% rule would leave almost no
    area that has stopped being one.
    """
    hot = np.asarray(hot, dtype=bool)
    cold = np.asarray(cold, dtype=bool)
    trend = np.asarray(trend)
    n, steps = hot.shape
    out = np.full(n, NO_PATTERN, dtype=object)
    if steps == 0:
        return out
    latest = hot[:, -1]
    share = hot.mean(axis=1)
    earlier = hot[:, :-1]
    run = run_length(hot)
    before_run = np.array([hot[i, : steps - run[i]].any() for i in range(n)])
    ever_cold = cold.any(axis=1)
    established = latest & (share >= ESTABLISHED)
    out[established & (trend > 0)] = INTENSIFYING
    out[established & (trend < 0)] = DIMINISHING
    out[established & (trend == 0)] = STEADY
    rest = latest & ~established
    first = rest & ~earlier.any(axis=1) if steps > 1 else rest
    out[first] = NEW
    rest &= ~first
    out[rest & ~before_run & ~ever_cold] = CONSECUTIVE
    rest &= before_run | ever_cold
    out[rest & ever_cold] = OSCILLATING
    out[rest & ~ever_cold] = SPORADIC
    if steps > 1:
        former = ~latest & (earlier.mean(axis=1) >= 0.5)
        out[former] = FORMER
    return out


def confidence(q: np.ndarray) -> np.ndarray:
    """The false-discovery level a Gi* q-value passes, as the page has written it:
    99 (q < 0.01), 95 (q < 0.05), else 0. There is no 90: q < 0.10 gets no word."""
    q = np.nan_to_num(np.asarray(q, dtype=float), nan=1.0)
    return np.where(q < STRONG_Q, 99, np.where(q < HOT_Q, 95, 0))


# -- words -------------------------------------------------------------------------------------


def plural(n: int, word: str) -> str:
    return f"{n:,} {word}" if n == 1 else f"{n:,} {word}s"


def share_words(share: float) -> str:
    return f"{share * 100:g}%"


def persistence_reason(top_years: int, years: int, share: float = PERSISTENT_SHARE) -> str:
    return (
        f"among London's top {share_words(share)} by count in {top_years} of the last "
        f"{years} separate 12-month years"
    )


def reasons(row: pd.Series | dict) -> list[str]:
    """Why an area is listed, in the table's words; row keys as in geo.hotspots."""
    out = []
    if row["persistent"]:
        out.append("persistent hot spot: " + persistence_reason(row["top_years"], row["years"]))
    q = float(row["q"])
    if row["hot"]:
        out.append(f"Gi* hot spot in the latest 12 months (q = {q:.3f})")
    elif row["cold"]:
        out.append(f"Gi* cold spot in the latest 12 months (q = {q:.3f})")
    if row["class"]:
        out.append(
            f"{row['class']} Gi* hot spot (hot in {int(row['hot_windows'])} of "
            f"{int(row['windows'])} windows)"
        )
    return out


# The map groups the findings in five, strongest first; an area in none is "not flagged".
ESTABLISHED_SPOT = "established"
EMERGING_SPOT = "emerging"
FORMER_SPOT = "former"
PERSISTENT_ONLY = "persistent"
NOT_FLAGGED = "none"
CATEGORIES = (ESTABLISHED_SPOT, EMERGING_SPOT, FORMER_SPOT, PERSISTENT_ONLY, NOT_FLAGGED)
CATEGORY_LABELS = {
    ESTABLISHED_SPOT: "Lasting Gi* hot spot (intensifying, steady or diminishing)",
    EMERGING_SPOT: "Emerging Gi* hot spot (new, consecutive, sporadic or oscillating)",
    FORMER_SPOT: "Former Gi* hot spot",
    PERSISTENT_ONLY: f"Persistent hot spot only (top {PERSISTENT_SHARE:.0%} by count in each "
    "separate year)",
    NOT_FLAGGED: "Not flagged",
}
_CATEGORY_OF_CLASS = {
    INTENSIFYING: ESTABLISHED_SPOT,
    STEADY: ESTABLISHED_SPOT,
    DIMINISHING: ESTABLISHED_SPOT,
    NEW: EMERGING_SPOT,
    CONSECUTIVE: EMERGING_SPOT,
    SPORADIC: EMERGING_SPOT,
    OSCILLATING: EMERGING_SPOT,
    FORMER: FORMER_SPOT,
}


def category(hot_class: str, is_persistent: bool) -> str:
    if hot_class:
        return _CATEGORY_OF_CLASS[hot_class]
    return PERSISTENT_ONLY if is_persistent else NOT_FLAGGED
