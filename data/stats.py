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

import numpy as np
from numpy.typing import ArrayLike
from scipy import stats

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


def _percent(change: float) -> str:
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
    return f"{direction} {_percent(abs(change))}, {judgement}"


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
