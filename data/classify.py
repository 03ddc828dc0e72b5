"""Map classes: which areas share a colour on a choropleth.

Counts and rates use natural breaks (Fisher-Jenks), which put each boundary where
the values are sparse, so areas with similar figures share a colour. The optimum is
found on the distinct values weighted by how often each occurs: tied values can
never be split between two classes, and the search runs over a few hundred distinct
values instead of every area. mapclassify's `FisherJenks` finds the same breaks, but
without numba it is pure Python and takes about 0.6 s for London's 679 wards, far too
slow for a click; this takes about a millisecond (tests compare the two).

Change is diverging and centred on zero: falls and rises of similar size get colours
of equal strength, and a middle class holds "little or no change". Its two thresholds
are round percentages taken from the spread of the changes themselves, so a map of
noisy ward changes and a map of steadier borough changes both use their classes.
"""

from __future__ import annotations

from dataclasses import dataclass

import mapclassify
import numpy as np
from numpy.typing import ArrayLike

SEQUENTIAL, DIVERGING = "sequential", "diverging"
CLASSES = 5

# Thresholds for change classes (per cent), rounded up to one of these. A fall cannot
# pass 100%, so neither threshold goes beyond 50%: otherwise a map of small, noisy
# counts (where most changes are -100% or +100%) would put every fall in one class.
_INNER_STEPS = (5, 10, 15, 20, 25)
_OUTER_STEPS = (10, 20, 25, 30, 40, 50)


@dataclass(frozen=True)
class MapClass:
    """One colour class.

    `lower` and `upper` are the bounds that define the class (None: open-ended);
    `smallest` and `largest` are the values actually in it (None when it is empty).
    """

    lower: float | None
    upper: float | None
    smallest: float | None
    largest: float | None
    count: int


@dataclass(frozen=True)
class Classification:
    kind: str
    classes: tuple[MapClass, ...]
    index: np.ndarray  # the class of each value; -1 where the value is missing

    @property
    def k(self) -> int:
        return len(self.classes)


def _finite(values: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    v = np.asarray(values, dtype=float)
    return v, np.isfinite(v)


def fisher_jenks_breaks(values: ArrayLike, k: int = CLASSES) -> np.ndarray:
    """Upper bounds of the k classes minimising the within-class sum of squares.

    Raises ValueError with fewer than k distinct finite values.
    """
    v, ok = _finite(values)
    distinct, weight = np.unique(v[ok], return_counts=True)
    m = len(distinct)
    if k < 1 or m < k:
        raise ValueError(f"{m} distinct values cannot make {k} classes")
    w = weight.astype(float)
    cum_w = np.concatenate([[0.0], np.cumsum(w)])
    cum_s = np.concatenate([[0.0], np.cumsum(w * distinct)])
    cum_q = np.concatenate([[0.0], np.cumsum(w * distinct**2)])
    # ssd[a, b]: sum of squared deviations of distinct[a:b] (a < b), inf elsewhere.
    a = np.arange(m + 1)[:, None]
    b = np.arange(m + 1)[None, :]
    with np.errstate(divide="ignore", invalid="ignore"):
        n = cum_w[b] - cum_w[a]
        s = cum_s[b] - cum_s[a]
        ssd = np.where(b > a, np.maximum(cum_q[b] - cum_q[a] - s * s / n, 0.0), np.inf)
    cost = ssd[0].copy()  # one class covering distinct[:b]
    choices = []
    for _ in range(1, k):
        total = cost[:, None] + ssd
        best = np.argmin(total, axis=0)
        choices.append(best)
        cost = total[best, np.arange(m + 1)]
    ends = [m]
    for best in reversed(choices):
        ends.append(int(best[ends[-1]]))
    ends.reverse()
    return distinct[np.asarray(ends) - 1]


def natural_breaks(values: ArrayLike, k: int = CLASSES) -> Classification:
    """Sequential classes for counts and rates; fewer than k when values are few."""
    v, ok = _finite(values)
    distinct = np.unique(v[ok])
    index = np.full(len(v), -1)
    if len(distinct) == 0:
        return Classification(SEQUENTIAL, (), index)
    k = min(k, len(distinct))
    uppers = fisher_jenks_breaks(v[ok], k)
    # mapclassify assigns each value to the first class whose upper bound it does
    # not exceed; the bounds are its own, so the two can never disagree.
    index[ok] = mapclassify.UserDefined(v[ok], uppers, lowest=float(distinct[0])).yb
    classes = []
    for i, upper in enumerate(uppers):
        members = v[ok][index[ok] == i]
        classes.append(
            MapClass(
                lower=None if i == 0 else float(uppers[i - 1]),
                upper=float(upper),
                smallest=float(members.min()),
                largest=float(members.max()),
                count=len(members),
            )
        )
    return Classification(SEQUENTIAL, tuple(classes), index)


def _round_up(value: float, steps: tuple[int, ...]) -> float:
    return float(next((step for step in steps if value <= step), steps[-1]))


def change_thresholds(values: ArrayLike) -> tuple[float, float]:
    """The inner and outer thresholds (per cent) of the diverging change classes.

    About a third of areas, by the size of their change, fall inside the inner one and
    a third beyond the outer one, before rounding up to round numbers.
    """
    v, ok = _finite(values)
    size = np.abs(v[ok])
    if size.size == 0:
        return 10.0, 25.0
    inner = _round_up(float(np.quantile(size, 1 / 3)), _INNER_STEPS)
    outer = _round_up(float(np.quantile(size, 2 / 3)), _OUTER_STEPS)
    if outer <= inner:
        outer = _round_up(inner + 1, _OUTER_STEPS)
    return inner, outer


def change_classes(values: ArrayLike) -> Classification:
    """Five classes of percentage change centred on zero.

    Down `outer`% or more | down `inner`% to `outer`% | within `inner`% either way |
    up `inner`% to `outer`% | up `outer`% or more.
    """
    v, ok = _finite(values)
    inner, outer = change_thresholds(v)
    bounds = (
        (None, -outer),
        (-outer, -inner),
        (-inner, inner),
        (inner, outer),
        (outer, None),
    )
    index = np.full(len(v), -1)
    index[ok] = np.select(
        [v[ok] <= -outer, v[ok] <= -inner, v[ok] < inner, v[ok] < outer],
        [0, 1, 2, 3],
        default=4,
    )
    classes = []
    for i, (lower, upper) in enumerate(bounds):
        members = v[ok][index[ok] == i]
        classes.append(
            MapClass(
                lower=lower,
                upper=upper,
                smallest=float(members.min()) if members.size else None,
                largest=float(members.max()) if members.size else None,
                count=int(members.size),
            )
        )
    return Classification(DIVERGING, tuple(classes), index)
