"""The statistics behind the dashboard's words "up", "down", "unusual" and "unreliable".

Crime counts in one borough or ward are small and noisy, so a change is judged on the
counts themselves (an exact test for two Poisson counts), many areas at once are
corrected for false discoveries (Benjamini-Hochberg), and areas are compared on a
funnel plot rather than a league table. Everything here works on plain numbers or
numpy arrays so that it can be tested without a data version.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike
from scipy import special, stats

# Figures built on fewer events than this are marked as unreliable in pages and
# downloads (see PRODUCT.md, "Low counts").
LOW_COUNT = 10

FUNNEL_LEVELS = (0.95, 0.998)
# A change is called statistically significant when its q-value (or, for one area on
# its own, its p-value) is below this.
SIGNIFICANCE = 0.05


def _count(value: object, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        if isinstance(value, float | np.floating) and float(value).is_integer():
            value = int(value)
        else:
            raise ValueError(f"{name} must be a whole number of events, not {value!r}")
    if value < 0:
        raise ValueError(f"{name} must not be negative, not {value!r}")
    return int(value)


def _positive(value: float, name: str) -> float:
    value = float(value)
    if not math.isfinite(value) or value <= 0:
        raise ValueError(f"{name} must be a positive number, not {value!r}")
    return value


def poisson_change_test(
    count_now: int,
    count_before: int,
    exposure_now: float = 1.0,
    exposure_before: float = 1.0,
) -> float:
    """Two-sided p-value for "the rate has not changed" between two periods.

    Conditional on the total n = now + before, the count now is Binomial(n, share)
    under the null, where share is the exposure now over the total exposure; this is
    exact for any counts, unlike a normal approximation, which fails on the small
    counts of single wards.
    """
    now = _count(count_now, "count_now")
    before = _count(count_before, "count_before")
    e_now = _positive(exposure_now, "exposure_now")
    e_before = _positive(exposure_before, "exposure_before")
    n = now + before
    if n == 0:
        return 1.0
    share = e_now / (e_now + e_before)
    p = stats.binomtest(now, n, share, alternative="two-sided").pvalue
    return float(min(max(p, 0.0), 1.0))


def benjamini_hochberg(pvalues: ArrayLike) -> np.ndarray:
    """Benjamini-Hochberg q-values (adjusted p-values); NaN stays NaN.

    Flagging 32 boroughs or 679 wards at p < 0.05 would mark one or more by chance
    alone; a q-value below 0.05 keeps the expected share of false flags under 5%.
    """
    p = np.asarray(pvalues, dtype=float)
    shape = p.shape
    flat = p.ravel()
    q = np.full(flat.shape, np.nan)
    valid = ~np.isnan(flat)
    tested = flat[valid]
    if tested.size == 0:
        return q.reshape(shape)
    if np.any((tested < 0) | (tested > 1)):
        raise ValueError("p-values must lie between 0 and 1")
    m = tested.size
    order = np.argsort(tested, kind="stable")
    ranked = tested[order] * m / np.arange(1, m + 1)
    # Monotone from the largest p down: each q is the smallest adjusted value at or
    # above its rank.
    ranked = np.minimum.accumulate(ranked[::-1])[::-1]
    adjusted = np.empty(m)
    adjusted[order] = np.minimum(ranked, 1.0)
    q[valid] = adjusted
    return q.reshape(shape)


def _level(level: float) -> float:
    level = float(level)
    if not 0 < level < 1:
        raise ValueError(f"level must be between 0 and 1 (e.g. 0.95), not {level!r}")
    return level


def poisson_interval(
    count: ArrayLike, level: float = 0.95
) -> tuple[float | np.ndarray, float | np.ndarray]:
    """Exact (Garwood) confidence limits for the mean of a Poisson count.

    The chi-square form never gives a negative lower limit and stays valid for a
    count of 0, where the lower limit is 0.
    """
    alpha = 1 - _level(level)
    k = np.asarray(count, dtype=float)
    if np.any(k < 0) or np.any(k != np.floor(k)):
        raise ValueError("counts must be whole numbers of events, not negative")
    with np.errstate(invalid="ignore"):
        low = np.where(k > 0, stats.chi2.ppf(alpha / 2, 2 * k) / 2, 0.0)
    high = stats.chi2.ppf(1 - alpha / 2, 2 * k + 2) / 2
    if k.ndim == 0:
        return float(low), float(high)
    return low, high


def _interpolated_quantile(p: float, mean: np.ndarray) -> np.ndarray:
    """Poisson quantile made continuous by Spiegelhalter's (2005) interpolation.

    The plain quantile is a whole number, so limits drawn from it are a staircase
    whose coverage jumps with population. With r the p-quantile, the limit is
    r - (F(r) - p) / (F(r) - F(r - 1)): the inverse of the CDF drawn as straight
    lines between whole counts.
    """
    r = stats.poisson.ppf(p, mean)
    f_r = stats.poisson.cdf(r, mean)
    f_below = stats.poisson.cdf(r - 1, mean)
    step = f_r - f_below
    with np.errstate(invalid="ignore", divide="ignore"):
        alpha = np.where(step > 0, (f_r - p) / step, 0.0)
    return np.maximum(r - alpha, 0.0)


def funnel_limits(
    london_rate: float,
    populations: ArrayLike,
    per: float = 1000.0,
    levels: Iterable[float] = FUNNEL_LEVELS,
    *,
    interpolate: bool = True,
) -> dict[float, tuple[np.ndarray, np.ndarray]]:
    """Control limits, as rates per `per` residents, for areas of each population.

    An area whose true rate equals London's falls outside the 95% limits about one
    time in 20 and outside the 99.8% limits about one time in 500. Limits are exact
    Poisson quantiles of the expected count (London rate x population), interpolated
    between whole counts as in Spiegelhalter (2005) unless `interpolate` is False.
    """
    rate = float(london_rate)
    if not math.isfinite(rate) or rate < 0:
        raise ValueError(f"the London rate must be a non-negative number, not {london_rate!r}")
    per = _positive(per, "per")
    pop = np.asarray(populations, dtype=float)
    if np.any(~np.isfinite(pop)) or np.any(pop <= 0):
        raise ValueError("populations must be positive numbers")
    expected = rate * pop / per
    limits: dict[float, tuple[np.ndarray, np.ndarray]] = {}
    for level in levels:
        alpha = 1 - _level(level)
        if interpolate:
            low = _interpolated_quantile(alpha / 2, expected)
            high = _interpolated_quantile(1 - alpha / 2, expected)
        else:
            low = stats.poisson.ppf(alpha / 2, expected)
            high = stats.poisson.ppf(1 - alpha / 2, expected)
        # With a London rate of 0 every expected count is 0: both limits are 0.
        low = np.where(expected > 0, low, 0.0)
        high = np.where(expected > 0, high, 0.0)
        limits[level] = (low / pop * per, high / pop * per)
    return limits


def is_low_count(n: float) -> bool:
    return n < LOW_COUNT


def percent_words(change: float) -> str:
    """A percentage change in words: "less than 1%", "35%", "more than 99%"."""
    # Rounding must not turn a small change into "0%" or a fall to 3 into "100%".
    if change < 1:
        return "less than 1%"
    if 99 < change < 100:
        return "more than 99%"
    return f"{round(change):,}%"


def change_verdict(
    count_now: int, count_before: int, q_or_p: float, alpha: float = SIGNIFICANCE
) -> str:
    """The change between two periods in words a resident can read.

    The percentage is always given, but "statistically significant" only when the
    test (ideally its Benjamini-Hochberg q-value) passes, so a rise of 50% from 2 to
    3 is not presented as news.
    """
    now = _count(count_now, "count_now")
    before = _count(count_before, "count_before")
    if now == before:
        return "no change"
    significant = q_or_p is not None and not math.isnan(q_or_p) and q_or_p < alpha
    if significant:
        judgement = "a statistically significant " + ("rise" if now > before else "fall")
    else:
        judgement = "not a statistically significant change"
    if before == 0:
        return f"up from 0 to {now:,}, {judgement}"
    change = (now - before) / before * 100
    direction = "up" if change > 0 else "down"
    return f"{direction} {percent_words(abs(change))}, {judgement}"


def p_text(p: float) -> str:
    """ "p = 0.003", "p < 0.001", "p = 0.21": a p-value as a page prints it."""
    if p is None or not math.isfinite(p):
        return ""
    if p < 0.001:
        return "p < 0.001"
    return f"p = {p:.3f}" if p < 0.01 else f"p = {p:.2f}"


def own_change_words(verdict: str, interval: str, p: float) -> str:
    """One area's own change in words: its verdict, then the interval of the rate ratio
    and its own p-value in brackets, e.g. "down 49%, a statistically significant fall
    (95% interval 19% to 69% down; p = 0.003)"."""
    _, _, span = (interval or "").partition(", ")
    extra = "; ".join(part for part in (span, p_text(p)) if part)
    return f"{verdict} ({extra})" if verdict and extra else verdict


def binomial_interval(
    successes: ArrayLike, trials: ArrayLike, level: float = 0.95
) -> tuple[float | np.ndarray, float | np.ndarray]:
    """Exact (Clopper-Pearson) confidence limits for a proportion successes / trials.

    Never outside 0 to 1, and valid at 0 and at `trials` successes, where the normal
    approximation gives nonsense; NaN where there are no trials.
    """
    alpha = 1 - _level(level)
    k = np.asarray(successes, dtype=float)
    n = np.asarray(trials, dtype=float)
    if np.any(k < 0) or np.any(k != np.floor(k)) or np.any(n != np.floor(n)):
        raise ValueError("successes and trials must be whole numbers, not negative")
    if np.any(k > n):
        raise ValueError("successes cannot exceed trials")
    with np.errstate(invalid="ignore", divide="ignore"):
        low = np.where(k > 0, stats.beta.ppf(alpha / 2, k, n - k + 1), 0.0)
        high = np.where(k < n, stats.beta.ppf(1 - alpha / 2, k + 1, n - k), 1.0)
    low = np.where(n > 0, low, np.nan)
    high = np.where(n > 0, high, np.nan)
    if k.ndim == 0 and n.ndim == 0:
        return float(low), float(high)
    return low, high


def _proportions(p: ArrayLike, n: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    p, n = np.broadcast_arrays(np.asarray(p, dtype=float), np.asarray(n, dtype=float))
    finite = np.isfinite(p) & np.isfinite(n)
    if np.any((p[finite] < 0) | (p[finite] > 1)):
        raise ValueError("proportions must lie between 0 and 1")
    if np.any(n[finite] <= 0):
        raise ValueError("sample sizes must be positive")
    return p, n


def proportion_interval(
    p: ArrayLike, n: ArrayLike, level: float = 0.95
) -> tuple[float | np.ndarray, float | np.ndarray]:
    """Wilson score limits for a proportion `p` observed in a sample of `n`.

    Unlike p +/- 1.96 standard errors, the limits stay inside 0 to 1 and keep their
    coverage near the ends, where a survey measure of a rare worry would sit. NaN in,
    NaN out.
    """
    z = stats.norm.ppf(1 - (1 - _level(level)) / 2)
    p, n = _proportions(p, n)
    with np.errstate(invalid="ignore", divide="ignore"):
        denominator = 1 + z * z / n
        centre = (p + z * z / (2 * n)) / denominator
        half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    # Exactly 0 and 1 at the ends, which rounding would otherwise miss by 1e-16.
    low = np.where(p == 0, 0.0, np.clip(centre - half, 0, 1))
    high = np.where(p == 1, 1.0, np.clip(centre + half, 0, 1))
    if low.ndim == 0:
        return float(low), float(high)
    return low, high


def mann_kendall(values: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """Mann-Kendall trend test of each row of `values` (areas x equally spaced times).

    Returns S (positive for a rising series) and the two-sided p-value from the
    normal approximation with the variance corrected for tied values, which monthly
    counts of a few offences have in plenty. This is Kendall's tau between time and
    value, so it agrees with `scipy.stats.kendalltau(..., method="asymptotic")`.
    A row that never changes has S = 0 and p = 1.
    """
    x = np.atleast_2d(np.asarray(values, dtype=float))
    n = x.shape[1]
    if n < 3:
        raise ValueError(f"a trend test needs at least 3 times, not {n}")
    upper = np.triu(np.ones((n, n), dtype=bool), k=1)
    signs = np.sign(x[:, None, :] - x[:, :, None])  # [row, i, j] = sign(x_j - x_i)
    s = signs[:, upper].sum(axis=1)
    ties = np.zeros(x.shape[0])
    ordered = np.sort(x, axis=1)
    # Sizes of runs of equal values in each sorted row: sum t(t-1)(2t+5).
    for row, line in enumerate(ordered):
        _, t = np.unique(line, return_counts=True)
        ties[row] = (t * (t - 1) * (2 * t + 5)).sum()
    variance = (n * (n - 1) * (2 * n + 5) - ties) / 18
    with np.errstate(invalid="ignore", divide="ignore"):
        z = np.where(variance > 0, s / np.sqrt(variance), 0.0)
    p = 2 * stats.norm.sf(np.abs(z))
    return s, np.where(variance > 0, p, 1.0)


def two_proportion_test(
    p1: ArrayLike, n1: ArrayLike, p2: ArrayLike, n2: ArrayLike
) -> float | np.ndarray:
    """Two-sided p-value for "both samples come from the same proportion".

    The pooled z-test (the same as a chi-square test of the 2 x 2 table without
    continuity correction) for two independent samples. NaN where either is missing.
    """
    p1, n1 = _proportions(p1, n1)
    p2, n2 = _proportions(p2, n2)
    with np.errstate(invalid="ignore", divide="ignore"):
        pooled = (p1 * n1 + p2 * n2) / (n1 + n2)
        se = np.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
        z = np.abs(p1 - p2) / se
        p = np.where(se > 0, 2 * stats.norm.sf(z), np.where(p1 == p2, 1.0, 0.0))
    p = np.where(np.isfinite(p1) & np.isfinite(p2) & np.isfinite(n1) & np.isfinite(n2), p, np.nan)
    return float(p) if p.ndim == 0 else p


# --- change allowing for overdispersion ------------------------------------------------
#
# Monthly crime counts vary more than a Poisson count would: events cluster (one
# incident, several offences), and the underlying rate drifts from month to month. The
# change test treats the counts as quasi-Poisson: variance = dispersion x mean, with
# the dispersion estimated from the monthly counts themselves.


def paired_dispersion(now: ArrayLike, before: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """Pearson X2 and its degrees of freedom, per area, for the monthly counts of two
    periods of equal length set side by side, month i of one against month i of the other.

    `now` and `before` are areas x months. This is the Pearson statistic of the
    quasi-Poisson model log(mean) = month + period, the independence model of each
    area's 2 x k table: when each month is the same calendar month a year earlier, the
    seasonal swing is in the model and is not counted as noise. A month with no events
    in either period, or a period with none at all, carries no information about the
    spread, so the degrees of freedom are (periods with events - 1) x (months with
    events - 1).
    """
    a = np.atleast_2d(np.asarray(now, dtype=float))
    b = np.atleast_2d(np.asarray(before, dtype=float))
    if a.shape != b.shape:
        raise ValueError("the two periods must have the same areas and number of months")
    if np.any(a < 0) or np.any(b < 0) or np.any(~np.isfinite(a)) or np.any(~np.isfinite(b)):
        raise ValueError("monthly counts must be finite and not negative")
    months = a + b
    rows = np.stack([a.sum(axis=1), b.sum(axis=1)], axis=1)
    total = rows.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(total[:, None] > 0, rows / total[:, None], 0.0)
        x2 = np.zeros(len(a))
        for observed, column in ((a, 0), (b, 1)):
            expected = months * share[:, column][:, None]
            x2 += np.where(expected > 0, (observed - expected) ** 2 / expected, 0.0).sum(axis=1)
    df = ((rows > 0).sum(axis=1) - 1).clip(min=0) * ((months > 0).sum(axis=1) - 1).clip(min=0)
    return x2, df.astype(int)


@dataclass(frozen=True)
class Dispersion:
    """How much more monthly counts vary than Poisson chance: variance = factor x mean."""

    factor: float  # used by the tests: the estimate, never below 1; 1 with nothing to estimate
    estimate: float  # pooled Pearson X2 / df before the floor; NaN when df is 0
    df: int
    areas: int  # areas whose counts gave it

    @property
    def floored(self) -> bool:
        """True when the estimate was below 1 (or missing) and Poisson was used instead."""
        return not (self.estimate > 1)


POISSON = Dispersion(1.0, float("nan"), 0, 0)


def pooled_dispersion(x2: ArrayLike, df: ArrayLike) -> Dispersion:
    """One dispersion for every area of a level: sum of X2 over sum of df.

    A single ward's own estimate from 11 degrees of freedom has a standard error of
    about 40% of its value; pooling 679 wards' gives a stable figure, and on the real
    data the per-area estimates do not grow with the size of the area (see METHODS.md,
    section 2), which is what a shared quasi-Poisson factor assumes. An estimate below 1
    is chance in the estimate (counts cannot be steadier than Poisson) and is floored.
    """
    x2 = np.asarray(x2, dtype=float).ravel()
    df = np.asarray(df, dtype=float).ravel()
    used = df > 0
    total_df = int(df[used].sum())
    if total_df == 0:
        return POISSON
    estimate = float(x2[used].sum() / total_df)
    return Dispersion(max(1.0, estimate), estimate, total_df, int(used.sum()))


def _tail_below(x: np.ndarray, n: np.ndarray, p0: np.ndarray) -> np.ndarray:
    """P(X <= x) for X ~ Binomial(n, p0), continued to real x and n by the beta function."""
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(x >= n, 1.0, special.betainc(np.maximum(n - x, 1e-300), x + 1, 1 - p0))


def _tail_above(x: np.ndarray, n: np.ndarray, p0: np.ndarray) -> np.ndarray:
    """P(X >= x) for X ~ Binomial(n, p0), continued to real x and n by the beta function."""
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(x <= 0, 1.0, special.betainc(np.maximum(x, 1e-300), n - x + 1, p0))


@dataclass(frozen=True)
class ChangeTest:
    """The change between two periods, allowing for overdispersion (arrays, one per area).

    rate_ratio is the rate now over the rate before (per month); low and high are its
    95% limits. p is two-sided for "the rate has not changed". NaN where both periods
    have no events (p is then 1: nothing changed).
    """

    p: float | np.ndarray
    rate_ratio: float | np.ndarray
    low: float | np.ndarray
    high: float | np.ndarray


def quasi_poisson_change(
    count_now: ArrayLike,
    count_before: ArrayLike,
    dispersion: ArrayLike = 1.0,
    exposure_now: ArrayLike = 1.0,
    exposure_before: ArrayLike = 1.0,
    level: float = 0.95,
) -> ChangeTest:
    """Rate ratio, its interval and p-value for two counts whose variance is
    `dispersion` x mean.

    Conditional on the total, the count now is binomial under Poisson variation; with
    overdispersion it varies `dispersion` times as much. Rao and Scott (1992) divide
    the counts by that factor (the effective counts) and apply the usual method: here
    the exact conditional test and the Clopper-Pearson limits, written through the
    beta function so that they hold for effective counts that are not whole numbers
    (as Korn and Graubard 1998 do for survey proportions). With a dispersion of 1 this
    is exactly the exact binomial test and its Clopper-Pearson interval; for large
    counts it agrees with the Wald test of a quasi-Poisson GLM. The p-value is the
    doubled smaller tail, so p < 1 - level exactly when the interval excludes 1.
    """
    now = np.asarray(count_now, dtype=float)
    before = np.asarray(count_before, dtype=float)
    phi = np.asarray(dispersion, dtype=float)
    e_now = np.asarray(exposure_now, dtype=float)
    e_before = np.asarray(exposure_before, dtype=float)
    now, before, phi, e_now, e_before = np.broadcast_arrays(now, before, phi, e_now, e_before)
    finite = np.isfinite(now) & np.isfinite(before)
    if np.any(now[finite] < 0) or np.any(before[finite] < 0):
        raise ValueError("counts must not be negative")
    if np.any(~(phi >= 1)):
        raise ValueError("the dispersion must be at least 1 (Poisson)")
    if np.any(~(e_now > 0)) or np.any(~(e_before > 0)):
        raise ValueError("exposures must be positive")
    alpha = 1 - _level(level)
    x = now / phi
    n = (now + before) / phi
    p0 = e_now / (e_now + e_before)
    odds = e_before / e_now
    with np.errstate(invalid="ignore", divide="ignore"):
        tails = np.minimum(_tail_below(x, n, p0), _tail_above(x, n, p0))
        p = np.where(n > 0, np.minimum(1.0, 2 * tails), 1.0)
        share_low = np.where(x > 0, stats.beta.ppf(alpha / 2, x, n - x + 1), 0.0)
        share_high = np.where(x < n, stats.beta.ppf(1 - alpha / 2, x + 1, n - x), 1.0)
        ratio = np.where(before > 0, now / before * odds, np.where(now > 0, np.inf, np.nan))
        low = share_low / (1 - share_low) * odds
        high = np.where(share_high < 1, share_high / (1 - share_high) * odds, np.inf)
    empty = ~finite | (n <= 0)
    p = np.where(finite, p, np.nan)
    ratio, low, high = (np.where(empty, np.nan, v) for v in (ratio, low, high))
    if np.ndim(p) == 0:
        return ChangeTest(float(p), float(ratio), float(low), float(high))
    return ChangeTest(p, ratio, low, high)


def relative_change(
    area_now: ArrayLike,
    area_before: ArrayLike,
    rest_now: ArrayLike,
    rest_before: ArrayLike,
    area_dispersion: ArrayLike = 1.0,
    rest_dispersion: ArrayLike = 1.0,
    level: float = 0.95,
) -> ChangeTest:
    """An area's rate ratio divided by the rest of London's, with its interval and p.

    "Fell 20% while the rest of London fell 18%" is a ratio of 0.98: in line with
    London. The area is set against London less the area, so that the two are
    independent. Each count's variance is its dispersion x its mean; the ratio of
    ratios is judged on the log scale (Wald), which needs every count above zero: NaN
    otherwise. Equal period lengths are assumed, as the dashboard always compares.
    """
    counts = [np.asarray(v, dtype=float) for v in (area_now, area_before, rest_now, rest_before)]
    phis = [np.asarray(v, dtype=float) for v in (area_dispersion, rest_dispersion)]
    a1, a0, r1, r0, phi_a, phi_r = np.broadcast_arrays(*counts, *phis)
    z = stats.norm.ppf(1 - (1 - _level(level)) / 2)
    ok = (a1 > 0) & (a0 > 0) & (r1 > 0) & (r0 > 0)
    with np.errstate(invalid="ignore", divide="ignore"):
        log_ratio = np.log(a1 / a0) - np.log(r1 / r0)
        se = np.sqrt(phi_a * (1 / a1 + 1 / a0) + phi_r * (1 / r1 + 1 / r0))
        p = 2 * stats.norm.sf(np.abs(log_ratio) / se)
        bounds = (np.exp(log_ratio), np.exp(log_ratio - z * se), np.exp(log_ratio + z * se))
    values = [np.where(ok, v, np.nan) for v in (p, *bounds)]
    if np.ndim(a1) == 0:
        return ChangeTest(*(float(v) for v in values))
    return ChangeTest(*values)


def rate_ratio_words(ratio: float, low: float, high: float) -> str:
    """ "down 49%, 95% interval 23% to 66% down": a rate ratio and its limits as changes.

    Empty when there is no ratio. The nearer end of the interval comes first.
    """
    ratio, low, high = float(ratio), float(low), float(high)
    if not math.isfinite(ratio) or math.isnan(low) or math.isnan(high):
        return ""

    def change(r: float) -> tuple[str, str]:
        if math.isinf(r):
            return "up", "without limit"
        if r == 1:
            return "", "no change"
        pct = percent_words(abs(r - 1) * 100)
        return ("up", pct) if r > 1 else ("down", pct)

    direction, size = change(ratio)
    head = f"{direction} {size}" if direction else "no change"
    (d_low, s_low), (d_high, s_high) = change(low), change(high)
    if d_low == d_high == "down":
        span = f"{s_high} to {s_low} down"
    elif d_low == d_high == "up":
        span = f"{s_low} to {s_high} up"
    else:
        lower = f"{s_low} down" if d_low == "down" else s_low
        upper = f"{s_high} up" if d_high == "up" else s_high
        span = f"{lower} to {upper}"
    return f"{head}, 95% interval {span}"


# --- funnel plots allowing for overdispersion (Spiegelhalter 2005) -------------------

# Share of z-scores pulled in at each end before the overdispersion is estimated: the
# lowest 10% are set to the 10th percentile and the highest 10% to the 90th
# (Spiegelhalter 2005; Spiegelhalter et al. 2012), so that the few areas being
# screened for do not inflate the spread they are judged against.
WINSOR_TAIL = 0.10


@dataclass(frozen=True)
class Overdispersion:
    """How much more areas' rates differ than Poisson chance, on a funnel's rate scale.

    phi: the mean squared Winsorised z-score (1 under pure Poisson variation).
    tau2: the between-area variance of the underlying rate (per `per` residents,
    squared), DerSimonian-Laird from phi; 0 when phi shows no overdispersion.
    """

    phi: float
    tau2: float
    areas: int
    per: float

    @property
    def tau(self) -> float:
        """The between-area standard deviation of the rate, per `per` residents."""
        return math.sqrt(self.tau2)


def funnel_z_scores(
    counts: ArrayLike, populations: ArrayLike, london_rate: float, per: float = 1000.0
) -> np.ndarray:
    """(rate - London's) / its Poisson standard error at the area's population."""
    c = np.asarray(counts, dtype=float)
    n = np.asarray(populations, dtype=float)
    rate = c / n * per
    with np.errstate(invalid="ignore", divide="ignore"):
        return (rate - london_rate) / np.sqrt(london_rate * per / n)


def winsorised(values: ArrayLike, tail: float = WINSOR_TAIL) -> np.ndarray:
    """`values` with those below the `tail` quantile raised to it and those above the
    1 - `tail` quantile lowered to it (quantiles as numpy's default, R's type 7)."""
    v = np.asarray(values, dtype=float)
    if v.size == 0:
        return v
    low, high = np.quantile(v, [tail, 1 - tail])
    return np.clip(v, low, high)


def funnel_overdispersion(
    counts: ArrayLike,
    populations: ArrayLike,
    london_rate: float,
    per: float = 1000.0,
    tail: float = WINSOR_TAIL,
) -> Overdispersion:
    """Spiegelhalter's (2005) overdispersion of areas' rates about London's.

    phi = mean of the squared Winsorised z-scores; the additive random-effects
    variance is tau2 = (I phi - (I - 1)) / (sum w - sum w^2 / sum w), w = 1 / s^2,
    s the Poisson standard error of each area's rate, and 0 when I phi <= I - 1
    (DerSimonian and Laird 1986, as Spiegelhalter 2005 uses it).
    """
    c = np.asarray(counts, dtype=float)
    n = np.asarray(populations, dtype=float)
    ok = np.isfinite(c) & np.isfinite(n) & (n > 0)
    c, n = c[ok], n[ok]
    areas = int(ok.sum())
    if areas < 2 or not (london_rate > 0):
        return Overdispersion(float("nan"), 0.0, areas, per)
    z = winsorised(funnel_z_scores(c, n, london_rate, per), tail)
    phi = float(np.mean(z**2))
    w = n / (london_rate * per)  # 1 / s^2
    spread = w.sum() - (w**2).sum() / w.sum()
    tau2 = max(0.0, (areas * phi - (areas - 1)) / spread) if spread > 0 else 0.0
    return Overdispersion(phi, float(tau2), areas, per)


def overdispersed_limits(
    london_rate: float,
    populations: ArrayLike,
    tau2: float,
    per: float = 1000.0,
    levels: Iterable[float] = FUNNEL_LEVELS,
) -> dict[float, tuple[np.ndarray, np.ndarray]]:
    """Random-effects control limits: London's rate +/- z sqrt(s^2 + tau2).

    s^2 = London's rate x per / population is the Poisson variance of an area's rate.
    The limits are never inside the exact Poisson limits (at small expected counts the
    skewed Poisson upper limit can be the wider), never below zero, and, with no
    overdispersion (tau2 = 0), are the Poisson limits themselves.
    """
    levels = tuple(levels)
    poisson = funnel_limits(london_rate, populations, per=per, levels=levels)
    if not tau2 > 0:
        return poisson
    pop = np.asarray(populations, dtype=float)
    sd = np.sqrt(london_rate * per / pop + tau2)
    limits = {}
    for level in levels:
        z = stats.norm.ppf(1 - (1 - _level(level)) / 2)
        low, high = poisson[level]
        limits[level] = (
            np.maximum(np.minimum(london_rate - z * sd, low), 0.0),
            np.maximum(london_rate + z * sd, high),
        )
    return limits


# --- survey proportions: design effect and published rounding ------------------------

# The Public Attitude Survey is a weighted, clustered sample, so its figures are less
# precise than a simple random sample of the same size: the effective number of
# interviews is the number divided by the design effect (Kish 1965). See METHODS.md,
# section 5, for the choice of 1.5.
DESIGN_EFFECT = 1.5


def published_resolution(proportions: ArrayLike) -> float:
    """Half the rounding step of published proportions: 0.005 when every figure is a
    whole percentage (a published 47% is anything from 46.5% to 47.5%), 0.0005 for
    tenths of a point, 0 when the figures carry more precision than that."""
    p = np.asarray(proportions, dtype=float)
    p = p[np.isfinite(p)]
    if p.size == 0:
        return 0.0
    for step in (0.01, 0.001):
        units = p / step
        if np.all(np.abs(units - np.round(units)) < 1e-6):
            return step / 2
    return 0.0


def survey_interval(
    p: ArrayLike,
    n: ArrayLike,
    design_effect: float = DESIGN_EFFECT,
    resolution: float = 0.0,
    level: float = 0.95,
) -> tuple[float | np.ndarray, float | np.ndarray]:
    """Wilson limits for a published survey proportion, allowing for the design effect
    and for the rounding of the published figure.

    The sample is taken as n / design_effect effective interviews; the lower limit is
    that of the lowest value the published figure could have been rounded from, the
    upper limit that of the highest, so the interval covers every unrounded value.
    """
    if not design_effect >= 1:
        raise ValueError(f"the design effect must be at least 1, not {design_effect!r}")
    p, n = _proportions(p, n)
    effective = n / design_effect
    low, _ = proportion_interval(np.clip(p - resolution, 0, 1), effective, level)
    _, high = proportion_interval(np.clip(p + resolution, 0, 1), effective, level)
    low, high = np.asarray(low), np.asarray(high)
    if low.ndim == 0:
        return float(low), float(high)
    return low, high


def survey_difference_test(
    p1: ArrayLike,
    n1: ArrayLike,
    p2: ArrayLike,
    n2: ArrayLike,
    design_effect: float = DESIGN_EFFECT,
    resolution: float = 0.0,
) -> float | np.ndarray:
    """Two-sided p-value for two independent survey figures, allowing for the design
    effect and for rounding.

    Each sample counts as n / design_effect interviews, and the figures are moved
    towards each other by the rounding (`resolution` each): the least favourable pair
    of unrounded values, so a difference is only called significant when it would be
    whatever the figures were before rounding. Figures within a rounding step of each
    other could have been equal: p = 1.
    """
    if not design_effect >= 1:
        raise ValueError(f"the design effect must be at least 1, not {design_effect!r}")
    p1, n1 = _proportions(p1, n1)
    p2, n2 = _proportions(p2, n2)
    gap = np.abs(p1 - p2)
    step = np.minimum(resolution, gap / 2)
    sign = np.sign(p1 - p2)
    near1 = p1 - sign * step
    near2 = p2 + sign * step
    p = two_proportion_test(near1, n1 / design_effect, near2, n2 / design_effect)
    return p
